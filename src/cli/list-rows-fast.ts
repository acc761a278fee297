/**
 * `isokit ls -l` rows for Rock Ridge trees made in WebAssembly (wasm/list-rows.ts, built into
 * list-rows-wasm.ts): the listing walk (read/list-walk.ts) hands whole directory extents to it, and it
 * adds the rows of plain records (a file or directory with PX, TF and a printable NM) itself. The
 * records it leaves are read by the walk and encoded by LongRows, then copied in; the rows are printed
 * by the module too. The text is exactly what LongRows gives (tests compare them); the point is speed
 * from the first row on, where JavaScript would still be warming up in a short run.
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';
import type { TreeNode } from '../model/index.js';
import type { DirectoryRows, ListRecord, ListSink } from '../read/list-walk.js';
import { LongRows } from './list-rows.js';
import { LIST_ROWS_WASM } from './list-rows-wasm.js';
import { displayName } from '../read/views/ls.js';

interface RowsModule {
  memory: WebAssembly.Memory;
  recordCount(): number;
  recordAt(): number;
  recordLba(): number;
  recordDataLength(): number;
  recordNameAt(): number;
  recordNameLength(): number;
  inBuffer(size: number): number;
  prefixBuffer(size: number): number;
  begin(size: number, prefixLength: number, lenSkp: number, imageByteLength: number): void;
  beginKept(size: number, prefix: number, lenSkp: number, imageByteLength: number): void;
  recordPrefix(): number;
  next(): number;
  namesBuffer(length: number): number;
  addName(length: number): number;
  rowBuffer(size: number): number;
  addRow(size: number, f0: number, f1: number, f2: number, f3: number, f4: number): void;
  rows(): number;
  truncate(count: number): void;
  visit(first: number, end: number): void;
  areaBuffer(size: number): number;
  walk(start: number, size: number, lba: number, len: number, depth: number, depthLimit: number, recordBudget: number, lenSkp: number, imageByteLength: number): number;
  walkSub(lba: number, len: number, nameLength: number): number;
  areaPointer(): number;
  walkedRecords(): number;
  walkedDirectories(): number;
  visited(): number;
  unvisit(count: number): void;
  renderBegin(): void;
  renderChunk(): number;
  outBuffer(): number;
}

let compiled: WebAssembly.Module | undefined;

/** A record `walk` leaves to the listing walk, while it runs (DirectoryRows.walk). */
type OnRecord = NonNullable<Parameters<NonNullable<DirectoryRows['walk']>>[7]>;

function instantiate(onRecord: (dirOffset: number, dirLength: number, at: number, dirLba: number) => number): RowsModule {
  compiled ??= new WebAssembly.Module(Buffer.from(LIST_ROWS_WASM, 'base64'));
  const abort = () => {
    throw new IsoKitError(ErrorCode.INTERNAL, 'internal error in the listing module (wasm/list-rows.ts)');
  };
  return new WebAssembly.Instance(compiled, { env: { abort, jsRecord: onRecord } }).exports as unknown as RowsModule;
}

/** jsRecord results (wasm/list-rows.ts) */
const JS_ROW = 0;
const JS_BAIL = 1;

const utf8 = new TextEncoder();

/** LongRows in WebAssembly memory; `create()` gives undefined where WebAssembly cannot run (e.g. --jitless). */
export class FastLongRows implements ListSink, DirectoryRows {
  readonly directoryRows: DirectoryRows = this;
  /** rows the walk adds (records the module leaves, other namespaces) are encoded here, then copied in */
  private readonly js = new LongRows();
  private view = new Uint8Array(0);
  private bytes: Uint8Array = new Uint8Array(0);
  private prefix = '';
  /** the prefixes the module made for the subdirectories it met, by path */
  private readonly kept = new Map<string, number>();

  private readonly m: RowsModule;
  /** what `walk` was given for the records it leaves */
  private onRecord: OnRecord | undefined;

  private constructor() {
    this.m = instantiate((dirOffset, dirLength, at, dirLba) => this.jsRecord(dirOffset, dirLength, at, dirLba));
  }

  static create(): FastLongRows | undefined {
    try {
      return new FastLongRows();
    } catch {
      return undefined;
    }
  }

  /** The module's memory (a new view after it grew). */
  private mem(): Uint8Array {
    if (this.view.buffer !== this.m.memory.buffer) this.view = new Uint8Array(this.m.memory.buffer);
    return this.view;
  }

  get rowCount(): number {
    return this.m.rows();
  }

  truncate(rowCount: number): void {
    this.m.truncate(rowCount);
  }

  visit(row: number): void {
    this.m.visit(row, row + 1);
  }

  visitRange(first: number, end: number): void {
    this.m.visit(first, end);
  }

  addRecord(r: Readonly<ListRecord>, prefix: string, name: string): void {
    this.js.addRecord(r, prefix, name);
    this.copyRows();
  }

  addRecordAscii(r: Readonly<ListRecord>, prefix: string, b: Uint8Array, start: number, end: number): void {
    this.js.addRecordAscii(r, prefix, b, start, end);
    this.copyRows();
  }

  addNode(node: TreeNode, prefix: string): void {
    this.js.addNode(node, prefix);
    this.copyRows();
  }

  private copyRows(): void {
    this.js.drainRows((bytes, f) => {
      const p = this.m.rowBuffer(bytes.length);
      this.mem().set(bytes, p);
      this.m.addRow(bytes.length, f[0] as number, f[1] as number, f[2] as number, f[3] as number, f[4] as number);
    });
  }

  // DirectoryRows
  begin(bytes: Uint8Array, prefix: string, lenSkp: number, imageByteLength: number): void {
    this.bytes = bytes;
    const at = this.m.inBuffer(bytes.length);
    this.mem().set(bytes, at);
    this.prefix = prefix;
    const kept = this.kept.get(prefix);
    if (kept !== undefined) {
      this.kept.delete(prefix);
      this.m.beginKept(bytes.length, kept, lenSkp, imageByteLength);
    } else {
      this.m.begin(bytes.length, this.putPrefix(prefix), lenSkp, imageByteLength);
    }
  }

  /** A path prefix as LongRows writes it (escaped, UTF-8, then a slash) into prefixBuffer; its length. */
  private putPrefix(prefix: string): number {
    if (!prefix) return 0;
    const n = prefix.length;
    let plain = true;
    for (let i = 0; i < n && plain; i++) {
      const c = prefix.charCodeAt(i);
      plain = c >= 0x20 && c < 0x7f && c !== 0x5c;
    }
    if (!plain) {
      const b = utf8.encode(displayName(prefix) + '/');
      const p = this.m.prefixBuffer(b.length);
      this.mem().set(b, p);
      return b.length;
    }
    const p = this.m.prefixBuffer(n + 1);
    const mem = this.mem();
    for (let i = 0; i < n; i++) mem[p + i] = prefix.charCodeAt(i);
    mem[p + n] = 0x2f;
    return n + 1;
  }

  next(): number {
    return this.m.next();
  }

  get at(): number {
    return this.m.recordAt();
  }

  get lba(): number {
    return this.m.recordLba();
  }

  get dataLength(): number {
    return this.m.recordDataLength();
  }

  get records(): number {
    return this.m.recordCount();
  }

  /** the name of the last DIR step (printable ASCII); the module keeps the prefix of its rows */
  get name(): string {
    const start = this.m.recordNameAt();
    const name = String.fromCharCode.apply(null, this.bytes.subarray(start, start + this.m.recordNameLength()) as unknown as number[]);
    // the path the walk gives this directory's rows (list-walk.ts joinPath)
    this.kept.set(this.prefix ? `${this.prefix}/${name}` : name, this.m.recordPrefix());
    return name;
  }

  addName(name: string): boolean {
    const b = utf8.encode(name);
    const p = this.m.namesBuffer(b.length);
    this.mem().set(b, p);
    return this.m.addName(b.length) !== 0;
  }

  areaBuffer(byteLength: number): Uint8Array {
    const p = this.m.areaBuffer(byteLength);
    return this.mem().subarray(p, p + byteLength);
  }

  walk(
    areaStart: number, areaLength: number, dir: { lba: number; dataLength: number; depth: number }, depthLimit: number, recordBudget: number, lenSkp: number, imageByteLength: number,
    onRecord: OnRecord,
  ): { records: number; directories: number } | undefined {
    const rows = this.m.rows();
    const visited = this.m.visited();
    this.onRecord = onRecord;
    this.walkError = undefined;
    let done: boolean;
    try {
      done = this.m.walk(areaStart, areaLength, dir.lba, dir.dataLength, dir.depth, depthLimit, recordBudget, lenSkp, imageByteLength) !== 0;
    } finally {
      this.onRecord = undefined;
    }
    // an error in the walk's own code (abort) is the walk's: after the module has unwound
    if (this.walkError !== undefined) throw this.walkError;
    if (done) return { records: this.m.walkedRecords(), directories: this.m.walkedDirectories() };
    this.m.truncate(rows);
    this.m.unvisit(visited);
    return undefined;
  }

  private walkError: unknown;

  /** The module's jsRecord import: the walk reads the record; a directory's prefix is kept for its rows. */
  private jsRecord(dirOffset: number, dirLength: number, at: number, dirLba: number): number {
    try {
      const p = this.m.areaPointer() + dirOffset;
      // a view: the walk reads the record before it adds anything (which may grow the module's memory
      // and detach the views of the old one)
      const r = this.onRecord?.(this.mem().subarray(p, p + dirLength), at, dirLba);
      if (r === undefined || r === 'bail') return JS_BAIL;
      if (r === 'row' || r === 'skip') return JS_ROW;
      const name = utf8.encode(displayName(r.name));
      const q = this.m.namesBuffer(name.length);
      this.mem().set(name, q);
      return this.m.walkSub(r.lba, r.dataLength, name.length) ? JS_ROW : JS_BAIL;
    } catch (e) {
      this.walkError = e;
      return JS_BAIL;
    }
  }

  /** The listing in print order, in chunks of about 64 KiB (new arrays: a writer may keep them). */
  *chunks(): Generator<Uint8Array> {
    for (const view of this.views()) yield view.slice();
  }

  /** The same as views of the module's memory, each valid until the next is asked for (no copies). */
  *views(): Generator<Uint8Array> {
    this.m.renderBegin();
    for (;;) {
      const n = this.m.renderChunk();
      if (n === 0) return;
      const p = this.m.outBuffer();
      yield this.mem().subarray(p, p + n);
    }
  }
}
