/**
 * The Rock Ridge System Use of a "plain" record, measured and written without building entry arrays: PX, TF
 * and (for a child record) NM, the entries nearly every record has. Same bytes as
 * `serializeRockRidge(rrInput(…))` in system-use.ts (a test compares them), but planning only adds up
 * lengths and emitting writes straight into a reused buffer, so nothing is kept per entry between the two
 * (the packed bytes cost ~95 bytes per entry: 10 MB at 100,000 files) and neither step allocates per entry.
 *
 * Everything else takes the general path (system-use.ts): symbolic links (SL), devices (PN), relocation
 * (CL/PL/RE), the root's "." record (SP, ER), values that do not fit PX (the general path reports them), and
 * records whose entries do not all fit inline (continuation areas).
 */
import { writeDate7, writeU32Both, encodeUtf8 } from '../bytes/index.js';
import { NM_MAX_NAME_BYTES_PER_ENTRY, TfFlag } from '../formats/rockridge/index.js';
import { utf8Measure } from './names/unique.js';
import type { ResolvedOptions } from './options.js';
import { rrMode, type RecordRole } from './system-use.js';
import { entryTimes, isBDir, type BEntry } from './tree.js';

const isU32 = (v: number) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const stamp = (ms: number | undefined) => ms !== undefined && Number.isFinite(ms);

/** The entry whose attributes a plain record carries, or undefined when the record needs the general path. */
function plainSubject(e: BEntry, role: RecordRole, isRoot: boolean): BEntry | undefined {
  let s: BEntry;
  if (role === 'child') {
    if (e.clTarget || e.relocated) return undefined;
    s = e;
  } else if (role === 'self') {
    if (isRoot) return undefined;
    s = e;
  } else {
    if (isBDir(e) && e.dir.relocatedFrom) return undefined;
    s = e.isoParent;
  }
  const k = s.kind;
  if (k === 'symlink' || k === 'chardev' || k === 'blockdev') return undefined;
  const n = s.node;
  if (!isU32(s.nlink) || !isU32(s.ino) || !isU32(n.uid ?? 0) || !isU32(n.gid ?? 0)) return undefined;
  if (!isU32(rrMode(s))) return undefined;
  return s;
}

function tfStamps(s: BEntry, o: ResolvedOptions): number {
  const t = entryTimes(s, o);
  return (stamp(t.mtimeMs) ? 1 : 0) + (stamp(t.atimeMs) ? 1 : 0) + (stamp(t.ctimeMs) ? 1 : 0);
}

function nmByteLength(nameBytes: number): number {
  const entries = Math.max(1, Math.ceil(nameBytes / NM_MAX_NAME_BYTES_PER_ENTRY));
  return 5 * entries + nameBytes;
}

/** Whether a record takes the plain path (PX, TF, NM only). */
export const isPlainRecord = (e: BEntry, role: RecordRole, isRoot: boolean): boolean => plainSubject(e, role, isRoot) !== undefined;

/**
 * Byte length of a plain record's System Use (PX + TF + NM), or -1 when the record takes the general path.
 * Pure: the same entry, role and options always give the same answer (plan and emit both ask).
 */
export function plainSystemUseLength(e: BEntry, role: RecordRole, o: ResolvedOptions, isRoot: boolean): number {
  const s = plainSubject(e, role, isRoot);
  if (!s) return -1;
  const px = o.rripVersion === '1.12' ? 44 : 36;
  const n = tfStamps(s, o);
  const tf = n ? 5 + 7 * n : 0;
  return px + tf + (role === 'child' ? nmByteLength(utf8Measure.length(e.name)) : 0);
}

function header(b: Uint8Array, at: number, sig0: number, sig1: number, len: number): void {
  b[at] = sig0;
  b[at + 1] = sig1;
  b[at + 2] = len;
  b[at + 3] = 1;
}

/**
 * Write a plain record's System Use into `b` at `at` (room for `plainSystemUseLength` bytes needed: emit
 * only writes records that fit inline, ≤ 254 bytes); returns the byte length written. Only for records
 * `isPlainRecord` accepts.
 */
export function writePlainSystemUse(b: Uint8Array, at: number, e: BEntry, role: RecordRole, o: ResolvedOptions): number {
  const s = role === 'parent' ? e.isoParent : e;
  const n = s.node;
  let p = at;
  const pxLen = o.rripVersion === '1.12' ? 44 : 36;
  header(b, p, 0x50, 0x58, pxLen); // PX
  writeU32Both(b, p + 4, rrMode(s));
  writeU32Both(b, p + 12, s.nlink);
  writeU32Both(b, p + 20, n.uid ?? 0);
  writeU32Both(b, p + 28, n.gid ?? 0);
  if (pxLen === 44) writeU32Both(b, p + 36, s.ino);
  p += pxLen;
  const t = entryTimes(s, o);
  const m = stamp(t.mtimeMs), a = stamp(t.atimeMs), c = stamp(t.ctimeMs);
  if (m || a || c) {
    const count = (m ? 1 : 0) + (a ? 1 : 0) + (c ? 1 : 0);
    header(b, p, 0x54, 0x46, 5 + 7 * count); // TF
    b[p + 4] = (m ? TfFlag.MODIFY : 0) + (a ? TfFlag.ACCESS : 0) + (c ? TfFlag.ATTRIBUTES : 0);
    let q = p + 5;
    if (m) q = date(b, q, t.mtimeMs);
    if (a) q = date(b, q, t.atimeMs);
    if (c) date(b, q, t.ctimeMs);
    p += 5 + 7 * count;
  }
  if (role === 'child') p = writeNM(b, p, e.name);
  return p - at;
}

function date(b: Uint8Array, at: number, ms: number | undefined): number {
  writeDate7(b, at, ms, 0);
  return at + 7;
}

function writeNM(b: Uint8Array, at: number, name: string): number {
  let ascii = true;
  for (let i = 0; i < name.length && ascii; i++) ascii = name.charCodeAt(i) < 0x80;
  if (ascii && name.length <= NM_MAX_NAME_BYTES_PER_ENTRY) {
    header(b, at, 0x4e, 0x4d, 5 + name.length); // NM
    b[at + 4] = 0;
    for (let i = 0; i < name.length; i++) b[at + 5 + i] = name.charCodeAt(i);
    return at + 5 + name.length;
  }
  const bytes = encodeUtf8(name);
  let o = 0;
  let p = at;
  do {
    const n = Math.min(NM_MAX_NAME_BYTES_PER_ENTRY, bytes.length - o);
    header(b, p, 0x4e, 0x4d, 5 + n);
    b[p + 4] = o + n < bytes.length ? 1 : 0; // CONTINUE
    b.set(bytes.subarray(o, o + n), p + 5);
    p += 5 + n;
    o += n;
  } while (o < bytes.length);
  return p;
}
