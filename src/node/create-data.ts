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
import { Worker } from 'node:worker_threads';
import { BLOCK_SIZE, type DataItem, type DataRegionChunk, type DataRegionChunks, type FileDataSource } from '../create/index.js';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { skewedBuffers } from './chunk-reader.js';
import { ioError } from './errors.js';
import { FileContent } from './fs-content.js';

/** piece flags */
const SMALL = 1, FIRST = 2, LAST = 4;

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

/**
 * control words: [0] claim counter (workers only), slots consumed, failed flag, then per ring slot its state and
 * problem count, then the number of threads that have started
 */
const CONSUMED = 1, FAILED = 2, STATE = 3;

interface Problem {
  index: number;
  reason: string;
  actualByteLength?: number;
  /** a short read (takes precedence over what fstat said, as in emit's own reader) */
  short?: boolean;
}

/**
 * The worker body, evaluated as a script (`eval: true`) so it runs the same from dist/ and under tsx; it only
 * uses `require` and `workerData`.
 */
const WORKER_SOURCE = `
const { openSync, readSync, closeSync, fstatSync } = require('node:fs');
const { parentPort, workerData: w } = require('node:worker_threads');
const ctrl = new Int32Array(w.control);
const NEXT = 0, CONSUMED = 1, FAILED = 2, STATE = 3, PROBS = 3 + w.slots, STARTED = 3 + 2 * w.slots;
Atomics.add(ctrl, STARTED, 1);
Atomics.notify(ctrl, STARTED);
const SMALL = 1, FIRST = 2, LAST = 4;
const P = w.paths, dirBytes = Buffer.from(P.dirBytes), nameBytes = Buffer.from(P.nameBytes);
const scratch = Buffer.alloc(P.maxByteLength + 1);
function path(i) {
  const d = P.dirOf[i], d0 = d ? P.dirEnds[d - 1] : 0, n0 = i ? P.nameEnds[i - 1] : 0, n1 = P.nameEnds[i];
  let at = dirBytes.copy(scratch, 0, d0, P.dirEnds[d]);
  if (n1 > n0) { scratch[at++] = 47; at += nameBytes.copy(scratch, at, n0, n1); }
  return scratch.subarray(0, at);
}
const p = w.packing;
const total = p.slotLength.length;
function large(i) {
  const a = w.large.items;
  let lo = 0, hi = a.length - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (a[mid] < i) lo = mid + 1; else hi = mid; }
  return lo;
}
const views = [];
for (let s = 0; s < w.slots; s++) views.push(new Uint8Array(w.data, w.base + s * w.slotBytes, w.slotBytes));
let openItem = -1, openFd = -1;
const closeOpen = () => { if (openFd >= 0) closeSync(openFd); openFd = -1; openItem = -1; };
const fail = (e, i, pos) => { e.isoPath = path(i).toString(); e.isoPosition = pos; return e; };
function open(i) {
  try { return openSync(path(i), 'r'); } catch (e) { if (e.code === 'ENOENT') return -1; throw fail(e, i); }
}
function readInto(fd, buf, at, want, pos, i, enough = want) {
  let got = 0;
  try {
    while (got < enough) { const n = readSync(fd, buf, at + got, want - got, pos + got); if (n === 0) break; got += n; }
  } catch (e) { throw fail(e, i, pos + got); }
  return got;
}
function fill(seq, buf, probs) {
  let at = 0;
  for (let k = p.slotFirstPiece[seq]; k < p.slotFirstPiece[seq + 1]; k++) {
    const i = p.item[k], len = p.regionLength[k], want = p.dataLength[k], f = p.flags[k], off = p.fileOffset[k];
    let got = 0;
    if (f & SMALL) {
      const fd = open(i);
      if (fd < 0) probs.push({ index: i, reason: 'it was removed' });
      else {
        try { got = readInto(fd, buf, at, want + 1, 0, i, want); } finally { closeSync(fd); }
        if (got > want) { probs.push({ index: i, reason: 'it became longer' }); got = want; }
        else if (got < want) probs.push({ index: i, reason: 'it became shorter', actualByteLength: got });
      }
    } else {
      if (openItem !== i) {
        closeOpen();
        openFd = open(i);
        openItem = i;
        if (f & FIRST) {
          if (openFd < 0) probs.push({ index: i, reason: 'it was removed' });
          else {
            const st = fstatSync(openFd);
            const L = large(i);
            if (st.size !== w.large.sizes[L]) probs.push({ index: i, reason: 'its size changed from ' + w.large.sizes[L] + ' to ' + st.size + ' bytes' });
            else if (st.mtimeMs !== w.large.mtimes[L]) probs.push({ index: i, reason: 'it was modified' });
          }
        }
      }
      if (openFd >= 0) got = readInto(openFd, buf, at, want, off, i);
      if (got < want) probs.push({ index: i, reason: 'it became shorter', actualByteLength: off + got, short: true });
      if (f & LAST) closeOpen();
    }
    buf.fill(0, at + got, at + len);
    at += len;
  }
}
try {
  for (;;) {
    const seq = Atomics.add(ctrl, NEXT, 1);
    if (seq >= total) break;
    for (let c = Atomics.load(ctrl, CONSUMED); seq - c >= w.slots; c = Atomics.load(ctrl, CONSUMED)) Atomics.wait(ctrl, CONSUMED, c);
    const slot = seq % w.slots;
    const probs = [];
    fill(seq, views[slot], probs);
    if (probs.length) parentPort.postMessage({ seq, probs });
    Atomics.store(ctrl, PROBS + slot, probs.length);
    Atomics.store(ctrl, STATE + slot, seq + 1);
    Atomics.notify(ctrl, STATE + slot);
  }
  closeOpen();
} catch (e) {
  parentPort.postMessage({ error: { message: String(e && e.message), code: e && e.code, path: e && e.isoPath, position: e && e.isoPosition } });
  Atomics.store(ctrl, FAILED, 1);
  for (let s = 0; s < w.slots; s++) Atomics.notify(ctrl, STATE + s);
}
`;

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
function largeItems(items: readonly DataItem[], slotBytes: number): { items: Int32Array; sizes: Float64Array; mtimes: Float64Array } {
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

type AtomicsWaitAsync = { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string } };

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
    if (enabled === 'auto' && items.length < 2000 && bytes < 256 << 20) return undefined;
    return readAhead(items, opts, signal);
  };
}

interface ErrorMessage {
  seq?: number;
  probs?: Problem[];
  error?: { message: string; code?: string; path?: string; position?: number };
}

/** Start the worker threads on the region (they fill the ring right away) and hand its chunks out in order. */
function readAhead(items: readonly DataItem[], opts: ReadAheadOptions, signal: AbortSignal | undefined): DataRegionChunks {
  const count = Math.max(1, opts.workers ?? defaultWorkers(items));
  const slotBytes = opts.slotBytes ?? 1 << 20;
  // a slot being written, one being filled by each reader and some slack for small files' uneven pace (the
  // readers are the slower side: 5 slots of 1 MiB wrote 100,000 small files as fast as 8, with 3 MiB less RSS)
  const slots = opts.slots ?? (count > 1 ? 5 : 4);
  const sizes = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) sizes[i] = (items[i] as DataItem).byteLength;
  const packing = packDataRegion(sizes, slotBytes);
  const large = largeItems(items, slotBytes);
  const total = packing.slotLength.length;
  const views = skewedBuffers(slots, slotBytes, true);
  const first = views[0] as Uint8Array;
  const ctrl = new Int32Array(new SharedArrayBuffer((4 + 2 * slots) * 4));
  const workerData = { control: ctrl.buffer, data: first.buffer, base: first.byteOffset, slots, slotBytes, packing, paths: sharedPaths(items), large };
  const problems = new Map<number, Problem[]>();
  const state = { failure: undefined as IsoKitError | undefined, wake: undefined as (() => void) | undefined };
  const failWith = (e: IsoKitError) => {
    state.failure ??= e;
    Atomics.store(ctrl, FAILED, 1);
    for (let s = 0; s < slots; s++) Atomics.notify(ctrl, STATE + s);
    state.wake?.();
  };
  const threads = Math.min(total, count);
  const workers = Array.from({ length: threads }, () => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData, resourceLimits: { maxYoungGenerationSizeMb: 1 } });
    w.on('message', (m: ErrorMessage) => {
      if (m.error) {
        const e = Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {});
        failWith(ioError(e, m.error.path ?? 'file data', m.error.position));
      } else if (m.seq !== undefined && m.probs) {
        problems.set(m.seq, m.probs);
        state.wake?.();
      }
    });
    w.on('error', (e) => failWith(new IsoKitError(ErrorCode.INTERNAL, `file reader thread failed: ${e.message}`, { cause: e })));
    return w;
  });
  if (opts.onThreadsStarted) {
    const started = 3 + 2 * slots, deadline = Date.now() + 1000, done = opts.onThreadsStarted;
    for (let n = Atomics.load(ctrl, started); n < threads && Date.now() < deadline; n = Atomics.load(ctrl, started)) Atomics.wait(ctrl, started, n, 50);
    done();
    // a thread still starting after a second (a very busy machine): again when it is up
    if (Atomics.load(ctrl, started) < threads) for (const w of workers) w.once('online', done);
  }
  let stopped: Promise<void> | undefined;
  const close = () => {
    if (!stopped) {
      failWith(new IsoKitError(ErrorCode.ABORTED, 'stopped'));
      stopped = Promise.all(workers.map((w) => w.terminate())).then(() => undefined);
    }
    return stopped;
  };
  const next = async () => {
    const wait = new Promise<void>((resolve) => (state.wake = resolve));
    await wait;
  };
  const pending = new Map<number, Problem>();

  async function problemsOf(seq: number): Promise<Problem[]> {
    for (;;) {
      const list = problems.get(seq);
      if (list) {
        problems.delete(seq);
        return list;
      }
      if (state.failure) throw state.failure;
      await next();
    }
  }

  /** Keep each item's first problem (a short read over what fstat said); report it with the item's last piece. */
  function collect(list: readonly Problem[], seq: number): Problem[] {
    for (const p of list) {
      const had = pending.get(p.index);
      if (!had || (p.short && !had.short)) pending.set(p.index, p);
    }
    const out: Problem[] = [];
    const from = seq ? (packing.itemsDone[seq - 1] as number) : 0;
    for (const [index, p] of pending) {
      if (index < from || index >= (packing.itemsDone[seq] as number)) continue;
      pending.delete(index);
      out.push(p.actualByteLength !== undefined ? { index, reason: p.reason, actualByteLength: p.actualByteLength } : { index, reason: p.reason });
    }
    return out.sort((a, b) => a.index - b.index);
  }

  async function* chunks(): AsyncGenerator<DataRegionChunk, void, undefined> {
    try {
      for (let seq = 0; seq < total; seq++) {
        const slot = seq % slots;
        for (let v = Atomics.load(ctrl, STATE + slot); v !== seq + 1 && !Atomics.load(ctrl, FAILED); v = Atomics.load(ctrl, STATE + slot)) {
          const r = (Atomics as unknown as AtomicsWaitAsync).waitAsync(ctrl, STATE + slot, v);
          if (r.async) await r.value;
        }
        if (Atomics.load(ctrl, STATE + slot) !== seq + 1) {
          while (!state.failure) await next();
          throw state.failure;
        }
        if (signal?.aborted) throw new IsoKitError(ErrorCode.ABORTED, 'aborted');
        const changes = Atomics.load(ctrl, STATE + slots + slot) ? await problemsOf(seq) : [];
        yield { bytes: (views[slot] as Uint8Array).subarray(0, packing.slotLength[seq]), itemsDone: packing.itemsDone[seq] as number, changes: collect(changes, seq) };
        Atomics.store(ctrl, CONSUMED, seq + 1);
        Atomics.notify(ctrl, CONSUMED);
      }
    } finally {
      await close();
    }
  }

  return { [Symbol.asyncIterator]: chunks, close };
}
