/**
 * The listing walk behind `isokit ls`: the entries `walkImage` gives (same order, paths, findings, Rock
 * Ridge relocation, namespace choice), handed to a `ListSink` as rows instead of TreeNodes. A clean
 * directory (one the fast path of fast-tree.ts would take) goes from its extent buffer straight to the
 * sink, one call per record with a reused `ListRecord` and no object per entry; only what `ls -l` shows
 * is decoded (DirectoryCursor lean mode). Records whose Rock Ridge entries only the generic code
 * interprets (SL, PN, CL, RE, ZF, …) become TreeNodes through that code, and a directory the fast path
 * declines is read by the generic path (which reports what is unusual) and handed over node by node:
 * rows added for it are dropped first (`truncate`).
 *
 * Rows are added a directory at a time, in record order, and visited in walk order (parents before
 * children, depth-first): `visit(row)` names the next row to print.
 */
import { ErrorCode, IsoKitError, asIsoKitError, type Findings } from '../errors/index.js';
import { isSyncSource, throwIfAborted } from '../io/index.js';
import { kindFromMode, type Namespace, type NodeKind, type TreeNode } from '../model/index.js';
import { DirFlag, SECTOR_SIZE, isoFileIdentifierDisplayLength } from '../formats/iso9660/index.js';
import { decodeJolietName } from '../formats/joliet/index.js';
import { DirectoryCursor, Step, fastPathSettings } from './fast-directory.js';
import { NameSet } from './list-names.js';
import { SKIP, genericRecord, type PendingDir } from './fast-tree.js';
import { MAX_DIRECTORY_BYTES } from './directory.js';
import { imageStates, namespaceRoot } from './image-state.js';
import { directorySpan, type DirectorySpan } from './list-span.js';
import { addDirectoryNodes, readDirectoryBytes, startTree, type Ctx, type Job } from './tree.js';
import { MAX_TREE_DEPTH, badName, queueDirectory } from './tree-nodes.js';
import type { IsoImage } from './types.js';
import { READ_AHEAD, ReadAhead, lookUp } from './walk.js';

/** What a listing shows of a record the fast path read (valid during the `addRecord` call only). */
export interface ListRecord {
  kind: NodeKind;
  /** Rock Ridge PX seen: mode, nlink, uid and gid are set */
  px: boolean;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  /** the node's size: the data length of a file, 0 for everything else */
  size: number;
  /** TF modify time, else the directory record's date */
  mtimeMs: number | undefined;
}

/** What `DirectoryRows.next()` returns. */
export const RowStep = { END: 0, BAIL: 1, DIR: 2, JS: 3 } as const;

/**
 * Rows made from whole Rock Ridge directory extents by the sink itself (cli/list-rows-wasm.ts): after
 * `begin`, each `next()` adds the rows of plain records and stops at a subdirectory (DIR: its row was
 * added), at a record it leaves to the walk (JS: no row added; the walk adds one through the sink), at
 * the end (END) or where the walk's fast path would give up (BAIL: the generic path reads the directory).
 * It checks what DirectoryCursor and the fast path check, and the names for duplicates.
 */
export interface DirectoryRows {
  begin(bytes: Uint8Array, prefix: string, lenSkp: number, imageByteLength: number): void;
  next(): number;
  /** the record of the last DIR or JS step: its offset in the extent */
  readonly at: number;
  /** the directory of the last DIR step: its extent and name */
  readonly lba: number;
  readonly dataLength: number;
  readonly name: string;
  /** records seen so far ("." and ".." included) */
  readonly records: number;
  /** add the name of a record the walk read (JS step) to the directory's names; false when it is there */
  addName(name: string): boolean;
  /**
   * Optional: list the whole tree below a directory at once, from the area (the image's bytes from
   * `areaStart` on, `areaLength` of them, read into `areaBuffer` before), adding and visiting rows as the walk would. Undefined (with nothing
   * added or visited) when a directory lies outside the area or anything needs the walk: a record for
   * the walk (JS), BAIL, a directory met twice, `depthLimit` reached, more than `recordBudget` records.
   */
  walk?(
    areaStart: number, areaLength: number, dir: { lba: number; dataLength: number; depth: number }, depthLimit: number, recordBudget: number, lenSkp: number, imageByteLength: number,
    onRecord: WalkRecord,
  ): { records: number; directories: number } | undefined;
  /** where `walk` finds the area: a buffer of `byteLength` bytes to read it into (valid until `walk`) */
  areaBuffer?(byteLength: number): Uint8Array;
}

/**
 * While `DirectoryRows.walk` runs, a record it leaves (a JS step) is read at once: `dir` holds the
 * directory extent (at `dirLba`), the record is at `at`. Its row is added through the sink with the prefix
 * '' (the sink puts the directory's in); a subdirectory comes back with its extent and name, for the sink
 * to list. 'skip': no row (a relocated directory's record); 'bail': the walk must read the tree itself.
 */
export type WalkRecord = (dir: Uint8Array, at: number, dirLba: number) => { lba: number; dataLength: number; name: string } | 'row' | 'skip' | 'bail';

/** Where the listing walk puts its rows. Row numbers count from 0 in the order rows are added. */
export interface ListSink {
  /** present when the sink reads Rock Ridge directory extents itself */
  readonly directoryRows?: DirectoryRows;
  /** rows first … end - 1 are printed next (instead of a `visit` per row) */
  visitRange?(first: number, end: number): void;
  /** rows added so far */
  readonly rowCount: number;
  /** forget the rows from `rowCount` on (a directory the fast path gave up on) */
  truncate(rowCount: number): void;
  /** a row for a record read by the fast path; its path is `prefix/name` (`name` when prefix is '') */
  addRecord(r: Readonly<ListRecord>, prefix: string, name: string): void;
  /** the same with the name given as ASCII bytes (b[start, end), no string made) */
  addRecordAscii(r: Readonly<ListRecord>, prefix: string, b: Uint8Array, start: number, end: number): void;
  /** a row for a node (same path rule); a symlink's target and a device's numbers come from here */
  addNode(node: TreeNode, prefix: string): void;
  /** the row printed next */
  visit(row: number): void;
}

export interface ListOptions {
  /** where to start ('/' by default); looked up like `walkImage` does */
  path?: string;
  /** everything below the start directory (default true), or only its entries */
  recursive?: boolean;
  /** the namespace to read (default: the image's `namespace`) */
  namespace?: Namespace;
  signal?: AbortSignal;
}

/** ReadAhead windows on sources that read synchronously (local files). */
const LOCAL_WINDOW_BYTES = 1 << 20;

/** Rows visited per step of the walk (the caller may write its output between steps). */
const BATCH = 4096;

/**
 * List an opened image (`openImage(…, { deferTree: true })` is enough) into `sink`. Each step of the
 * generator has visited up to BATCH more rows. Throws NOT_FOUND before visiting anything when `path`
 * does not exist or the namespace is absent; damaged images give findings (in `image.findings`) or an
 * IsoKitError, as `walkImage` does.
 */
export async function* listImage(image: IsoImage, sink: ListSink, opts: ListOptions = {}): AsyncGenerator<void, void, undefined> {
  const state = imageStates.get(image);
  if (!state) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'listImage needs an image returned by openImage');
  const signal = opts.signal ?? state.signal;
  const ns = opts.namespace ?? image.namespace;
  if (ns !== 'iso9660' && !image.namespaces[ns as 'joliet' | 'rockridge']) {
    throw new IsoKitError(ErrorCode.NOT_FOUND, `${state.source.name} has no ${ns === 'udf' ? 'UDF (not supported yet)' : ns === 'joliet' ? 'Joliet' : 'Rock Ridge'} tree`);
  }
  try {
    const { opts: treeOpts, rootRecord } = namespaceRoot(ns, state, signal);
    const { ctx, root, rootJob } = startTree(treeOpts, rootRecord);
    const start = await lookUp(ctx, root, rootJob, opts.path ?? '/');
    if (start.node.kind !== 'dir') {
      sink.addNode(start.node, '');
      sink.visit(sink.rowCount - 1);
      yield;
      return;
    }
    if (!start.job) return;
    const lister = new Lister(ctx, sink, opts.recursive ?? true);
    if (opts.recursive ?? true) {
      const span = directorySpan(state, ns);
      if (lister.walkAll(start.job, span)) {
        yield;
        return;
      }
      lister.prefetch(span);
    }
    if (!lister.enterNow(start.job, '')) await lister.enter(start.job, '');
    while (await lister.fill()) yield;
  } catch (e) {
    if (e instanceof IsoKitError) throw e;
    if (e instanceof Error && e.name === 'AbortError') throw asIsoKitError(e);
    throw new IsoKitError(ErrorCode.INTERNAL, `internal error while reading the ${ns} tree: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** A subdirectory to list after its row. */
interface SubDir {
  readonly row: number;
  readonly job: Job;
  readonly path: string;
}

/** One directory being listed: its rows are first … first + count - 1. */
interface Frame {
  readonly first: number;
  readonly count: number;
  /** next row (relative to first) */
  i: number;
  readonly dirs: SubDir[];
  /** next subdirectory */
  j: number;
  /** subdirectories whose extents were asked for (read ahead) */
  asked: number;
}

const joinPath = (prefix: string, name: string): string => (prefix ? `${prefix}/${name}` : name);

/** Names seen in the directory being read (the fast path never awaits while it is in use). */
const seen = new NameSet();
/** `fastRecord`: the name is the ASCII bytes `nameStart` … `nameEnd` of the extent. */
const ASCII = 0;

class Lister {
  private readonly frames: Frame[] = [];
  private readonly reader: ReadAhead;
  private readonly rec: ListRecord = { kind: 'file', px: false, mode: 0, nlink: 0, uid: 0, gid: 0, size: 0, mtimeMs: undefined };
  /** kindFromMode(lastMode) */
  private lastMode = -1;
  private lastKind: NodeKind | undefined = undefined;
  /** the name of the last `fastRecord` that returned ASCII */
  private nameStart = 0;
  private nameEnd = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly sink: ListSink,
    private readonly recursive: boolean,
  ) {
    // a local file answers a large read about as fast as a small one: windows of 1 MiB take in many
    // directories (image writers put them next to each other) for one system call
    this.reader = new ReadAhead(ctx.source, ctx.signal, isSyncSource(ctx.source) ? LOCAL_WINDOW_BYTES : undefined);
  }

  async enter(job: Job, prefix: string): Promise<void> {
    this.frames.push(await this.readDirectory(job, prefix));
    if (this.recursive) this.readAhead();
  }

  /** enter() at once, when the directory's bytes are held (prefetch) and the fast path reads it; else false. */
  enterNow(job: Job, prefix: string): boolean {
    const ctx = this.ctx;
    const len = job.dataLength;
    if (len === undefined || !fastPathSettings.enabled) return false;
    const start = job.lba * SECTOR_SIZE;
    // only the case readDirectoryExtent reads as it is (nothing to report)
    if (start >= ctx.source.byteLength || len > MAX_DIRECTORY_BYTES || start + len > ctx.source.byteLength) return false;
    const bytes = this.reader.now(start, start + len);
    if (!bytes) return false;
    throwIfAborted(ctx.signal);
    const first = this.sink.rowCount;
    const dirs: SubDir[] = [];
    if (!this.fastDirectory(job, bytes, prefix, dirs)) {
      this.sink.truncate(first);
      return false;
    }
    this.frames.push({ first, count: this.sink.rowCount - first, i: 0, dirs, j: 0, asked: 0 });
    // (the directories were read ahead by prefetch)
    return true;
  }

  /**
   * The whole tree below `job` through the sink's own `walk`, with the directory span read straight into
   * the sink's area, when the sink has one and the walk can; else false (nothing added).
   */
  walkAll(job: Job, span: DirectorySpan | undefined): boolean {
    const ctx = this.ctx;
    const own = this.sink.directoryRows;
    if (!span || !own?.walk || !own.areaBuffer || ctx.opts.mode !== 'rockridge' || !fastPathSettings.enabled || job.dataLength === undefined) return false;
    throwIfAborted(ctx.signal);
    let size: number;
    try {
      size = span.source.readIntoSync(span.start, own.areaBuffer(span.byteLength));
    } catch {
      return false;
    }
    const first = this.sink.rowCount;
    const dir = { lba: job.lba, dataLength: job.dataLength, depth: job.depth };
    const done = own.walk(span.start, size, dir, MAX_TREE_DEPTH, ctx.budget.records, ctx.opts.lenSkp ?? 0, ctx.source.byteLength, (d, at, lba) => this.walkRecord(own, d, at, lba));
    if (!done) return false;
    ctx.budget.records -= done.records;
    ctx.stats.nodeCount += this.sink.rowCount - first;
    fastPathSettings.directories += done.directories;
    return true;
  }

  /** Prefill the read-ahead with the directory span (`directorySpan`), read at once. */
  prefetch(span: DirectorySpan | undefined): void {
    if (!span) return;
    try {
      this.reader.prefill(span.start, span.source.readSync(span.start, span.byteLength));
    } catch {
      // only a speed-up: the walk reads (and reports) what it needs
    }
  }

  /** Visit up to BATCH rows; false at the end. */
  async fill(): Promise<boolean> {
    const frames = this.frames;
    let n = 0;
    const ranges = this.sink.visitRange !== undefined;
    while (frames.length && n < BATCH) {
      const f = frames[frames.length - 1] as Frame;
      if (f.i >= f.count) {
        frames.pop();
        continue;
      }
      if (ranges) {
        // the rows up to the next subdirectory's (included), then that subdirectory
        const d = f.dirs[f.j];
        const end = d ? d.row + 1 : f.first + f.count;
        this.sink.visitRange?.(f.first + f.i, end);
        n += end - f.first - f.i;
        f.i = end - f.first;
        if (!d) continue;
        f.j++;
        if (this.recursive && !this.enterNow(d.job, d.path)) await this.enter(d.job, d.path);
        continue;
      }
      const row = f.first + f.i++;
      this.sink.visit(row);
      n++;
      const d = f.dirs[f.j];
      if (d?.row !== row) continue;
      f.j++;
      if (this.recursive && !this.enterNow(d.job, d.path)) await this.enter(d.job, d.path);
    }
    return n > 0;
  }

  /** The rows of one directory (added to the sink) and its subdirectories to list. */
  private async readDirectory(job: Job, prefix: string): Promise<Frame> {
    const ctx = this.ctx;
    const sink = this.sink;
    throwIfAborted(ctx.signal);
    const first = sink.rowCount;
    const dirs: SubDir[] = [];
    const bytes = await readDirectoryBytes(ctx, job, this.reader);
    if (bytes && !(fastPathSettings.enabled && this.fastDirectory(job, bytes, prefix, dirs))) {
      sink.truncate(first);
      dirs.length = 0;
      // the generic way (as walk.ts readListing): nodes into a holder, `job.node` untouched
      const children: TreeNode[] = [];
      const jobs: Job[] = [];
      const holder: Job = { node: { name: '', kind: 'dir', size: 0, children }, lba: job.lba, dataLength: job.dataLength, depth: job.depth, recordByteOffset: job.recordByteOffset };
      await addDirectoryNodes(ctx, holder, bytes, jobs);
      let j = 0;
      for (const node of children) {
        const row = sink.rowCount;
        sink.addNode(node, prefix);
        const sub = jobs[j];
        if (sub?.node !== node) continue; // a directory not read (loop, too deep): shown empty
        j++;
        dirs.push({ row, job: sub, path: joinPath(prefix, node.name) });
      }
    }
    return { first, count: sink.rowCount - first, i: 0, dirs, j: 0, asked: 0 };
  }

  /** The fast path: the sink's own rows for Rock Ridge when it has them, else fastRows. */
  private fastDirectory(job: Job, bytes: Uint8Array, prefix: string, dirs: SubDir[]): boolean {
    const own = this.sink.directoryRows !== undefined && this.ctx.opts.mode === 'rockridge';
    return own ? this.sinkRows(job, bytes, prefix, dirs) : this.fastRows(job, bytes, prefix, dirs);
  }

  /**
   * The fast path (fast-tree.ts readNodes, as rows): false when the generic path must read the directory
   * (then nothing but rows was changed: the caller drops them).
   */
  private fastRows(job: Job, bytes: Uint8Array, prefix: string, dirs: SubDir[]): boolean {
    const ctx = this.ctx;
    const sink = this.sink;
    const rr = ctx.opts.mode === 'rockridge';
    const cur = new DirectoryCursor(bytes, rr, rr ? (ctx.opts.lenSkp ?? 0) : 0, true);
    const first = sink.rowCount;
    const pending: PendingDir[] = [];
    /** per pending directory: its node (generic records) or its name (fast records) */
    const pendingNodes: (TreeNode | string)[] = [];
    const scratch = { findings: undefined as Findings | undefined };
    seen.reset(bytes);
    for (;;) {
      const step = cur.next();
      if (step === Step.END) break;
      if (step === Step.BAIL) return false;
      const at = job.lba * SECTOR_SIZE + cur.at;
      const row = sink.rowCount;
      if (cur.generic) {
        const node = genericRecord(ctx, cur, bytes, at, scratch, pending, row);
        if (node === SKIP) continue;
        if (!node || !seen.addString(node.name)) return false;
        if (pending.length > pendingNodes.length) pendingNodes.push(node);
        sink.addNode(node, prefix);
        continue;
      }
      const name = this.fastRecord(cur, bytes);
      if (name === undefined) return false;
      if (name === ASCII) {
        if (!seen.addBytes(this.nameStart, this.nameEnd)) return false;
        sink.addRecordAscii(this.rec, prefix, bytes, this.nameStart, this.nameEnd);
        continue;
      }
      if (!seen.addString(name)) return false;
      if (this.rec.kind === 'dir') {
        pending.push({ index: row, lba: cur.lba, dataLength: cur.dataLength, recordByteOffset: at });
        pendingNodes.push(name);
      }
      sink.addRecord(this.rec, prefix, name);
    }
    return this.finish(job, cur.records, first, pending, pendingNodes, prefix, dirs);
  }

  /**
   * The fast path with the sink's own DirectoryRows (Rock Ridge only): the sink adds the rows of plain
   * records; the records it leaves (JS steps) are read here as fastRows reads them.
   */
  private sinkRows(job: Job, bytes: Uint8Array, prefix: string, dirs: SubDir[]): boolean {
    const ctx = this.ctx;
    const sink = this.sink;
    const own = sink.directoryRows as DirectoryRows;
    const skip = ctx.opts.lenSkp ?? 0;
    const first = sink.rowCount;
    const pending: PendingDir[] = [];
    const pendingNodes: (TreeNode | string)[] = [];
    let cur: DirectoryCursor | undefined;
    own.begin(bytes, prefix, skip, ctx.source.byteLength);
    for (;;) {
      const step = own.next();
      if (step === RowStep.END) break;
      if (step === RowStep.BAIL) return false;
      const at = job.lba * SECTOR_SIZE + own.at;
      if (step === RowStep.DIR) {
        pending.push({ index: sink.rowCount - 1, lba: own.lba, dataLength: own.dataLength, recordByteOffset: at });
        pendingNodes.push(own.name);
        continue;
      }
      cur ??= new DirectoryCursor(bytes, true, skip, true);
      const r = this.ownRecord(own, cur, bytes, own.at, at, prefix);
      if (r === 'bail') return false;
      if (r === 'row' || r === 'skip') continue;
      pending.push(r.dir);
      pendingNodes.push(r.node);
    }
    return this.finish(job, own.records, first, pending, pendingNodes, prefix, dirs);
  }

  /**
   * A record the sink's own rows left (a JS step), at `at` in the extent `bytes` (`byteOffset` in the
   * image), read as fastRows reads it: its row is added with `prefix`. A directory comes back with its
   * node or name; 'bail' where fastRows would give up.
   */
  private ownRecord(
    own: DirectoryRows, cur: DirectoryCursor, bytes: Uint8Array, at: number, byteOffset: number, prefix: string,
  ): 'bail' | 'skip' | 'row' | { dir: PendingDir; node: TreeNode | string } {
    cur.seek(at);
    if (cur.next() !== Step.RECORD) return 'bail';
    const row = this.sink.rowCount;
    if (cur.generic) {
      const pending: PendingDir[] = [];
      const node = genericRecord(this.ctx, cur, bytes, byteOffset, { findings: undefined }, pending, row);
      if (node === SKIP) return 'skip';
      if (!node || !own.addName(node.name)) return 'bail';
      this.sink.addNode(node, prefix);
      return pending[0] ? { dir: pending[0], node } : 'row';
    }
    const name = this.fastRecord(cur, bytes);
    if (name === undefined) return 'bail';
    const text = name === ASCII ? String.fromCharCode(...bytes.subarray(this.nameStart, this.nameEnd)) : name;
    if (!own.addName(text)) return 'bail';
    this.sink.addRecord(this.rec, prefix, text);
    return this.rec.kind === 'dir' ? { dir: { index: row, lba: cur.lba, dataLength: cur.dataLength, recordByteOffset: byteOffset }, node: text } : 'row';
  }

  /** A record DirectoryRows.walk leaves (WalkRecord): its row without a prefix (the sink puts it in). */
  private walkRecord(own: DirectoryRows, dir: Uint8Array, at: number, dirLba: number): ReturnType<WalkRecord> {
    const cur = new DirectoryCursor(dir, true, this.ctx.opts.lenSkp ?? 0, true);
    const r = this.ownRecord(own, cur, dir, at, dirLba * SECTOR_SIZE + at, '');
    if (typeof r === 'string') return r;
    if (r.dir.dataLength === undefined) return 'bail';
    return { lba: r.dir.lba, dataLength: r.dir.dataLength, name: typeof r.node === 'string' ? r.node : r.node.name };
  }

  /** The end of a directory the fast path read: the record budget, then its subdirectories to list. */
  private finish(job: Job, records: number, first: number, pending: PendingDir[], pendingNodes: (TreeNode | string)[], prefix: string, dirs: SubDir[]): boolean {
    const ctx = this.ctx;
    if (ctx.budget.records - records < 0) return false;
    ctx.budget.records -= records;
    ctx.stats.nodeCount += this.sink.rowCount - first;
    fastPathSettings.directories++;
    const next: Job[] = [];
    for (let k = 0; k < pending.length; k++) {
      const p = pending[k] as PendingDir;
      const made = pendingNodes[k] as TreeNode | string;
      const node: TreeNode = typeof made === 'string' ? { name: made, kind: 'dir', size: 0, children: [] } : made;
      const before = next.length;
      queueDirectory(ctx, job, node, p, p.recordByteOffset, next);
      if (next.length > before) dirs.push({ row: p.index, job: next[before] as Job, path: joinPath(prefix, node.name) });
    }
    return true;
  }

  /**
   * `this.rec` for a record the cursor read completely, and its name: a string, or ASCII when the name is
   * the ASCII bytes nameStart … nameEnd of the extent (no string made; directories always get a string).
   * Undefined where the generic path would report something (fast-tree.ts fastNode).
   */
  private fastRecord(cur: DirectoryCursor, bytes: Uint8Array): string | typeof ASCII | undefined {
    const ctx = this.ctx;
    const isoDir = (cur.flags & DirFlag.DIRECTORY) !== 0;
    let kind: NodeKind = isoDir ? 'dir' : 'file';
    if (cur.hasPx) {
      if (cur.mode !== this.lastMode) {
        this.lastMode = cur.mode;
        this.lastKind = kindFromMode(cur.mode);
      }
      const rrKind = this.lastKind;
      if (rrKind !== undefined) {
        if (isoDir !== (rrKind === 'dir')) return undefined;
        kind = rrKind;
      }
    }
    if (kind === 'file' && cur.dataLength > 0 && cur.lba * SECTOR_SIZE + cur.dataLength > ctx.source.byteLength) return undefined;
    let name: string | typeof ASCII;
    if (ctx.opts.mode === 'joliet') {
      name = decodeJolietName(bytes.subarray(cur.idStart, cur.idStart + cur.idLength));
      if (badName(name)) return undefined;
    } else {
      // NM, else the ISO 9660 name (the walk's tree statistics, which need the latter, are not used)
      const start = cur.nameStart >= 0 ? cur.nameStart : cur.idStart;
      const end = cur.nameStart >= 0 ? start + cur.nameLength : start + isoFileIdentifierDisplayLength(bytes, start, cur.idLength);
      const n = end - start;
      let high = 0;
      let slashOrNul = false;
      for (let i = start; i < end; i++) {
        const c = bytes[i] as number;
        high |= c;
        if (c === 0x2f || c === 0) slashOrNul = true;
      }
      if (high < 0x80 && kind !== 'dir') {
        // badName() on the bytes: empty, ".", "..", a slash or a NUL
        if (n === 0 || slashOrNul || (bytes[start] === 0x2e && (n === 1 || (n === 2 && bytes[start + 1] === 0x2e)))) return undefined;
        this.nameStart = start;
        this.nameEnd = end;
        name = ASCII;
      } else {
        name = ctx.nameDecoder.decode(bytes, start, end);
        if (badName(name)) return undefined;
      }
    }
    const rec = this.rec;
    rec.kind = kind;
    rec.px = cur.hasPx;
    rec.mode = cur.mode;
    rec.nlink = cur.nlink;
    rec.uid = cur.uid;
    rec.gid = cur.gid;
    rec.size = kind === 'file' ? cur.dataLength : 0;
    rec.mtimeMs = cur.mtimeMs ?? cur.recordedAtMs;
    return name;
  }

  /** Ask for the next READ_AHEAD directory extents in walk order (each once). */
  private readAhead(): void {
    let n = 0;
    for (let k = this.frames.length - 1; k >= 0 && n < READ_AHEAD; k--) {
      const f = this.frames[k] as Frame;
      for (let j = f.j; j < f.dirs.length && n < READ_AHEAD; j++, n++) {
        if (j < f.asked) continue;
        f.asked = j + 1;
        const job = (f.dirs[j] as SubDir).job;
        if (job.dataLength !== undefined) this.reader.want(job.lba, job.dataLength);
      }
    }
  }
}
