/**
 * The one `ls` text renderer: rows of the long form (`ls -l`: mode, links, uid, gid, size or "major, minor",
 * mtime in UTC, path[ -> target]) and of the short form, each encoded once into one growing byte buffer (a few
 * dozen bytes per entry, outside the garbage-collected heap) and printed in the order rows are visited, in
 * chunks of about 64 KiB. The long form pads its number columns to the widest value of the listing, so its
 * text is ready once every row was added; the short form is printed as rows are visited.
 */
import type { NodeKind, TreeNode } from '../../model/index.js';
import { displayName } from './names.js';
import { modeString } from './mode.js';
import { CHUNK, RowWriter, digits, textOf, type RowTexts } from './row-writer.js';

const NEWLINE = 0x0a;
const SLASH = 0x2f;
const encoder = new TextEncoder();
const KINDS: readonly NodeKind[] = ['file', 'dir', 'symlink', 'chardev', 'blockdev', 'fifo', 'socket'];

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
export class ShortRows extends RowBytes implements RecordRows {
  private out = new Uint8Array(CHUNK + 4096);
  private o = 0;
  private readonly ready: Uint8Array[] = [];
  /** rows from records: the directory prefixes by number, each with its '/' (0: the listed directory's own) */
  private readonly prefixTable: Uint8Array[] = [new Uint8Array(0)];

  addNode(node: TreeNode, prefix: string, name = node.name): void {
    this.startRow();
    this.putPath(prefix, name);
    if (node.kind === 'dir') this.putByte(SLASH);
    this.putByte(NEWLINE);
  }

  addRecord(f: RowFields, prefix: number): number {
    const r = this.startRow();
    this.putBytes(this.prefixTable[prefix] as Uint8Array);
    const b = f.nameBytes;
    if (b) {
      this.reserve(f.nameTo - f.nameFrom);
      const buf = this.buf;
      let o = this.len;
      for (let i = f.nameFrom; i < f.nameTo; i++) buf[o++] = b[i] as number;
      this.len = o;
    } else {
      this.putName(f.name);
    }
    if (f.kind === 'dir') this.putByte(SLASH);
    this.putByte(NEWLINE);
    return r;
  }

  /** A directory row is its prefix, name and '/', then a newline: all but the newline. */
  childPrefix(_parent: number, row: number): number {
    return this.prefixTable.push(this.buf.slice(this.starts[row] as number, this.rowEnd(row) - 1)) - 1;
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
 * The fields of one row as a reader gives them in listing mode (`RecordRows.addRecord`), without a node: one
 * object, filled again for each row. The name is `nameBytes[nameFrom, nameTo)` when those bytes are shown as
 * they are (printable ASCII without '/' and '\\'), else `name`.
 */
export interface RowFields {
  kind: NodeKind;
  mode: number | undefined;
  nlink: number | undefined;
  uid: number | undefined;
  gid: number | undefined;
  size: number;
  mtimeMs: number | undefined;
  device: { readonly major: number; readonly minor: number } | undefined;
  symlinkTarget: string | undefined;
  nameBytes: Uint8Array | undefined;
  nameFrom: number;
  nameTo: number;
  name: string;
}

export const newRowFields = (): RowFields => ({
  kind: 'file', mode: undefined, nlink: undefined, uid: undefined, gid: undefined, size: 0, mtimeMs: undefined,
  device: undefined, symlinkTarget: undefined, nameBytes: undefined, nameFrom: 0, nameTo: 0, name: '',
});

/**
 * Rows a reader adds straight from its records (listing mode, read/list.ts): each row in a directory prefix
 * (0: the listed directory itself), and a directory row's own prefix made from its parent's and its name.
 */
export interface RecordRows extends RowSink {
  addRecord(f: RowFields, prefix: number): number;
  /** The prefix of the entries of directory row `row`, listed in prefix `parent`. */
  childPrefix(parent: number, row: number): number;
}

/**
 * The long form (formatLong). Each row keeps its fields (mode, links, uid, gid, size or device, mtime, the
 * directory prefix and the name) in typed arrays and its name as the bytes it is printed with; `chunks()`
 * writes the text once, in print order, with the four number columns padded to the widest value of the
 * printed rows.
 */
export class LongRows implements RecordRows {
  private n = 0;
  // untouched pages of a large typed array cost no memory
  private cap = 1 << 17;
  /** index of the row's mode string in `modeTable` */
  private modeIndex = new Int32Array(this.cap);
  /** links, uid, gid, size per row (NaN: '-'); odd values (not safe non-negative integers) are printed from `texts` */
  private nums = new Float64Array(this.cap * 4);
  private mtimes = new Float64Array(this.cap);
  private prefixIndex = new Int32Array(this.cap);
  /** the names as printed (escaped, UTF-8), one after the other: row r's starts at nameStart[r] */
  private nameStart = new Float64Array(this.cap + 1);
  private namePool = new Uint8Array(4 << 20);
  /** "major, minor" of device rows, symlink targets, odd numbers: by row */
  private readonly texts = new Map<number, RowTexts>();
  private readonly modeTable: Uint8Array[] = [];
  private readonly modeKeys = new Map<number, number>();
  private lastKind: NodeKind | undefined;
  private lastMode: number | undefined;
  private lastModeIndex = 0;
  /** prefix 0 is the listed directory's own ('') */
  private readonly prefixes: Uint8Array[] = [new Uint8Array(0)];
  private lastPrefix: string | undefined = '';
  private lastPrefixIndex = 0;
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
    const size = node.device ? 0 : node.size;
    const odd = this.putNumbers(r, node.nlink, node.uid, node.gid, size);
    this.mtimes[r] = node.mtimeMs ?? Number.NaN;
    this.prefixIndex[r] = this.prefixOf(prefix);
    this.putText(r, name);
    this.putTexts(r, node.kind, node.device, node.symlinkTarget, odd);
  }

  addRecord(f: RowFields, prefix: number): number {
    if (this.n === this.cap) this.grow();
    const r = this.n++;
    this.modeIndex[r] = this.modeOf(f.kind, f.mode);
    const odd = this.putNumbers(r, f.nlink, f.uid, f.gid, f.device ? 0 : f.size);
    this.mtimes[r] = f.mtimeMs ?? Number.NaN;
    this.prefixIndex[r] = prefix;
    if (f.nameBytes) this.putBytes(r, f.nameBytes, f.nameFrom, f.nameTo);
    else this.putText(r, f.name);
    this.putTexts(r, f.kind, f.device, f.symlinkTarget, odd);
    return r;
  }

  childPrefix(parent: number, row: number): number {
    const p = this.prefixes[parent] as Uint8Array;
    const from = this.nameStart[row] as number, to = this.nameStart[row + 1] as number;
    const out = new Uint8Array(p.length + to - from + 1);
    out.set(p);
    out.set(this.namePool.subarray(from, to), p.length);
    out[out.length - 1] = SLASH;
    this.lastPrefix = undefined;
    return this.prefixes.push(out) - 1;
  }

  private putTexts(r: number, kind: NodeKind, device: RowFields['device'], symlinkTarget: string | undefined, odd: (string | undefined)[] | undefined): void {
    const size = device ? `${device.major}, ${device.minor}` : undefined;
    const target = kind === 'symlink' ? (symlinkTarget ?? '') : undefined;
    if (size !== undefined || target !== undefined || odd) this.texts.set(r, { ...(size !== undefined ? { size } : {}), ...(target !== undefined ? { target } : {}), ...(odd ? { odd } : {}) });
  }

  /** Row r's name: bytes printed as they are. */
  private putBytes(r: number, b: Uint8Array, from: number, to: number): void {
    let o = this.nameStart[r] as number;
    if (o + to - from > this.namePool.length) this.growPool(to - from);
    const pool = this.namePool;
    for (let i = from; i < to; i++) pool[o++] = b[i] as number;
    this.nameStart[r + 1] = o;
  }

  /** Row r's name as displayName() shows it, in UTF-8. */
  private putText(r: number, s: string): void {
    const start = this.nameStart[r] as number;
    const n = s.length;
    if (start + n > this.namePool.length) this.growPool(n);
    const pool = this.namePool;
    let o = start;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c >= 0x7f || c === 0x5c) {
        // escapes or non-ASCII: the general way
        const rest = encoder.encode(displayName(s.slice(i)));
        if (o + rest.length > this.namePool.length) this.growPool(o - start + rest.length);
        this.namePool.set(rest, o);
        o += rest.length;
        break;
      }
      pool[o++] = c;
    }
    this.nameStart[r + 1] = o;
  }

  private growPool(need: number): void {
    const next = new Uint8Array(Math.max(this.namePool.length * 2, this.namePool.length + need * 2));
    next.set(this.namePool);
    this.namePool = next;
  }

  /** The numbers of row r; returns the texts of values String() must print (not safe non-negative integers). */
  private putNumbers(r: number, nlink: number | undefined, uid: number | undefined, gid: number | undefined, size: number): (string | undefined)[] | undefined {
    const nums = this.nums;
    const at = r * 4;
    if (plain(nlink) && plain(uid) && plain(gid) && plain(size)) {
      // the usual row
      nums[at] = nlink ?? Number.NaN;
      nums[at + 1] = uid ?? Number.NaN;
      nums[at + 2] = gid ?? Number.NaN;
      nums[at + 3] = size;
      return undefined;
    }
    const odd: (string | undefined)[] = [];
    const values = [nlink, uid, gid, size];
    for (let i = 0; i < 4; i++) {
      const v = values[i];
      if (v === undefined) nums[at + i] = Number.NaN;
      else if (Number.isSafeInteger(v) && v >= 0) nums[at + i] = v;
      else {
        nums[at + i] = 0;
        odd[i] = String(v);
      }
    }
    return odd;
  }

  private modeOf(kind: NodeKind, mode: number | undefined): number {
    if (kind === this.lastKind && mode === this.lastMode) return this.lastModeIndex;
    const k = KINDS.indexOf(kind);
    const key = mode === undefined ? -1 - k : mode * 8 + k;
    let i = this.modeKeys.get(key);
    if (i === undefined) {
      i = this.modeTable.push(encoder.encode(modeString(kind, mode))) - 1;
      this.modeKeys.set(key, i);
    }
    this.lastKind = kind;
    this.lastMode = mode;
    this.lastModeIndex = i;
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
    this.nameStart = grown(this.nameStart, this.cap + 1);
  }

  /**
   * The listing in print order, in chunks of about 64 KiB: views a writer may keep, or with `reuse`, views the
   * next chunk may overwrite (for a writer done with each chunk before it asks for the next: less new memory).
   */
  *chunks(opts: { reuse?: boolean } = {}): Generator<Uint8Array> {
    const widths = this.widths();
    const w = new RowWriter(widths, opts.reuse ?? false);
    const { modeTable, modeIndex, nums, texts, mtimes, prefixes, prefixIndex, nameStart, namePool, order } = this;
    const any = texts.size > 0;
    for (let k = 0; k < this.visited; k++) {
      const r = order[k] as number;
      const t = any ? texts.get(r) : undefined;
      w.row(modeTable[modeIndex[r] as number] as Uint8Array, nums, r, t, mtimes[r] as number, prefixes[prefixIndex[r] as number] as Uint8Array, namePool, nameStart[r] as number, nameStart[r + 1] as number);
      if (w.pending >= CHUNK) yield w.take();
    }
    if (w.pending) yield w.take();
  }

  /** The widest links, uid, gid and size fields of the printed rows. */
  private widths(): number[] {
    const out = [0, 0, 0, 0];
    const any = this.texts.size > 0;
    let w0 = 0, w1 = 0, w2 = 0, w3 = 0;
    const nums = this.nums;
    for (let k = 0; k < this.visited; k++) {
      const r = this.order[k] as number;
      const t = any ? this.texts.get(r) : undefined;
      if (t) {
        for (let i = 0; i < 4; i++) {
          const len = textOf(t, i) !== undefined ? (textOf(t, i) as string).length : digits(nums[r * 4 + i] as number);
          if (len > (out[i] as number)) out[i] = len;
        }
        continue;
      }
      const a = r * 4;
      let d = digits(nums[a] as number);
      if (d > w0) w0 = d;
      d = digits(nums[a + 1] as number);
      if (d > w1) w1 = d;
      d = digits(nums[a + 2] as number);
      if (d > w2) w2 = d;
      d = digits(nums[a + 3] as number);
      if (d > w3) w3 = d;
    }
    return [Math.max(out[0] as number, w0), Math.max(out[1] as number, w1), Math.max(out[2] as number, w2), Math.max(out[3] as number, w3)];
  }
}

/** undefined ('-') or a safe non-negative integer (printed as digits). */
const plain = (v: number | undefined): boolean => v === undefined || v >>> 0 === v || (v >= 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v);

function grown<T extends Int32Array | Float64Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}

