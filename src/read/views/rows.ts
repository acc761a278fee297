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

/** Rows as bytes; `visit` order kept apart. Subclasses write the rows. */
export abstract class RowBytes {
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
 * The long form (formatLong). Each row holds mode, links, uid, gid, size (or "major, minor") unpadded,
 * then "date path[ -> target]"; `chunks()` pads the four number columns to their widest value.
 */
export class LongRows extends RowBytes {
  /** per row: the byte lengths of mode, links, uid, gid and size */
  private fields = new Uint16Array((1 << 18) * 5);
  private readonly modes = new Map<number, Uint8Array>();
  private lastModeKey = Number.NaN;
  private lastModeBytes: Uint8Array = new Uint8Array(0);
  private lastDay = Number.NaN;
  private readonly lastDate = new Uint8Array(19);

  addNode(n: TreeNode, prefix: string, name = n.name): void {
    const f = this.startRow() * 5;
    const fields = this.fields;
    fields[f] = this.putBytes(this.modeBytes(n.kind, n.mode));
    fields[f + 1] = n.nlink !== undefined ? this.putNumber(n.nlink) : this.putByte(DASH);
    fields[f + 2] = n.uid !== undefined ? this.putNumber(n.uid) : this.putByte(DASH);
    fields[f + 3] = n.gid !== undefined ? this.putNumber(n.gid) : this.putByte(DASH);
    fields[f + 4] = n.device ? this.putText(`${n.device.major}, ${n.device.minor}`) : this.putNumber(n.size);
    this.putDate(n.mtimeMs);
    this.putByte(SPACE);
    this.putPath(prefix, name);
    if (n.kind === 'symlink') {
      this.putBytes(ARROW);
      this.putName(n.symlinkTarget ?? '');
    }
  }

  protected override growRows(): void {
    super.growRows();
    const fields = new Uint16Array(this.fields.length * 2);
    fields.set(this.fields);
    this.fields = fields;
  }

  /** The listing in print order, in chunks of about 64 KiB (new arrays: a writer may keep them). */
  *chunks(): Generator<Uint8Array> {
    const widths = columnWidths(this.fields, this.order, this.visited);
    // a row ends where the next added row starts: the last one where the rows end
    if (this.rows === this.starts.length) this.growRows();
    this.starts[this.rows] = this.len;
    const rowsEnd = this.len;
    const state: RenderState = { k: 0, o: 0 };
    while (state.k < this.visited) {
      // each chunk is put together after the rows, in the same buffer (copyWithin moves the row bytes)
      this.len = rowsEnd;
      this.reserve(CHUNK + 512 + this.longestRow(state.k, widths));
      state.o = rowsEnd;
      renderLongRows(this.buf, this.starts, this.fields, this.order, this.visited, widths, rowsEnd, state);
      yield this.buf.slice(rowsEnd, state.o);
    }
    this.len = rowsEnd;
  }

  /** Room for the row at print position k if it is longer than a chunk's slack. */
  private longestRow(k: number, widths: number[]): number {
    const r = this.order[k] as number;
    const n = (this.starts[r + 1] as number) - (this.starts[r] as number) + (widths[1] as number) + (widths[2] as number) + (widths[3] as number) + (widths[4] as number) + 8;
    return n > 512 ? n : 0;
  }

  private modeBytes(kind: NodeKind, mode: number | undefined): Uint8Array {
    const k = KINDS.indexOf(kind);
    const key = mode === undefined ? -1 - k : mode * 8 + k;
    if (key === this.lastModeKey) return this.lastModeBytes;
    let b = this.modes.get(key);
    if (!b) {
      b = encoder.encode(modeString(kind, mode));
      this.modes.set(key, b);
    }
    this.lastModeKey = key;
    this.lastModeBytes = b;
    return b;
  }

  /** A number as String() writes it; safe non-negative integers digit by digit. */
  private putNumber(v: number): number {
    if (!(Number.isSafeInteger(v) && v >= 0)) return this.putText(String(v));
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    const buf = this.buf;
    let x = v;
    for (let i = this.len + digits - 1; i >= this.len; i--) {
      buf[i] = 0x30 + (x % 10);
      x = Math.floor(x / 10);
    }
    this.len += digits;
    return digits;
  }

  /** formatDate(ms) ("YYYY-MM-DD HH:MM:SS", UTC) without a Date or a string for years 0–9999. */
  private putDate(ms: number | undefined): void {
    if (ms === undefined || !(Math.abs(ms) <= MAX_DATE_MS)) {
      this.putText(formatDate(ms));
      return;
    }
    // a Date keeps the time value truncated towards zero (TimeClip), then shows the second it falls in
    const second = Math.floor(Math.trunc(ms) / 1000);
    const day = Math.floor(second / DAY_S);
    // the calendar date is worked out once per day (listings have few distinct days)
    if (day !== this.lastDay) {
      if (!civilDay(day, this.lastDate)) {
        this.putText(formatDate(ms));
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
    this.putBytes(d);
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

/** The widest links, uid, gid and size fields of the printed rows (index 1–4). */
function columnWidths(fields: Uint16Array, order: Int32Array, count: number): number[] {
  let w1 = 0, w2 = 0, w3 = 0, w4 = 0;
  for (let k = 0; k < count; k++) {
    const f = (order[k] as number) * 5;
    const l1 = fields[f + 1] as number, l2 = fields[f + 2] as number, l3 = fields[f + 3] as number, l4 = fields[f + 4] as number;
    if (l1 > w1) w1 = l1;
    if (l2 > w2) w2 = l2;
    if (l3 > w3) w3 = l3;
    if (l4 > w4) w4 = l4;
  }
  return [0, w1, w2, w3, w4];
}

interface RenderState {
  /** next print position */
  k: number;
  /** bytes written to the chunk */
  o: number;
}

/**
 * Long rows from print position state.k into buf from state.o on (the chunk starts at `base`), until the
 * chunk holds CHUNK bytes or the next row would not fit: mode, links (right-aligned), uid, gid
 * (left-aligned), size (right-aligned), then the rest of the row as it is (copied with copyWithin).
 */
function renderLongRows(
  buf: Uint8Array, starts: Float64Array, fields: Uint16Array, order: Int32Array, count: number, widths: number[], base: number, state: RenderState,
): void {
  const w1 = widths[1] as number, w2 = widths[2] as number, w3 = widths[3] as number, w4 = widths[4] as number;
  const room = buf.length;
  const full = base + CHUNK;
  let o = state.o;
  let k = state.k;
  for (; k < count && o < full; k++) {
    const r = order[k] as number;
    let p = starts[r] as number;
    const end = starts[r + 1] as number;
    const f = r * 5;
    const l1 = fields[f + 1] as number, l2 = fields[f + 2] as number, l3 = fields[f + 3] as number, l4 = fields[f + 4] as number;
    if (o + end - p + w1 + w2 + w3 + w4 + 8 > room) break;
    const lm = fields[f] as number;
    buf.copyWithin(o, p, p + lm);
    o += lm;
    p += lm;
    buf[o++] = SPACE;
    for (let c = l1; c < w1; c++) buf[o++] = SPACE;
    for (let e = p + l1; p < e;) buf[o++] = buf[p++] as number;
    buf[o++] = SPACE;
    for (let e = p + l2; p < e;) buf[o++] = buf[p++] as number;
    for (let c = l2; c < w2; c++) buf[o++] = SPACE;
    buf[o++] = SPACE;
    for (let e = p + l3; p < e;) buf[o++] = buf[p++] as number;
    for (let c = l3; c < w3; c++) buf[o++] = SPACE;
    buf[o++] = SPACE;
    for (let c = l4; c < w4; c++) buf[o++] = SPACE;
    for (let e = p + l4; p < e;) buf[o++] = buf[p++] as number;
    buf[o++] = SPACE;
    buf.copyWithin(o, p, end);
    o += end - p;
    buf[o++] = NEWLINE;
  }
  state.k = k;
  state.o = o;
}
