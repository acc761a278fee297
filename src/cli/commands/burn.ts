import { parseCommandArgs } from '../args.js';
import { Exit, UsageError, type CliContext } from '../context.js';
import { formatBytes, formatDuration, printJson } from '../output.js';
import { ttyLine } from '../render/progress-line.js';
import { readLine } from './write.js';
import type { BurnProgress, BurnSummary } from '../../node/optical/index.js';
import type { BurnPlan } from '../../node/optical/plan.js';
import type { OpticalDrive } from '../../node/optical/drives.js';

export const summary = 'burn an image to a CD, DVD or BD (safe speed, verified), or blank a rewritable disc';
export const usage = `usage: isokit burn IMAGE [--drive DEV] [--speed safe|min|max|Nx] [--blank as-needed|fast|full]
                   [--no-verify] [--dummy] [--eject] [--force] [--yes] [--json]
       isokit burn --blank fast|full|as-needed [--drive DEV] [--yes] [--json]     (blank only)

Burn IMAGE (an ISO 9660 or UDF disc image) block for block to the disc in an optical drive, through
libburn (Debian package xorriso). Before anything is written: the checksum/signature files beside IMAGE
are checked (as isokit write does), a file that is not a disc image is refused, and the image must fit
the disc with its padding. The drive and disc are named and, on a terminal, you confirm with "yes".

  --drive DEV     /dev/srN (default: the only optical drive; see isokit drives), or stdio:FILE — libburn's
                  pseudo-drive: the whole burn and verification on a regular file
  --speed S       safe (default): the lowest speed the drive lists for the disc that is at least 4x CD,
                  4x DVD or 2x BD, never above its maximum; min; max; or e.g. 8x. The drive takes it as
                  an upper limit; requested and measured speeds are reported.
  --blank B       as-needed (default): blank a used CD-RW/DVD-RW first; fast/full: also invalidate an
                  overwritable disc (DVD+RW, BD-RE) first. Without IMAGE: only blank.
  --no-verify     skip the read-back (default: read back exactly the image's blocks and compare SHA-256)
  --dummy         simulate (laser off): CD-R/RW and DVD-R/RW only
  --eject         eject the disc at the end
  --force         burn although a checksum file beside IMAGE does not match
  --yes, -y       do not ask (required when not on a terminal)
  --json          progress as JSON lines on stderr ({"type":"progress",…}), the summary on stdout

Exit status: 0 burned (and verified), 3 the read-back differs from the image, 1 failed or refused,
130 interrupted (Ctrl-C cancels cleanly; an interrupted write-once disc is usually unusable).
`;

const BLANKS = ['as-needed', 'fast', 'full'] as const;
type Blank = (typeof BLANKS)[number];

function describeDrive(d: OpticalDrive): string {
  const ident = [d.vendor, d.model].filter(Boolean).join(' ');
  return `${d.path}${ident ? ` (${ident})` : ''}`;
}

function describeMedium(d: OpticalDrive): string {
  const m = d.medium;
  if (!m) return 'no medium information';
  const state = m.state === 'appendable' ? 'written, appendable' : m.state;
  const cap = m.capacityBytes !== undefined ? `, room for ${formatBytes(m.capacityBytes)}` : '';
  return `${m.type?.name ?? m.current}, ${state}${cap}`;
}

async function confirmBurn(ctx: CliContext, plan: BurnPlan & { image: { path: string; byteLength: number; inspection: { volumeId?: string } }; integrity: { message: string } }): Promise<boolean> {
  const out = ctx.stderr;
  out.write(`\nimage:  ${plan.image.path}, ${formatBytes(plan.image.byteLength)}${plan.image.inspection.volumeId ? `, volume "${plan.image.inspection.volumeId}"` : ''}\n        ${plan.integrity.message}\n`);
  out.write(`drive:  ${describeDrive(plan.drive)}\ndisc:   ${describeMedium(plan.drive)}\n`);
  if (plan.blank) out.write(`        it will be BLANKED first (${plan.blank}): ALL DATA ON IT WILL BE ERASED\n`);
  out.write(`speed:  ${plan.speed.reason}\n`);
  out.write(`\n${plan.dummy ? 'Simulate burning (--dummy)' : 'Burn'} the image to this disc? Type "yes" to go on: `);
  return (await readLine(ctx)) === 'yes';
}

async function confirmBlank(ctx: CliContext, d: OpticalDrive): Promise<boolean> {
  ctx.stderr.write(`\ndrive:  ${describeDrive(d)}\ndisc:   ${describeMedium(d)}\n\nALL DATA ON THIS DISC WILL BE ERASED. Type "yes" to blank it: `);
  return (await readLine(ctx)) === 'yes';
}

/** The progress line: phase, percent, bytes, speed in x and bytes/s, drive buffer, elapsed or ETA. */
function formatProgress(p: BurnProgress): string {
  let line = p.phase.padEnd(9);
  if (p.totalBytes) line += ` ${Math.min(100, (p.bytes / p.totalBytes) * 100).toFixed(0).padStart(3)}% ${formatBytes(p.bytes)}/${formatBytes(p.totalBytes)}`;
  if (p.speedFactor !== undefined) line += ` ${p.speedFactor}x ${p.speedUnit ?? ''}`.trimEnd();
  if (p.speed) line += ` ${formatBytes(p.speed)}/s`;
  if (p.bufferPercent !== undefined) line += ` buf ${p.bufferPercent}%`;
  if (p.elapsed !== undefined) line += ` ${formatDuration(p.elapsed)} elapsed`;
  if (p.eta !== undefined && p.totalBytes) line += ` ETA ${formatDuration(p.eta)}`;
  return line;
}

function renderSummary(ctx: CliContext, s: BurnSummary): void {
  const blocks = Math.ceil(s.image.byteLength / 2048);
  const lines = [`${s.write.dummy ? 'simulated burning' : 'burned'} ${s.image.path} (${formatBytes(s.image.byteLength)}, ${blocks} blocks) to ${s.drive.path} (${[s.drive.vendor, s.drive.model].filter(Boolean).join(' ') || 'drive'}, ${s.drive.medium}) in ${formatDuration(s.durationMs / 1000)}`];
  if (s.blank) lines.push(`  blanked first (${s.blank.mode}, ${formatDuration(s.blank.ms / 1000)})`);
  const measured = s.speed.measuredBytesPerSecond ? `; measured ${s.speed.measuredFactor}x ${s.speed.unit} (${formatBytes(s.speed.measuredBytesPerSecond)}/s on average)` : '';
  lines.push(`  speed: asked ${s.speed.asked}, requested ${s.speed.requested} — ${s.speed.reason}${measured}`);
  if (s.verification) lines.push(`  ${s.verification.ok ? 'verified' : 'VERIFICATION FAILED'}: ${s.verification.message}${s.verification.ok ? '' : ` (read ${s.verification.method})`}`);
  else lines.push(`  not verified${s.write.dummy ? ' (simulation)' : ' (--no-verify)'}`);
  for (const n of s.notes) lines.push(`  ${n}`);
  if (s.ejected) lines.push('  ejected');
  ctx.stdout.write(lines.join('\n') + '\n');
}

/** Ctrl-C: the library's one line on what the interruption means (instead of a bare "interrupted"). */
export async function interrupted(ctx: CliContext, e: unknown, json: boolean): Promise<number> {
  const { ErrorCode, IsoKitError } = await import('../../errors/index.js');
  if (!(e instanceof IsoKitError) || e.code !== ErrorCode.ABORTED || !ctx.signal.aborted) throw e;
  if (json) ctx.stdout.write(JSON.stringify({ ok: false, error: e.toJSON(), exitCode: Exit.INTERRUPTED }) + '\n');
  else ctx.stderr.write(`isokit: ${e.message}\n`);
  return Exit.INTERRUPTED;
}

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    drive: { type: 'string' },
    speed: { type: 'string' },
    blank: { type: 'string' },
    'no-verify': { type: 'boolean' },
    dummy: { type: 'boolean' },
    eject: { type: 'boolean' },
    force: { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
  });
  if (positionals.length > 1) throw new UsageError('burn takes one IMAGE (see: isokit burn --help)');
  const blank = values.blank as Blank | undefined;
  if (blank !== undefined && !BLANKS.includes(blank)) throw new UsageError(`--blank must be as-needed, fast or full, got "${blank}"`);
  const image = positionals[0];
  if (!image && !blank) throw new UsageError('burn needs an IMAGE, or --blank MODE to only blank a disc (see: isokit burn --help)');
  const json = !!values.json;
  const { burnImage, blankMedium } = await import('../../node/optical/index.js');
  const interactive = !values.yes && !!ctx.stdin.isTTY && !!ctx.stderr.isTTY;
  const tty = !json && !!ctx.stderr.isTTY && !ctx.env.ISOKIT_NO_PROGRESS ? ttyLine(ctx, formatProgress) : undefined;
  const emit = (o: Record<string, unknown>) => ctx.stderr.write(JSON.stringify(o) + '\n');
  const common = {
    ...(values.drive ? { drive: values.drive } : {}),
    ...(values.yes ? { yes: true } : {}),
    signal: ctx.signal,
    onProgress: json ? (p: BurnProgress) => emit({ type: 'progress', ...p }) : tty?.update,
    onMessage: (level: 'info' | 'warn', text: string) => (json ? emit({ type: 'message', level, text }) : ctx.stderr.write(`isokit: ${level === 'warn' ? 'warning: ' : ''}${text}\n`)),
  };
  try {
    if (!image) {
      const r = await blankMedium({ ...common, mode: blank as Blank, ...(interactive ? { confirm: (d: OpticalDrive) => confirmBlank(ctx, d) } : {}) });
      tty?.done();
      if (json) printJson(ctx, { ok: true, drive: r.drive.path, mode: r.mode, ms: r.ms, stateAfter: r.stateAfter });
      else ctx.stdout.write(`blanked ${describeDrive(r.drive)} (${r.mode}) in ${formatDuration(r.ms / 1000)}: the disc is now ${r.stateAfter}\n`);
      return Exit.OK;
    }
    const s = await burnImage({
      ...common,
      image,
      ...(values.speed ? { speed: values.speed } : {}),
      ...(blank ? { blank } : {}),
      verify: !values['no-verify'],
      ...(values.dummy ? { dummy: true } : {}),
      ...(values.eject ? { eject: true } : {}),
      ...(values.force ? { force: true } : {}),
      ...(interactive ? { confirm: (p) => confirmBurn(ctx, p) } : {}),
    });
    tty?.done();
    if (json) printJson(ctx, s);
    else renderSummary(ctx, s);
    return s.verification && !s.verification.ok ? Exit.CHECK_FAILED : Exit.OK;
  } catch (e) {
    tty?.done();
    return interrupted(ctx, e, json);
  } finally {
    tty?.done();
  }
}
