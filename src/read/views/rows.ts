/**
 * The one `ls` text renderer: rows of the long form (`ls -l`: mode, links, uid, gid, size or "major, minor",
 * mtime in UTC, path[ -> target]) and of the short form, each encoded once into one growing byte buffer (a few
 * dozen bytes per entry, outside the garbage-collected heap) and printed in the order rows are visited, in
 * chunks of about 64 KiB. The long form pads its number columns to the widest value of the listing, so its
 * text is ready once every row was added; the short form is printed as rows are visited.
 */
import { civilFromDays } from '../../bytes/dates.js';
import type { NodeKind, TreeNode } from '../../model/index.js';
import { formatDate } from './date.js';
import { displayName } from './names.js';
import { modeString } from './mode.js';

const CHUNK = 64 * 1024;
const SPACE = 0x20;
const NEWLINE = 0x0a;
const SLASH = 0x2f;
const DASH = 0x2d;
const encoder = new TextEncoder();
const ARROW = encoder.encode(' -> ');
const KINDS: readonly NodeKind[] = ['file', 'dir', 'symlink', 'chardev', 'blockdev', 'fifo', 'socket'];
/** Largest |ms| a Date holds (ECMA-262 21.4.1.1); beyond it formatDate prints "-". */
const MAX_DATE_MS = 8.64e15;
const DAY_S = 86400;

/** Where a listing puts its rows: added in one order, printed in the order they are visited. */
export interface RowSink {
  readonly rowCount: number;
  /** Add the row of `node`, listed as `prefix/name` (prefix '' for the listed directory's own entries). */
  addNode(node: TreeNode, prefix: string, name?: string): void;
  visit(row: number): void;
}

/** Rows as bytes; `visit` order kept apart. Subclasses write the rows. */
export abstract class RowBytes implements RowSink {
  // untouched pages of a large typed array cost no memory
  protected buf = new Uint8Array(16 << 20);
  protected len = 0;
  /** byte offset of each row (a row ends where the next begins) */
  protected starts = new Float64Array(1 << 18);
  protected rows = 0;
  /** rows in print order */
  protected order = new Int32Array(1 << 18);
  protected visited = 0;
  /** the escaped bytes of the last prefix (a directory's rows share it) */
  private prefix: string | undefined;
  private prefixBytes: Uint8Array = new Uint8Array(0);

  get rowCount(): number {
    return this.rows;
  }

  truncate(rowCount: number): void {
    if (rowCount >= this.rows) return;
    this.len = this.starts[rowCount] as number;
    this.rows = rowCount;
  }

  visit(row: number): void {
    if (this.visited === this.order.length) {
      const order = new Int32Array(this.order.length * 2);
      order.set(this.order);
      this.order = order;
    }
    this.order[this.visited++] = row;
  }

  /** Add the row of `node`, listed as `prefix/name` (prefix '' for the listed directory's own entries). */
  abstract addNode(node: TreeNode, prefix: string, name?: string): void;

  /** Start a row (reserving room for its fixed fields); returns its number. */
  protected startRow(): number {
    if (this.rows === this.starts.length) this.growRows();
    this.reserve(512);
    const r = this.rows++;
    this.starts[r] = this.len;
    return r;
  }

  protected growRows(): void {
    const starts = new Float64Array(this.starts.length * 2);
    starts.set(this.starts);
    this.starts = starts;
  }

  protected rowEnd(r: number): number {
    return r + 1 < this.rows ? (this.starts[r + 1] as number) : this.len;
  }

  /** `prefix/name` as displayName shows it, in UTF-8. */
  protected putPath(prefix: string, name: string): void {
    this.putPrefix(prefix);
    this.putName(name);
  }

  private putPrefix(prefix: string): void {
    if (prefix) {
      if (prefix !== this.prefix) {
        const start = this.len;
        this.putName(prefix);
        this.prefix = prefix;
        this.prefixBytes = this.buf.slice(start, this.len);
      } else {
        this.putBytes(this.prefixBytes);
      }
      this.putByte(SLASH);
    }
  }

  protected putBytes(b: Uint8Array): number {
    const n = b.length;
    this.reserve(n);
    this.buf.set(b, this.len);
    this.len += n;
    return n;
  }

  protected putByte(c: number): number {
    if (this.len >= this.buf.length) this.reserve(1);
    this.buf[this.len++] = c;
    return 1;
  }

  /** A name as displayName() shows it, in UTF-8. */
  protected putName(s: string): void {
    const start = this.len;
    const n = s.length;
    this.reserve(n);
    const buf = this.buf;
    let o = start;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c >= 0x7f || c === 0x5c) {
        // escapes or non-ASCII: the general way
        this.len = start;
        this.putText(displayName(s));
        return;
      }
      buf[o++] = c;
    }
    this.len = o;
  }

  /** UTF-8 of `s` (ASCII copied directly); returns the byte length. */
  protected putText(s: string): number {
    const n = s.length;
    this.reserve(n * 3);
    const buf = this.buf;
    const start = this.len;
    let o = start;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        o += encoder.encodeInto(s.slice(i), buf.subarray(o)).written;
        break;
      }
      buf[o++] = c;
    }
    this.len = o;
    return o - start;
  }

  protected reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

/** The short form (formatShort): one path per line, directories with a trailing slash; printed as visited. */
export class ShortRows extends RowBytes {
  private out = new Uint8Array(CHUNK + 4096);
  private o = 0;
  private readonly ready: Uint8Array[] = [];

  addNode(node: TreeNode, prefix: string, name = node.name): void {
    this.startRow();
    this.putPath(prefix, name);
    if (node.kind === 'dir') this.putByte(SLASH);
    this.putByte(NEWLINE);
  }

  override visit(row: number): void {
    let p = this.starts[row] as number;
    const end = this.rowEnd(row);
    if (this.o + end - p > this.out.length) this.cut(end - p);
    const out = this.out;
    const buf = this.buf;
    let o = this.o;
    while (p < end) out[o++] = buf[p++] as number;
    this.o = o;
    if (o >= CHUNK) this.cut(0);
  }

  /** Output ready to write (about 64 KiB each); `final` also takes what is pending. */
  take(final = false): Uint8Array[] {
    if (final && this.o > 0) this.cut(0);
    return this.ready.splice(0);
  }

  private cut(need: number): void {
    if (this.o > 0) this.ready.push(this.out.subarray(0, this.o));
    this.out = new Uint8Array(Math.max(CHUNK + 4096, need));
    this.o = 0;
  }
}

/**
 * The long form (formatLong). Each row keeps its fields (mode, links, uid, gid, size or device, mtime, the
 * directory prefix and the name) in typed arrays; `chunks()` writes the text once, in print order, with the
 * four number columns padded to the widest value of the printed rows.
 */
export class LongRows implements RowSink {
  private n = 0;
  private cap = 1 << 16;
  /** index of the row's mode string in `modeTable` */
  private modeIndex = new Int32Array(this.cap);
  /** links, uid, gid, size per row (NaN: '-'); odd values (not safe non-negative integers) are printed from `texts` */
  private nums = new Float64Array(this.cap * 4);
  private mtimes = new Float64Array(this.cap);
  private prefixIndex = new Int32Array(this.cap);
  private names: string[] = [];
  /** "major, minor" of device rows, symlink targets, odd numbers: by row */
  private readonly texts = new Map<number, { readonly size?: string; readonly target?: string; readonly odd?: readonly (string | undefined)[] }>();
  private readonly modeTable: Uint8Array[] = [];
  private readonly modeKeys = new Map<number, number>();
  private readonly prefixes: Uint8Array[] = [];
  private lastPrefix: string | undefined;
  private lastPrefixIndex = -1;
  /** rows in print order */
  private order = new Int32Array(this.cap);
  private visited = 0;

  get rowCount(): number {
    return this.n;
  }

  truncate(rowCount: number): void {
    if (rowCount >= this.n) return;
    for (let r = rowCount; r < this.n; r++) this.texts.delete(r);
    this.n = rowCount;
    this.names.length = rowCount;
  }

  visit(row: number): void {
    if (this.visited === this.order.length) this.order = grown(this.order, this.order.length * 2);
    this.order[this.visited++] = row;
  }

  /** Add the row of `node`, listed as `prefix/name` (prefix '' for the listed directory's own entries). */
  addNode(node: TreeNode, prefix: string, name = node.name): void {
    if (this.n === this.cap) this.grow();
    const r = this.n++;
    this.modeIndex[r] = this.modeOf(node.kind, node.mode);
    const odd = this.putNumbers(r, node);
    this.mtimes[r] = node.mtimeMs ?? Number.NaN;
    this.prefixIndex[r] = this.prefixOf(prefix);
    this.names[r] = name;
    const device = node.device ? `${node.device.major}, ${node.device.minor}` : undefined;
    const target = node.kind === 'symlink' ? (node.symlinkTarget ?? '') : undefined;
    if (device !== undefined || target !== undefined || odd) this.texts.set(r, { ...(device !== undefined ? { size: device } : {}), ...(target !== undefined ? { target } : {}), ...(odd ? { odd } : {}) });
  }

  /** The numbers of row r; returns the texts of values String() must print (not safe non-negative integers). */
  private putNumbers(r: number, n: TreeNode): (string | undefined)[] | undefined {
    const nums = this.nums;
    const values = [n.nlink, n.uid, n.gid, n.device ? 0 : n.size];
    let odd: (string | undefined)[] | undefined;
    for (let i = 0; i < 4; i++) {
      const v = values[i];
      if (v === undefined) nums[r * 4 + i] = Number.NaN;
      else if (Number.isSafeInteger(v) && v >= 0) nums[r * 4 + i] = v;
      else {
        nums[r * 4 + i] = 0;
        (odd ??= [])[i] = String(v);
      }
    }
    return odd;
  }

  private modeOf(kind: NodeKind, mode: number | undefined): number {
    const k = KINDS.indexOf(kind);
    const key = mode === undefined ? -1 - k : mode * 8 + k;
    let i = this.modeKeys.get(key);
    if (i === undefined) {
      i = this.modeTable.push(encoder.encode(modeString(kind, mode))) - 1;
      this.modeKeys.set(key, i);
    }
    return i;
  }

  private prefixOf(prefix: string): number {
    if (prefix === this.lastPrefix) return this.lastPrefixIndex;
    this.lastPrefix = prefix;
    this.lastPrefixIndex = this.prefixes.push(prefix ? encoder.encode(displayName(prefix) + '/') : new Uint8Array(0)) - 1;
    return this.lastPrefixIndex;
  }

  private grow(): void {
    this.cap *= 2;
    this.modeIndex = grown(this.modeIndex, this.cap);
    this.nums = grown(this.nums, this.cap * 4);
    this.mtimes = grown(this.mtimes, this.cap);
    this.prefixIndex = grown(this.prefixIndex, this.cap);
  }

  /** The listing in print order, in chunks of about 64 KiB (new arrays: a writer may keep them). */
  *chunks(): Generator<Uint8Array> {
    const widths = this.widths();
    const w = new RowWriter(widths);
    for (let k = 0; k < this.visited; k++) {
      const r = this.order[k] as number;
      const t = this.texts.get(r);
      w.row(this.modeTable[this.modeIndex[r] as number] as Uint8Array, this.nums, r, t, this.mtimes[r] as number, this.prefixes[this.prefixIndex[r] as number] as Uint8Array, this.names[r] as string);
      if (w.length >= CHUNK) yield w.take();
    }
    if (w.length) yield w.take();
  }

  /** The widest links, uid, gid and size fields of the printed rows. */
  private widths(): number[] {
    const out = [0, 0, 0, 0];
    for (let k = 0; k < this.visited; k++) {
      const r = this.order[k] as number;
      const t = this.texts.get(r);
      for (let i = 0; i < 4; i++) {
        const len = textOf(t, i) !== undefined ? (textOf(t, i) as string).length : digits(this.nums[r * 4 + i] as number);
        if (len > (out[i] as number)) out[i] = len;
      }
    }
    return out;
  }
}

function textOf(t: { readonly size?: string; readonly odd?: readonly (string | undefined)[] } | undefined, i: number): string | undefined {
  if (!t) return undefined;
  return i === 3 && t.size !== undefined ? t.size : t.odd?.[i];
}

/** Digits of a safe non-negative integer; 1 for NaN (printed as '-'). */
function digits(v: number): number {
  if (v !== v) return 1;
  let d = 1;
  for (let x = v; x >= 10; x = Math.floor(x / 10)) d++;
  return d;
}

function grown<T extends Int32Array | Float64Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}

/** Writes long rows into chunks. */
class RowWriter {
  private buf = new Uint8Array(CHUNK + 8192);
  length = 0;
  private lastDay = Number.NaN;
  private readonly lastDate = new Uint8Array(19);
  constructor(private readonly widths: readonly number[]) {}

  take(): Uint8Array {
    const out = this.buf.subarray(0, this.length);
    this.buf = new Uint8Array(CHUNK + 8192);
    this.length = 0;
    return out;
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  row(mode: Uint8Array, nums: Float64Array, r: number, t: { readonly size?: string; readonly target?: string; readonly odd?: readonly (string | undefined)[] } | undefined, mtime: number, prefix: Uint8Array, name: string): void {
    this.room(mode.length + prefix.length + name.length * 3 + 160);
    const b = this.buf;
    let o = this.length;
    for (let i = 0; i < mode.length; i++) b[o++] = mode[i] as number;
    for (let i = 0; i < 4; i++) {
      const text = textOf(t, i);
      const v = nums[r * 4 + i] as number;
      const len = text !== undefined ? text.length : digits(v);
      const pad = (this.widths[i] as number) - len;
      b[o++] = SPACE;
      // links and size right-aligned, uid and gid left-aligned
      if (i === 0 || i === 3) for (let p = 0; p < pad; p++) b[o++] = SPACE;
      if (text !== undefined) for (let c = 0; c < len; c++) b[o++] = text.charCodeAt(c);
      else if (v !== v) b[o++] = DASH;
      else {
        let x = v;
        for (let p = o + len - 1; p >= o; p--) {
          b[p] = 0x30 + (x % 10);
          x = Math.floor(x / 10);
        }
        o += len;
      }
      if (i === 1 || i === 2) for (let p = 0; p < pad; p++) b[o++] = SPACE;
    }
    b[o++] = SPACE;
    this.length = o;
    this.date(mtime);
    o = this.length;
    this.buf[o++] = SPACE;
    this.length = o;
    this.bytes(prefix);
    this.name(name);
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

  /** formatDate(ms) ("YYYY-MM-DD HH:MM:SS", UTC) without a Date or a string for years 0–9999. */
  private date(ms: number): void {
    if (ms !== ms || !(Math.abs(ms) <= MAX_DATE_MS)) {
      this.bytes(encoder.encode(formatDate(ms !== ms ? undefined : ms)));
      return;
    }
    // a Date keeps the time value truncated towards zero (TimeClip), then shows the second it falls in
    const second = Math.floor(Math.trunc(ms) / 1000);
    const day = Math.floor(second / DAY_S);
    // the calendar date is worked out once per day (listings have few distinct days)
    if (day !== this.lastDay) {
      if (!civilDay(day, this.lastDate)) {
        this.bytes(encoder.encode(formatDate(ms)));
        return;
      }
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
    this.bytes(d);
  }
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
