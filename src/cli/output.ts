import type { CliContext } from './context.js';
import type { Progress } from '../io/index.js';

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
}

import { formatBytes } from '../read/views/units.js';

export { formatBytes };

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const t = Math.round(s);
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = t % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

/**
 * A progress line on stderr, redrawn at most 10 times a second, only when stderr is a TTY
 * (quiet otherwise). Shows phase, bytes/total, percent, speed and ETA.
 */
export class ProgressBar {
  private last = 0;
  private drawn = false;
  private readonly enabled: boolean;
  constructor(private readonly ctx: CliContext, enabled = true) {
    this.enabled = enabled && !!ctx.stderr.isTTY && !ctx.env.ISOKIT_NO_PROGRESS;
  }
  update = (p: Progress): void => {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && p.bytes !== p.totalBytes) return;
    this.last = now;
    const width = Math.max(10, Math.min(30, (this.ctx.stderr.columns ?? 80) - 60));
    let line = `${p.target ? p.target + ' ' : ''}${p.phase}`;
    if (p.totalBytes) {
      const frac = Math.min(1, p.bytes / p.totalBytes);
      const fill = Math.round(frac * width);
      line += ` [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${formatBytes(p.bytes)}/${formatBytes(p.totalBytes)}`;
    } else {
      line += ` ${formatBytes(p.bytes)}`;
    }
    if (p.files !== undefined) line += ` ${p.files}${p.totalFiles !== undefined ? '/' + p.totalFiles : ''} files`;
    if (p.speed) line += ` ${formatBytes(p.speed)}/s`;
    if (p.eta !== undefined && p.totalBytes) line += ` ETA ${formatDuration(p.eta)}`;
    this.ctx.stderr.write(`\r\x1b[2K${line}`);
    this.drawn = true;
  };
  done(): void {
    if (this.drawn) this.ctx.stderr.write('\r\x1b[2K');
    this.drawn = false;
  }
}
