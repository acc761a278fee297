import { parseCommandArgs } from '../args.js';
import { Exit, UsageError, type CliContext } from '../context.js';
import { formatBytes, formatDuration, printJson } from '../output.js';
import type { WritePlan, WriteSummary, WriteProgress } from '../../node/write/index.js';

export const summary = 'write an image to USB sticks, disks or disk-image files';
export const usage = `usage: isokit write IMAGE TARGET… [--yes] [--verify|--no-verify] [--unmount] [--force]
                    [--mode auto|raw] [--expect DIGEST] [--json]

Write IMAGE (a file, .gz/.xz/.zst/.bz2 decompressed on the fly, or an http(s) URL) to every TARGET at
once: block devices (see: isokit drives) or regular files (disk images; created when missing). One source
read feeds all targets; a failing target is reported and the others finish.

Before writing, each target is shown and, on a terminal, you confirm by typing the device name or "yes".
Refused: system disks, mounted targets (unless --unmount), read-only devices, targets smaller than the
image, partitions; non-removable disks need --force. Checksum/signature files beside IMAGE are checked
first; a mismatch stops the write unless --force.

  --yes, -y       do not ask (required when not on a terminal)
  --no-verify     skip the read-back comparison (default: --verify)
  --unmount       unmount the target's file systems first (umount)
  --force         write to non-removable disks; write despite a checksum mismatch
  --mode auto     inspect the image: hybrid ISO / disk image → raw copy; El-Torito-only ISO (Windows
                  install media) → stop with an explanation; plain data ISO → warn  (default)
  --mode raw      copy the image as it is, whatever it is
  --expect D      known digest of IMAGE (or the download): sha256:HEX or bare hex; checked while writing
  --json          progress as JSON lines on stderr ({"type":"progress",…}), the summary on stdout

Exit status: 0 all targets written (and verified), 1 a target failed or was refused, 3 a verification
failed. Writing devices needs root: rerun with sudo when told so.
`;

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** One line typed on stdin (the confirmation prompts of write and burn). */
export function readLine(ctx: CliContext): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const onData = (d: Buffer | string) => {
      buf += d.toString();
      const i = buf.indexOf('\n');
      if (i >= 0) done(buf.slice(0, i));
    };
    const done = (line: string) => {
      ctx.stdin.off('data', onData);
      ctx.stdin.off('end', onEnd);
      (ctx.stdin as NodeJS.ReadStream).pause?.();
      resolve(line.trim());
    };
    const onEnd = () => done(buf);
    ctx.stdin.on('data', onData);
    ctx.stdin.on('end', onEnd);
    (ctx.stdin as NodeJS.ReadStream).resume?.();
  });
}

async function confirmOnTty(ctx: CliContext, plan: WritePlan): Promise<boolean> {
  const out = ctx.stderr;
  const src = plan.source;
  const size = src.byteLength !== undefined ? `${formatBytes(src.byteLength)}${src.byteLengthExact ? '' : ' (at least)'}` : 'size unknown until written';
  out.write(`\nimage:  ${src.name}${src.compression ? ` (${src.compression})` : ''}, ${size}\n        ${plan.inspection.message}\n        ${plan.integrity.message}\n`);
  out.write(`\nALL DATA ON THESE TARGETS WILL BE ERASED:\n`);
  for (const t of plan.targets) out.write(`  ${t.description}\n`);
  const names = plan.targets.map((t) => t.path.replace(/^\/dev\//, ''));
  out.write(`\nType ${names.length === 1 ? `the device name (${names[0]})` : 'the device names separated by spaces'} or "yes" to go on: `);
  const answer = await readLine(ctx);
  return answer === 'yes' || answer.split(/\s+/).sort().join(' ') === [...names].sort().join(' ') || answer.split(/\s+/).sort().join(' ') === plan.targets.map((t) => t.path).sort().join(' ');
}

/** Multi-line progress on a TTY: one line per target, redrawn in place. */
class TtyProgress {
  private readonly lines = new Map<string, string>();
  private drawn = 0;
  private last = 0;
  constructor(private readonly ctx: CliContext) {}
  update = (p: WriteProgress): void => {
    if (!p.target) return;
    let line = `${p.target} ${p.phase}`;
    if (p.totalBytes) line += ` ${Math.min(100, (p.bytes / p.totalBytes) * 100).toFixed(0).padStart(3)}% ${formatBytes(p.bytes)}/${formatBytes(p.totalBytes)}`;
    else line += ` ${formatBytes(p.bytes)}`;
    if (p.speed) line += ` ${formatBytes(p.speed)}/s`;
    if (p.eta !== undefined && p.totalBytes) line += ` ETA ${formatDuration(p.eta)}`;
    this.lines.set(p.target, line);
    const now = Date.now();
    if (now - this.last < 100 && p.phase !== 'done' && p.phase !== 'failed') return;
    this.last = now;
    this.draw();
  };
  private draw(): void {
    const up = this.drawn ? `\x1b[${this.drawn}A` : '';
    const body = [...this.lines.values()].map((l) => `\r\x1b[2K${l}`).join('\n');
    this.ctx.stderr.write(`${up}${body}\n`);
    this.drawn = this.lines.size;
  }
  done(): void {
    if (this.lines.size) this.draw();
  }
}

function renderSummary(ctx: CliContext, s: WriteSummary): void {
  const lines = [`${formatBytes(s.imageByteLength)} (${s.imageByteLength} bytes) from ${s.source.name} in ${formatDuration(s.durationMs / 1000)}`];
  for (const t of s.targets) {
    if (t.ok) {
      const how = t.verified ? `verified (${t.verifyMethod === 'compare' ? 'byte comparison with the image' : 'SHA-256 per MiB'})` : 'not verified (--no-verify)';
      lines.push(`  ok      ${t.path}: written${t.direct ? ' (O_DIRECT)' : ''}, ${how}`);
    } else {
      lines.push(`  FAILED  ${t.path} while ${t.phase}: ${t.error?.message ?? 'unknown error'}`);
    }
    for (const n of t.notes) lines.push(`          ${n}`);
  }
  ctx.stdout.write(lines.join('\n') + '\n');
}

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    yes: { type: 'boolean', short: 'y' },
    verify: { type: 'boolean' },
    'no-verify': { type: 'boolean' },
    unmount: { type: 'boolean' },
    force: { type: 'boolean' },
    mode: { type: 'string' },
    expect: { type: 'string' },
  });
  if (positionals.length < 2) throw new UsageError('write needs IMAGE and at least one TARGET (see: isokit write --help)');
  if (values.verify && values['no-verify']) throw new UsageError('--verify and --no-verify contradict each other');
  const mode = values.mode ?? 'auto';
  if (mode !== 'auto' && mode !== 'raw') throw new UsageError(`--mode must be auto or raw, got "${mode}"`);
  const [image, ...targets] = positionals as [string, ...string[]];
  const json = !!values.json;
  const { writeImage } = await import('../../node/write/index.js');
  const { ErrorCode, IsoKitError } = await import('../../errors/index.js');
  const interactive = !values.yes && !!ctx.stdin.isTTY && !!ctx.stderr.isTTY;
  const tty = !json && !!ctx.stderr.isTTY && !ctx.env.ISOKIT_NO_PROGRESS ? new TtyProgress(ctx) : undefined;
  const emit = (o: Record<string, unknown>) => ctx.stderr.write(JSON.stringify(o) + '\n');
  let summaryOut: WriteSummary;
  try {
    summaryOut = await writeImage({
      image,
      targets,
      mode,
      verify: !values['no-verify'],
      ...(values.force ? { force: true } : {}),
      ...(values.unmount ? { unmount: true } : {}),
      ...(values.expect ? { expect: values.expect } : {}),
      ...(values.yes ? { yes: true } : {}),
      ...(interactive ? { confirm: (plan: WritePlan) => confirmOnTty(ctx, plan) } : {}),
      signal: ctx.signal,
      onProgress: json ? (p) => emit({ type: 'progress', ...p }) : tty?.update,
      onMessage: (level, text) => (json ? emit({ type: 'message', level, text }) : ctx.stderr.write(`isokit: ${level === 'warn' ? 'warning: ' : ''}${text}\n`)),
    });
  } catch (e) {
    tty?.done();
    if (e instanceof IsoKitError && e.code === ErrorCode.PERMISSION && process.getuid?.() !== 0) {
      throw new IsoKitError(ErrorCode.PERMISSION, `${e.message.replace(/^refusing to write: /, '')} — rerun as root: sudo isokit write ${argv.map(shellQuote).join(' ')}`);
    }
    throw e;
  }
  tty?.done();
  if (json) printJson(ctx, summaryOut);
  else renderSummary(ctx, summaryOut);
  const failed = summaryOut.targets.filter((t) => !t.ok);
  if (!failed.length) return Exit.OK;
  if (!json && process.getuid?.() !== 0 && failed.some((t) => t.error?.code === ErrorCode.PERMISSION)) {
    ctx.stderr.write(`isokit: rerun as root: sudo isokit write ${argv.map(shellQuote).join(' ')}\n`);
  }
  return failed.every((t) => t.error?.code === ErrorCode.VERIFY_FAILED) ? Exit.CHECK_FAILED : Exit.FAILED;
}
