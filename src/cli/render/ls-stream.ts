/**
 * Streaming forms of the `isokit ls` listings (render/ls.ts gives the same text for a list in memory):
 * the short form and JSON are written as the entries arrive; the long form needs every row before the
 * first line (the columns are padded to the widest value), so its rows are kept as bytes — a few dozen
 * bytes per entry outside the garbage-collected heap — and written in 64 KiB chunks at the end.
 */
import type { NodeKind, TreeNode } from '../../model/index.js';
import { formatDate } from './date.js';
import { displayName, entryJson } from './ls.js';
import { modeString } from './mode.js';

const CHUNK = 64 * 1024;
const SPACE = 0x20;
const NEWLINE = 0x0a;
const encoder = new TextEncoder();

/** Where listings go: chunks are written with back-pressure (a slow reader pauses the walk). */
export interface ChunkSink {
  write(chunk: string | Uint8Array): Promise<void>;
}

/** A sink over a Node writable stream (stdout). */
export function streamSink(stream: NodeJS.WritableStream): ChunkSink {
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('error', done);
        stream.off('close', done);
        resolve();
      };
      stream.on('drain', done);
      stream.on('error', done);
      stream.on('close', done);
    });
  return {
    async write(chunk) {
      if (!stream.write(chunk)) await drained();
    },
  };
}

/** Text accumulated and written in chunks of about 64 KiB. */
export class TextWriter {
  private text = '';
  constructor(private readonly sink: ChunkSink) {}
  async add(s: string): Promise<void> {
    this.text += s;
    if (this.text.length >= CHUNK) await this.flush();
  }
  /** Write what is pending, then `chunk`. */
  async flushWith(chunk: Uint8Array): Promise<void> {
    await this.flush();
    await this.sink.write(chunk);
  }
  async flush(): Promise<void> {
    if (!this.text) return;
    const t = this.text;
    this.text = '';
    await this.sink.write(t);
  }
}

/** Short form line (see formatShort): the name, directories with a trailing slash. */
export function shortLine(node: TreeNode, path: string): string {
  return escapeName(path) + (node.kind === 'dir' ? '/\n' : '\n');
}

/** JSON form of one entry (see entryJson). */
export function jsonEntry(node: TreeNode, path: string): string {
  return JSON.stringify(entryJson({ node, path }));
}

/** displayName, without the regular expression's work for the usual name that needs no escaping. */
function escapeName(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x5c) return displayName(s);
  }
  return s;
}

const KINDS: readonly NodeKind[] = ['file', 'dir', 'symlink', 'chardev', 'blockdev', 'fifo', 'socket'];
/** Largest |ms| a Date holds (ECMA-262 21.4.1.1); beyond it formatDate prints "-". */
const MAX_DATE_MS = 8.64e15;

/**
 * The long form (see formatLong), row by row. Each row is kept as bytes: mode, links, uid, gid, size (or
 * "major, minor") unpadded, then "date name[ -> target]"; `chunks()` pads the four number columns to
 * their widest value as formatLong does.
 */
export class LongListing {
  // untouched pages of a large typed array cost no memory
  private buf = new Uint8Array(8 << 20);
  private len = 0;
  private starts = new Float64Array(1 << 17);
  /** per row: the byte lengths of mode, links, uid, gid and size */
  private fields = new Uint16Array((1 << 17) * 5);
  private rows = 0;
  private readonly widths = [0, 0, 0, 0, 0];
  private readonly modes = new Map<number, Uint8Array>();
  private readonly dates = new Map<number, Uint8Array>();

  get rowCount(): number {
    return this.rows;
  }

  add(n: TreeNode, path: string): void {
    if (this.rows === this.starts.length) this.growRows();
    this.reserve(256);
    const r = this.rows++;
    this.starts[r] = this.len;
    const f = r * 5;
    this.field(f, this.putBytes(this.modeBytes(n.kind, n.mode)));
    this.field(f + 1, n.nlink !== undefined ? this.putNumber(n.nlink) : this.putByte(0x2d));
    this.field(f + 2, n.uid !== undefined ? this.putNumber(n.uid) : this.putByte(0x2d));
    this.field(f + 3, n.gid !== undefined ? this.putNumber(n.gid) : this.putByte(0x2d));
    this.field(f + 4, n.device ? this.putText(`${n.device.major}, ${n.device.minor}`) : this.putNumber(n.size));
    this.putBytes(this.dateBytes(n.mtimeMs));
    this.putByte(SPACE);
    this.putName(path);
    if (n.kind === 'symlink') {
      this.putText(' -> ');
      this.putName(n.symlinkTarget ?? '');
    }
  }

  /** The listing, in chunks of about 64 KiB (new arrays: a writer may keep them). */
  *chunks(): Generator<Uint8Array> {
    const [, w1, w2, w3, w4] = this.widths as [number, number, number, number, number];
    const buf = this.buf;
    const fields = this.fields;
    let out = new Uint8Array(CHUNK + 512);
    let o = 0;
    for (let r = 0; r < this.rows; r++) {
      let p = this.starts[r] as number;
      const end = r + 1 < this.rows ? (this.starts[r + 1] as number) : this.len;
      const f = r * 5;
      const l1 = fields[f + 1] as number, l2 = fields[f + 2] as number, l3 = fields[f + 3] as number, l4 = fields[f + 4] as number;
      const need = end - p + w1 + w2 + w3 + w4 + 8;
      if (o + need > out.length) {
        if (o > 0) yield out.subarray(0, o);
        out = new Uint8Array(Math.max(CHUNK + 512, need));
        o = 0;
      }
      // mode, links (right-aligned), uid, gid (left-aligned), size (right-aligned), then the rest as it is;
      // rows are short: byte loops beat subarray() + set()
      for (let e = p + (fields[f] as number); p < e;) out[o++] = buf[p++] as number;
      out[o++] = SPACE;
      for (let k = l1; k < w1; k++) out[o++] = SPACE;
      for (let e = p + l1; p < e;) out[o++] = buf[p++] as number;
      out[o++] = SPACE;
      for (let e = p + l2; p < e;) out[o++] = buf[p++] as number;
      for (let k = l2; k < w2; k++) out[o++] = SPACE;
      out[o++] = SPACE;
      for (let e = p + l3; p < e;) out[o++] = buf[p++] as number;
      for (let k = l3; k < w3; k++) out[o++] = SPACE;
      out[o++] = SPACE;
      for (let k = l4; k < w4; k++) out[o++] = SPACE;
      for (let e = p + l4; p < e;) out[o++] = buf[p++] as number;
      out[o++] = SPACE;
      while (p < end) out[o++] = buf[p++] as number;
      out[o++] = NEWLINE;
      if (o >= CHUNK) {
        yield out.subarray(0, o);
        out = new Uint8Array(CHUNK + 512);
        o = 0;
      }
    }
    if (o > 0) yield out.subarray(0, o);
  }

  private field(index: number, byteLength: number): void {
    this.fields[index] = byteLength;
    const k = index % 5;
    if (byteLength > (this.widths[k] as number)) this.widths[k] = byteLength;
  }

  private lastKind: NodeKind | undefined;
  private lastMode: number | undefined;
  private lastModeBytes: Uint8Array = new Uint8Array(0);
  private lastDateMs: number | undefined;
  private lastDateBytes: Uint8Array = new Uint8Array(0);

  private modeBytes(kind: NodeKind, mode: number | undefined): Uint8Array {
    if (kind === this.lastKind && mode === this.lastMode) return this.lastModeBytes;
    this.lastKind = kind;
    this.lastMode = mode;
    this.lastModeBytes = this.modeBytesOf(kind, mode);
    return this.lastModeBytes;
  }

  private modeBytesOf(kind: NodeKind, mode: number | undefined): Uint8Array {
    const k = KINDS.indexOf(kind);
    const key = mode === undefined ? -1 - k : mode * 8 + k;
    let b = this.modes.get(key);
    if (!b) {
      b = encoder.encode(modeString(kind, mode));
      this.modes.set(key, b);
    }
    return b;
  }

  private dateBytes(ms: number | undefined): Uint8Array {
    if (ms === this.lastDateMs && ms !== undefined) return this.lastDateBytes;
    this.lastDateMs = ms;
    this.lastDateBytes = this.dateBytesOf(ms);
    return this.lastDateBytes;
  }

  private dateBytesOf(ms: number | undefined): Uint8Array {
    if (ms === undefined || !(Math.abs(ms) < MAX_DATE_MS)) return encoder.encode(formatDate(ms));
    const key = Math.floor(ms / 1000);
    let b = this.dates.get(key);
    if (!b) {
      if (this.dates.size >= 4096) this.dates.clear();
      b = encoder.encode(formatDate(ms));
      this.dates.set(key, b);
    }
    return b;
  }

  private putBytes(b: Uint8Array): number {
    const n = b.length;
    this.reserve(n);
    const buf = this.buf;
    let o = this.len;
    for (let i = 0; i < n; i++) buf[o++] = b[i] as number;
    this.len = o;
    return n;
  }

  private putByte(c: number): number {
    this.buf[this.len++] = c;
    return 1;
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

  /** A name as displayName() shows it, in UTF-8. */
  private putName(s: string): void {
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
  private putText(s: string): number {
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

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private growRows(): void {
    const starts = new Float64Array(this.starts.length * 2);
    starts.set(this.starts);
    this.starts = starts;
    const fields = new Uint16Array(this.fields.length * 2);
    fields.set(this.fields);
    this.fields = fields;
  }
}

