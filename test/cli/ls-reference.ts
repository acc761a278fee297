/**
 * An independent reference for the `ls` text forms, written with strings and `Date` (the library renders rows
 * as bytes with its own date arithmetic, views/rows.ts): what `isokit ls` and `formatLong`/`formatShort` must
 * print for walked entries.
 */
import type { TreeNode } from '../../src/model/index.js';
import { modeString } from '../../src/read/views/mode.js';

export interface RefEntry {
  readonly node: TreeNode;
  readonly path: string;
}

const escape = (s: string) => s.replace(/[\x00-\x1f\x7f\\]/g, (c) => (c === '\\' ? '\\\\' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));

function date(ms: number | undefined): string {
  const d = ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms);
  return !d || Number.isNaN(d.getTime()) ? '-'.padEnd(19) : d.toISOString().slice(0, 19).replace('T', ' ');
}

export function referenceLong(entries: readonly RefEntry[]): string {
  const rows = entries.map(({ node: n, path }) => [
    modeString(n.kind, n.mode),
    n.nlink !== undefined ? String(n.nlink) : '-',
    n.uid !== undefined ? String(n.uid) : '-',
    n.gid !== undefined ? String(n.gid) : '-',
    n.device ? `${n.device.major}, ${n.device.minor}` : String(n.size),
    date(n.mtimeMs),
    escape(path) + (n.kind === 'symlink' ? ` -> ${escape(n.symlinkTarget ?? '')}` : ''),
  ]);
  const widths = [0, 0, 0, 0, 0];
  for (const r of rows) for (let i = 0; i < 5; i++) widths[i] = Math.max(widths[i] as number, (r[i] as string).length);
  const lines = rows.map((r) => [r[0], (r[1] as string).padStart(widths[1] as number), (r[2] as string).padEnd(widths[2] as number), (r[3] as string).padEnd(widths[3] as number), (r[4] as string).padStart(widths[4] as number), r[5], r[6]].join(' '));
  return lines.length ? lines.join('\n') + '\n' : '';
}

export function referenceShort(entries: readonly RefEntry[]): string {
  const lines = entries.map(({ node, path }) => escape(path) + (node.kind === 'dir' ? '/' : ''));
  return lines.length ? lines.join('\n') + '\n' : '';
}
