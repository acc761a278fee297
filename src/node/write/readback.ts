/**
 * Read-back verification after a write. Each target is reopened with O_DIRECT (so the bytes come from the
 * medium, not from the page cache; block devices also get `blockdev --flushbufs` first). Where O_DIRECT
 * is refused the read is buffered after fsync + reopen: then the kernel may serve cached pages and a
 * medium that silently drops writes can go unnoticed (page-cache caveat, see README).
 *
 * Two methods: `compare` re-reads a plain local image and compares bytes (exact first differing range);
 * `digest` compares SHA-256 per 1 MiB block against the digests taken while a streamed (compressed or
 * downloaded) image was written. Several targets are read in lockstep; the second and later targets are
 * compared byte-wise with the first, so the hashing cost does not grow with the number of targets. Reads
 * are double-buffered: the next chunk comes off every target (and the image) while this one is compared.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, read as fsRead } from 'node:fs';
import { ErrorCode, IsoKitError, asIsoKitError } from '../../errors/index.js';
import { errnoText, withByteOffset } from '../device-sink.js';
import { sameBytes } from '../chunk-reader.js';
import { AlignedPool, alignUp } from './aligned.js';
import { TargetMeter, type TargetResult, type WriteProgressCallback } from './progress.js';
import type { ImageReader, ImageSegment } from './source.js';
import { flushBuffers } from './targets.js';

export interface ReadbackTarget {
  path: string;
}

export interface VerifyTargetsOptions {
  reader: ImageReader;
  imageByteLength: number;
  /** SHA-256 per `digestBlock` bytes (streamed sources); without them the source is re-read */
  digests?: Uint8Array[];
  digestBlock?: number;
  /** the runs of the targets the image's bytes went to (ImageReader.disk); default: one run from 0 */
  segments?: readonly ImageSegment[];
  chunkByteLength?: number;
  signal?: AbortSignal;
  onProgress?: WriteProgressCallback;
}

export type ReadbackResult = Pick<TargetResult, 'verified' | 'mismatch' | 'verifyMethod' | 'verifyMs'> & { error?: IsoKitError };

interface Reading {
  path: string;
  fd: number;
  direct: boolean;
  /** two buffers: one being compared while the next chunk is read into the other */
  bufs: [Uint8Array, Uint8Array];
  buf: Uint8Array;
  got: number;
  result?: ReadbackResult;
  meter: TargetMeter;
  t0: number;
}

/** One chunk read (or being read) from every live target and, in compare mode, from the image. */
interface Slot {
  pos: number;
  /** where the chunk is on the targets */
  at: number;
  len: number;
  slot: 0 | 1;
  live: Reading[];
  /** per target: its byte count or its read error */
  reads: Promise<{ r: Reading; got: number } | { r: Reading; e: unknown }>[];
  source?: Promise<Uint8Array>;
}

const preadAsync = (fd: number, buf: Uint8Array, off: number, len: number, pos: number) =>
  new Promise<number>((resolve, reject) => fsRead(fd, buf, off, len, pos, (e, n) => (e ? reject(e) : resolve(n))));

async function openForReadback(path: string): Promise<{ fd: number; direct: boolean }> {
  let fd = openSync(path, constants.O_RDONLY);
  const isBlock = fstatSync(fd).isBlockDevice();
  closeSync(fd);
  if (isBlock) await flushBuffers(path);
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_DIRECT ?? 0));
    return { fd, direct: constants.O_DIRECT !== undefined };
  } catch {
    return { fd: openSync(path, constants.O_RDONLY), direct: false };
  }
}

/** Direct reads are issued in pieces of this size, all at once: a disk serves several requests in flight faster than one. */
export const READ_PIECE = 2 << 20;

/** pread until `want` bytes at `pos` (or the end); returns how many arrived. */
async function readSpan(r: Reading, buf: Uint8Array, at: number, want: number, pos: number): Promise<number> {
  let done = 0;
  while (done < want) {
    let n: number;
    try {
      n = await preadAsync(r.fd, buf, at + done, want - done, pos + done);
    } catch (e) {
      if (r.direct && (e as NodeJS.ErrnoException).code === 'EINVAL') throw e;
      throw withByteOffset(new IsoKitError(ErrorCode.IO, `${r.path}: read-back failed at byte ${pos + done}: ${errnoText(e)}`, { cause: e }), pos + done);
    }
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * Read `len` bytes at `pos` into `buf`; returns how many arrived. O_DIRECT reads are rounded up to whole
 * pages and split into READ_PIECE requests that are all in flight together.
 */
async function readChunk(r: Reading, buf: Uint8Array, pos: number, len: number): Promise<number> {
  if (!r.direct) return Math.min(await readSpan(r, buf, 0, len, pos), len);
  const want = Math.min(alignUp(len, 4096), buf.length);
  const pieces: Promise<number>[] = [];
  for (let at = 0; at < want; at += READ_PIECE) pieces.push(readSpan(r, buf, at, Math.min(READ_PIECE, want - at), pos + at));
  const settled = await Promise.allSettled(pieces);
  const refused = settled.find((x) => x.status === 'rejected' && (x.reason as NodeJS.ErrnoException).code === 'EINVAL');
  if (refused) {
    // This file system or device refuses O_DIRECT reads after all: reopen buffered.
    closeSync(r.fd);
    r.fd = openSync(r.path, constants.O_RDONLY);
    r.direct = false;
    return readChunk(r, buf, pos, len);
  }
  let got = 0;
  for (const [i, x] of settled.entries()) {
    if (x.status === 'rejected') throw x.reason;
    got += x.value;
    if (x.value < Math.min(READ_PIECE, want - i * READ_PIECE)) break; // the end came inside this piece
  }
  return Math.min(got, len);
}

/** First differing byte of two views and the end of that run (a gap of 512 equal bytes ends it). */
export function firstDifference(a: Uint8Array, b: Uint8Array): { start: number; end: number } | undefined {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  if (i === n) return a.length === b.length ? undefined : { start: n, end: Math.max(a.length, b.length) };
  let end = i + 1;
  let equalRun = 0;
  for (let j = i + 1; j < n && equalRun < 512; j++) {
    if (a[j] === b[j]) equalRun++;
    else {
      equalRun = 0;
      end = j + 1;
    }
  }
  return { start: i, end };
}


/** Digest mode: check one chunk of the first live target against the stored block digests. */
function digestMismatch(data: Uint8Array, pos: number, digests: Uint8Array[], block: number): { byteOffset: number; byteLength: number } | undefined {
  for (let o = 0; o < data.length; o += block) {
    const part = data.subarray(o, Math.min(data.length, o + block));
    const want = digests[(pos + o) / block];
    const got = createHash('sha256').update(part).digest();
    if (!want || !sameBytes(got, want)) return { byteOffset: pos + o, byteLength: part.length };
  }
  return undefined;
}

function finish(r: Reading, verified: boolean, method: 'compare' | 'digest', mismatch?: { byteOffset: number; byteLength: number }): void {
  r.result = { verified, verifyMethod: method, verifyMs: Date.now() - r.t0, ...(mismatch ? { mismatch } : {}) };
}

/** Start reading one chunk from every live target (and from the image in compare mode) into buffer `slot`. */
function startSlot(readings: Reading[], pos: number, at: number, len: number, slot: 0 | 1, opts: VerifyTargetsOptions, srcBufs: [Uint8Array, Uint8Array] | undefined): Slot {
  const live = readings.filter((r) => !r.result);
  const reads = live.map((r) => readChunk(r, r.bufs[slot], at, len).then((got) => ({ r, got }), (e: unknown) => ({ r, e })));
  let source: Promise<Uint8Array> | undefined;
  if (srcBufs) {
    const buf = srcBufs[slot].subarray(0, len);
    source = opts.reader.readAt!(pos, buf).then((n) => {
      if (n !== len) throw new IsoKitError(ErrorCode.IO, `${opts.reader.info.name} changed while it was written: it now ends at byte ${pos + n}`);
      return buf;
    });
    source.catch(() => undefined); // observed when the slot is checked
  }
  return { pos, at, len, slot, live, reads, ...(source ? { source } : {}) };
}

/** Wait for a slot's reads, then compare its chunk for every target that is still live. */
async function finishSlot(s: Slot, opts: VerifyTargetsOptions, block: number): Promise<void> {
  for (const res of await Promise.all(s.reads)) {
    if (res.r.result) continue; // failed or differed in an earlier chunk: the first finding stands
    if ('e' in res) res.r.result = { error: asIsoKitError(res.e) };
    else {
      res.r.buf = res.r.bufs[s.slot];
      res.r.got = res.got;
    }
  }
  const reference = s.source ? await s.source : undefined;
  await checkChunk(s.live.filter((r) => !r.result), s, opts, reference, block);
  for (const r of s.live) r.meter.update(s.pos + s.len, s.pos + s.len === opts.imageByteLength);
}

/** Compare one chunk for every live target (against the image's bytes, or the stored digests). */
async function checkChunk(live: Reading[], s: Pick<Slot, 'pos' | 'at' | 'len'>, opts: VerifyTargetsOptions, source: Uint8Array | undefined, block: number): Promise<void> {
  const { pos, at, len } = s;
  const method = source ? 'compare' : 'digest';
  let reference = source;
  for (const r of live) {
    const data = r.buf.subarray(0, r.got);
    if (r.got < len) {
      finish(r, false, method, { byteOffset: at + r.got, byteLength: len - r.got });
      continue;
    }
    if (reference) {
      if (sameBytes(data, reference)) continue;
      const d = firstDifference(data, reference) as { start: number; end: number };
      finish(r, false, method, { byteOffset: at + d.start, byteLength: d.end - d.start });
      continue;
    }
    // digest mode: hash the first target; later ones are compared with it byte-wise
    const m = digestMismatch(data, pos, opts.digests ?? [], block);
    if (m) finish(r, false, method, { byteOffset: at + m.byteOffset - pos, byteLength: m.byteLength });
    else reference = data;
  }
}

/** Read every target back and compare with the image. Returns a result per path. */
export async function verifyTargets(targets: ReadbackTarget[], opts: VerifyTargetsOptions): Promise<Map<string, ReadbackResult>> {
  const out = new Map<string, ReadbackResult>();
  const chunk = opts.chunkByteLength ?? 8 << 20;
  const block = opts.digestBlock ?? 1 << 20;
  const useCompare = !opts.digests && !!opts.reader.readAt;
  if (!useCompare && !opts.digests) {
    for (const t of targets) out.set(t.path, { error: new IsoKitError(ErrorCode.INTERNAL, 'no reference to verify against') });
    return out;
  }
  const pool = new AlignedPool(chunk, 2 * targets.length + 2);
  const readings: Reading[] = [];
  for (const t of targets) {
    try {
      const { fd, direct } = await openForReadback(t.path);
      const meter = new TargetMeter(t.path, 'verifying', opts.imageByteLength, opts.onProgress);
      const bufs: [Uint8Array, Uint8Array] = [await pool.acquire(), await pool.acquire()];
      readings.push({ path: t.path, fd, direct, bufs, buf: bufs[0], got: 0, meter, t0: Date.now() });
    } catch (e) {
      out.set(t.path, { error: asIsoKitError(e) });
    }
  }
  const srcBufs: [Uint8Array, Uint8Array] | undefined = useCompare ? [await pool.acquire(), await pool.acquire()] : undefined;
  const step = pool.chunkByteLength;
  const segments = opts.segments ?? [{ byteOffset: 0, byteLength: opts.imageByteLength }];
  /** image offset → [target offset, bytes left in its run] */
  const onTarget = (pos: number): [number, number] => {
    let base = 0;
    for (const sg of segments) {
      if (pos < base + sg.byteLength) return [sg.byteOffset + pos - base, base + sg.byteLength - pos];
      base += sg.byteLength;
    }
    return [pos, opts.imageByteLength - pos];
  };
  const slotAt = (pos: number, slot: 0 | 1): Slot | undefined => {
    if (pos >= opts.imageByteLength || !readings.some((r) => !r.result)) return undefined;
    const [at, left] = onTarget(pos);
    return startSlot(readings, pos, at, Math.min(step, opts.imageByteLength - pos, left), slot, opts, srcBufs);
  };
  // Double buffering: chunk N+1 is read from the targets (and the image) while chunk N is compared.
  let current = slotAt(0, 0);
  try {
    while (current) {
      if (opts.signal?.aborted) throw new IsoKitError(ErrorCode.ABORTED, 'aborted', { cause: opts.signal.reason });
      await Promise.all(current.reads);
      const next = slotAt(current.pos + current.len, current.slot === 0 ? 1 : 0);
      try {
        await finishSlot(current, opts, block);
      } catch (e) {
        if (next) await Promise.all([...next.reads, next.source?.catch(() => undefined)]);
        throw e;
      }
      current = next;
    }
    for (const r of readings) if (!r.result) finish(r, true, useCompare ? 'compare' : 'digest');
  } finally {
    for (const r of readings) {
      try {
        closeSync(r.fd);
      } catch {
        /* closed */
      }
      out.set(r.path, r.result ?? { error: new IsoKitError(ErrorCode.ABORTED, 'verification did not finish') });
    }
  }
  return out;
}
