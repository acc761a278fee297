import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parseCommandArgs } from '../args.js';
import { Exit, UsageError, type CliContext } from '../context.js';
import { formatBytes, formatDuration, printJson } from '../output.js';
import type { WritePlan, WriteSummary, WriteProgress } from '../../node/write/index.js';

export const summary = 'write an image to USB sticks, disks or disk-image files';
export const usage = `usage: isokit write IMAGE TARGET… [--yes] [--verify|--no-verify] [--unmount] [--force]
                    [--mode auto|raw|windows] [--expect DIGEST] [--json]
                    [--scheme gpt|mbr] [--size SIZE] [--split-size SIZE] [--unattend FILE | --win11-bypass]

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
  --mode auto     inspect the image: Windows install media → build a Windows stick (below); hybrid ISO /
                  disk image → raw copy; other El-Torito-only ISO → stop with an explanation; plain
                  data ISO → warn  (default)
  --mode windows  build a Windows stick (refused when IMAGE is not Windows install media)
  --mode raw      copy the image as it is, whatever it is
  --expect D      known digest of IMAGE (or the download): sha256:HEX or bare hex; checked while writing
  --json          progress as JSON lines on stderr ({"type":"progress",…}), the summary on stdout

Windows sticks (a local Windows install .iso): GPT with one Basic Data partition from 1 MiB to the end of
the stick, FAT32, the ISO's files copied from its UDF tree; boots through UEFI (legacy BIOS: not provided).
  --scheme mbr    MBR with one active FAT32 (0x0C) partition instead of GPT
  --size SIZE     size of a disk-image file target (e.g. 8G, 7500M; default: the files + 64 MiB free)
  --split-size S  split sources/install.wim into install.swm, install2.swm, … of at most S when it is
                  larger (default: only when it is 4 GiB or more, into parts of 4094 MiB)
  --unattend FILE copy FILE to the stick's root as autounattend.xml
  --win11-bypass  write an autounattend.xml that skips Windows 11's TPM, Secure Boot and RAM checks
                  (LabConfig BypassTPMCheck, BypassSecureBootCheck, BypassRAMCheck) and the online
                  account (OOBE BypassNRO)

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
  const what = plan.windows ? `${plan.windows.summary}: a FAT32 stick is built from its files\n        ${plan.windows.bootNote}` : plan.inspection.message;
  out.write(`\nimage:  ${src.name}${src.compression ? ` (${src.compression})` : ''}, ${size}\n        ${what}\n        ${plan.integrity.message}\n`);
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
  // the head line says what was planned; how many targets got it, when not all did
  const ok = s.targets.filter((t) => t.ok).length;
  const got = ok === s.targets.length ? '' : `: ${ok} of ${s.targets.length} target${s.targets.length > 1 ? 's' : ''} written`;
  const lines = s.windows
    ? [`Windows stick${s.targets.length > 1 ? 's' : ''} from ${s.source.name} in ${formatDuration(s.durationMs / 1000)} (${s.windows.sticks.map((k) => `${formatBytes(k.writtenByteLength)} to write of a ${formatBytes(k.byteLength)} disk`).join('; ')})${got}`]
    : [`${formatBytes(s.imageByteLength)} (${s.imageByteLength} bytes) from ${s.source.name} in ${formatDuration(s.durationMs / 1000)}${got}`];
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

/** "8G", "7500M", "4094MiB", "123456" (bytes) → bytes (binary units). */
export function parseByteSize(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(?:([kmgt])(?:i?b)?|b)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`${what}: "${text}" is not a size (e.g. 8G, 7500M, 4094MiB or bytes)`);
  const scale = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[(m[2] ?? '').toLowerCase() as 'k'] ?? 1;
  const n = Math.round(Number(m[1]) * scale);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${what}: "${text}" is out of range`);
  return n;
}

function windowsOptions(values: Record<string, string | boolean | undefined>, ctxCwd: string): import('../../node/write/index.js').WindowsStickRequest {
  const scheme = values.scheme as string | undefined;
  if (scheme !== undefined && scheme !== 'gpt' && scheme !== 'mbr') throw new UsageError(`--scheme must be gpt or mbr, got "${scheme}"`);
  if (values.unattend && values['win11-bypass']) throw new UsageError('--unattend and --win11-bypass both write autounattend.xml: give one');
  let unattend: Uint8Array | undefined;
  if (typeof values.unattend === 'string') {
    try {
      unattend = new Uint8Array(readFileSync(resolvePath(ctxCwd, values.unattend)));
    } catch (e) {
      throw new UsageError(`--unattend ${values.unattend}: ${(e as Error).message}`);
    }
  }
  const size = typeof values.size === 'string' ? parseByteSize(values.size, '--size') : undefined;
  if (size !== undefined && size % 512 !== 0) throw new UsageError(`--size: "${values.size}" is not a whole number of 512-byte sectors`);
  return {
    ...(scheme ? { scheme } : {}),
    ...(size !== undefined ? { imageByteLength: size } : {}),
    ...(typeof values['split-size'] === 'string' ? { splitByteLength: parseByteSize(values['split-size'], '--split-size') } : {}),
    ...(unattend ? { unattend } : {}),
    ...(values['win11-bypass'] ? { win11Bypass: true } : {}),
  };
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
    scheme: { type: 'string' },
    size: { type: 'string' },
    'split-size': { type: 'string' },
    unattend: { type: 'string' },
    'win11-bypass': { type: 'boolean' },
  });
  if (positionals.length < 2) throw new UsageError('write needs IMAGE and at least one TARGET (see: isokit write --help)');
  if (values.verify && values['no-verify']) throw new UsageError('--verify and --no-verify contradict each other');
  const mode = values.mode ?? 'auto';
  if (mode !== 'auto' && mode !== 'raw' && mode !== 'windows') throw new UsageError(`--mode must be auto, raw or windows, got "${mode}"`);
  const windows = windowsOptions(values, process.cwd());
  if (mode === 'raw' && Object.keys(windows).length) throw new UsageError('--scheme, --size, --split-size, --unattend and --win11-bypass apply to Windows sticks, not to --mode raw');
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
      windows,
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
