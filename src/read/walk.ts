/**
 * Streaming walk of an image's tree: directories are read one at a time, depth-first, and the nodes are
 * handed out without being kept, so listing an image of millions of files needs memory for one directory
 * per level, not for the whole tree (`openImage(source, { deferTree: true })` + `walkImage(image)`).
 *
 * It gives what walking the tree `openImage` builds gives (`walkTree(image.tree)` without its first entry,
 * the start directory): the same nodes (every field), paths, depths and order — Rock Ridge relocation
 * included (RRIP 4.1.5: CL placeholders show the relocated directory where it belongs, RE originals are
 * hidden) — and the same findings, recorded in `image.findings`. Differences, by design:
 * - `linkGroup` is assigned only with `linkGroups: true` (the groups need a first walk of the whole tree);
 * - a directory node's `children` stays empty: its entries follow it in the walk;
 * - a directory reached twice (a loop, or two records sharing one extent; damaged images only) is listed
 *   where this depth-first walk meets it first; the eager reader, which reads breadth-first, may list it at
 *   the other place. Either way the other place shows it empty, with a DIRECTORY_LOOP finding;
 * - findings arrive in walk order (eager reading records them breadth-first).
 */
import { ErrorCode, Findings, IsoKitError, asIsoKitError } from '../errors/index.js';
import { throwIfAborted, type ByteSource, type ReadOptions } from '../io/index.js';
import type { Namespace, TreeNode } from '../model/index.js';
import { SECTOR_SIZE } from '../formats/iso9660/index.js';
import { MAX_DIRECTORY_BYTES } from './directory.js';
import { linkKey } from './hard-links.js';
import { imageStates, namespaceRoot } from './image-state.js';
import { addDirectoryNodes, readDirectoryBytes, startTree, type Ctx, type Job } from './tree.js';
import type { IsoImage } from './types.js';

export interface WalkEntry {
  /** path relative to the start directory ('/'-joined, no leading slash); a start file: its name */
  readonly path: string;
  readonly node: TreeNode;
  /** 1 for the entries of the start directory, 2 below them, …; 0 for a start file */
  readonly depth: number;
}

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
}

/** Entries handed out per batch (at most; a batch also ends where the walk must wait for a read). */
const BATCH = 1024;
/** Directory extents asked for ahead of the walk (in walk order), for sources with slow round trips (http). */
export const READ_AHEAD = 16;
/** Smallest read of directory extents (several small directories in one read). */
const WINDOW_BYTES = 64 * 1024;
/** Read-ahead windows kept (WINDOW_BYTES each, unless a directory is larger). */
const MAX_WINDOWS = 32;

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
  const state = imageStates.get(image);
  if (!opts.linkGroups || !state) {
    yield* walkBatches(image, opts, undefined);
    return;
  }
  const ns = opts.namespace ?? image.namespace;
  const { opts: treeOpts } = namespaceRoot(ns, state, undefined);
  if (treeOpts.mode !== 'rockridge') {
    yield* walkBatches(image, opts, undefined);
    return;
  }
  // the first walk's findings are the second's: not recorded twice
  const counts = new Map<string, number>();
  const quiet = new Findings(false);
  for await (const batch of walkBatches(image, { namespace: ns, ...(opts.signal ? { signal: opts.signal } : {}) }, quiet)) {
    for (const { node } of batch) {
      const key = node.kind === 'dir' ? undefined : linkKey(node);
      if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  for (const [key, n] of counts) if (n < 2) counts.delete(key);
  for await (const batch of walkBatches(image, opts, undefined)) {
    if (counts.size) {
      for (const { node } of batch) {
        const key = node.kind === 'dir' ? undefined : linkKey(node);
        if (key !== undefined && counts.has(key)) node.linkGroup = key;
      }
    }
    yield batch;
  }
}

async function* walkBatches(image: IsoImage, opts: WalkOptions, findings: Findings | undefined): AsyncGenerator<WalkEntry[], void, undefined> {
  const state = imageStates.get(image);
  if (!state) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'walkImage needs an image returned by openImage');
  const signal = opts.signal ?? state.signal;
  const ns = opts.namespace ?? image.namespace;
  if (ns !== 'iso9660' && !image.namespaces[ns as 'joliet' | 'rockridge']) {
    throw new IsoKitError(ErrorCode.NOT_FOUND, `${state.source.name} has no ${ns === 'udf' ? 'UDF (not supported yet)' : ns === 'joliet' ? 'Joliet' : 'Rock Ridge'} tree`);
  }
  try {
    const { opts: treeOpts, rootRecord } = namespaceRoot(ns, findings ? { ...state, findings } : state, signal);
    const { ctx, root, rootJob } = startTree(treeOpts, rootRecord);
    const start = await lookUp(ctx, root, rootJob, opts.path ?? '/');
    if (start.node.kind !== 'dir') {
      yield [{ path: start.node.name, node: start.node, depth: 0 }];
      return;
    }
    if (!start.job) return;
    const walker = new Walker(ctx, opts.recursive ?? true);
    await walker.enter(start.job, '', 1);
    for (;;) {
      const batch = await walker.fill();
      if (batch.length) yield batch;
      else return;
    }
  } catch (e) {
    if (e instanceof IsoKitError) throw e;
    if (e instanceof Error && e.name === 'AbortError') throw asIsoKitError(e);
    throw new IsoKitError(ErrorCode.INTERNAL, `internal error while reading the ${ns} tree: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** One directory as read: its nodes and the jobs of the subdirectories to read (in order). */
interface Listing {
  readonly children: TreeNode[];
  readonly jobs: Job[];
}

/** Read the directory of `job` without touching `job.node` (the nodes go into a holder). */
async function readListing(ctx: Ctx, job: Job, reader?: ByteSource): Promise<Listing> {
  throwIfAborted(ctx.signal);
  const children: TreeNode[] = [];
  const jobs: Job[] = [];
  const holder: Job = { node: { name: '', kind: 'dir', size: 0, children }, lba: job.lba, dataLength: job.dataLength, depth: job.depth, recordByteOffset: job.recordByteOffset };
  const bytes = await readDirectoryBytes(ctx, holder, reader);
  if (bytes) await addDirectoryNodes(ctx, holder, bytes, jobs);
  return { children, jobs };
}

/** The start of the walk: PATH looked up a directory at a time. */
export async function lookUp(ctx: Ctx, root: TreeNode, rootJob: Job, path: string): Promise<{ node: TreeNode; job: Job | undefined }> {
  let node = root;
  let job: Job | undefined = rootJob;
  for (const part of path.split('/')) {
    if (!part || part === '.') continue;
    if (node.kind !== 'dir') throw new IsoKitError(ErrorCode.NOT_FOUND, `${path}: no such file or directory in the image`);
    const listing: Listing = job ? await readListing(ctx, job) : { children: [], jobs: [] };
    const lower = part.toLowerCase();
    const found = listing.children.find((k) => k.name === part) ?? listing.children.find((k) => k.name.toLowerCase() === lower);
    if (!found) throw new IsoKitError(ErrorCode.NOT_FOUND, `${path}: no such file or directory in the image`);
    node = found;
    job = listing.jobs.find((j) => j.node === found);
  }
  return { node, job };
}

interface Frame {
  readonly children: TreeNode[];
  readonly jobs: Job[];
  /** next child to hand out */
  i: number;
  /** next job (the job of the next directory child that has one) */
  j: number;
  readonly prefix: string;
  readonly depth: number;
}

/** The depth-first state: one frame per directory being listed. */
class Walker {
  private readonly frames: Frame[] = [];
  private readonly reader: ReadAhead;
  constructor(
    private readonly ctx: Ctx,
    private readonly recursive: boolean,
  ) {
    this.reader = new ReadAhead(ctx.source, ctx.signal);
  }

  async enter(job: Job, prefix: string, depth: number): Promise<void> {
    const listing = await readListing(this.ctx, job, this.reader);
    this.frames.push({ children: listing.children, jobs: listing.jobs, i: 0, j: 0, prefix, depth });
    if (this.recursive) this.readAhead();
  }

  /** The next entries (empty at the end). */
  async fill(): Promise<WalkEntry[]> {
    const out: WalkEntry[] = [];
    const frames = this.frames;
    while (frames.length && out.length < BATCH) {
      const f = frames[frames.length - 1] as Frame;
      if (f.i >= f.children.length) {
        frames.pop();
        continue;
      }
      const node = f.children[f.i++] as TreeNode;
      const path = f.prefix ? `${f.prefix}/${node.name}` : node.name;
      out.push({ path, node, depth: f.depth });
      if (node.kind !== 'dir') continue;
      const job = f.jobs[f.j];
      if (job?.node !== node) continue; // a directory not read (loop, too deep): shown empty
      f.j++;
      if (this.recursive) await this.enter(job, path, f.depth + 1);
    }
    return out;
  }

  /** Ask for the next READ_AHEAD directory extents in walk order. */
  private readAhead(): void {
    let n = 0;
    for (let k = this.frames.length - 1; k >= 0 && n < READ_AHEAD; k--) {
      const f = this.frames[k] as Frame;
      for (let j = f.j; j < f.jobs.length && n < READ_AHEAD; j++, n++) {
        const job = f.jobs[j] as Job;
        if (job.dataLength !== undefined) this.reader.want(job.lba, job.dataLength);
      }
    }
  }
}

/**
 * A ByteSource that answers the walk's directory reads from windows read ahead (`want`): a window is at
 * least WINDOW_BYTES, so the directories an image writer put next to each other (they usually are) come
 * in one read, and the next ones are asked for before they are needed (in flight together on http).
 * A read no window holds passes through.
 */
export class ReadAhead implements ByteSource {
  readonly byteLength: number;
  readonly name: string;
  /** recent windows, oldest first */
  private readonly windows: { start: number; end: number; bytes: Promise<Uint8Array> }[] = [];
  constructor(
    private readonly source: ByteSource,
    private readonly signal: AbortSignal | undefined,
    /** the least a window holds */
    private readonly windowBytes = WINDOW_BYTES,
  ) {
    this.byteLength = source.byteLength;
    this.name = source.name;
  }

  /** bytes read before the walk (`prefill`): the directories an image keeps together */
  private held: { start: number; end: number; bytes: Uint8Array } | undefined;

  /** Keep `bytes`, the source's bytes from `start` on: reads they hold are answered from them. */
  prefill(start: number, bytes: Uint8Array): void {
    this.held = { start, end: start + bytes.length, bytes };
  }

  /** What `prefill` was given. */
  heldBytes(): { start: number; bytes: Uint8Array } | undefined {
    return this.held;
  }

  /** The bytes [start, end) when `prefill` holds them (no wait), else undefined. */
  now(start: number, end: number): Uint8Array | undefined {
    const h = this.held;
    return h && h.start <= start && end <= h.end ? h.bytes.subarray(start - h.start, end - h.start) : undefined;
  }

  /** The directory extent at `lba` will be read (as readDirectoryExtent clamps it). */
  want(lba: number, dataLength: number): void {
    const start = lba * SECTOR_SIZE;
    if (start >= this.byteLength) return;
    const end = start + Math.min(dataLength, MAX_DIRECTORY_BYTES, this.byteLength - start);
    if (this.now(start, end) || this.find(start, end)) return;
    const windowEnd = Math.min(this.byteLength, Math.max(end, start + this.windowBytes));
    const bytes = this.source.read(start, windowEnd - start, this.signal ? { signal: this.signal } : undefined);
    bytes.catch(() => undefined); // reported when (if) the walk reads there
    this.windows.push({ start, end: windowEnd, bytes });
    if (this.windows.length > MAX_WINDOWS) this.windows.shift();
  }

  async read(byteOffset: number, byteLength: number, opts?: ReadOptions): Promise<Uint8Array> {
    const end = Math.min(byteOffset + byteLength, this.byteLength);
    const held = byteOffset < end ? this.now(byteOffset, end) : undefined;
    if (held) return held;
    const w = byteOffset < end ? this.find(byteOffset, end) : undefined;
    if (!w) return this.source.read(byteOffset, byteLength, opts);
    const bytes = await w.bytes;
    // a window cut short (a source shorter than it says) answers only what it holds
    if (bytes.length < end - w.start) return this.source.read(byteOffset, byteLength, opts);
    return bytes.subarray(byteOffset - w.start, end - w.start);
  }

  private find(start: number, end: number): { start: number; end: number; bytes: Promise<Uint8Array> } | undefined {
    for (let i = this.windows.length - 1; i >= 0; i--) {
      const w = this.windows[i] as { start: number; end: number; bytes: Promise<Uint8Array> };
      if (w.start <= start && end <= w.end) return w;
    }
    return undefined;
  }
}
