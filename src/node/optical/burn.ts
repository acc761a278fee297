/**
 * `burnImage`: everything `isokit burn` does, as a library call — check the image (a disc image, not just
 * any file; its checksum/signature files as `write` checks them; its SHA-256 per MiB for the read-back),
 * open the drive, plan (medium state, capacity with padding, speed), confirm, blank if needed, burn one
 * closed data track through libburn, read back and compare, eject.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { ProgressMeter } from '../../io/index.js';
import { ioError } from '../errors.js';
import { inspectImageHead, type ImageInspection } from '../write/inspect.js';
import { checkIntegrity, type IntegrityReport } from '../write/integrity.js';
import { blankWithSession, type BlankResult } from './blank.js';
import { ONE_X_KBPS, parseSpeedRequest, speedFamily, type SpeedRequest } from './medium.js';
import { burnArgs, planBurn, type BlankPolicy, type BurnPlan } from './plan.js';
import { digestImage, verifyReadback, type ImageDigests, type ReadbackResult } from './readback.js';
import { kernelPathOf, withDrive, type BurnProgressCallback, type DriveSession, type DriveSessionOptions } from './session.js';
import { describeProblem, type XorrisoBatch } from './xorriso.js';
import type { Pacifier } from './xorriso-output.js';

export interface BurnOptions extends DriveSessionOptions {
  image: string;
  /** 'safe' (default), 'min', 'max', or 'Nx' */
  speed?: string;
  /** blank rewritable media when needed (default 'as-needed'); 'fast'/'full' also blank overwritable media */
  blank?: BlankPolicy;
  /** read back and compare (default true) */
  verify?: boolean;
  /** how to read back: 'auto' (default), 'direct' (kernel, O_DIRECT) or 'xorriso' (libburn) */
  verifyMethod?: 'auto' | 'direct' | 'xorriso';
  /** simulate (MMC test write: CD-R/RW, DVD-R/RW only) */
  dummy?: boolean;
  eject?: boolean;
  /** burn despite a checksum mismatch in the files beside the image */
  force?: boolean;
  /** the caller confirmed already */
  yes?: boolean;
  /** asked when `yes` is not set; resolve true to burn */
  confirm?: (plan: BurnPlan & { image: BurnImageInfo; integrity: IntegrityReport }) => Promise<boolean>;
  onProgress?: BurnProgressCallback;
  onMessage?: (level: 'info' | 'warn', text: string) => void;
}

export interface BurnImageInfo {
  readonly path: string;
  readonly byteLength: number;
  readonly inspection: ImageInspection;
  readonly sha256?: string;
}

export interface BurnSummary {
  readonly ok: boolean;
  readonly image: BurnImageInfo;
  readonly integrity: IntegrityReport;
  readonly drive: { path: string; vendor?: string; model?: string; medium: string; mediumState: string };
  readonly blank?: BlankResult;
  readonly speed: { asked: string; requested: string; requestedKBps?: number; reason: string; measuredBytesPerSecond?: number; measuredFactor?: number; unit: 'CD' | 'DVD' | 'BD' };
  readonly write: { bytes: number; ms: number; dummy: boolean; padding: number; writeType: string };
  readonly verification?: ReadbackResult;
  readonly ejected: boolean;
  readonly notes: string[];
  readonly durationMs: number;
}

/** A disc image: ISO 9660 or UDF. Anything else is refused with the hint that matters most. */
export async function checkBurnImage(path: string): Promise<BurnImageInfo> {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw ioError(e, path);
  }
  if (!st.isFile()) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path} is not a regular file: burn takes an image file (.iso)`);
  if (st.size === 0) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path} is empty`);
  const head = new Uint8Array(Math.min(st.size, 1 << 20));
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const inspection = await inspectImageHead(head);
  if (!inspection.iso9660 && !inspection.udf) {
    throw new IsoKitError(
      ErrorCode.UNSUPPORTED,
      `${path} is not a disc image (no ISO 9660 or UDF volume): burn copies an image block for block, so a plain file would not be readable as files. To put files on a disc, make an image first (isokit create DIR -o disc.iso) and burn that`,
      { data: { inspection } },
    );
  }
  return { path, byteLength: st.size, inspection };
}

const emit = (o: BurnOptions, p: Parameters<BurnProgressCallback>[0]) => o.onProgress?.(p);

/** Pacifier lines of the burn → progress objects (bytes from libburn, speed from our own meter). */
function writeProgress(o: BurnOptions, plan: BurnPlan): (text: string, pac?: Pacifier) => void {
  const target = plan.drive.path;
  const fam = speedFamily(plan.medium.type?.family ?? 'DVD');
  const meter = new ProgressMeter('writing', plan.imageByteLength);
  const t0 = Date.now();
  return (_text, pac) => {
    if (!pac) return;
    if (pac.kind === 'writing') {
      const p = meter.update(Math.min(pac.doneBytes, plan.imageByteLength));
      emit(o, {
        ...p, phase: 'writing', target, totalBytes: plan.imageByteLength,
        ...(p.speed ? { speedFactor: Math.round((p.speed / 1000 / ONE_X_KBPS[fam]) * 10) / 10, speedUnit: fam } : {}),
        ...(pac.bufferPercent !== undefined ? { bufferPercent: pac.bufferPercent } : {}),
        ...(pac.fifoPercent !== undefined ? { fifoPercent: pac.fifoPercent } : {}),
      });
    } else if (pac.kind === 'closing') {
      emit(o, { phase: 'closing', target, bytes: plan.imageByteLength, totalBytes: plan.imageByteLength, elapsed: Math.round((Date.now() - t0) / 1000) });
    }
  };
}

/** Burn: one `-as cdrecord` batch; success is libburn's "completed successfully" and nothing at FAILURE or worse. */
async function write(s: DriveSession, o: BurnOptions, plan: BurnPlan, image: BurnImageInfo): Promise<{ batch: XorrisoBatch; ms: number }> {
  emit(o, { phase: 'writing', target: plan.drive.path, bytes: 0, totalBytes: image.byteLength });
  const t0 = Date.now();
  const batch = await s.run(burnArgs(plan, image.path), writeProgress(o, plan));
  const ms = Date.now() - t0;
  const ok = batch.info.some((l) => /completed successfully/.test(l)) && batch.worst !== 'FAILURE' && batch.worst !== 'FATAL' && batch.worst !== 'ABORT';
  if (!ok) {
    const what = plan.medium.type?.name ?? 'medium';
    const hint = plan.medium.type?.erasable || plan.medium.type?.overwritable ? '' : ` — a write-once ${what} may now be unusable`;
    throw new IsoKitError(ErrorCode.IO, `burning failed: ${describeProblem(batch, 'SORRY') ?? 'libburn did not report success'}${hint}; if it keeps failing, try other media or another drive`, {
      data: { messages: batch.messages },
    });
  }
  emit(o, { phase: 'writing', target: plan.drive.path, bytes: image.byteLength, totalBytes: image.byteLength });
  return { batch, ms };
}

async function readBack(s: DriveSession, o: BurnOptions, plan: BurnPlan, image: BurnImageInfo, digests: ImageDigests): Promise<ReadbackResult> {
  // give the drive back to the kernel: libburn holds it exclusively
  await s.run(['-outdev', '']);
  const target = plan.drive.path;
  emit(o, { phase: 'verifying', target, bytes: 0, totalBytes: image.byteLength });
  return verifyReadback({
    device: kernelPathOf(target), xorrisoAddress: target, ...(o.xorriso ? { xorriso: o.xorriso } : {}),
    imagePath: image.path, digests, startLba: plan.startLba, method: o.verifyMethod ?? 'auto',
    ...(o.signal ? { signal: o.signal } : {}),
    onProgress: (bytes, totalBytes, speed, eta) => emit(o, { phase: 'verifying', target, bytes, totalBytes, ...(speed ? { speed } : {}), ...(eta !== undefined ? { eta } : {}) }),
  });
}

async function checkImage(o: BurnOptions): Promise<{ image: BurnImageInfo; integrity: IntegrityReport; digests?: ImageDigests; request: SpeedRequest }> {
  const request = parseSpeedRequest(o.speed ?? 'safe');
  if (!request) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `--speed must be safe, min, max or a number like 4x, got "${o.speed}"`);
  const target = o.drive ?? '';
  emit(o, { phase: 'checking', target, bytes: 0 });
  const image = await checkBurnImage(o.image);
  const integrity = await checkIntegrity(image.path, o.signal ? { signal: o.signal } : {});
  o.onMessage?.(integrity.blocking ? 'warn' : 'info', integrity.message);
  if (integrity.blocking && !o.force) throw new IsoKitError(ErrorCode.VERIFY_FAILED, `${integrity.message}; not burning (pass --force to burn it anyway)`, { data: { integrity } });
  let digests: ImageDigests | undefined;
  if (o.verify !== false && !o.dummy) {
    const meter = new ProgressMeter('checking', image.byteLength);
    digests = await digestImage(image.path, { ...(o.signal ? { signal: o.signal } : {}), onBytes: (n) => emit(o, { ...meter.update(n), phase: 'checking', target, totalBytes: image.byteLength }) });
  }
  return { image: digests ? { ...image, sha256: digests.sha256 } : image, integrity, ...(digests ? { digests } : {}), request };
}

/** Burn an image; throws before writing for refusals, and with what happened for failures after. */
export async function burnImage(opts: BurnOptions): Promise<BurnSummary> {
  if (!opts.yes && !opts.confirm) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'refusing to burn without confirmation: not on a terminal, pass --yes to confirm');
  let last: Parameters<BurnProgressCallback>[0] | undefined;
  const o: BurnOptions = { ...opts, onProgress: (p) => ((last = p), opts.onProgress?.(p)) };
  try {
    return await burn(o);
  } catch (e) {
    if (!(e instanceof IsoKitError) || e.code !== ErrorCode.ABORTED || !last) throw e;
    const where: Partial<Record<string, string>> = {
      writing: `interrupted while writing (${last.bytes} bytes sent): libburn stopped the drive; a write-once disc is usually unusable now, a rewritable one needs blanking`,
      closing: 'interrupted while closing the session: the disc may be unreadable',
      blanking: 'interrupted while blanking: blank the disc again before using it',
      verifying: 'interrupted while verifying: the image was burned but not fully checked',
    };
    throw new IsoKitError(ErrorCode.ABORTED, where[last.phase] ?? `interrupted while ${last.phase}: nothing was written`, { cause: e });
  }
}

async function burn(o: BurnOptions): Promise<BurnSummary> {
  const t0 = Date.now();
  const { image, integrity, digests, request } = await checkImage(o);
  return withDrive(o, async (s) => {
    let plan = planBurn({ drive: s.drive, imageByteLength: image.byteLength, speed: request, blank: o.blank ?? 'as-needed', dummy: !!o.dummy });
    for (const n of plan.notes) o.onMessage?.('info', n);
    if (!o.yes && !(await o.confirm?.({ ...plan, image, integrity }))) throw new IsoKitError(ErrorCode.CANCELLED, 'not confirmed: nothing was written');
    let blank: BlankResult | undefined;
    if (plan.blank) {
      blank = await blankWithSession(s, plan.blank, o);
      plan = planBurn({ drive: await s.refresh(), imageByteLength: image.byteLength, speed: request, blank: 'as-needed', dummy: !!o.dummy });
    }
    const { ms } = await write(s, o, plan, image);
    const notes = [...plan.notes];
    const verification = digests && !plan.dummy ? await readBack(s, o, plan, image, digests) : undefined;
    let ejected = false;
    if (o.eject && !plan.drive.path.startsWith('stdio:')) {
      const b = await s.run(['-outdev', plan.drive.path, '-eject', 'out']);
      ejected = !describeProblem(b, 'FAILURE');
      if (!ejected) notes.push(`eject failed: ${describeProblem(b, 'FAILURE')}`);
    }
    const fam = speedFamily(plan.medium.type?.family ?? 'DVD');
    const measured = ms > 0 ? Math.round(image.byteLength / (ms / 1000)) : undefined;
    emit(o, { phase: 'done', target: plan.drive.path, bytes: image.byteLength, totalBytes: image.byteLength });
    return {
      ok: verification ? verification.ok : true,
      image, integrity,
      drive: { path: plan.drive.path, ...(plan.drive.vendor ? { vendor: plan.drive.vendor } : {}), ...(plan.drive.model ? { model: plan.drive.model } : {}), medium: plan.medium.type?.name ?? plan.medium.current, mediumState: plan.medium.state },
      ...(blank ? { blank } : {}),
      speed: {
        asked: o.speed ?? 'safe', requested: plan.speed.xorriso, reason: plan.speed.reason, unit: fam,
        ...(plan.speed.requested ? { requestedKBps: plan.speed.requested.kBps } : {}),
        ...(measured ? { measuredBytesPerSecond: measured, measuredFactor: Math.round((measured / 1000 / ONE_X_KBPS[fam]) * 10) / 10 } : {}),
      },
      write: { bytes: image.byteLength, ms, dummy: plan.dummy, padding: plan.paddingBytes, writeType: plan.writeType },
      ...(verification ? { verification } : {}),
      ejected, notes, durationMs: Date.now() - t0,
    };
  });
}

