/**
 * Where the directories of a tree lie, for the listing walk (list-walk.ts) to read them in one go: image
 * writers keep directories together, and one read then replaces one per directory.
 */
import { readU32LE } from '../bytes/index.js';
import { isSyncSource, type SyncByteSource } from '../io/index.js';
import type { Namespace } from '../model/index.js';
import { SECTOR_SIZE } from '../formats/iso9660/index.js';
import type { ImageState } from './image-state.js';

/** Prefetch: at most this many bytes, at most DENSE_BYTES per directory (besides the last), and at least this much past the last one. */
const MAX_PREFETCH = 64 << 20;
const DENSE_BYTES = 64 << 10;
const PREFETCH_SLACK = 64 << 10;

/** Bytes of a synchronous source that hold the directories of a tree (most of them, at least). */
export interface DirectorySpan {
  source: SyncByteSource;
  start: number;
  byteLength: number;
}

/**
 * Where the directories the path table of the namespace names lie, when the source reads synchronously
 * (a local file, memory) and they are close together: image writers keep directories together, and one read
 * then replaces one per directory. Only a speed-up: what is read there is the image's bytes, nothing
 * more is trusted (a directory outside the span is read as usual).
 */
export function directorySpan(state: ImageState, ns: Namespace): DirectorySpan | undefined {
  const source = state.source;
  if (!isSyncSource(source)) return undefined;
  const vd = ns === 'joliet' ? state.set.joliet.find((d) => d.rootRecord) : state.set.pvd;
  if (!vd || vd.pathTableByteLength <= 0 || vd.pathTableByteLength > MAX_PREFETCH) return undefined;
  let t: Uint8Array;
  try {
    t = source.readSync(vd.lPathTableLba * SECTOR_SIZE, vd.pathTableByteLength);
  } catch {
    return undefined;
  }
  // the lowest and highest LBA of the L table's records (parsePathTable would make an object per
  // directory, and report what is odd: only the span is wanted here)
  let lo = Number.POSITIVE_INFINITY;
  let hi = -1;
  let n = 0;
  for (let p = 0; p + 8 <= t.length; ) {
    const idLen = t[p] as number;
    if (idLen === 0) break;
    const lba = readU32LE(t, p + 2);
    if (lba < lo) lo = lba;
    if (lba > hi) hi = lba;
    n++;
    p += 8 + idLen + (idLen % 2);
  }
  if (n < 2) return undefined;
  const start = lo * SECTOR_SIZE;
  // the last directory is as long as its "." record says (when that can be read)
  let last = SECTOR_SIZE + PREFETCH_SLACK;
  try {
    const dot = source.readSync(hi * SECTOR_SIZE, 34);
    if (dot.length === 34 && (dot[0] as number) >= 34) last = Math.max(last, readU32LE(dot, 10));
  } catch {
    // the slack only
  }
  const end = Math.min(source.byteLength, hi * SECTOR_SIZE + last);
  if (end <= start || end - start > MAX_PREFETCH || end - start > n * DENSE_BYTES + last) return undefined;
  return { source, start, byteLength: end - start };
}

