import { intOption, parseCommandArgs } from '../args.js';
import { Exit, UsageError, type CliContext } from '../context.js';
import { formatBytes, formatDuration, printJson } from '../output.js';
import { ttyLine } from '../render/progress-line.js';
import type { RipProgress, RipSummary } from '../../node/rip/index.js';

/** Exit status of a rip that finished with unreadable blocks (README "Exit codes"). */
export const EXIT_INCOMPLETE = 10;

export const summary = 'copy a disc (or any block device or file) to an image, with retries and a ddrescue map';
export const usage = `usage: isokit rip SOURCE -o OUT.iso [--map MAP] [--retries N] [--resume] [--sums FILE|URL] [--no-verify] [--json]

Copy the image on SOURCE — an optical drive (/dev/sr0), any block device or a file — into OUT.iso.
The size comes from the disc's table of contents and the file system (the ISO 9660 volume size, or the
end of the last partition of a hybrid image), never from the device size: padding and TAO run-out blocks
after the image are not copied. Audio CDs are refused; a mixed-mode CD gives its data track.

Reading works like GNU ddrescue: large direct reads first, then failed areas block by block (trimming,
scraping), then --retries passes over the bad blocks. The map (default OUT.iso.map) is a GNU ddrescue
mapfile, saved as the rip goes: --resume continues an interrupted rip from it (ddrescue can too), and
ddrescuelog reads it. Unreadable blocks are zero-filled. OUT.iso is written under a temporary name
(.OUT.iso.partial) and renamed when the passes are done. At the end, what the image carries is checked:
an implanted isomd5sum, xorriso MD5 tags, and checksum files beside OUT.iso or given with --sums.

  -o, --output OUT   the image to write (required)
  --map MAP          the mapfile (default OUT.map)
  --retries N        passes over bad blocks after scraping (default 3)
  --resume           continue from MAP (also retries the missing blocks of a finished rip)
  --sums FILE|URL    a checksum file (SHA256SUMS…) naming OUT's file name, for the final check
  --no-verify        skip the final check
  --json             progress as JSON lines on stderr, the summary on stdout

Exit status: 0 every block was read (and the checks passed), ${EXIT_INCOMPLETE} some blocks stayed unreadable
(zero-filled; one line gives their count), 3 a check failed, 1 failed, 130 interrupted (resume with --resume).
`;

/** The progress line: phase and pass, percent, bytes, speed, bad and pending blocks, ETA while copying. */
function formatProgress(p: RipProgress): string {
  let line = `${p.phase}${p.pass && p.phase !== 'verifying' && p.phase !== 'checking' ? ` ${p.pass}` : ''}`.padEnd(11);
  if (p.totalBytes) line += ` ${Math.min(100, (p.bytes / p.totalBytes) * 100).toFixed(0).padStart(3)}% ${formatBytes(p.bytes)}/${formatBytes(p.totalBytes)}`;
  if (p.speed) line += ` ${formatBytes(p.speed)}/s`;
  if (p.badBytes) line += ` bad ${Math.ceil(p.badBytes / 2048)} blocks`;
  if (p.pendingBytes) line += ` pending ${formatBytes(p.pendingBytes)}`;
  if (p.eta !== undefined && p.totalBytes && (p.phase === 'copying' || p.phase === 'verifying')) line += ` ETA ${formatDuration(p.eta)}`;
  return line;
}

/** 100,101,102,200 → "100–102, 200" */
export function blockRanges(blocks: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < blocks.length;) {
    let j = i;
    while (j + 1 < blocks.length && (blocks[j + 1] as number) === (blocks[j] as number) + 1) j++;
    out.push(i === j ? String(blocks[i]) : `${blocks[i]}–${blocks[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

const BASIS: Record<RipSummary['extent']['basis'], string> = {
  iso9660: 'size from the ISO 9660 volume',
  partitions: 'size from the partition table (hybrid image)',
  toc: "size from the disc's table of contents",
  device: 'size of the device (no file system found)',
};

function renderSummary(ctx: CliContext, s: RipSummary): void {
  const lines = [
    `${s.resumed ? 'resumed rip of' : 'ripped'} ${s.source.path} (${s.source.kind.replace('-', ' ')}) → ${s.output}: ${formatBytes(s.byteLength)} (${Math.ceil(s.byteLength / 2048)} blocks, ${BASIS[s.extent.basis]}) in ${formatDuration(s.durationMs / 1000)}`,
  ];
  if (s.complete) lines.push(`  every block read${s.readErrors ? ` (${s.readErrors} read errors recovered by retries)` : ''}; map: ${s.map}`);
  else lines.push(`  ${s.missingBlocks} blocks UNREADABLE, zero-filled: ${blockRanges(s.firstMissingBlocks)}${s.missingBlocks > s.firstMissingBlocks.length ? ', …' : ''}; map: ${s.map}`);
  for (const n of s.notes) lines.push(`  ${n}`);
  if (s.verification) lines.push(`  check: ${s.verification.message}`);
  ctx.stdout.write(lines.join('\n') + '\n');
}

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    output: { type: 'string', short: 'o' },
    map: { type: 'string' },
    retries: { type: 'string' },
    resume: { type: 'boolean' },
    sums: { type: 'string' },
    'no-verify': { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('rip needs one SOURCE (see: isokit rip --help)');
  if (!values.output) throw new UsageError('rip needs -o OUT.iso');
  const retries = intOption(values.retries, '--retries', 0, 1000);
  const json = !!values.json;
  const { ripImage } = await import('../../node/rip/index.js');
  const tty = !json && !!ctx.stderr.isTTY && !ctx.env.ISOKIT_NO_PROGRESS ? ttyLine(ctx, formatProgress) : undefined;
  const emit = (o: Record<string, unknown>) => ctx.stderr.write(JSON.stringify(o) + '\n');
  let s: RipSummary;
  const { interrupted } = await import('./burn.js');
  try {
    s = await ripImage({
      source: positionals[0] as string,
      output: values.output,
      ...(values.map ? { map: values.map } : {}),
      ...(retries !== undefined ? { retries } : {}),
      ...(values.resume ? { resume: true } : {}),
      ...(values.sums ? { sums: values.sums } : {}),
      verify: !values['no-verify'],
      commandLine: ['isokit', 'rip', ...argv].join(' '),
      signal: ctx.signal,
      onProgress: json ? (p) => emit({ type: 'progress', ...p }) : tty?.update,
      onMessage: (level, text) => (json ? emit({ type: 'message', level, text }) : ctx.stderr.write(`isokit: ${level === 'warn' ? 'warning: ' : ''}${text}\n`)),
    });
  } catch (e) {
    tty?.done();
    return interrupted(ctx, e, json);
  } finally {
    tty?.done();
  }
  if (json) printJson(ctx, s);
  else renderSummary(ctx, s);
  if (!s.complete) {
    const text = `${s.missingBlocks} of ${Math.ceil(s.byteLength / 2048)} blocks could not be read (zero-filled in ${s.output}); isokit rip ${positionals[0]} -o ${values.output} --resume retries them`;
    if (json) emit({ type: 'message', level: 'warn', text });
    else ctx.stderr.write(`isokit: ${text}\n`);
    return EXIT_INCOMPLETE;
  }
  return s.verification?.status === 'mismatch' ? Exit.CHECK_FAILED : Exit.OK;
}
