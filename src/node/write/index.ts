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
import { openImageReader, parseExpectedDigest, type ImageReader, type WriteSourceInfo } from './source.js';
import { checkTarget, describeTarget, duplicateTargets, formatSize, rereadPartitions, unmountDrive, type TargetProblem, type WriteTarget } from './targets.js';
import { openWindowsIso, planStick, stickOptions, StickImageReader, WINDOWS_BIOS_NOTE, type OpenedWindowsMedia, type WindowsStickRequest } from './windows.js';
import type { WindowsStickLayout } from '../../create/stick/index.js';

export interface WriteRequest {
  /** path or http(s) URL; .gz .xz .zst .bz2 are decompressed while writing */
  image: string;
  targets: string[];
  /**
   * 'auto' (default) inspects the image: Windows install media becomes a FAT32 stick, other images are
   * copied raw (or refused / warned about); 'windows' always builds the Windows stick; 'raw' copies whatever it is
   */
  mode?: 'auto' | 'raw' | 'windows';
  /** how Windows sticks are built (scheme, image size, split size, answer file) */
  windows?: WindowsStickRequest;
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

/** One stick layout (targets of one size share it). */
export interface WindowsStickPlan {
  readonly targets: string[];
  readonly scheme: 'gpt' | 'mbr';
  /** the whole disk */
  readonly byteLength: number;
  /** what is written (the free clusters are skipped) */
  readonly writtenByteLength: number;
  readonly label: string;
  readonly files: number;
  readonly directories: number;
  readonly clusterByteLength: number;
  readonly split?: { readonly sourcePath: string; readonly sourceByteLength: number; readonly parts: readonly { readonly name: string; readonly byteLength: number }[] };
  readonly autounattend: boolean;
}

export interface WindowsWritePlan {
  /** what was found (e.g. "Windows install media (bootmgr, …)") */
  readonly summary: string;
  readonly sticks: WindowsStickPlan[];
  /** legacy-BIOS boot is not provided, and why */
  readonly bootNote: string;
}

export interface WritePlan {
  readonly source: WriteSourceInfo;
  readonly inspection: ImageInspection;
  readonly integrity: IntegrityReport;
  readonly targets: WriteTarget[];
  /** set when a Windows install stick is built instead of a raw copy */
  readonly windows?: WindowsWritePlan;
}

export interface WriteSummary {
  readonly ok: boolean;
  readonly source: WriteSourceInfo;
  readonly inspection: ImageInspection;
  readonly integrity: IntegrityReport;
  readonly imageByteLength: number;
  readonly targets: TargetResult[];
  readonly durationMs: number;
  readonly windows?: WindowsWritePlan;
}

/** All refusals of all targets, as one error listing each (nothing has been written). */
function refuse(problems: { target: string; problems: TargetProblem[] }[]): IsoKitError {
  const lines = problems.flatMap((p) => p.problems.map((q) => q.message));
  const permission = problems.every((p) => p.problems.every((q) => q.code === 'NOT_WRITABLE'));
  return new IsoKitError(permission ? ErrorCode.PERMISSION : ErrorCode.INVALID_ARGUMENT, `refusing to write: ${lines.join('; ')}`, {
    data: { problems, needsRoot: permission },
  });
}

/** Windows install media in a local ISO (mode auto: when it has a UDF volume; mode windows: required). */
async function findWindows(req: WriteRequest, source: WriteSourceInfo, inspection: ImageInspection): Promise<OpenedWindowsMedia | undefined> {
  const mode = req.mode ?? 'auto';
  // auto: only an ISO with a UDF volume and no MBR/GPT (a hybrid ISO boots raw from USB as it is)
  if (mode === 'raw' || (mode === 'auto' && (!inspection.udf || inspection.kind === 'hybrid-iso' || inspection.kind === 'disk-image'))) return undefined;
  if (source.kind !== 'file' || source.compression) {
    if (mode === 'auto') return undefined;
    throw new IsoKitError(ErrorCode.UNSUPPORTED, `${source.name}: a Windows stick is built from a local, uncompressed .iso file (its UDF tree is read at random); ${source.kind === 'url' ? 'download it first' : 'decompress it first'}`);
  }
  const opened = await openWindowsIso(source.name, inspection.volumeId, req.signal);
  if (opened?.media.detection.isWindowsMedia) return opened;
  await opened?.source.close();
  if (mode === 'windows') {
    throw new IsoKitError(ErrorCode.UNSUPPORTED, `${source.name}: --mode windows needs Windows install media: ${opened ? opened.media.detection.summary : 'the image has no UDF file system'}`);
  }
  return undefined;
}

const stickPlanOf = (targets: string[], s: WindowsStickLayout, label: string): WindowsStickPlan => ({
  targets, scheme: s.scheme, byteLength: s.byteLength, writtenByteLength: s.writtenByteLength, label: s.fat.label || label,
  files: s.fat.stats.files, directories: s.fat.stats.directories, clusterByteLength: s.fat.clusterByteLength,
  ...(s.split ? { split: { sourcePath: s.split.sourcePath, sourceByteLength: s.split.sourceByteLength, parts: s.split.parts } } : {}),
  autounattend: !!s.tree.children?.some((k) => k.name === 'autounattend.xml'),
});

interface WindowsState {
  readonly opened: OpenedWindowsMedia;
  readonly plan: WindowsWritePlan;
  /** target path → its stick */
  readonly sticks: Map<string, WindowsStickLayout>;
}

/** Plan the sticks: one layout per target size (files: --size or the default image size). */
async function planWindowsTargets(req: WriteRequest, opened: OpenedWindowsMedia, targets: WriteTarget[]): Promise<{ state: WindowsState; minimum: number }> {
  const opts = stickOptions(req.windows ?? {}, opened.label, req.signal);
  // the smallest stick that holds the files: only devices are checked against it (files get their own size)
  const minimum = targets.some((t) => t.kind === 'device') ? (await planStick(opened.media, { ...opts, freeByteLength: 0 }, undefined)).byteLength : 0;
  const bySize = new Map<string, { stick: WindowsStickLayout; targets: string[] }>();
  const sticks = new Map<string, WindowsStickLayout>();
  for (const t of targets) {
    const size = t.kind === 'device' ? t.byteLength : req.windows?.imageByteLength;
    if (t.kind === 'device' && size !== undefined && size < minimum) continue; // refused as too small by checkTarget
    const key = String(size ?? 'default');
    let g = bySize.get(key);
    if (!g) {
      g = { stick: await planStick(opened.media, opts, size), targets: [] };
      bySize.set(key, g);
    }
    g.targets.push(t.path);
    sticks.set(t.path, g.stick);
  }
  const plan: WindowsWritePlan = {
    summary: opened.media.detection.summary,
    sticks: [...bySize.values()].map((g) => stickPlanOf(g.targets, g.stick, opened.label)),
    bootNote: WINDOWS_BIOS_NOTE,
  };
  return { state: { opened, plan, sticks }, minimum };
}

function describeSticks(w: WindowsWritePlan): string[] {
  return w.sticks.map((s) => {
    const split = s.split ? `; ${s.split.sourcePath} (${formatSize(s.split.sourceByteLength)}) split into ${s.split.parts.map((p) => p.name).join(', ')}` : '';
    return `${s.targets.join(', ')}: ${s.scheme.toUpperCase()} + FAT32 "${s.label}", ${formatSize(s.byteLength)} disk, ${s.files} files in ${s.directories} directories, ${formatSize(s.writtenByteLength)} to write${split}${s.autounattend ? '; autounattend.xml at the root' : ''}`;
  });
}

async function planWrite(req: WriteRequest, source: WriteSourceInfo, head: Uint8Array): Promise<WritePlan & { win?: WindowsState }> {
  const say = req.onMessage ?? (() => undefined);
  const inspection = await inspectImageHead(head);
  const opened = await findWindows(req, source, inspection);
  try {
    return await planChecked(req, source, inspection, opened, say);
  } catch (e) {
    await opened?.source.close();
    throw e;
  }
}

async function planChecked(req: WriteRequest, source: WriteSourceInfo, head: ImageInspection, opened: OpenedWindowsMedia | undefined, say: NonNullable<WriteRequest['onMessage']>): Promise<WritePlan & { win?: WindowsState }> {
  // what is done, not what the head alone suggested (an El-Torito-only head would say "stop")
  const inspection: ImageInspection = opened ? { ...head, decision: 'windows', message: `${opened.media.detection.summary}: building a bootable FAT32 stick from its files` } : head;
  if (opened) say('info', inspection.message);
  else if (Object.values(req.windows ?? {}).some((v) => v !== undefined && v !== false)) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${source.name} is not Windows install media: --scheme, --size, --split-size, --unattend and --win11-bypass apply to Windows sticks only`);
  } else if ((req.mode ?? 'auto') === 'auto') {
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
  const win = opened ? await planWindowsTargets(req, opened, targets) : undefined;
  const needed = win ? win.minimum || undefined : source.byteLength;
  const problems = targets
    .map((t) => ({
      target: t.path,
      problems: checkTarget(t, {
        ...(needed !== undefined && !(win && t.kind === 'file') ? { imageByteLength: needed } : {}),
        ...(req.force ? { force: true } : {}),
        ...(req.unmount ? { unmount: true } : {}),
        ...(source.kind !== 'url' ? { sourcePath: source.name } : {}),
      }),
    }))
    .filter((p) => p.problems.length);
  if (problems.length) throw refuse(problems);
  if (win) {
    for (const line of describeSticks(win.state.plan)) say('info', line);
    say('info', WINDOWS_BIOS_NOTE);
    return { source, inspection, integrity, targets, windows: win.state.plan, win: win.state };
  }
  return { source, inspection, integrity, targets };
}

/** Write each stick layout to its targets (targets of one size together, sizes in parallel). */
async function writeSticks(req: WriteRequest, win: WindowsState, opts: Parameters<typeof writeToTargets>[2]): Promise<{ results: TargetResult[]; imageByteLength: number }> {
  const groups = new Map<WindowsStickLayout, string[]>();
  for (const [path, stick] of win.sticks) groups.set(stick, [...(groups.get(stick) ?? []), path]);
  const done = await Promise.all([...groups].map(async ([stick, paths]) => {
    const reader = new StickImageReader(win.opened.source.name, stick, req.signal);
    try {
      return await writeToTargets(reader, paths, opts);
    } finally {
      await reader.close().catch(() => undefined);
    }
  }));
  const byPath = new Map(done.flatMap((d) => d.results.map((r) => [r.path, r] as const)));
  return { results: req.targets.map((p) => byPath.get(p) as TargetResult), imageByteLength: done[0]?.imageByteLength ?? 0 };
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
    const { win, ...plan } = await planWrite(req, reader.info, reader.head);
    try {
      return await writePlanned(req, reader, plan, win, t0);
    } finally {
      await win?.opened.source.close();
    }
  } finally {
    await reader.close().catch(() => undefined);
  }
}

async function writePlanned(req: WriteRequest, reader: ImageReader, plan: WritePlan, win: WindowsState | undefined, t0: number): Promise<WriteSummary> {
  const windows = plan.windows ? { windows: plan.windows } : {};
  if (!req.yes && req.confirm && !(await req.confirm(plan))) throw new IsoKitError(ErrorCode.CANCELLED, 'not confirmed: nothing was written');
  if (req.dryRun) return { ok: true, source: reader.info, inspection: plan.inspection, integrity: plan.integrity, imageByteLength: reader.info.byteLength ?? 0, targets: [], durationMs: Date.now() - t0, ...windows };
  for (const t of plan.targets) {
    if (t.drive && req.unmount && t.drive.mountpoints.some((m) => m !== '[SWAP]')) {
      const done = await unmountDrive(t.drive);
      req.onMessage?.('info', `unmounted ${done.join(', ')} (${t.path})`);
    }
  }
  const drivesByPath = new Map(plan.targets.map((t) => [t.path, t.drive]));
  const opts: Parameters<typeof writeToTargets>[2] = {
    verify: req.verify ?? true,
    ...(req.signal ? { signal: req.signal } : {}),
    ...(req.onProgress ? { onProgress: req.onProgress } : {}),
    afterFlush: async (path) => {
      const d = drivesByPath.get(path);
      return d ? rereadPartitions(d) : undefined;
    },
  };
  const { results, imageByteLength } = win ? await writeSticks(req, win, opts) : await writeToTargets(reader, req.targets, opts);
  if (!win && (reader.info.byteLength === undefined || !reader.info.byteLengthExact)) {
    req.onMessage?.('info', `image size: ${formatSize(imageByteLength)} (${imageByteLength} bytes)`);
  }
  return { ok: results.every((r) => r.ok), source: reader.info, inspection: plan.inspection, integrity: plan.integrity, imageByteLength, targets: results, durationMs: Date.now() - t0, ...windows };
}

export { inspectImageHead, type ImageInspection } from './inspect.js';
export { openImageReader, parseExpectedDigest, type ImageReader, type WriteSourceInfo } from './source.js';
export { writeToTargets } from './pipeline.js';
export { checkTarget, describeTarget, type WriteTarget, type TargetProblem } from './targets.js';
export type { TargetResult, WriteProgress, WriteProgressCallback } from './progress.js';
export type { IntegrityReport } from './integrity.js';
export { WINDOWS_BIOS_NOTE, StickImageReader, type WindowsStickRequest } from './windows.js';
