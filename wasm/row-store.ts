// AssemblyScript (wasm/list-rows.ts): the rows of `ls -l` and their print order, kept as LongRows keeps
// them (cli/list-rows.ts), and their printing with the columns padded (renderLongRows).
import { b8, capacity, copyBytes, resize } from './memory';

// (a chunk per call: V8 moves a WebAssembly function to its optimizing tier between calls, not within one)
const CHUNK: u32 = 64 * 1024;

/** row bytes: mode, links, uid, gid, size (unpadded), date, space, path */
export let rowsPtr: usize = 0;
export let rowsCap: usize = 0;
export let rowsLen: usize = 0;
/** per row: u32 start offset in rows (one more slot: the end of the last row) */
export let startsPtr: usize = 0;
/** per row: u16 byte lengths of mode, links, uid, gid, size */
export let fieldsPtr: usize = 0;
export let rowCap: u32 = 0;
export let rowCount: u32 = 0;
/** rows in print order (u32) */
export let orderPtr: usize = 0;
export let orderCap: u32 = 0;
export let orderLen: u32 = 0;
export let outPtr: usize = 0;
export let outCap: usize = 0;

// --- rows ------------------------------------------------------------------------------------------
export function reserveRow(bytes: usize): void {
  if (rowCount + 2 > rowCap) reserveRows(rowCap < 8192 ? <u32>8192 : rowCap * 2, 0);
  if (rowsLen + bytes > rowsCap) reserveRows(0, capacity(rowsCap < 1 << 20 ? 1 << 19 : rowsCap, rowsLen + bytes));
}

/**
 * Room for `rows` rows and `bytes` row bytes (0: as it is). Memory that is not written costs nothing (the
 * pages are mapped when first written), so a large reservation up front saves copying as the rows grow.
 */
export function reserveRows(rows: u32, bytes: usize): void {
  if (rows > rowCap) {
    startsPtr = resize(startsPtr, <usize>rowCount * 4 + 4, <usize>rows * 4);
    fieldsPtr = resize(fieldsPtr, <usize>rowCount * 10, <usize>rows * 10);
    rowCap = rows;
  }
  if (bytes > rowsCap) {
    rowsPtr = resize(rowsPtr, rowsLen, bytes);
    rowsCap = bytes;
  }
}

export let w: usize = 0;
@inline export function put(c: u32): void {
  store<u8>(w, <u8>c);
  w++;
}

/** Decimal digits of v; returns their count. */
export function putNumber(v: u32): u32 {
  let digits: u32 = 1;
  for (let x = v; x >= 10; x /= 10) digits++;
  let x = v;
  for (let i = w + digits - 1; i >= w; i--) {
    store<u8>(i, <u8>(0x30 + x % 10));
    x /= 10;
  }
  w += digits;
  return digits;
}

@inline export function two(v: u32): void {
  put(0x30 + v / 10);
  put(0x30 + v % 10);
}

export function floorDiv(a: i64, b: i64): i64 {
  const q = a / b;
  return a % b != 0 && (a < 0) != (b < 0) ? q - 1 : q;
}

/** Days from 1970-01-01 of a proleptic Gregorian date (month 1–12). */
export function daysFromCivil(y: i64, m: i64, d: i64): i64 {
  y -= m <= 2 ? 1 : 0;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

export const MONTH_DAYS: StaticArray<u8> = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** "YYYY-MM-DD HH:MM:SS" (UTC) of a 7-byte date, as Date.UTC and a Date would show it. */
export function putDate(p: usize): void {
  // the usual date: UTC and every field in range, printed as it is
  const mo = b8(p + 1), d = b8(p + 2), h = b8(p + 3), mi = b8(p + 4), s = b8(p + 5);
  if (load<i8>(p + 6) == 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 28 + (mo == 2 ? 0 : <u32>unchecked(MONTH_DAYS[mo - 1]) - 28) && h < 24 && mi < 60 && s < 60) {
    const y = 1900 + b8(p);
    put(0x30 + y / 1000);
    put(0x30 + (y / 100) % 10);
    put(0x30 + (y / 10) % 10);
    put(0x30 + y % 10);
    put(0x2d);
    two(mo);
    put(0x2d);
    two(d);
    put(0x20);
    two(h);
    put(0x3a);
    two(mi);
    put(0x3a);
    two(s);
    return;
  }
  putAnyDate(p);
}

/** putDate for any 7-byte date: GMT offsets, and fields out of range carried as Date.UTC does. */
export function putAnyDate(p: usize): void {
  const y: i64 = 1900 + <i64>b8(p);
  const month: i64 = <i64>max<u32>(b8(p + 1), 1) - 1;
  const day: i64 = <i64>max<u32>(b8(p + 2), 1);
  // Date.UTC(y, month, day, h, mi, s): months past December carry into the year, days and times carry on
  const days = daysFromCivil(y + month / 12, (month % 12) + 1, 1) + day - 1;
  const off = <i64>load<i8>(p + 6);
  const t = days * 86400 + <i64>b8(p + 3) * 3600 + <i64>b8(p + 4) * 60 + <i64>b8(p + 5) - off * 900;
  const dn = floorDiv(t, 86400);
  let sod = t - dn * 86400;
  // civil from days (Hinnant)
  const z = dn + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const d = doy - (153 * mp + 2) / 5 + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (m <= 2 ? 1 : 0);
  put(<u32>(0x30 + year / 1000));
  put(<u32>(0x30 + (year / 100) % 10));
  put(<u32>(0x30 + (year / 10) % 10));
  put(<u32>(0x30 + year % 10));
  put(0x2d);
  two(<u32>m);
  put(0x2d);
  two(<u32>d);
  put(0x20);
  const h = sod / 3600;
  sod -= h * 3600;
  const mi = sod / 60;
  two(<u32>h);
  put(0x3a);
  two(<u32>mi);
  put(0x3a);
  two(<u32>(sod - mi * 60));
}

export function rows(): u32 {
  return rowCount;
}

/** Forget the rows from `count` on. */
export function truncate(count: u32): void {
  if (count >= rowCount) return;
  rowCount = count;
  rowsLen = <usize>load<u32>(startsPtr + <usize>count * 4);
}

/** Print rows first … end - 1 next. */
export function visit(first: u32, end: u32): void {
  const need = orderLen + (end - first);
  if (need > orderCap) {
    let cap = orderCap < 8192 ? <u32>8192 : orderCap * 2;
    while (cap < need) cap *= 2;
    reserveOrder(cap);
  }
  for (let r = first; r < end; r++) {
    store<u32>(orderPtr + <usize>orderLen * 4, r);
    orderLen++;
  }
}

export function reserveOrder(count: u32): void {
  if (count <= orderCap) return;
  orderPtr = resize(orderPtr, <usize>orderLen * 4, <usize>count * 4);
  orderCap = count;
}

// --- printing (list-rows.ts chunks / renderLongRows) ------------------------------------------------
export let w1: u32 = 0;
export let w2: u32 = 0;
export let w3: u32 = 0;
export let w4: u32 = 0;
export let k: u32 = 0;

/** Column widths of the visited rows; printing starts at the first. */
export function renderBegin(): void {
  w1 = 0;
  w2 = 0;
  w3 = 0;
  w4 = 0;
  for (let i: u32 = 0; i < orderLen; i++) {
    const f = fieldsPtr + <usize>load<u32>(orderPtr + <usize>i * 4) * 10;
    w1 = max<u32>(w1, load<u16>(f + 2));
    w2 = max<u32>(w2, load<u16>(f + 4));
    w3 = max<u32>(w3, load<u16>(f + 6));
    w4 = max<u32>(w4, load<u16>(f + 8));
  }
  k = 0;
}

@inline export function spaces(n: u32): void {
  for (let i: u32 = 0; i < n; i++) put(0x20);
}
@inline export function copy(from: usize, n: u32): void {
  copyBytes(w, from, n);
  w += n;
}

/** The next chunk of the listing (about 64 KiB) at outBuffer(); returns its length, 0 at the end. */
export function renderChunk(): u32 {
  if (outCap == 0) {
    outCap = CHUNK + 4096;
    outPtr = heap.alloc(outCap);
  }
  const pad = w1 + w2 + w3 + w4 + 8;
  w = outPtr;
  for (; k < orderLen; k++) {
    const r = load<u32>(orderPtr + <usize>k * 4);
    let p = rowsPtr + <usize>load<u32>(startsPtr + <usize>r * 4);
    const end = rowsPtr + <usize>load<u32>(startsPtr + <usize>(r + 1) * 4);
    const need = <usize>(end - p) + pad;
    if (w - outPtr + need > outCap) {
      if (w > outPtr) break;
      // a row longer than a chunk: a buffer that holds it
      outCap = need + 4096;
      outPtr = heap.alloc(outCap);
      w = outPtr;
    }
    const f = fieldsPtr + <usize>r * 10;
    const lm = <u32>load<u16>(f), l1 = <u32>load<u16>(f + 2), l2 = <u32>load<u16>(f + 4), l3 = <u32>load<u16>(f + 6), l4 = <u32>load<u16>(f + 8);
    copy(p, lm);
    p += lm;
    put(0x20);
    spaces(w1 - l1);
    copy(p, l1);
    p += l1;
    put(0x20);
    copy(p, l2);
    p += l2;
    spaces(w2 - l2);
    put(0x20);
    copy(p, l3);
    p += l3;
    spaces(w3 - l3);
    put(0x20);
    spaces(w4 - l4);
    copy(p, l4);
    p += l4;
    put(0x20);
    copy(p, <u32>(end - p));
    put(0x0a);
    if (w - outPtr >= <usize>CHUNK) {
      k++;
      break;
    }
  }
  return <u32>(w - outPtr);
}

export function outBuffer(): usize {
  return outPtr;
}

/** The print order's length (to forget what a stopped walk() visited). */
export function visited(): u32 {
  return orderLen;
}

export function unvisit(count: u32): void {
  if (count < orderLen) orderLen = count;
}
