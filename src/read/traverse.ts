/**
 * The traversals, written once over the reader seam (namespace.ts) for every namespace:
 * - `readTree`: the whole tree, children filled in, breadth-first with a few directories in flight;
 * - `walkReader`: depth-first, one directory at a time, nodes handed out in batches and not kept (listing an
 *   image of millions of files needs memory for one directory per level), with read-ahead hints;
 * - `lookUpPath`: a path looked up a directory at a time (exact name first, then case-insensitive).
 */
import { ErrorCode, IsoKitError, asIsoKitError } from '../errors/index.js';
import { throwIfAborted } from '../io/index.js';
import type { TreeNode } from '../model/index.js';
import type { DirectoryReader } from './namespace.js';

/** Directories read concurrently by `readTree`. */
const CONCURRENCY = 16;
/** Entries handed out per batch by the walk (at most; a batch also ends where the walk must wait for a read). */
const BATCH = 1024;
/** Directories hinted ahead of the walk (in walk order), for sources with slow round trips (http). */
export const READ_AHEAD = 16;

export interface WalkEntry {
  /** path relative to the start directory ('/'-joined, no leading slash); a start file: its name */
  readonly path: string;
  /** the path of the directory the entry is in ('' for the start directory's entries and a start file) */
  readonly dirPath: string;
  readonly node: TreeNode;
  /** 1 for the entries of the start directory, 2 below them, …; 0 for a start file */
  readonly depth: number;
}

/** Wrap anything unexpected a reader throws: a raw exception is a bug in isokit, never something an image may cause. */
export function readerError(e: unknown, what: string): IsoKitError {
  if (e instanceof IsoKitError) return e;
  if (e instanceof Error && e.name === 'AbortError') return asIsoKitError(e);
  return new IsoKitError(ErrorCode.INTERNAL, `internal error while reading ${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/** The whole tree below `reader.root` (each directory node gets its `children`). */
export async function readTree(reader: DirectoryReader, opts: { signal?: AbortSignal } = {}): Promise<TreeNode> {
  if (reader.readTree) return reader.readTree();
  let frontier: TreeNode[] = [reader.root];
  while (frontier.length) {
    throwIfAborted(opts.signal);
    const next: TreeNode[] = [];
    for (let i = 0; i < frontier.length; i += CONCURRENCY) {
      const part = frontier.slice(i, i + CONCURRENCY);
      const listed = await Promise.all(part.map((d) => reader.readDirectory(d)));
      part.forEach((d, k) => {
        const kids = listed[k] as TreeNode[];
        d.children = kids;
        for (const c of kids) if (c.kind === 'dir') next.push(c);
      });
    }
    frontier = next;
  }
  return reader.root;
}

/** The node at `path` below the root, looked up a directory at a time. Throws NOT_FOUND. */
export async function lookUpPath(reader: DirectoryReader, path: string, opts: { lean?: boolean } = {}): Promise<TreeNode> {
  let node = reader.root;
  for (const part of path.split('/')) {
    if (!part || part === '.') continue;
    if (node.kind !== 'dir') throw new IsoKitError(ErrorCode.NOT_FOUND, `${path}: no such file or directory in the image`);
    const kids = await reader.readDirectory(node, opts);
    const lower = part.toLowerCase();
    const found = kids.find((k) => k.name === part) ?? kids.find((k) => k.name.toLowerCase() === lower);
    if (!found) throw new IsoKitError(ErrorCode.NOT_FOUND, `${path}: no such file or directory in the image`);
    node = found;
  }
  return node;
}

/**
 * What the one depth-first walk walks: entries of any kind `E` (nodes, or a listing's rows), each directory's
 * entries listed under a prefix `P` (a path, or a listing's prefix number).
 */
export interface DepthFirstSource<E, P> {
  /** The entries of directory `dir`, whose entries are listed under `prefix`. */
  read(dir: E, prefix: P): Promise<readonly E[]>;
  /** A directory, whose entries the walk reads when it reaches it. */
  isDir(e: E): boolean;
  /** The prefix of directory `dir`'s entries when `dir` is listed under `prefix`. */
  inner(dir: E, prefix: P): P;
  /** Hint: these directories are read next, in this order. */
  prefetch?(dirs: readonly E[]): void;
}

interface Frame<E, P> {
  readonly children: readonly E[];
  /** next child to hand out */
  i: number;
  readonly prefix: P;
  readonly depth: number;
}

/**
 * The one depth-first walk: the entries below `start` (its entries, and everything below them with
 * `recursive`), parents before children, each given to `emit` with its prefix and depth (1 for the start's
 * entries); yields after every BATCH entries and at the end.
 */
export async function* depthFirst<E, P>(
  src: DepthFirstSource<E, P>, start: E, prefix: P, emit: (e: E, prefix: P, depth: number) => void, opts: { recursive?: boolean; signal?: AbortSignal } = {},
): AsyncGenerator<void, void, undefined> {
  const recursive = opts.recursive ?? true;
  const frames: Frame<E, P>[] = [];
  const enter = async (dir: E, inner: P, depth: number) => {
    throwIfAborted(opts.signal);
    frames.push({ children: await src.read(dir, inner), i: 0, prefix: inner, depth });
    if (recursive && src.prefetch) src.prefetch(upcoming(src, frames));
  };
  await enter(start, prefix, 1);
  while (frames.length) {
    let n = 0;
    while (frames.length && n < BATCH) {
      const f = frames[frames.length - 1] as Frame<E, P>;
      if (f.i >= f.children.length) {
        frames.pop();
        continue;
      }
      const e = f.children[f.i++] as E;
      emit(e, f.prefix, f.depth);
      n++;
      if (recursive && src.isDir(e)) await enter(e, src.inner(e, f.prefix), f.depth + 1);
    }
    if (n) yield;
  }
}

/**
 * Depth-first walk below `start` (its entries, and everything below them with `recursive`), parents before
 * children, in batches of consecutive entries. A directory node's `children` stays unset: its entries follow
 * it in the walk. A start file gives one entry of depth 0.
 */
export async function* walkReader(
  reader: DirectoryReader, start: TreeNode, opts: { recursive?: boolean; lean?: boolean; signal?: AbortSignal } = {},
): AsyncGenerator<WalkEntry[], void, undefined> {
  if (start.kind !== 'dir') {
    yield [{ path: start.name, dirPath: '', node: start, depth: 0 }];
    return;
  }
  const read = { ...(opts.lean ? { lean: true } : {}) };
  const src: DepthFirstSource<TreeNode, string> = {
    read: (dir) => reader.readDirectory(dir, read),
    isDir: (node) => node.kind === 'dir',
    inner: (node, prefix) => (prefix ? `${prefix}/${node.name}` : node.name),
    ...(reader.prefetch ? { prefetch: (dirs: readonly TreeNode[]) => reader.prefetch?.(dirs) } : {}),
  };
  let out: WalkEntry[] = [];
  const emit = (node: TreeNode, prefix: string, depth: number) => out.push({ path: prefix ? `${prefix}/${node.name}` : node.name, dirPath: prefix, node, depth });
  for await (const _ of depthFirst(src, start, '', emit, opts)) {
    yield out;
    out = [];
  }
}

/** The next READ_AHEAD directories in walk order. */
function upcoming<E, P>(src: DepthFirstSource<E, P>, frames: readonly Frame<E, P>[]): E[] {
  const out: E[] = [];
  for (let k = frames.length - 1; k >= 0 && out.length < READ_AHEAD; k--) {
    const f = frames[k] as Frame<E, P>;
    for (let j = f.i; j < f.children.length && out.length < READ_AHEAD; j++) {
      const c = f.children[j] as E;
      if (src.isDir(c)) out.push(c);
    }
  }
  return out;
}
