/**
 * A reader thread of `create`'s file-data read-ahead (create-data.ts): claims slots of the region in turn,
 * opens, reads and closes the source files into the shared ring, and reports files that changed since they
 * were planned. Imports only node built-ins and the protocol layout, so it starts quickly.
 */
import { Buffer } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { DataPacking, ReadWorkerInit, ReadProblem, ReadWorkerMessage } from './create-data.js';
import { PieceFlag, readRingWords } from './worker-protocols.js';

/** A source error with the file and position it happened at. */
interface PlacedError extends Error {
  code?: string;
  isoPath?: string;
  isoPosition?: number;
}

const w = workerData as ReadWorkerInit;
const ctrl = new Int32Array(w.control);
const { NEXT, CONSUMED, FAILED, STATE, PROBS, STARTED } = readRingWords(w.slots);
const P = w.paths;
const dirBytes = Buffer.from(P.dirBytes), nameBytes = Buffer.from(P.nameBytes);
const scratch = Buffer.alloc(P.maxByteLength + 1);
const p: DataPacking = w.packing;
const views = Array.from({ length: w.slots }, (_, s) => new Uint8Array(w.data, w.base + s * w.slotBytes, w.slotBytes));
const post = (m: ReadWorkerMessage): void => parentPort?.postMessage(m);

Atomics.add(ctrl, STARTED, 1);
Atomics.notify(ctrl, STARTED);

/** The source path of item `i`, as UTF-8 bytes in the scratch buffer (directory + '/' + name). */
function pathOf(i: number): Buffer {
  const d = P.dirOf[i] as number;
  const d0 = d ? (P.dirEnds[d - 1] as number) : 0, n0 = i ? (P.nameEnds[i - 1] as number) : 0, n1 = P.nameEnds[i] as number;
  let at = dirBytes.copy(scratch, 0, d0, P.dirEnds[d]);
  if (n1 > n0) {
    scratch[at++] = 47;
    at += nameBytes.copy(scratch, at, n0, n1);
  }
  return scratch.subarray(0, at);
}

/** Index of item `i` in the large-item table (binary search). */
function largeIndex(i: number): number {
  const a = w.large.items;
  let lo = 0, hi = a.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((a[mid] as number) < i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function placed(e: unknown, i: number, position?: number): PlacedError {
  const err = (e instanceof Error ? e : new Error(String(e))) as PlacedError;
  err.isoPath = pathOf(i).toString();
  if (position !== undefined) err.isoPosition = position;
  return err;
}

/** Open item `i` for reading; -1 when it is gone. */
function open(i: number): number {
  try {
    return openSync(pathOf(i), 'r');
  } catch (e) {
    if ((e as PlacedError).code === 'ENOENT') return -1;
    throw placed(e, i);
  }
}

/** Read up to `want` bytes at `pos` into buf[at…], stopping early at end of file or once `enough` are in. */
function readInto(fd: number, buf: Uint8Array, at: number, want: number, pos: number, i: number, enough = want): number {
  let got = 0;
  try {
    while (got < enough) {
      const n = readSync(fd, buf, at + got, want - got, pos + got);
      if (n === 0) break;
      got += n;
    }
  } catch (e) {
    throw placed(e, i, pos + got);
  }
  return got;
}

/** The file a large item's pieces are read from, kept open from its first piece to its last. */
const held = { item: -1, fd: -1 };
function release(): void {
  if (held.fd >= 0) closeSync(held.fd);
  held.fd = -1;
  held.item = -1;
}

/** A small file: open, one read of its planned size + 1 (a grown file shows), close. */
function readSmall(i: number, buf: Uint8Array, at: number, want: number, probs: ReadProblem[]): number {
  const fd = open(i);
  if (fd < 0) {
    probs.push({ index: i, reason: 'it was removed' });
    return 0;
  }
  let got: number;
  try {
    got = readInto(fd, buf, at, want + 1, 0, i, want);
  } finally {
    closeSync(fd);
  }
  if (got > want) {
    probs.push({ index: i, reason: 'it became longer' });
    return want;
  }
  if (got < want) probs.push({ index: i, reason: 'it became shorter', actualByteLength: got });
  return got;
}

/** One piece of a large file (its first piece compares size and mtime with what was planned). */
function readPiece(k: number, buf: Uint8Array, at: number, probs: ReadProblem[]): number {
  const i = p.item[k] as number, want = p.dataLength[k] as number, f = p.flags[k] as number, off = p.fileOffset[k] as number;
  if (held.item !== i) {
    release();
    held.fd = open(i);
    held.item = i;
    if (f & PieceFlag.FIRST) {
      if (held.fd < 0) probs.push({ index: i, reason: 'it was removed' });
      else {
        const st = fstatSync(held.fd);
        const L = largeIndex(i);
        if (st.size !== w.large.sizes[L]) probs.push({ index: i, reason: `its size changed from ${w.large.sizes[L]} to ${st.size} bytes` });
        else if (st.mtimeMs !== w.large.mtimes[L]) probs.push({ index: i, reason: 'it was modified' });
      }
    }
  }
  const got = held.fd >= 0 ? readInto(held.fd, buf, at, want, off, i) : 0;
  if (got < want) probs.push({ index: i, reason: 'it became shorter', actualByteLength: off + got, short: true });
  if (f & PieceFlag.LAST) release();
  return got;
}

/** Fill ring slot `buf` with region slot `seq`: each piece's bytes, zero-padded to its region length. */
function fill(seq: number, buf: Uint8Array, probs: ReadProblem[]): void {
  let at = 0;
  for (let k = p.slotFirstPiece[seq] as number; k < (p.slotFirstPiece[seq + 1] as number); k++) {
    const len = p.regionLength[k] as number;
    const got = (p.flags[k] as number) & PieceFlag.SMALL ? readSmall(p.item[k] as number, buf, at, p.dataLength[k] as number, probs) : readPiece(k, buf, at, probs);
    buf.fill(0, at + got, at + len);
    at += len;
  }
}

function run(): void {
  const total = p.slotLength.length;
  for (;;) {
    const seq = Atomics.add(ctrl, NEXT, 1);
    if (seq >= total) break;
    for (let c = Atomics.load(ctrl, CONSUMED); seq - c >= w.slots; c = Atomics.load(ctrl, CONSUMED)) Atomics.wait(ctrl, CONSUMED, c);
    const slot = seq % w.slots;
    const probs: ReadProblem[] = [];
    fill(seq, views[slot] as Uint8Array, probs);
    if (probs.length) post({ seq, probs });
    Atomics.store(ctrl, PROBS + slot, probs.length);
    Atomics.store(ctrl, STATE + slot, seq + 1);
    Atomics.notify(ctrl, STATE + slot);
  }
  release();
}

try {
  run();
} catch (e) {
  const err = e as PlacedError;
  post({
    error: {
      message: String(err?.message),
      ...(err?.code !== undefined ? { code: err.code } : {}),
      ...(err?.isoPath !== undefined ? { path: err.isoPath } : {}),
      ...(err?.isoPosition !== undefined ? { position: err.isoPosition } : {}),
    },
  });
  Atomics.store(ctrl, FAILED, 1);
  for (let s = 0; s < w.slots; s++) Atomics.notify(ctrl, STATE + s);
}
