/**
 * Batches of files to extract whose content is plain ranges of local image files, and the synchronous
 * loop that writes one batch (run by the extraction workers, or on the calling thread for small jobs).
 *
 * The content of consecutive small files usually sits back to back in the image: one pread of the whole
 * span (up to the buffer size) serves them all, each file written from a subarray. Larger files are
 * copied chunk by chunk through the same buffer.
 */
import { closeSync, openSync } from 'node:fs';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { discard, finishOutput, isContentError, openOutput, preadFull, truncatedError, writeAll, type FileTarget, type OutputEnv } from './extract-file-io.js';
import { fsError } from './safe-path.js';

/** Columns per file in `FileBatch.nums`. */
const STRIDE = 9;
const F_FRESH = 1;
const F_MODE = 2;
const F_OWNER = 4;
const F_MTIME = 8;
const F_ATIME = 16;
/** Largest hole between two files that one span read still covers (sector padding, small gaps). */
const MAX_GAP = 64 * 1024;

/** Files as columns (see the file comment). `ranges` holds [source, byteOffset, byteLength] triples. */
export interface FileBatch {
  id: number;
  /** image files the ranges point into: their paths and byte lengths */
  sources: { name: string; byteLength: number }[];
  /** absolute / image-relative path of each directory the files are in */
  dirs: string[];
  relDirs: string[];
  names: string[];
  /** per file: dir, flags, mode, uid, gid, atimeMs, mtimeMs, byteLength, rangeCount */
  nums: Float64Array<ArrayBuffer>;
  ranges: Float64Array<ArrayBuffer>;
  /** files and bytes in the batch */
  count: number;
  byteLength: number;
}

export interface BatchResult {
  id: number;
  files: number;
  bytes: number;
  failed: { path: string; code: string; message: string }[];
  /** an error that stops the extraction (the rest of the batch was not written) */
  fatal?: { code: string; message: string };
  /** stopped early on request */
  stopped?: boolean;
}

/** Metadata of one file to put in a batch. */
export type BatchFile = Omit<FileTarget, 'dir' | 'rel'>;

/** Collects files into a batch (columns grow as needed). */
export class BatchBuilder {
  private nums: Float64Array<ArrayBuffer> = new Float64Array(STRIDE * 64);
  private ranges: Float64Array<ArrayBuffer> = new Float64Array(3 * 64);
  private rangeCount = 0;
  private sources: { name: string; byteLength: number }[] = [];
  private dirs: string[] = [];
  private relDirs: string[] = [];
  private names: string[] = [];
  private lastDir = '';
  count = 0;
  byteLength = 0;

  /** Add a file in directory `absDir` (`relDir` in the image) with its content ranges. */
  add(absDir: string, relDir: string, f: BatchFile, ranges: readonly { source: { name: string; byteLength: number }; byteOffset: number; byteLength: number }[]): void {
    if (!this.dirs.length || this.lastDir !== absDir) {
      this.dirs.push(absDir);
      this.relDirs.push(relDir);
      this.lastDir = absDir;
    }
    if ((this.count + 1) * STRIDE > this.nums.length) this.nums = grow(this.nums);
    let flags = f.fresh ? F_FRESH : 0;
    if (f.mode !== undefined) flags |= F_MODE;
    if (f.uid !== undefined && f.gid !== undefined) flags |= F_OWNER;
    if (f.mtimeMs !== undefined) flags |= F_MTIME;
    if (f.atimeMs !== undefined) flags |= F_ATIME;
    let total = 0;
    for (const r of ranges) {
      if ((this.rangeCount + 1) * 3 > this.ranges.length) this.ranges = grow(this.ranges);
      const k = this.rangeCount * 3;
      this.ranges[k] = this.sourceIndex(r.source);
      this.ranges[k + 1] = r.byteOffset;
      this.ranges[k + 2] = r.byteLength;
      this.rangeCount++;
      total += r.byteLength;
    }
    const nums = this.nums;
    const k = this.count * STRIDE;
    nums[k] = this.dirs.length - 1;
    nums[k + 1] = flags;
    nums[k + 2] = f.mode ?? 0;
    nums[k + 3] = f.uid ?? 0;
    nums[k + 4] = f.gid ?? 0;
    nums[k + 5] = f.atimeMs ?? 0;
    nums[k + 6] = f.mtimeMs ?? 0;
    nums[k + 7] = total;
    nums[k + 8] = ranges.length;
    this.names.push(f.name);
    this.count++;
    this.byteLength += total;
  }

  private sourceIndex(src: { name: string; byteLength: number }): number {
    const last = this.sources.length - 1;
    if (last >= 0 && this.sources[last]?.name === src.name) return last;
    const i = this.sources.findIndex((x) => x.name === src.name);
    return i >= 0 ? i : this.sources.push({ name: src.name, byteLength: src.byteLength }) - 1;
  }

  /** The batch so far (the builder starts over). */
  take(id: number): FileBatch {
    const b: FileBatch = {
      id, sources: this.sources, dirs: this.dirs, relDirs: this.relDirs, names: this.names,
      nums: this.nums.slice(0, this.count * STRIDE), ranges: this.ranges.slice(0, this.rangeCount * 3), count: this.count, byteLength: this.byteLength,
    };
    this.sources = [];
    this.dirs = [];
    this.relDirs = [];
    this.names = [];
    this.rangeCount = 0;
    this.count = 0;
    this.byteLength = 0;
    return b;
  }
}

function grow(a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

/** Descriptors of the image files batches read from, opened once per thread. */
export class SourceFds {
  private readonly fds = new Map<string, number>();
  get(name: string): number {
    let fd = this.fds.get(name);
    if (fd === undefined) {
      try {
        fd = openSync(name, 'r');
      } catch (e) {
        throw fsError(e, name);
      }
      this.fds.set(name, fd);
    }
    return fd;
  }
  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

/** One file of a batch, decoded. */
function targetOf(b: FileBatch, i: number): FileTarget & { byteLength: number; rangeCount: number } {
  const n = b.nums;
  const k = i * STRIDE;
  const flags = n[k + 1] as number;
  const d = n[k] as number;
  const name = b.names[i] as string;
  const relDir = b.relDirs[d] as string;
  return {
    dir: b.dirs[d] as string, name, rel: relDir ? `${relDir}/${name}` : name, fresh: (flags & F_FRESH) !== 0,
    mode: flags & F_MODE ? n[k + 2] : undefined,
    uid: flags & F_OWNER ? n[k + 3] : undefined,
    gid: flags & F_OWNER ? n[k + 4] : undefined,
    atimeMs: flags & F_ATIME ? n[k + 5] : undefined,
    mtimeMs: flags & F_MTIME ? n[k + 6] : undefined,
    byteLength: n[k + 7] as number,
    rangeCount: n[k + 8] as number,
  };
}

/** Create, fill (`fill` returns nothing or throws), finish; a failure removes the file. */
function writeOne(t: FileTarget, env: OutputEnv, fill: (fd: number) => void): void {
  const out = openOutput(t, env);
  try {
    fill(out.fd);
  } catch (e) {
    closeSync(out.fd);
    discard(out.target);
    throw e instanceof IsoKitError ? e : fsError(e, `${t.dir}/${t.name}`);
  }
  try {
    finishOutput(out, t, env);
  } catch (e) {
    discard(out.target);
    throw e;
  }
}

const endsEarly = (rel: string, src: { name: string; byteLength: number }): IsoKitError =>
  truncatedError(rel, `the image ${src.name} ends at byte ${src.byteLength}, before the end of the file's data`);

/**
 * Write every file of `b` (see the file comment). Content errors fail that file only; any other error
 * stops the batch (`fatal`). `stop[0] !== 0` (set by another thread) stops between files.
 */
export function runBatch(b: FileBatch, env: OutputEnv, buf: Uint8Array, fds: SourceFds, stop?: Int32Array): BatchResult {
  const res: BatchResult = { id: b.id, files: 0, bytes: 0, failed: [] };
  let r = 0; // next range triple
  let i = 0;
  try {
    while (i < b.count) {
      if (stop && Atomics.load(stop, 0) !== 0) {
        res.stopped = true;
        break;
      }
      const j = spanEnd(b, i, r, buf.length);
      if (j > i + 1 || (j === i + 1 && b.nums[i * STRIDE + 8] === 1 && (b.nums[i * STRIDE + 7] as number) <= buf.length)) {
        r = writeSpan(b, i, j, r, env, buf, fds, res);
        i = j;
      } else {
        r = writeLarge(b, i, r, env, buf, fds, res, stop);
        i++;
      }
    }
  } catch (e) {
    const err = e instanceof IsoKitError ? e : new IsoKitError(ErrorCode.IO, e instanceof Error ? e.message : String(e));
    res.fatal = { code: err.code, message: err.message };
  }
  return res;
}

/** Files i..j-1 whose single ranges lie ascending within one buffer-sized span of one source (j > i when any). */
function spanEnd(b: FileBatch, i: number, r: number, limit: number): number {
  const n = b.nums;
  const rg = b.ranges;
  let j = i;
  let src = -1;
  let start = 0;
  let end = 0;
  for (; j < b.count; j++) {
    const count = n[j * STRIDE + 8] as number;
    const len = n[j * STRIDE + 7] as number;
    if (count === 0 || len === 0) {
      r += count;
      continue;
    }
    if (count !== 1) break;
    const s = rg[r * 3] as number;
    const off = rg[r * 3 + 1] as number;
    if (src < 0) {
      if (len > limit) break;
      src = s;
      start = off;
      end = off + len;
    } else if (s !== src || off < end || off - end > MAX_GAP || off + len - start > limit) {
      break;
    } else {
      end = off + len;
    }
    r++;
  }
  return j;
}

/** Read the span of files i..j-1 once, write each from the buffer. Returns the next range index. */
function writeSpan(b: FileBatch, i: number, j: number, r: number, env: OutputEnv, buf: Uint8Array, fds: SourceFds, res: BatchResult): number {
  // the span: first and last file with data
  let start = -1;
  let end = 0;
  let src = 0;
  for (let k = i, q = r; k < j; k++) {
    const count = b.nums[k * STRIDE + 8] as number;
    const len = b.nums[k * STRIDE + 7] as number;
    if (count === 1 && len > 0) {
      if (start < 0) {
        src = b.ranges[q * 3] as number;
        start = b.ranges[q * 3 + 1] as number;
      }
      end = (b.ranges[q * 3 + 1] as number) + len;
    }
    q += count;
  }
  const source = b.sources[src] as { name: string; byteLength: number };
  let got = 0;
  if (start >= 0) {
    const want = Math.max(0, Math.min(end, source.byteLength) - start);
    try {
      got = preadFull(fds.get(source.name), buf, want, start);
    } catch (e) {
      throw fsError(e, source.name);
    }
  }
  for (let k = i; k < j; k++) {
    const t = targetOf(b, k);
    const off = t.rangeCount === 1 ? (b.ranges[r * 3 + 1] as number) - start : 0;
    r += t.rangeCount;
    try {
      if (t.byteLength > 0 && off + t.byteLength > got) throw endsEarly(t.rel, source);
      writeOne(t, env, (fd) => {
        if (t.byteLength > 0) writeAll(fd, buf.subarray(off, off + t.byteLength), t.byteLength, 0);
      });
      res.files++;
      res.bytes += t.byteLength;
    } catch (e) {
      if (!isContentError(e)) throw e;
      res.failed.push({ path: t.rel, code: e.code, message: e.message });
    }
  }
  return r;
}

/** A file copied chunk by chunk (large, or several ranges). Returns the next range index. */
function writeLarge(b: FileBatch, i: number, r: number, env: OutputEnv, buf: Uint8Array, fds: SourceFds, res: BatchResult, stop?: Int32Array): number {
  const t = targetOf(b, i);
  const first = r;
  try {
    writeOne(t, env, (fd) => {
      let pos = 0;
      for (let q = first; q < first + t.rangeCount; q++) {
        const source = b.sources[b.ranges[q * 3] as number] as { name: string; byteLength: number };
        const byteOffset = b.ranges[q * 3 + 1] as number;
        const byteLength = b.ranges[q * 3 + 2] as number;
        const sfd = fds.get(source.name);
        for (let done = 0; done < byteLength; ) {
          const want = Math.min(buf.length, byteLength - done);
          const avail = Math.max(0, Math.min(want, source.byteLength - byteOffset - done));
          const got = avail > 0 ? preadFull(sfd, buf, avail, byteOffset + done) : 0;
          if (got < want) throw endsEarly(t.rel, source);
          // a large file stops too when asked (it is removed like any file that could not be finished)
          if (stop && Atomics.load(stop, 0) !== 0) throw new IsoKitError(ErrorCode.ABORTED, 'extraction interrupted');
          writeAll(fd, buf, want, pos);
          done += want;
          pos += want;
        }
      }
    });
    res.files++;
    res.bytes += t.byteLength;
  } catch (e) {
    if (!isContentError(e)) throw e;
    res.failed.push({ path: t.rel, code: e.code, message: e.message });
  }
  return first + t.rangeCount;
}
