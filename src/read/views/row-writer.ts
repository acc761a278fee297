/**
 * The text of long rows (views/rows.ts LongRows): mode, the four number columns padded to their widths,
 * mtime in UTC, prefix and name, "-> target"; into chunks of bytes, without a Date or a string per row.
 */
import { civilFromDays } from '../../bytes/dates.js';
import { formatDate } from './date.js';
import { displayName } from './names.js';

const SPACE = 0x20;
const NEWLINE = 0x0a;
const DASH = 0x2d;
const encoder = new TextEncoder();
const ARROW = encoder.encode(' -> ');
/** Largest |ms| a Date holds (ECMA-262 21.4.1.1); beyond it formatDate prints "-". */
const MAX_DATE_MS = 8.64e15;
const DAY_S = 86400;
/** A chunk's size before it is handed out */
export const CHUNK = 64 * 1024;

/** The texts of a row that are not numbers: "major, minor", a symlink target, odd numbers. */
export interface RowTexts {
  readonly size?: string;
  readonly target?: string;
  readonly odd?: readonly (string | undefined)[];
}

export function textOf(t: RowTexts | undefined, i: number): string | undefined {
  if (!t) return undefined;
  return i === 3 && t.size !== undefined ? t.size : t.odd?.[i];
}

/** Digits of a safe non-negative integer; 1 for NaN (printed as '-'). */
export function digits(v: number): number {
  if (v < 10 || v !== v) return 1;
  if (v < 100) return 2;
  if (v < 1000) return 3;
  if (v < 10000) return 4;
  let d = 5;
  for (let x = Math.floor(v / 100000); x >= 1; x = Math.floor(x / 10)) d++;
  return d;
}

/** Bytes of the blocks chunks are cut from (a few allocations for a long listing, not one per chunk). */
const BLOCK = 1 << 20;

/** Writes long rows into chunks: views of large blocks, each byte handed out once and (unless `reuse`) never written again. */
export class RowWriter {
  private buf = new Uint8Array(BLOCK);
  /** where the pending chunk starts in `buf`; it ends at `length` */
  private start = 0;
  length = 0;
  private lastDay = Number.NaN;
  private readonly lastDate = new Uint8Array(19);
  /** `reuse`: a block is written again once its chunks were taken (for a writer done with each chunk before the next). */
  constructor(private readonly widths: readonly number[], private readonly reuse = false) {}

  /** Bytes written since the last take(). */
  get pending(): number {
    return this.length - this.start;
  }

  take(): Uint8Array {
    const out = this.buf.subarray(this.start, this.length);
    if (this.buf.length - this.length < CHUNK + 8192) {
      if (!this.reuse) this.buf = new Uint8Array(BLOCK);
      this.length = 0;
    }
    this.start = this.length;
    return out;
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    // the pending chunk moves to a new block
    const pending = this.length - this.start;
    const next = new Uint8Array(Math.max(BLOCK, 2 * (pending + n)));
    next.set(this.buf.subarray(this.start, this.length));
    this.buf = next;
    this.start = 0;
    this.length = pending;
  }

  row(mode: Uint8Array, nums: Float64Array, r: number, t: RowTexts | undefined, mtime: number, prefix: Uint8Array, names: Uint8Array, nameFrom: number, nameTo: number): void {
    // room for everything but a symlink target: the number fields are at most 4 × (1 + widest), the date 19
    this.room(mode.length + prefix.length + nameTo - nameFrom + 160);
    const b = this.buf;
    let o = this.length;
    for (let i = 0; i < mode.length; i++) b[o++] = mode[i] as number;
    const w = this.widths;
    const at = r * 4;
    // links and size right-aligned, uid and gid left-aligned
    if (t === undefined) {
      o = putNumber(b, o, nums[at] as number, w[0] as number, true);
      o = putNumber(b, o, nums[at + 1] as number, w[1] as number, false);
      o = putNumber(b, o, nums[at + 2] as number, w[2] as number, false);
      o = putNumber(b, o, nums[at + 3] as number, w[3] as number, true);
    } else {
      for (let i = 0; i < 4; i++) {
        const text = textOf(t, i);
        if (text === undefined) {
          o = putNumber(b, o, nums[at + i] as number, w[i] as number, i === 0 || i === 3);
          continue;
        }
        const pad = (w[i] as number) - text.length;
        b[o++] = SPACE;
        if (i === 0 || i === 3) for (let p = 0; p < pad; p++) b[o++] = SPACE;
        for (let c = 0; c < text.length; c++) b[o++] = text.charCodeAt(c);
        if (i === 1 || i === 2) for (let p = 0; p < pad; p++) b[o++] = SPACE;
      }
    }
    b[o++] = SPACE;
    o = this.date(b, o, mtime);
    b[o++] = SPACE;
    for (let i = 0; i < prefix.length; i++) b[o++] = prefix[i] as number;
    for (let i = nameFrom; i < nameTo; i++) b[o++] = names[i] as number;
    this.length = o;
    if (t?.target !== undefined) {
      this.bytes(ARROW);
      this.name(t.target);
    }
    this.room(1);
    this.buf[this.length++] = NEWLINE;
  }

  private bytes(src: Uint8Array): void {
    this.room(src.length);
    const b = this.buf;
    let o = this.length;
    for (let i = 0; i < src.length; i++) b[o++] = src[i] as number;
    this.length = o;
  }

  /** A name as displayName() shows it, in UTF-8. */
  private name(s: string): void {
    this.room(s.length * 3 + 4);
    const b = this.buf;
    let o = this.length;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c >= 0x7f || c === 0x5c) {
        // escapes or non-ASCII: the general way
        const rest = encoder.encode(displayName(s.slice(i)));
        this.room(rest.length);
        this.buf.set(rest, o);
        this.length = o + rest.length;
        return;
      }
      b[o++] = c;
    }
    this.length = o;
  }

  /** formatDate(ms) ("YYYY-MM-DD HH:MM:SS", UTC, always 19 characters) at b[o] without a Date or a string for years 0–9999; returns the offset after it. */
  private date(b: Uint8Array, o: number, ms: number): number {
    if (ms !== ms || !(Math.abs(ms) <= MAX_DATE_MS)) return putAscii(b, o, formatDate(ms !== ms ? undefined : ms));
    // a Date keeps the time value truncated towards zero (TimeClip), then shows the second it falls in
    const second = Math.floor(Math.trunc(ms) / 1000);
    const day = Math.floor(second / DAY_S);
    // the calendar date is worked out once per day (listings have few distinct days)
    if (day !== this.lastDay) {
      if (!civilDay(day, this.lastDate)) return putAscii(b, o, formatDate(ms));
      this.lastDay = day;
    }
    let sod = second - day * DAY_S;
    const h = Math.floor(sod / 3600);
    sod -= h * 3600;
    const mi = Math.floor(sod / 60);
    const d = this.lastDate;
    two(d, 11, h);
    two(d, 14, mi);
    two(d, 17, sod - mi * 60);
    for (let i = 0; i < 19; i++) b[o + i] = d[i] as number;
    return o + 19;
  }
}

/** A space, then `v` (a safe non-negative integer, NaN: '-') padded to `width`, on the left when `right`; returns the offset after it. */
function putNumber(b: Uint8Array, o: number, v: number, width: number, right: boolean): number {
  const len = digits(v);
  const pad = width - len;
  b[o++] = SPACE;
  if (right) for (let p = 0; p < pad; p++) b[o++] = SPACE;
  if (v !== v) b[o++] = DASH;
  else {
    let x = v;
    for (let p = o + len - 1; p >= o; p--) {
      b[p] = 0x30 + (x % 10);
      x = Math.floor(x / 10);
    }
    o += len;
  }
  if (!right) for (let p = 0; p < pad; p++) b[o++] = SPACE;
  return o;
}

/** The characters of an ASCII string at b[o]; returns the offset after them. */
function putAscii(b: Uint8Array, o: number, s: string): number {
  for (let i = 0; i < s.length; i++) b[o++] = s.charCodeAt(i);
  return o;
}

/** "YYYY-MM-DD HH:MM:SS" with the date of a count of days since 1970-01-01 (UTC); false outside years 0–9999. */
function civilDay(days: number, out: Uint8Array): boolean {
  const { year: y, month: m, day: d } = civilFromDays(days);
  if (y < 0 || y > 9999) return false;
  out[0] = 0x30 + Math.floor(y / 1000);
  out[1] = 0x30 + (Math.floor(y / 100) % 10);
  out[2] = 0x30 + (Math.floor(y / 10) % 10);
  out[3] = 0x30 + (y % 10);
  out[4] = DASH;
  two(out, 5, m);
  out[7] = DASH;
  two(out, 8, d);
  out[10] = SPACE;
  out[13] = 0x3a;
  out[16] = 0x3a;
  return true;
}

function two(out: Uint8Array, at: number, v: number): void {
  out[at] = 0x30 + Math.floor(v / 10);
  out[at + 1] = 0x30 + (v % 10);
}
