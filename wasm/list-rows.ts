// AssemblyScript (https://www.assemblyscript.org), built by scripts/build-wasm.mjs into
// src/cli/list-rows-wasm.ts. The rows of `isokit ls -l` for Rock Ridge directory extents, and their
// printing, in WebAssembly: V8 runs it at near-native speed from the first call, where the same loop in
// JavaScript spends most of a short run in the interpreter before it is optimized.
//
// It reads a directory extent the way read/fast-directory.ts does in its lean mode and writes rows exactly
// as cli/list-rows.ts LongRows does. It only does the plain case: a record with PX (a file or a directory),
// a TF or recorded date, one plain NM with a printable ASCII name. Every other record is handed to the
// JavaScript code (ROW_JS), which reads it with the generic code and adds its row through addRow(); a
// directory the fast path would give up on returns BAIL (the caller reads it the generic way).
//
// The row store and printing are in row-store.ts, the names of a directory in name-set.ts, memory
// helpers in memory.ts (a bump heap: a region grows into a new block, the old one is left).

import { b8, be32, capacity, copyBytes, le32, resize } from './memory';
import { addToSet, namesLen, namesPtr, resetNames } from './name-set';
import { fieldsPtr, put, putDate, putNumber, reserveRow, reserveRows, reserveOrder, rowCount, rowsLen, rowsPtr, startsPtr, visit, orderLen, w } from './row-store';

// what the module exports besides the functions below
export { addName, namesBuffer } from './name-set';
export { outBuffer, renderBegin, renderChunk, rows, truncate, unvisit, visit, visited } from './row-store';

// next() results
const END: i32 = 0;
const BAIL: i32 = 1;
const ROW_DIR: i32 = 2;
const ROW_JS: i32 = 3;

const SECTOR: u32 = 2048;
const DIR_FLAG: u32 = 2;
const MULTI_EXTENT: u32 = 128;

// --- regions -------------------------------------------------------------------------------------------
let inPtr: usize = 0;
let inCap: usize = 0;
let prePtr: usize = 0;
let preCap: usize = 0;
let preLen: u32 = 0;
/** prefixes of the subdirectories met ("prefix" + name + "/"), for their own rows later */
let arenaPtr: usize = 0;
let arenaCap: usize = 0;
let arenaLen: usize = 0;
/** the last one made (ROW_DIR): offset in the arena */
let childPrefix: u32 = 0;

// --- the directory being read ----------------------------------------------------------------------
/** where its extent is (inBuffer, or the directory area of walk()) */
let dirBase: usize = 0;
let inLen: u32 = 0;
let skip: u32 = 0;
let imageBytes: f64 = 0;
let o: u32 = 0;
let index: u32 = 0;
/** every record seen, "." and ".." included */
let records: u32 = 0;
/** the record last returned (ROW_DIR, ROW_JS) */
let at: u32 = 0;
let lba: u32 = 0;
let dataLength: u32 = 0;
/** its name (ROW_DIR): offset and length in the extent */
let nameAt: u32 = 0;
let nameLength: u32 = 0;

// (functions, not exported globals: a call is cheaper than WebAssembly.Global.value)
export function recordCount(): u32 {
  return records;
}
export function recordAt(): u32 {
  return at;
}
export function recordLba(): u32 {
  return lba;
}
export function recordDataLength(): u32 {
  return dataLength;
}
export function recordNameAt(): u32 {
  return nameAt;
}
export function recordNameLength(): u32 {
  return nameLength;
}
/** the prefix of the subdirectory of the last ROW_DIR step, for begin(): its arena offset */
export function recordPrefix(): u32 {
  return childPrefix;
}

/** Room for an extent of `size` bytes; returns where to put it. */
export function inBuffer(size: u32): usize {
  if (<usize>size > inCap) {
    inCap = capacity(inCap, size);
    inPtr = heap.alloc(inCap);
  }
  return inPtr;
}

/** Room for the path prefix of the directory's rows ("a/b/", escaped, UTF-8); returns where to put it. */
export function prefixBuffer(size: u32): usize {
  if (<usize>size > preCap) {
    preCap = capacity(preCap, size);
    prePtr = heap.alloc(preCap);
  }
  return prePtr;
}

/** Keep a prefix in the arena (its bytes first, then the u32 length before them); returns its offset. */
function keepPrefix(a: usize, an: u32, b: usize, bn: u32): u32 {
  const n = <usize>an + bn + 1;
  if (arenaLen + n + 8 > arenaCap) {
    // prefixes kept earlier stay where they are: a new block
    arenaCap = capacity(arenaCap, n + 8);
    arenaPtr = heap.alloc(arenaCap);
    arenaLen = 0;
  }
  const at = arenaPtr + arenaLen;
  store<u32>(at, <u32>(n));
  memory.copy(at + 4, a, an);
  memory.copy(at + 4 + an, b, bn);
  store<u8>(at + 4 + n - 1, 0x2f);
  arenaLen += (n + 7) & ~3;
  return <u32>at;
}

/** Start reading the extent in inBuffer (`size` bytes) with the prefix in prefixBuffer (`prefixLength`). */
export function begin(size: u32, prefixLength: u32, lenSkp: u32, imageByteLength: f64): void {
  dirBase = inPtr;
  inLen = size;
  preLen = prefixLength;
  start(lenSkp, imageByteLength);
}

/** begin() with a prefix kept at ROW_DIR (recordPrefix()). */
export function beginKept(size: u32, prefix: u32, lenSkp: u32, imageByteLength: f64): void {
  dirBase = inPtr;
  inLen = size;
  usePrefix(prefix);
  start(lenSkp, imageByteLength);
}

/** The prefix kept at `prefix` (keepPrefix) for the rows of the next directory. */
function usePrefix(prefix: u32): void {
  preLen = load<u32>(prefix);
  if (<usize>preLen > preCap) {
    preCap = capacity(preCap, preLen);
    prePtr = heap.alloc(preCap);
  }
  memory.copy(prePtr, <usize>prefix + 4, preLen);
}

function start(lenSkp: u32, imageByteLength: f64): void {
  skip = lenSkp;
  imageBytes = imageByteLength;
  o = 0;
  index = 0;
  records = 0;
  resetNames();
}

// record fields
let mode: u32 = 0;
let nlink: u32 = 0;
let uid: u32 = 0;
let gid: u32 = 0;
let hasPx = false;
let tfModify: usize = 0;
let nmStart: usize = 0;
let nmLength: u32 = 0;
let hasNm = false;
let toJs = false;

/** A 7-byte date that is set and whose GMT offset would be reported (fast-directory.ts badDate). */
function badDate(p: usize): bool {
  if (b8(p) == 0 && b8(p + 1) == 0 && b8(p + 2) == 0 && b8(p + 3) == 0 && b8(p + 4) == 0 && b8(p + 5) == 0) return false;
  const off = <i32>load<i8>(p + 6);
  return off < -48 || off > 52;
}

/** Whether a 7-byte date is unset (shown as "-"). */
@inline function unsetDate(p: usize): bool {
  return b8(p) == 0 && b8(p + 1) == 0 && b8(p + 2) == 0 && b8(p + 3) == 0 && b8(p + 4) == 0 && b8(p + 5) == 0;
}

/** The SUSP entries of [p, end) as fast-directory.ts readSusp reads them; false: BAIL. Sets toJs for the rest. */
function readSusp(p: usize, end: usize): bool {
  while (end - p >= 4) {
    const s1 = b8(p), s2 = b8(p + 1), len = b8(p + 2);
    if (len == 0 && s1 == 0 && s2 == 0) break;
    if (len < 4 || p + len > end) return false;
    const data = p + 4;
    const dataLength = len - 4;
    p += len;
    if (s1 == 0x53 && s2 == 0x54) break; // ST
    if (s1 == 0x50 && s2 == 0x44) continue; // PD
    if (s1 == 0x43 && s2 == 0x45) return false; // CE
    if (toJs) continue;
    if (s1 == 0x50 && s2 == 0x58) {
      // PX
      if (dataLength != 32 && dataLength != 40) return false;
      for (let f: u32 = 0; f < dataLength; f += 8) if (le32(data + f) != be32(data + f + 4)) return false;
      hasPx = true;
      mode = le32(data);
      nlink = le32(data + 8);
      uid = le32(data + 16);
      gid = le32(data + 24);
    } else if (s1 == 0x54 && s2 == 0x46) {
      // TF, 7-byte form
      if (dataLength < 1) return false;
      const flags = b8(data);
      if (flags >= 128) {
        toJs = true;
        continue;
      }
      let q: u32 = 1;
      for (let bit: u32 = 0; bit < 7; bit++) {
        if ((flags & (1 << bit)) == 0) continue;
        if (q + 7 > dataLength) return false;
        if (badDate(data + q)) return false;
        if (bit == 1 && !unsetDate(data + q)) tfModify = data + q;
        q += 7;
      }
    } else if (s1 == 0x4e && s2 == 0x4d) {
      // NM: one, with no flags
      if (dataLength < 1) return false;
      if (hasNm || b8(data) != 0) toJs = true;
      else {
        hasNm = true;
        nmStart = data + 1;
        nmLength = dataLength - 1;
      }
    } else {
      const sig = (s1 << 8) | s2;
      // SL PN RE CL PL ZF Z2 ER SP SF: interpreted by the generic code
      if (sig == 0x534c || sig == 0x504e || sig == 0x5245 || sig == 0x434c || sig == 0x504c || sig == 0x5a46 || sig == 0x5a32 || sig == 0x4552 || sig == 0x5350 || sig == 0x5346) toJs = true;
    }
  }
  return true;
}

// While walk() runs, a record for the JavaScript code is read at once through this import (it adds the
// row with addRow, a directory with walkSub), and the walk goes on.
@external("env", "jsRecord")
declare function jsRecord(dirOffset: u32, dirLength: u32, at: u32, dirLba: u32): i32;
const JS_ROW: i32 = 0;
const JS_BAIL: i32 = 1;
let walking = false;
/** the extent's LBA while walking */
let dirLba: u32 = 0;

/** The record at `at` is for the JavaScript code: ROW_JS, or while walking, -1 (go on) or BAIL. */
function leave(): i32 {
  if (!walking) return ROW_JS;
  const r = jsRecord(<u32>(dirBase - areaPtr), inLen, at, dirLba);
  return r == JS_BAIL ? BAIL : r == JS_ROW ? -1 : BAIL;
}

/**
 * The next record of the extent: END, BAIL (the directory must be read the generic way), ROW_DIR (a row
 * was added for a subdirectory: at, lba, dataLength, nameAt, nameLength) or ROW_JS (the record at `at`
 * is for the JavaScript code). Rows of plain files are added without returning.
 */
export function next(): i32 {
  const base = dirBase;
  while (o < inLen) {
    const r = o;
    const p = base + r;
    const len = b8(p);
    const inSector = r % SECTOR;
    if (len == 0) {
      o = r + SECTOR - inSector;
      continue;
    }
    if (inSector + len > SECTOR) return BAIL;
    records++;
    const idLen: u32 = r + 32 < inLen ? b8(p + 32) : 0;
    if (len < 34 || r + len > inLen || idLen + 33 > len) return BAIL;
    o = r + len;
    if (le32(p + 2) != be32(p + 6) || le32(p + 10) != be32(p + 14)) return BAIL;
    if (badDate(p + 18)) return BAIL;
    const flags = b8(p + 25);
    if (idLen == 1 && b8(p + 33) <= 1) {
      if (b8(p + 33) != index || index > 1) return BAIL;
      index++;
      continue;
    }
    index++;
    if (flags & MULTI_EXTENT) return BAIL;
    at = r;
    lba = le32(p + 2);
    dataLength = le32(p + 10);
    const suOff = min<u32>(len, 33 + idLen + (idLen % 2 == 0 ? 1 : 0));
    hasPx = false;
    hasNm = false;
    toJs = false;
    tfModify = 0;
    if (len - suOff > skip && !readSusp(p + suOff + skip, p + len)) return BAIL;
    // plain records only: PX for a file or a directory, one plain NM
    if (toJs || !hasPx || !hasNm) {
      const j = leave();
      if (j >= 0) return j;
      continue;
    }
    const isDir = (flags & DIR_FLAG) != 0;
    const type = mode & 0o170000;
    if (type == 0o040000) {
      if (!isDir) return BAIL;
    } else if (type == 0o100000) {
      if (isDir) return BAIL;
    } else if (type == 0o120000 || type == 0o020000 || type == 0o060000 || type == 0o010000 || type == 0o140000) {
      const j = leave();
      if (j >= 0) return j;
      continue;
    }
    // (an unknown type keeps the ISO 9660 kind)
    if (!isDir && dataLength > 0 && <f64>lba * <f64>SECTOR + <f64>dataLength > imageBytes) return BAIL;
    // the name: printable ASCII without a backslash (no escapes), not "", ".", "..", no slash
    const n = nmLength;
    let plain = true;
    for (let i: usize = 0; i < <usize>n; i++) {
      const c = b8(nmStart + i);
      if (c < 0x20 || c > 0x7e || c == 0x5c) plain = false;
      else if (c == 0x2f) return BAIL;
    }
    if (!plain) {
      const j = leave();
      if (j >= 0) return j;
      continue;
    }
    if (n == 0 || (b8(nmStart) == 0x2e && (n == 1 || (n == 2 && b8(nmStart + 1) == 0x2e)))) return BAIL;
    if (!addToSet(nmStart, n)) return BAIL;
    const date = tfModify != 0 ? tfModify : p + 18;
    if (unsetDate(date)) {
      const j = leave();
      if (j >= 0) return j;
      continue;
    }
    putRow(isDir, date, nmStart, n);
    if (isDir) {
      nameAt = <u32>(nmStart - base);
      nameLength = n;
      childPrefix = keepPrefix(prePtr, preLen, nmStart, n);
      return ROW_DIR;
    }
  }
  return END;
}

@inline function bit(m: u32, c: u32): void {
  put((mode & m) != 0 ? c : 0x2d);
}
@inline function special(x: u32, s: u32, on: u32, off: u32): void {
  const hasX = (mode & x) != 0;
  put((mode & s) != 0 ? (hasX ? on : off) : hasX ? 0x78 : 0x2d);
}

/** A row: mode, links, uid, gid, size, date, space, prefix and name (render.ts formatLong, unpadded). */
function putRow(isDir: bool, date: usize, name: usize, n: u32): void {
  reserveRow(<usize>(80 + preLen + n));
  const r = rowCount++;
  store<u32>(startsPtr + <usize>r * 4, <u32>rowsLen);
  w = rowsPtr + rowsLen;
  const f = fieldsPtr + <usize>r * 10;
  put(isDir ? 0x64 : 0x2d);
  bit(0o400, 0x72);
  bit(0o200, 0x77);
  special(0o100, 0o4000, 0x73, 0x53);
  bit(0o040, 0x72);
  bit(0o020, 0x77);
  special(0o010, 0o2000, 0x73, 0x53);
  bit(0o004, 0x72);
  bit(0o002, 0x77);
  special(0o001, 0o1000, 0x74, 0x54);
  store<u16>(f, 10);
  store<u16>(f + 2, <u16>putNumber(nlink));
  store<u16>(f + 4, <u16>putNumber(uid));
  store<u16>(f + 6, <u16>putNumber(gid));
  store<u16>(f + 8, <u16>putNumber(isDir ? 0 : dataLength));
  putDate(date);
  put(0x20);
  copyBytes(w, prePtr, preLen);
  w += preLen;
  copyBytes(w, name, n);
  w += n;
  rowsLen = w - rowsPtr;
  store<u32>(startsPtr + <usize>rowCount * 4, <u32>rowsLen);
}

/** Room for a row made by the JavaScript code; returns where to put its bytes. */
export function rowBuffer(size: u32): usize {
  reserveRow(<usize>size + (walking ? <usize>preLen : <usize>0));
  return rowsPtr + rowsLen;
}

/**
 * Add the row put at rowBuffer (`size` bytes; its five field lengths as LongRows gives them). While
 * walking, the row was made without a path prefix: the directory's goes in before the name.
 */
export function addRow(size: u32, f0: u32, f1: u32, f2: u32, f3: u32, f4: u32): void {
  if (walking && preLen > 0) {
    // mode, the four numbers, the date and a space: then the path
    const head = rowsPtr + rowsLen + f0 + f1 + f2 + f3 + f4 + 20;
    const tail = <u32>(rowsPtr + rowsLen + size - head);
    memory.copy(head + preLen, head, tail);
    memory.copy(head, prePtr, preLen);
    size += preLen;
  }
  const r = rowCount++;
  store<u32>(startsPtr + <usize>r * 4, <u32>rowsLen);
  const f = fieldsPtr + <usize>r * 10;
  store<u16>(f, <u16>f0);
  store<u16>(f + 2, <u16>f1);
  store<u16>(f + 4, <u16>f2);
  store<u16>(f + 6, <u16>f3);
  store<u16>(f + 8, <u16>f4);
  rowsLen += size;
  store<u32>(startsPtr + <usize>rowCount * 4, <u32>rowsLen);
}

// --- the whole tree at once ------------------------------------------------------------------------
// walk(): every directory below one, when all of them lie in a directory area read beforehand and every
// record is plain. The rows and their print order are then what the walk (list-walk.ts) would give with
// this module reading each directory. Anything else stops it (false): the caller forgets what it added
// and lists the usual way, which reads and reports what is unusual.

let areaPtr: usize = 0;
let areaCap: usize = 0;
/** counts of the last walk() */
let walkRecords: f64 = 0;
let walkDirectories: u32 = 0;

export function walkedRecords(): f64 {
  return walkRecords;
}
export function walkedDirectories(): u32 {
  return walkDirectories;
}

export function areaPointer(): usize {
  return areaPtr;
}

/** Room for the directory area (`size` bytes); returns where to put it. */
export function areaBuffer(size: u32): usize {
  if (<usize>size > areaCap) {
    areaCap = size;
    areaPtr = heap.alloc(areaCap);
  }
  return areaPtr;
}

// the LBAs of the directories listed (loops), open addressing; 0 = empty (LBA + 1 is kept)
let seenPtr: usize = 0;
let seenCap: u32 = 0;
let seenCount: u32 = 0;

function seenAdd(lba: u32): bool {
  if ((seenCount + 1) * 2 > seenCap) {
    const oldPtr = seenPtr, oldCap = seenCap;
    seenCap = oldCap < 1024 ? 1024 : oldCap * 2;
    seenPtr = heap.alloc(<usize>seenCap * 4);
    memory.fill(seenPtr, 0, <usize>seenCap * 4);
    seenCount = 0;
    for (let i: u32 = 0; i < oldCap; i++) {
      const v = load<u32>(oldPtr + <usize>i * 4);
      if (v != 0) seenAdd(v - 1);
    }
  }
  const key = lba + 1;
  const mask = seenCap - 1;
  let slot = (key * 0x9e3779b1) & mask;
  while (true) {
    const e = seenPtr + <usize>slot * 4;
    const v = load<u32>(e);
    if (v == 0) {
      store<u32>(e, key);
      seenCount++;
      return true;
    }
    if (v == key) return false;
    slot = (slot + 1) & mask;
  }
  return false;
}

// frames: first row, row count, next row, subdirectory list start and count, next subdirectory, depth (u32 each)
const FRAME: usize = 28;
let framesPtr: usize = 0;
let framesCap: u32 = 0;
// subdirectories: row, lba, data length, prefix (u32 each)
const SUB: usize = 16;
let subsPtr: usize = 0;
let subsCap: u32 = 0;
let subsLen: u32 = 0;

function pushSub(row: u32, l: u32, len: u32, prefix: u32): void {
  if (subsLen == subsCap) {
    const cap = subsCap < 1024 ? <u32>1024 : subsCap * 2;
    subsPtr = resize(subsPtr, <usize>subsLen * SUB, <usize>cap * SUB);
    subsCap = cap;
  }
  const e = subsPtr + <usize>subsLen * SUB;
  store<u32>(e, row);
  store<u32>(e + 4, l);
  store<u32>(e + 8, len);
  store<u32>(e + 12, prefix);
  subsLen++;
}

let areaStart: f64 = 0;
let areaLen: u32 = 0;
let maxDepth: u32 = 0;
let budget: f64 = 0;

let curDepth: u32 = 0;

/** The subdirectory of the row just added, to list after it; false: the walk must handle it. */
function addSub(l: u32, len: u32, prefix: u32): bool {
  // as queueDirectory: a directory met twice, or too deep, is the walk's to report
  if (!seenAdd(l) || curDepth + 1 >= maxDepth) return false;
  // as readDirectoryExtent reads it without a finding
  const start = <f64>l * <f64>SECTOR;
  if (start >= imageBytes || start + <f64>len > imageBytes) return false;
  pushSub(rowCount - 1, l, len, prefix);
  return true;
}

/**
 * While walking: the row the JavaScript code just added (addRow) is a directory's, at `l` (`len` bytes),
 * its name the `nameLength` bytes at namesBuffer (as its rows show it: escaped, UTF-8). False: the walk
 * must handle it.
 */
export function walkSub(l: u32, len: u32, nameLength: u32): bool {
  return addSub(l, len, keepPrefix(prePtr, preLen, namesPtr + namesLen, nameLength));
}

/** List the directory at lba (in the area) into a new frame; false: stop. */
function listDirectory(l: u32, len: u32, prefix: u32, depth: u32, sp: u32, lenSkp: u32, imageByteLength: f64): bool {
  const at = <f64>l * <f64>SECTOR - areaStart;
  if (at < 0 || at + <f64>len > <f64>areaLen) return false;
  dirBase = areaPtr + <usize>at;
  inLen = len;
  dirLba = l;
  curDepth = depth;
  if (prefix == 0xffffffff) preLen = 0;
  else usePrefix(prefix);
  start(lenSkp, imageByteLength);
  const first = rowCount;
  const subs = subsLen;
  while (true) {
    const step = next();
    if (step == END) break;
    if (step != ROW_DIR) return false;
    if (!addSub(lba, dataLength, childPrefix)) return false;
  }
  budget -= <f64>records;
  if (budget < 0) return false;
  walkRecords += <f64>records;
  walkDirectories++;
  if (sp == framesCap) {
    const cap = framesCap < 64 ? <u32>64 : framesCap * 2;
    framesPtr = resize(framesPtr, <usize>framesCap * FRAME, <usize>cap * FRAME);
    framesCap = cap;
  }
  const f = framesPtr + <usize>sp * FRAME;
  store<u32>(f, first);
  store<u32>(f + 4, rowCount - first);
  store<u32>(f + 8, 0);
  store<u32>(f + 12, subs);
  store<u32>(f + 16, subsLen - subs);
  store<u32>(f + 20, 0);
  store<u32>(f + 24, depth);
  return true;
}

/**
 * List the tree below the directory at `lba` (`len` bytes, at `depth`) from the area (the image's bytes
 * from `start` on, `size` bytes, at areaBuffer), visiting the rows in walk order. `recordBudget`: records
 * the walk may still read; `depthLimit`: MAX_TREE_DEPTH. False when something needs the walk itself.
 */
export function walk(start: f64, size: u32, l: u32, len: u32, depth: u32, depthLimit: u32, recordBudget: f64, lenSkp: u32, imageByteLength: f64): bool {
  walking = true;
  const ok = walkTree(start, size, l, len, depth, depthLimit, recordBudget, lenSkp, imageByteLength);
  walking = false;
  return ok;
}

function walkTree(start: f64, size: u32, l: u32, len: u32, depth: u32, depthLimit: u32, recordBudget: f64, lenSkp: u32, imageByteLength: f64): bool {
  areaStart = start;
  areaLen = size;
  maxDepth = depthLimit;
  budget = recordBudget;
  walkRecords = 0;
  walkDirectories = 0;
  // rows for every record of the area (a record takes 34 bytes at least), bytes for a generous guess
  reserveRows(rowCount + size / 34 + 2, rowsLen + <usize>size * 2 + (1 << 20));
  reserveOrder(orderLen + size / 34 + 2);
  subsLen = 0;
  seenCount = 0;
  if (seenCap > 0) memory.fill(seenPtr, 0, <usize>seenCap * 4);
  seenAdd(l);
  if (!listDirectory(l, len, 0xffffffff, depth, 0, lenSkp, imageByteLength)) return false;
  let sp: u32 = 1;
  while (sp > 0) {
    const f = framesPtr + <usize>(sp - 1) * FRAME;
    const first = load<u32>(f), count = load<u32>(f + 4), i = load<u32>(f + 8);
    if (i >= count) {
      subsLen = load<u32>(f + 12);
      sp--;
      continue;
    }
    const nsubs = load<u32>(f + 16), j = load<u32>(f + 20);
    if (j >= nsubs) {
      visit(first + i, first + count);
      store<u32>(f + 8, count);
      continue;
    }
    // the rows up to the next subdirectory's (included), then that subdirectory
    const sub = subsPtr + <usize>(load<u32>(f + 12) + j) * SUB;
    const row = load<u32>(sub);
    visit(first + i, row + 1);
    store<u32>(f + 8, row + 1 - first);
    store<u32>(f + 20, j + 1);
    if (!listDirectory(load<u32>(sub + 4), load<u32>(sub + 8), load<u32>(sub + 12), load<u32>(f + 24) + 1, sp, lenSkp, imageByteLength)) return false;
    sp++;
  }
  return true;
}
