/**
 * Blanking and formatting (xorriso -blank, xorriso(1)): `fast` makes a used CD-RW or sequential DVD-RW
 * writable again (on overwritable media it invalidates the ISO 9660 superblock), `all` blanks the whole
 * medium, `as_needed` blanks used rewritables and formats unformatted DVD-RAM/BD-RE. xorriso(1) warns that
 * the drive's percentages while blanking "are quite unrealistic", so progress reports elapsed seconds and
 * success is decided by the absence of a SORRY event or worse, as the manual says.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import type { OpticalDrive } from './drives.js';
import type { XorrisoBlankMode } from './plan.js';
import { withDrive, type BurnProgressCallback, type DriveSession, type DriveSessionOptions } from './session.js';
import { describeProblem } from './xorriso.js';

export interface BlankResult {
  readonly mode: XorrisoBlankMode;
  readonly ms: number;
  /** the medium's state afterwards */
  readonly stateAfter: string;
}

export interface BlankOptions extends DriveSessionOptions {
  /** 'as-needed' (default), 'fast' or 'full' */
  mode?: 'as-needed' | 'fast' | 'full';
  yes?: boolean;
  confirm?: (drive: OpticalDrive) => Promise<boolean>;
  onProgress?: BurnProgressCallback;
  onMessage?: (level: 'info' | 'warn', text: string) => void;
}

const MODES: Record<NonNullable<BlankOptions['mode']>, XorrisoBlankMode> = { 'as-needed': 'as_needed', fast: 'fast', full: 'all' };

/** Blank the session's drive (already acquired) in `mode`. */
export async function blankWithSession(s: DriveSession, mode: XorrisoBlankMode, o: { onProgress?: BurnProgressCallback }): Promise<BlankResult> {
  const target = s.drive.path;
  const t0 = Date.now();
  o.onProgress?.({ phase: 'blanking', target, bytes: 0, elapsed: 0 });
  const batch = await s.run(['-outdev', target, '-blank', mode], (_text, pac) => {
    if (pac?.kind === 'blanking' || pac?.kind === 'formatting') {
      o.onProgress?.({ phase: pac.kind, target, bytes: 0, elapsed: pac.seconds, ...(pac.percent !== undefined ? { percent: pac.percent } : {}) });
    }
  });
  const problem = describeProblem(batch, 'SORRY');
  if (problem) throw new IsoKitError(ErrorCode.IO, `blanking ${target} failed: ${problem}`, { data: { messages: batch.messages } });
  const after = await s.refresh();
  return { mode, ms: Date.now() - t0, stateAfter: after.medium?.state ?? 'unknown' };
}

/** Blank or format the medium in a drive (`isokit burn --blank MODE` without an image). */
export async function blankMedium(o: BlankOptions): Promise<BlankResult & { drive: OpticalDrive }> {
  if (!o.yes && !o.confirm) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'refusing to blank without confirmation: not on a terminal, pass --yes to confirm');
  return withDrive(o, async (s) => {
    const m = s.drive.medium;
    const t = m?.type;
    if (!m || m.state === 'absent') throw new IsoKitError(ErrorCode.UNSUPPORTED, `no disc in ${s.drive.path}`);
    if (!t || (!t.erasable && !t.overwritable)) throw new IsoKitError(ErrorCode.UNSUPPORTED, `the ${t?.name ?? m.current} in ${s.drive.path} cannot be blanked (only CD-RW, DVD-RW, DVD+RW, DVD-RAM, BD-RE and files)`);
    if (!o.yes && !(await o.confirm?.(s.drive))) throw new IsoKitError(ErrorCode.CANCELLED, 'not confirmed: nothing was blanked');
    const r = await blankWithSession(s, MODES[o.mode ?? 'as-needed'], o);
    o.onProgress?.({ phase: 'done', target: s.drive.path, bytes: 0 });
    return { ...r, drive: s.drive };
  });
}
