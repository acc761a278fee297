/**
 * Streaming walk of an image's tree (any namespace): directories are read one at a time, depth-first, and the
 * nodes are handed out without being kept, so listing an image of millions of files needs memory for one
 * directory per level, not for the whole tree (`openImage(source, { deferTree: true })` + `walkImage(image)`).
 *
 * It gives what walking the tree `openImage` builds gives (`walkTree(image.tree)` without its first entry, the
 * start directory): the same nodes, paths, depths and order — Rock Ridge relocation included — and the same
 * findings, recorded in `image.findings`. Differences, by design:
 * - `linkGroup` is assigned only with `linkGroups: true` (the groups need a first walk of the whole tree);
 * - a directory node's `children` stays unset: its entries follow it in the walk;
 * - a directory reached twice (a loop, or two records sharing one extent; damaged images only) is listed
 *   where this depth-first walk meets it first; the eager reader, which reads breadth-first, may list it at
 *   the other place. Either way the other place shows it empty, with a DIRECTORY_LOOP finding;
 * - findings arrive in walk order (eager reading records them breadth-first).
 */
import { Findings } from '../errors/index.js';
import type { Namespace } from '../model/index.js';
import { linkKey } from './hard-links.js';
import { lookUpPath, readerError, walkReader, type WalkEntry } from './traverse.js';
import type { IsoImage } from './types.js';

export type { WalkEntry };

export interface WalkOptions {
  /** where to start ('/' by default); looked up like `findNode`: exact name first, then case-insensitive */
  path?: string;
  /** everything below the start directory (default true), or only its entries */
  recursive?: boolean;
  /** the namespace to read (default: the image's `namespace`) */
  namespace?: Namespace;
  signal?: AbortSignal;
  /**
   * Assign `linkGroup` as the eager tree does (Rock Ridge only; default false). The groups span the whole
   * image, so the namespace is walked twice: once to find them (keeping only the keys of linked files).
   */
  linkGroups?: boolean;
  /** listing mode: nodes without content and extents (and only the times a listing shows) */
  lean?: boolean;
}

/**
 * Walk the tree of an opened image (see the file comment), parents before children, one entry at a time.
 * Throws NOT_FOUND (before yielding anything) when `path` does not exist or the namespace is absent.
 */
export async function* walkImage(image: IsoImage, opts: WalkOptions = {}): AsyncGenerator<WalkEntry, void, undefined> {
  for await (const batch of walkImageBatches(image, opts)) yield* batch;
}

/**
 * `walkImage` in batches of consecutive entries: the same sequence, much cheaper per entry (an async
 * iteration step costs about a microsecond; a listing of 100,000 files notices).
 */
export async function* walkImageBatches(image: IsoImage, opts: WalkOptions = {}): AsyncGenerator<WalkEntry[], void, undefined> {
  const ns = opts.namespace ?? image.namespace;
  if (!opts.linkGroups || ns !== 'rockridge') {
    yield* walkOnce(image, opts, undefined);
    return;
  }
  // the first walk's findings are the second's: not recorded twice
  const counts = new Map<string, number>();
  for await (const batch of walkOnce(image, { namespace: ns, ...(opts.signal ? { signal: opts.signal } : {}) }, new Findings(false))) {
    for (const { node } of batch) {
      const key = node.kind === 'dir' ? undefined : linkKey(node);
      if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  for (const [key, n] of counts) if (n < 2) counts.delete(key);
  for await (const batch of walkOnce(image, opts, undefined)) {
    if (counts.size) {
      for (const { node } of batch) {
        const key = node.kind === 'dir' ? undefined : linkKey(node);
        if (key !== undefined && counts.has(key)) node.linkGroup = key;
      }
    }
    yield batch;
  }
}

async function* walkOnce(image: IsoImage, opts: WalkOptions, findings: Findings | undefined): AsyncGenerator<WalkEntry[], void, undefined> {
  const ns = opts.namespace ?? image.namespace;
  try {
    const reader = await image.reader(ns, findings ? { findings } : {});
    const lean = { ...(opts.lean ? { lean: true } : {}) };
    const start = await lookUpPath(reader, opts.path ?? '/', lean);
    yield* walkReader(reader, start, { recursive: opts.recursive ?? true, ...lean, ...(opts.signal ? { signal: opts.signal } : {}) });
  } catch (e) {
    throw readerError(e, `the ${ns} tree`);
  }
}
