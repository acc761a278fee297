/**
 * Read-ahead of the file-data region for `create`: worker threads open, read and close the source files into
 * a ring of shared buffers, slot by slot (each slot is a run of the region's exact bytes: file data, each
 * file zero-padded to its blocks), while the calling thread serializes the directories and writes earlier
 * slots. The image is still written strictly in order: the calling thread hands the slots out in sequence.
 *
 * The region is cut into slots once, up front (`packDataRegion`): a small file lies whole inside one slot
 * (read with open + one read of its planned size + 1 + close, so a grown or shrunk file shows in the count
 * without a stat; a read that returns exactly the planned size is taken as the end of the file); a large one is split over consecutive slots (each piece a positional read; the first
 * piece compares size and mtime with fstat). Workers claim slots with an atomic counter, so they share the
 * work whatever the file sizes, and never get more than the ring ahead of the writer.
 */
import { Buffer } from 'node:buffer';
import { availableParallelism } from 'node:os';
import { BLOCK_SIZE, type DataItem, type DataRegionChunk, type DataRegionChunks, type FileDataSource } from '../create/index.js';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { skewedBuffers } from './chunk-reader.js';
import { ioError } from './errors.js';
import { FileContent } from './fs-content.js';
import { WorkerPool, waitWhileEqual } from './worker-pool.js';
import { PieceFlag, readRingWords } from './worker-protocols.js';

/** piece flags */
const { SMALL, FIRST, LAST } = PieceFlag;

/** How the region is cut into slots: pieces (a file range plus its zero padding) and, per slot, its pieces. */
export interface DataPacking {
  item: Int32Array;
  fileOffset: Float64Array;
  /** region bytes the piece covers (data + padding; at most one slot) */
  regionLength: Int32Array;
  /** planned file bytes in the piece */
  dataLength: Int32Array;
  flags: Uint8Array;
  /** first piece of each slot (one more entry than slots) */
  slotFirstPiece: Int32Array;
  slotLength: Int32Array;
  /** items complete at the end of each slot (cumulative) */
  itemsDone: Int32Array;
}

/** Cut the file-data region of items with these planned sizes into slots of at most `slotBytes` bytes. */
export function packDataRegion(sizes: ArrayLike<number>, slotBytes: number): DataPacking {
  // filled in place in shared memory (the worker threads see the arrays without a copy each), sized for the
  // most pieces the region can need: no per-piece JS arrays of 100,000 numbers to build and copy
  let capacity = 0;
  for (let i = 0; i < sizes.length; i++) {
    const want = sizes[i] as number;
    capacity += want < slotBytes / 2 ? 1 : Math.ceil(Math.ceil(want / BLOCK_SIZE) * BLOCK_SIZE / slotBytes) + 1;
  }
  const item = sharedOf(Int32Array, capacity), fileOffset = sharedOf(Float64Array, capacity), regionLength = sharedOf(Int32Array, capacity);
  const dataLength = sharedOf(Int32Array, capacity), flags = sharedOf(Uint8Array, capacity);
  // per slot (a few hundred): plain arrays, copied to shared memory of the exact size at the end
  const firstPieces = [0], lengths: number[] = [], done: number[] = [];
  let pieces = 0, used = 0, completed = 0;
  const close = () => {
    lengths.push(used);
    done.push(completed);
    firstPieces.push(pieces);
    used = 0;
  };
  const piece = (i: number, off: number, len: number, data: number, f: number) => {
    item[pieces] = i;
    fileOffset[pieces] = off;
    regionLength[pieces] = len;
    dataLength[pieces] = data;
    flags[pieces++] = f;
    used += len;
    if (f & LAST) completed = i + 1;
    if (used === slotBytes) close();
  };
  for (let i = 0; i < sizes.length; i++) {
    const want = sizes[i] as number;
    const padded = Math.ceil(want / BLOCK_SIZE) * BLOCK_SIZE;
    if (want < slotBytes / 2) {
      // whole in one slot, with room for the one byte more that shows a grown file
      if (used + Math.max(padded, want + 1) > slotBytes) close();
      piece(i, 0, padded, want, SMALL | FIRST | LAST);
      continue;
    }
    for (let off = 0; off < padded; ) {
      const n = Math.min(slotBytes - used, padded - off);
      piece(i, off, n, Math.max(0, Math.min(want - off, n)), (off === 0 ? FIRST : 0) | (off + n === padded ? LAST : 0));
      off += n;
    }
  }
  if (used > 0) close();
  const shared = (xs: readonly number[]) => {
    const a = sharedOf(Int32Array, xs.length);
    a.set(xs);
    return a.subarray(0, xs.length);
  };
  return {
    item: item.subarray(0, pieces), fileOffset: fileOffset.subarray(0, pieces), regionLength: regionLength.subarray(0, pieces),
    dataLength: dataLength.subarray(0, pieces), flags: flags.subarray(0, pieces), slotFirstPiece: shared(firstPieces),
    slotLength: shared(lengths), itemsDone: shared(done),
  };
}

type TypedArrayOf<T> = { new (buffer: SharedArrayBuffer): T; readonly BYTES_PER_ELEMENT: number };

/** A zeroed typed array of `length` elements over a SharedArrayBuffer. */
function sharedOf<T>(Type: TypedArrayOf<T>, length: number): T {
  return new Type(new SharedArrayBuffer(Math.max(1, length) * Type.BYTES_PER_ELEMENT));
}

/**
 * The source paths in shared memory, without a path string per file: the distinct directory paths (a few
 * thousand, shared by their files' FileContent) and each file's name, as UTF-8; a worker joins the two into a
 * scratch Buffer to open the file.
 */
export interface SharedPaths {
  dirBytes: SharedArrayBuffer;
  dirEnds: Float64Array;
  nameBytes: SharedArrayBuffer;
  /** (32-bit unless the names add up to 4 GiB) */
  nameEnds: Float64Array | Uint32Array;
  /** directory index of each file */
  dirOf: Int32Array;
  /** the longest joined path, in bytes */
  maxByteLength: number;
}

export function sharedPaths(items: readonly DataItem[]): SharedPaths {
  const n = items.length;
  const contentOf = (i: number) => (items[i] as DataItem).content as FileContent;
  const dirIndex = new Map<string, number>();
  const dirs: string[] = [];
  const dirOf = sharedOf(Int32Array, n);
  let bound = 0; // UTF-8 needs at most 3 bytes per UTF-16 unit
  for (let i = 0; i < n; i++) bound += contentOf(i).name.length * 3;
  const nameEnds = bound < 2 ** 32 ? sharedOf(Uint32Array, n) : sharedOf(Float64Array, n);
  let nameTotal = 0;
  let maxName = 0;
  for (let i = 0; i < n; i++) {
    const c = contentOf(i);
    let d = dirIndex.get(c.dir);
    if (d === undefined) {
      d = dirs.length;
      dirs.push(c.dir);
      dirIndex.set(c.dir, d);
    }
    dirOf[i] = d;
    const len = Buffer.byteLength(c.name);
    maxName = Math.max(maxName, len);
    nameEnds[i] = nameTotal += len;
  }
  const nameBytes = new SharedArrayBuffer(Math.max(1, nameTotal));
  const names = Buffer.from(nameBytes);
  for (let i = 0, at = 0; i < n; i++) at += names.write(contentOf(i).name, at);
  const dirEnds = sharedOf(Float64Array, dirs.length);
  let dirTotal = 0;
  let maxDir = 0;
  dirs.forEach((d, k) => {
    const len = Buffer.byteLength(d);
    maxDir = Math.max(maxDir, len);
    dirEnds[k] = dirTotal += len;
  });
  const dirBytes = new SharedArrayBuffer(Math.max(1, dirTotal));
  const dirView = Buffer.from(dirBytes);
  for (let k = 0, at = 0; k < dirs.length; k++) at += dirView.write(dirs[k] as string, at);
  return { dirBytes, dirEnds, nameBytes, nameEnds, dirOf, maxByteLength: maxDir + 1 + maxName };
}

/** A file that changed after it was planned (reported by a reader thread for region slot `seq`). */
export interface ReadProblem {
  index: number;
  reason: string;
  actualByteLength?: number;
  /** a short read (takes precedence over what fstat said, as in emit's own reader) */
  short?: boolean;
}

/** What a reader thread starts with (read-worker.ts). */
export interface ReadWorkerInit {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
  /** byte offset of slot 0 in `data` (slots are skewed off page alignment, see chunk-reader.ts) */
  base: number;
  slots: number;
  slotBytes: number;
  packing: DataPacking;
  paths: SharedPaths;
  large: LargeItems;
}

/** A reader thread's message: the problems of one slot, or the error that stopped it. */
export type ReadWorkerMessage = { seq: number; probs: ReadProblem[] } | { error: { message: string; code?: string; path?: string; position?: number } };

export interface ReadAheadOptions {
  /** true: always; false: never; 'auto' (default): for many files or many bytes */
  enabled?: boolean | 'auto';
  /** worker threads (default: 2 for small files, 1 for large ones; see defaultWorkers) */
  workers?: number;
  /** slot size (default 1 MiB; a multiple of 2048) */
  slotBytes?: number;
  /** slots in the ring (default 5 with two readers, 4 with one) */
  slots?: number;
  /**
   * Called once every reader thread has started (the calling thread waits for them, up to a second; a thread
   * slower than that calls it again when it is up). Starting
   * a thread sets up a V8 heap, which resets process-wide V8 flags such as --semi-space-growth-factor to their
   * minimum: the create command sets its flag again here.
   */
  onThreadsStarted?: () => void;
}

/**
 * Two reader threads when the files are small (opening them is the work: ~12 µs each), one when they are large
 * (one thread reads from the page cache 2-3× faster than the writer copies out, and each thread costs ~9 MiB).
 */
function defaultWorkers(items: readonly DataItem[]): number {
  let bytes = 0;
  for (const d of items) bytes += d.byteLength;
  return bytes / Math.max(1, items.length) >= 48 << 10 ? 1 : Math.min(2, availableParallelism());
}

/**
 * The items split over several pieces (half a slot or more), with the size and mtime their first piece checks
 * with fstat; small files need neither (their read count shows a change), so 100,000 of them add nothing here.
 */
/** The items read in several pieces, with the size and mtime planned for each. */
interface LargeItems {
  items: Int32Array;
  sizes: Float64Array;
  mtimes: Float64Array;
}

function largeItems(items: readonly DataItem[], slotBytes: number): LargeItems {
  const which: number[] = [];
  for (let i = 0; i < items.length; i++) if ((items[i] as DataItem).byteLength >= slotBytes / 2) which.push(i);
  const out = { items: sharedOf(Int32Array, which.length), sizes: sharedOf(Float64Array, which.length), mtimes: sharedOf(Float64Array, which.length) };
  which.forEach((i, k) => {
    const d = items[i] as DataItem;
    out.items[k] = i;
    out.sizes[k] = d.byteLength;
    out.mtimes[k] = (d.content as FileContent).mtimeMs;
  });
  return out;
}

/** A FileDataSource reading node files with worker threads (undefined for items that are not all files on disk). */
export function readAheadSource(opts: ReadAheadOptions = {}): FileDataSource {
  return (items, { signal }) => {
    const enabled = opts.enabled ?? 'auto';
    if (enabled === false) return undefined;
    let bytes = 0;
    for (const d of items) {
      if (!(d.content instanceof FileContent)) return undefined;
      bytes += d.byteLength;
    }
    // 'auto': a few large files also go through the ring (1 reader thread): reading ahead while the writer
    // writes beat copying on the writing thread 1.2-1.6 s against 2.9-4.6 s for 3 GiB to a disk file (quiet
    // VM; the synchronous copy paid 2-3× the kernel time under writeback)
    if (enabled === 'auto' && items.length < 2000 && bytes < 256 << 20) return undefined;
    return new ReadAhead(items, opts, signal).chunks();
  };
}


/** The read-ahead of one region: the ring, its reader threads, and the slots handed out in order. */
class ReadAhead {
  private readonly ctrl: Int32Array;
  private readonly ring: ReturnType<typeof readRingWords>;
  private readonly views: Uint8Array[];
  private readonly packing: DataPacking;
  private readonly pool: WorkerPool<ReadWorkerMessage> | undefined;
  private readonly slots: number;
  private readonly total: number;
  /** problems posted per region slot, until the writer takes that slot */
  private readonly posted = new Map<number, ReadProblem[]>();
  /** each item's first problem, reported with its last piece */
  private readonly pending = new Map<number, ReadProblem>();
  private failure: IsoKitError | undefined;
  private wake: (() => void) | undefined;
  private stopped: Promise<void> | undefined;

  constructor(items: readonly DataItem[], opts: ReadAheadOptions, private readonly signal: AbortSignal | undefined) {
    const count = Math.max(1, opts.workers ?? defaultWorkers(items));
    const slotBytes = opts.slotBytes ?? 1 << 20;
    // a slot being written, one being filled by each reader and some slack for small files' uneven pace (the
    // readers are the slower side: 5 slots of 1 MiB wrote 100,000 small files as fast as 8, with 3 MiB less RSS)
    this.slots = opts.slots ?? (count > 1 ? 5 : 4);
    const sizes = new Float64Array(items.length);
    for (let i = 0; i < items.length; i++) sizes[i] = (items[i] as DataItem).byteLength;
    this.packing = packDataRegion(sizes, slotBytes);
    this.total = this.packing.slotLength.length;
    this.views = skewedBuffers(this.slots, slotBytes, true);
    this.ring = readRingWords(this.slots);
    this.ctrl = new Int32Array(new SharedArrayBuffer(this.ring.words * 4));
    const first = this.views[0] as Uint8Array;
    const workerData: ReadWorkerInit = {
      control: this.ctrl.buffer as SharedArrayBuffer, data: first.buffer as SharedArrayBuffer, base: first.byteOffset, slots: this.slots, slotBytes,
      packing: this.packing, paths: sharedPaths(items), large: largeItems(items, slotBytes),
    };
    const threads = Math.min(this.total, count);
    this.pool = threads === 0 ? undefined : new WorkerPool<ReadWorkerMessage>('read-worker', threads, { workerData: () => workerData, label: 'file reader thread', resourceLimits: { maxYoungGenerationSizeMb: 1 } }, {
      onMessage: (m) => this.received(m),
      onFailure: (e) => this.fail(e),
      // a reader that ran out of slots ends by itself
      expectExit: (code) => code === 0,
    });
    if (opts.onThreadsStarted && this.pool) this.whenStarted(threads, opts.onThreadsStarted);
  }

  /** Wait (up to a second) for every thread to be up, then call `done`; a slower thread calls it again when up. */
  private whenStarted(threads: number, done: () => void): void {
    const started = this.ring.STARTED, deadline = Date.now() + 1000;
    for (let n = Atomics.load(this.ctrl, started); n < threads && Date.now() < deadline; n = Atomics.load(this.ctrl, started)) Atomics.wait(this.ctrl, started, n, 50);
    done();
    if (Atomics.load(this.ctrl, started) < threads) this.pool?.onOnline(done);
  }

  private received(m: ReadWorkerMessage): void {
    if ('error' in m) {
      const e = Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {});
      this.fail(ioError(e, m.error.path ?? 'file data', m.error.position));
    } else {
      this.posted.set(m.seq, m.probs);
      this.wake?.();
    }
  }

  private fail(e: IsoKitError): void {
    this.failure ??= e;
    Atomics.store(this.ctrl, this.ring.FAILED, 1);
    for (let s = 0; s < this.slots; s++) Atomics.notify(this.ctrl, this.ring.STATE + s);
    this.wake?.();
  }

  private next(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  close = (): Promise<void> => {
    if (!this.stopped) {
      this.fail(new IsoKitError(ErrorCode.ABORTED, 'stopped'));
      this.stopped = this.pool?.terminate() ?? Promise.resolve();
    }
    return this.stopped;
  };

  /** The problems the reader posted for slot `seq` (the message may arrive after the slot is marked full). */
  private async problemsOf(seq: number): Promise<ReadProblem[]> {
    for (;;) {
      const list = this.posted.get(seq);
      if (list) {
        this.posted.delete(seq);
        return list;
      }
      if (this.failure) throw this.failure;
      await this.next();
    }
  }

  /** Keep each item's first problem (a short read over what fstat said); report it with the item's last piece. */
  private collect(list: readonly ReadProblem[], seq: number): ReadProblem[] {
    for (const p of list) {
      const had = this.pending.get(p.index);
      if (!had || (p.short && !had.short)) this.pending.set(p.index, p);
    }
    const out: ReadProblem[] = [];
    const from = seq ? (this.packing.itemsDone[seq - 1] as number) : 0;
    for (const [index, p] of this.pending) {
      if (index < from || index >= (this.packing.itemsDone[seq] as number)) continue;
      this.pending.delete(index);
      out.push(p.actualByteLength !== undefined ? { index, reason: p.reason, actualByteLength: p.actualByteLength } : { index, reason: p.reason });
    }
    return out.sort((a, b) => a.index - b.index);
  }

  /** Wait until a reader has filled region slot `seq` (throws the failure that stopped the readers). */
  private async filled(seq: number): Promise<void> {
    const { ctrl } = this, at = this.ring.STATE + (seq % this.slots);
    for (let v = Atomics.load(ctrl, at); v !== seq + 1 && !Atomics.load(ctrl, this.ring.FAILED); v = Atomics.load(ctrl, at)) await waitWhileEqual(ctrl, at, v);
    if (Atomics.load(ctrl, at) !== seq + 1) {
      while (!this.failure) await this.next();
      throw this.failure;
    }
    if (this.signal?.aborted) throw new IsoKitError(ErrorCode.ABORTED, 'aborted');
  }

  chunks(): DataRegionChunks {
    return { [Symbol.asyncIterator]: () => this.inOrder(), close: this.close };
  }

  private async *inOrder(): AsyncGenerator<DataRegionChunk, void, undefined> {
    try {
      for (let seq = 0; seq < this.total; seq++) {
        await this.filled(seq);
        const slot = seq % this.slots;
        const changes = Atomics.load(this.ctrl, this.ring.PROBS + slot) ? await this.problemsOf(seq) : [];
        yield { bytes: (this.views[slot] as Uint8Array).subarray(0, this.packing.slotLength[seq]), itemsDone: this.packing.itemsDone[seq] as number, changes: this.collect(changes, seq) };
        Atomics.store(this.ctrl, this.ring.CONSUMED, seq + 1);
        Atomics.notify(this.ctrl, this.ring.CONSUMED);
      }
    } finally {
      await this.close();
    }
  }
}
