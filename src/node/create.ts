/**
 * createImageFile: scan sources → (dedup) → plan → check free space → emit into `.NAME.partial` → (fsync) +
 * rename. Any error or abort (SIGINT/SIGTERM through the signal) removes the partial file, so the final name
 * only ever holds a complete image. `-` writes to stdout instead.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { findDuplicateContents, planImage, type BuildOptions, type FileChange, type ImageLayout } from '../create/index.js';
import type { BootSpec } from '../create/boot/spec.js';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { throwIfAborted } from '../io/index.js';
import type { Content, TreeNode } from '../model/index.js';
import { partialName } from './atomic-file.js';
import { FileContent } from './fs-content.js';
import { treeFromFileSystem, type FsTreeOptions, type GraftSource } from './fs-tree.js';
import { globToRegExp, normaliseImagePath } from './glob.js';
import { skewedBuffer } from './chunk-reader.js';
import { writeImageLayout, type WriteImageOptions } from './write-image.js';

/** The options of create: the tree scan's, the build's, and the writer's (write-image.ts: output, stdout, fsync, strict, readAhead…). */
export interface CreateImageOptions extends BuildOptions, Omit<FsTreeOptions, 'skipPaths' | 'onProgress'>, WriteImageOptions {
  sources: readonly GraftSource[];
  /** store identical contents once (sizes bucketed first; only same-size files are hashed) */
  dedup?: boolean;
  /**
   * Sort weights (higher first in the file data, like xorriso's -sort_weight): a glob without '/' matches names, one
   * with '/' paths in the image (as --exclude); a matching directory gives its weight to every file below it.
   * Later rules override earlier ones; a rule matching nothing is reported through `onWarning`.
   */
  sortWeights?: readonly { weight: number; pattern: string }[];
  /**
   * called once the layout is planned, before the first byte is written (the create command collects garbage
   * there for large trees; the library itself never changes process-wide V8 state)
   */
  beforeWrite?: (layout: ImageLayout) => void;
  /** plan only: nothing is written */
  dryRun?: boolean;
  /** make the image bootable (El Torito, hybrid MBR/GPT); the hook is built once the tree is scanned */
  bootSpec?: BootSpec;
  /** adjust the scanned tree before sort weights, dedup, boot and planning (mkisofs -r, owners, modes) */
  transformTree?: (tree: TreeNode) => void;
}

export interface CreateReport {
  output: string;
  byteLength: number;
  blockCount: number;
  layout: ImageLayout;
  changedFiles: FileChange[];
  dedup?: { filesRead: number; bytesRead: number; duplicateFiles: number; savedBytes: number; seconds: number };
  seconds: { scan: number; plan: number; write: number };
}

/** SHA-256 of a file content with large synchronous reads (dedup). */
async function hashContent(content: Content): Promise<string> {
  const h = createHash('sha256');
  if (content instanceof FileContent) {
    const reader = content.openReader();
    const buf = skewedBuffer(Math.min(1 << 20, Math.max(1, content.byteLength)));
    try {
      for (let pos = 0; pos < content.byteLength; ) {
        const n = reader.read(buf, 0, Math.min(buf.length, content.byteLength - pos), pos) as number;
        if (n === 0) break;
        h.update(buf.subarray(0, n));
        pos += n;
      }
    } finally {
      reader.close();
    }
  } else for await (const c of content.stream()) h.update(c);
  return h.digest('hex');
}

/** Set `sortWeight` on the files matched by each rule (see CreateImageOptions.sortWeights). */
export function applySortWeights(root: TreeNode, rules: readonly { weight: number; pattern: string }[], onWarning?: (m: string) => void): void {
  for (const { weight, pattern } of rules) {
    if (!Number.isSafeInteger(weight)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `sort weight must be a whole number, got ${weight}`);
    const re = globToRegExp(pattern);
    const byPath = normaliseImagePath(pattern).includes('/');
    let matched = 0;
    const setAll = (n: TreeNode) => {
      if (n.kind === 'file') n.sortWeight = weight;
      for (const c of n.children ?? []) setAll(c);
    };
    const visit = (n: TreeNode, rel: string) => {
      for (const c of n.children ?? []) {
        const p = rel ? `${rel}/${c.name}` : c.name;
        if (re.test(byPath ? p : c.name)) {
          matched++;
          setAll(c);
        } else if (c.kind === 'dir') visit(c, p);
      }
    };
    visit(root, '');
    if (!matched) onWarning?.(`sort weight ${weight} ${pattern}: nothing in the image matches`);
  }
}

export async function createImageFile(opts: CreateImageOptions): Promise<CreateReport> {
  const t0 = performance.now();
  const toStdout = opts.output === '-';
  const skipPaths = toStdout ? [] : [path.resolve(opts.output), partialName(path.resolve(opts.output))];
  const tree: TreeNode = await treeFromFileSystem(opts.sources, {
    ...opts,
    skipPaths,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  throwIfAborted(opts.signal);
  opts.transformTree?.(tree);
  if (opts.sortWeights?.length) applySortWeights(tree, opts.sortWeights, opts.onWarning);
  const t1 = performance.now();
  let dedup: CreateReport['dedup'];
  let contentKeys = opts.contentKeys;
  if (opts.dedup) {
    const r = await findDuplicateContents(tree, { hash: hashContent, ...(opts.signal ? { signal: opts.signal } : {}) });
    contentKeys = r.contentKeys;
    dedup = { filesRead: r.filesRead, bytesRead: r.bytesRead, duplicateFiles: r.duplicateFiles, savedBytes: r.savedBytes, seconds: (performance.now() - t1) / 1000 };
  }
  let boot = opts.boot;
  if (opts.bootSpec) {
    const { createBootHook } = await import('../create/boot/index.js');
    const setup = await createBootHook(opts.bootSpec, tree, { ...(opts.dateMs !== undefined ? { dateMs: opts.dateMs } : {}), ...(opts.volumeId !== undefined ? { volumeId: opts.volumeId } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    for (const w of setup.warnings) opts.onWarning?.(w);
    boot = setup;
  }
  const layout = planImage(tree, { ...opts, ...(contentKeys ? { contentKeys } : {}), ...(boot ? { boot } : {}) });
  const t2 = performance.now();
  const report: CreateReport = {
    output: opts.output, byteLength: layout.byteLength, blockCount: layout.blockCount, layout, changedFiles: [],
    ...(dedup ? { dedup } : {}), seconds: { scan: (t1 - t0) / 1000, plan: (t2 - t1) / 1000, write: 0 },
  };
  if (opts.dryRun) return report;
  opts.beforeWrite?.(layout);
  report.changedFiles = await writeImageLayout(layout, opts);
  report.seconds.write = (performance.now() - t2) / 1000;
  return report;
}
