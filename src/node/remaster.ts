/**
 * remasterImageFile: open IN → build the --add sources from disk → planRemaster (tree edits, namespaces,
 * volume ids, the original's boot records as a BootSpec) → createBootHook → planImage → emit into
 * `.OUT.partial` → fsync + rename (write-image.ts, as create). Unchanged files and appended partitions are byte ranges of IN: nothing is
 * extracted to disk. An error or abort removes the partial file.
 */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { createBootHook } from '../create/boot/index.js';
import { describeRemasterLayout, planRemaster, type RemasterAdd, type RemasterOptions, type RemasterPlan, type RemasterLayoutSummary } from '../create/remaster/index.js';
import { planImage, type FileChange } from '../create/index.js';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import type { ProgressCallback } from '../io/index.js';
import { partialName } from './atomic-file.js';
import { treeFromFileSystem, type GraftSource } from './fs-tree.js';
import { openImageFile } from './open-image.js';
import { writeImageLayout } from './write-image.js';

export interface RemasterImageOptions extends Omit<RemasterOptions, 'signal'> {
  /** the original image (path or http(s) URL) */
  input: string;
  /** the new image (a path; it must differ from the input) */
  output: string;
  /** files and folders to add: DEST=SRC graft points (a folder's contents are merged at DEST, default the root) */
  add?: readonly GraftSource[];
  /** paths in the image to remove (before the additions) */
  remove?: readonly string[];
  /** plan only: nothing is written */
  dryRun?: boolean;
  /** a source file that changes while the image is written is an error */
  strict?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  onWarning?: (message: string) => void;
  onFileChanged?: (change: FileChange) => void;
}

export interface RemasterFileReport {
  output: string;
  dryRun: boolean;
  byteLength: number;
  blockCount: number;
  plan: RemasterPlan['report'];
  layout: RemasterLayoutSummary;
  /** warnings from planning, the boot hook and the writer */
  warnings: string[];
  changedFiles: FileChange[];
  seconds: { plan: number; write: number };
}

function sameFile(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
}

async function addsFromDisk(opts: RemasterImageOptions): Promise<RemasterAdd[]> {
  if (!opts.add?.length) return [];
  const skipPaths = [path.resolve(opts.output), partialName(path.resolve(opts.output))];
  const root = await treeFromFileSystem(opts.add, {
    skipPaths, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
  });
  return [{ path: '/', node: root }];
}

export async function remasterImageFile(opts: RemasterImageOptions): Promise<RemasterFileReport> {
  if (!opts.dryRun) {
    if (!opts.output || opts.output === '-') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'remaster writes to a file: give an output path');
    if (sameFile(opts.input, opts.output)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `the output ${opts.output} is the input image: write the remastered image to a new file`);
  }
  const t0 = performance.now();
  const image = await openImageFile(opts.input, opts.signal ? { signal: opts.signal } : {});
  try {
    const add = await addsFromDisk(opts);
    const plan = await planRemaster(image, { add, remove: opts.remove ?? [] }, opts);
    const warnings = [...plan.report.warnings];
    const buildDate = plan.buildOptions.dateMs;
    const hook = plan.bootSpec
      ? await createBootHook(plan.bootSpec, plan.tree, {
        ...(buildDate !== undefined ? { dateMs: buildDate } : {}),
        ...(plan.buildOptions.volumeId !== undefined ? { volumeId: plan.buildOptions.volumeId } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      })
      : undefined;
    if (hook) warnings.push(...hook.warnings);
    const layout = planImage(plan.tree, { ...plan.buildOptions, ...(hook ? { boot: hook } : {}) });
    for (const f of layout.findings) warnings.push(f.message);
    for (const w of warnings) opts.onWarning?.(w);
    const t1 = performance.now();
    const report: RemasterFileReport = {
      output: opts.output, dryRun: !!opts.dryRun, byteLength: layout.byteLength, blockCount: layout.blockCount,
      plan: plan.report, layout: describeRemasterLayout(plan, layout, image.source), warnings, changedFiles: [],
      seconds: { plan: (t1 - t0) / 1000, write: 0 },
    };
    if (opts.dryRun) return report;
    report.changedFiles = await writeImageLayout(layout, {
      output: opts.output, fsync: true,
      ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.strict ? { strict: true } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}), ...(opts.onFileChanged ? { onFileChanged: opts.onFileChanged } : {}),
    });
    report.seconds.write = (performance.now() - t1) / 1000;
    return report;
  } finally {
    await image.source.close?.();
  }
}
