/**
 * `writeImage`: everything `isokit write` does, as a library call — open the image (file, compressed,
 * URL), inspect it (--mode auto), check its integrity, check every target (refusals before any byte is
 * written), confirm, unmount, write all targets in parallel, flush, re-read partition tables, verify.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import type { ListDrivesOptions } from '../drives.js';
import { inspectImageHead, type ImageInspection } from './inspect.js';
import { checkIntegrity, type IntegrityReport } from './integrity.js';
import { writeToTargets } from './pipeline.js';
import type { TargetResult, WriteProgressCallback } from './progress.js';
import { openImageReader, parseExpectedDigest, type WriteSourceInfo } from './source.js';
import { checkTarget, describeTarget, duplicateTargets, formatSize, rereadPartitions, unmountDrive, type TargetProblem, type WriteTarget } from './targets.js';

export interface WriteRequest {
  /** path or http(s) URL; .gz .xz .zst .bz2 are decompressed while writing */
  image: string;
  targets: string[];
  /** 'auto' (default) inspects the image and may refuse or warn; 'raw' copies whatever it is */
  mode?: 'auto' | 'raw';
  /** read back and compare (default true) */
  verify?: boolean;
  /** non-removable disks, integrity mismatches */
  force?: boolean;
  /** unmount mounted targets first */
  unmount?: boolean;
  /** a known digest of the image file / download ("sha256:HEX" or HEX), checked on the fly */
  expect?: string;
  /** the caller already confirmed (no prompt) */
  yes?: boolean;
  /** asked when `yes` is not set; resolves true to go ahead. Without it and without `yes` the write is refused. */
  confirm?: (plan: WritePlan) => Promise<boolean>;
  signal?: AbortSignal;
  onProgress?: WriteProgressCallback;
  /** human-readable notes as they happen (warnings, unmounts, integrity) */
  onMessage?: (level: 'info' | 'warn', text: string) => void;
  /** drive listing roots / running-from override (tests) */
  drives?: Omit<ListDrivesOptions, 'all'>;
  /** read-only dry run: stop after the checks and confirmation */
  dryRun?: boolean;
}

export interface WritePlan {
  readonly source: WriteSourceInfo;
  readonly inspection: ImageInspection;
  readonly integrity: IntegrityReport;
  readonly targets: WriteTarget[];
}

export interface WriteSummary {
  readonly ok: boolean;
  readonly source: WriteSourceInfo;
  readonly inspection: ImageInspection;
  readonly integrity: IntegrityReport;
  readonly imageByteLength: number;
  readonly targets: TargetResult[];
  readonly durationMs: number;
}

/** All refusals of all targets, as one error listing each (nothing has been written). */
function refuse(problems: { target: string; problems: TargetProblem[] }[]): IsoKitError {
  const lines = problems.flatMap((p) => p.problems.map((q) => q.message));
  const permission = problems.every((p) => p.problems.every((q) => q.code === 'NOT_WRITABLE'));
  return new IsoKitError(permission ? ErrorCode.PERMISSION : ErrorCode.INVALID_ARGUMENT, `refusing to write: ${lines.join('; ')}`, {
    data: { problems, needsRoot: permission },
  });
}

async function planWrite(req: WriteRequest, source: WriteSourceInfo, head: Uint8Array): Promise<WritePlan> {
  const say = req.onMessage ?? (() => undefined);
  const inspection = await inspectImageHead(head);
  if ((req.mode ?? 'auto') === 'auto') {
    if (inspection.decision === 'stop') throw new IsoKitError(ErrorCode.UNSUPPORTED, inspection.message, { data: { inspection } });
    say(inspection.decision === 'raw-with-warning' ? 'warn' : 'info', inspection.message);
  }
  let integrity: IntegrityReport;
  if (source.kind === 'url') {
    integrity = { status: 'skipped', blocking: false, referenceFiles: [], message: req.expect ? 'download checked against the given digest while writing' : 'URL source: no digest given (--expect), integrity not checked' };
  } else {
    integrity = await checkIntegrity(source.name, { ...(req.expect ? { expect: req.expect } : {}), ...(req.signal ? { signal: req.signal } : {}) });
  }
  say(integrity.blocking ? 'warn' : 'info', integrity.message);
  if (integrity.blocking && !req.force) {
    throw new IsoKitError(ErrorCode.VERIFY_FAILED, `${integrity.message}; not writing (pass --force to write it anyway)`, { data: { integrity } });
  }
  const dups = duplicateTargets(req.targets);
  if (dups.length) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `the same target is listed twice: ${dups.join(', ')}`);
  const targets = req.targets.map((t) => describeTarget(t, req.drives ?? {}));
  const problems = targets
    .map((t) => ({
      target: t.path,
      problems: checkTarget(t, {
        ...(source.byteLength !== undefined ? { imageByteLength: source.byteLength } : {}),
        ...(req.force ? { force: true } : {}),
        ...(req.unmount ? { unmount: true } : {}),
        ...(source.kind !== 'url' ? { sourcePath: source.name } : {}),
      }),
    }))
    .filter((p) => p.problems.length);
  if (problems.length) throw refuse(problems);
  return { source, inspection, integrity, targets };
}

/** Run a whole write. Throws before writing for refusals; per-target failures come back in `targets`. */
export async function writeImage(req: WriteRequest): Promise<WriteSummary> {
  if (!req.targets.length) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'no target given (see: isokit drives)');
  if (!req.yes && !req.confirm) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'refusing to write without confirmation: not on a terminal, pass --yes to confirm');
  const t0 = Date.now();
  // Local images are checked against --expect by the verify module before writing; downloads on the fly.
  const isUrl = /^https?:\/\//i.test(req.image);
  const expect = req.expect ? parseExpectedDigest(req.expect) : undefined;
  const reader = await openImageReader(req.image, { ...(req.signal ? { signal: req.signal } : {}), ...(expect && isUrl ? { expect } : {}) });
  try {
    req.onProgress?.({ phase: 'checking', target: '', bytes: 0 });
    const plan = await planWrite(req, reader.info, reader.head);
    if (!req.yes && req.confirm && !(await req.confirm(plan))) throw new IsoKitError(ErrorCode.CANCELLED, 'not confirmed: nothing was written');
    if (req.dryRun) return { ok: true, source: reader.info, inspection: plan.inspection, integrity: plan.integrity, imageByteLength: reader.info.byteLength ?? 0, targets: [], durationMs: Date.now() - t0 };
    for (const t of plan.targets) {
      if (t.drive && req.unmount && t.drive.mountpoints.some((m) => m !== '[SWAP]')) {
        const done = await unmountDrive(t.drive);
        req.onMessage?.('info', `unmounted ${done.join(', ')} (${t.path})`);
      }
    }
    const drivesByPath = new Map(plan.targets.map((t) => [t.path, t.drive]));
    const { results, imageByteLength } = await writeToTargets(reader, req.targets, {
      verify: req.verify ?? true,
      ...(req.signal ? { signal: req.signal } : {}),
      ...(req.onProgress ? { onProgress: req.onProgress } : {}),
      afterFlush: async (path) => {
        const d = drivesByPath.get(path);
        return d ? rereadPartitions(d) : undefined;
      },
    });
    if (reader.info.byteLength === undefined || !reader.info.byteLengthExact) {
      req.onMessage?.('info', `image size: ${formatSize(imageByteLength)} (${imageByteLength} bytes)`);
    }
    return { ok: results.every((r) => r.ok), source: reader.info, inspection: plan.inspection, integrity: plan.integrity, imageByteLength, targets: results, durationMs: Date.now() - t0 };
  } finally {
    await reader.close().catch(() => undefined);
  }
}

export { inspectImageHead, type ImageInspection } from './inspect.js';
export { openImageReader, parseExpectedDigest, type ImageReader, type WriteSourceInfo } from './source.js';
export { writeToTargets } from './pipeline.js';
export { checkTarget, describeTarget, type WriteTarget, type TargetProblem } from './targets.js';
export type { TargetResult, WriteProgress, WriteProgressCallback } from './progress.js';
export type { IntegrityReport } from './integrity.js';
