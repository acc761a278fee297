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

interface Frame {
  readonly children: TreeNode[];
  /** next child to hand out */
  i: number;
  readonly prefix: string;
  readonly depth: number;
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
  const recursive = opts.recursive ?? true;
  const read = { ...(opts.lean ? { lean: true } : {}) };
  const frames: Frame[] = [];
  const enter = async (dir: TreeNode, prefix: string, depth: number) => {
    throwIfAborted(opts.signal);
    frames.push({ children: await reader.readDirectory(dir, read), i: 0, prefix, depth });
    if (recursive && reader.prefetch) reader.prefetch(upcoming(frames));
  };
  await enter(start, '', 1);
  while (frames.length) {
    const out: WalkEntry[] = [];
    while (frames.length && out.length < BATCH) {
      const f = frames[frames.length - 1] as Frame;
      if (f.i >= f.children.length) {
        frames.pop();
        continue;
      }
      const node = f.children[f.i++] as TreeNode;
      const path = f.prefix ? `${f.prefix}/${node.name}` : node.name;
      out.push({ path, dirPath: f.prefix, node, depth: f.depth });
      if (recursive && node.kind === 'dir') await enter(node, path, f.depth + 1);
    }
    if (out.length) yield out;
  }
}

/** The next READ_AHEAD directories in walk order. */
function upcoming(frames: readonly Frame[]): TreeNode[] {
  const out: TreeNode[] = [];
  for (let k = frames.length - 1; k >= 0 && out.length < READ_AHEAD; k--) {
    const f = frames[k] as Frame;
    for (let j = f.i; j < f.children.length && out.length < READ_AHEAD; j++) {
      const c = f.children[j] as TreeNode;
      if (c.kind === 'dir') out.push(c);
    }
  }
  return out;
}
