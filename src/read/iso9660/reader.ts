/**
 * The directory reader of the ISO 9660 namespaces (plain ISO 9660, Joliet, and Rock Ridge over the ISO 9660
 * records): one directory at a time, each extent in one read, records by the one RecordCursor, System Use by
 * the one SuspWalker + RockRidgeReader (continuation areas followed in batches: all the continuation blocks a
 * directory needs are read together, once), nodes by the one `makeNode`. Bounded: each directory extent is
 * read once (loops and shared directories become findings and show empty), depth and the total number of
 * records are capped, at most MAX_CE_HOPS continuation areas per record of at most MAX_CE_BYTES each.
 *
 * Rock Ridge relocation (RRIP 4.1.5): a CL placeholder shows the relocated directory where it belongs; the
 * RE-marked original in rr_moved is hidden; rr_moved itself stays visible (as xorriso and Linux show it).
 */
import { NameDecoder } from '../../bytes/index.js';
import { FindingCode, type Findings } from '../../errors/index.js';
import { isSyncSource, throwIfAborted, type ByteSource, type SyncByteSource } from '../../io/index.js';
import type { Namespace, TreeNode } from '../../model/index.js';
import type { DirectoryReader, ReadDirectoryOptions } from '../namespace.js';
import type { DepthFirstSource } from '../traverse.js';
import { newRowFields, type RecordRows, type RowFields } from '../views/rows.js';
import { SECTOR_SIZE, parseDirectoryRecord, type DirectoryRecord } from '../../formats/iso9660/index.js';
import { RockRidgeReader, type RockRidgeInfo } from '../../formats/rockridge/interpret.js';
import { SuspWalker, type SuspContinuation } from '../../formats/rockridge/susp.js';
import { MAX_DIRECTORY_BYTES, ReadAhead } from './read-ahead.js';
import { Date7Cache, RecordCursor } from './records.js';
import { NameSet } from './name-set.js';
import {
  applyRockRidge, directoryPlace, fileSize, kindOf, makeNode, nodeNames, type DirectoryPlace, type NodeContext, type RecordFacts, type TreeMode, type TreeStats,
} from './nodes.js';

/** Deepest directory level followed (paths are bounded far below this in practice). */
export const MAX_TREE_DEPTH = 1024;
const MAX_CE_HOPS = 32;
const MAX_CE_BYTES = 64 * 1024;

export interface IsoReaderOptions {
  readonly source: ByteSource;
  readonly findings: Findings;
  readonly mode: TreeMode;
  readonly signal?: AbortSignal;
  /** SP LEN_SKP (Rock Ridge) */
  readonly lenSkp?: number;
  /** Rock Ridge information of the root's "." record */
  readonly rootInfo?: RockRidgeInfo;
}

/** A directory node's records: where they are, and where it was met. */
interface DirHandle extends DirectoryPlace {
  readonly depth: number;
  readonly recordByteOffset: number;
}

/** A record whose Rock Ridge entries continue in continuation areas (read after the directory's pass). */
interface Waiting {
  readonly index: number;
  readonly facts: RecordFacts;
  readonly reader: RockRidgeReader;
  ce: SuspContinuation;
  hops: number;
  readonly seen: Set<number>;
  /** where the area holding the current CE entry starts (findings about a bad target point there: it is in the image) */
  from: number;
}

/**
 * Read one directory extent, clamped to the source and to MAX_DIRECTORY_BYTES (findings say so). Returns
 * undefined when the extent starts beyond the end of the source.
 */
export async function readDirectoryExtent(
  source: ByteSource, lba: number, dataLength: number, findings: Findings, recordByteOffset: number, signal?: AbortSignal,
): Promise<Uint8Array | undefined> {
  const start = lba * SECTOR_SIZE;
  if (start >= source.byteLength) {
    findings.error(FindingCode.EXTENT_BEYOND_END, `directory extent at LBA ${lba} starts beyond the end of the image (${source.byteLength} bytes)`, recordByteOffset, 'DirectoryRecord');
    return undefined;
  }
  let len = dataLength;
  if (len > MAX_DIRECTORY_BYTES) {
    findings.error(FindingCode.DIRECTORY_TOO_LARGE, `directory data length ${len} is implausible; reading the first ${MAX_DIRECTORY_BYTES} bytes`, recordByteOffset, 'DirectoryRecord');
    len = MAX_DIRECTORY_BYTES;
  }
  if (start + len > source.byteLength) {
    findings.error(FindingCode.EXTENT_BEYOND_END, `directory extent at LBA ${lba} (${len} bytes) runs past the end of the image`, recordByteOffset, 'DirectoryRecord');
    len = source.byteLength - start;
  }
  return source.read(start, len, signal ? { signal } : undefined);
}

const snapshot = (c: RecordCursor): RecordFacts => ({
  byteOffset: c.byteOffset, lba: c.lba, dataLength: c.dataLength, size: c.size, recordedAtMs: c.recordedAtMs, flags: c.flags,
  idStart: c.idStart, idLength: c.idLength, extentLbas: c.extentLbas, extentLengths: c.extentLengths,
});

export class IsoTreeReader implements DirectoryReader {
  readonly namespace: Namespace;
  /** the image read through windows asked for ahead of the walk */
  readonly ahead: ReadAhead;
  readonly root: TreeNode;
  readonly stats: TreeStats = { multiExtent: false, longNames: false, nodeCount: 1 };
  private readonly handles = new WeakMap<TreeNode, DirHandle>();
  private readonly visited = new Set<number>();
  private readonly budget: { records: number };
  private readonly nameDecoder = new NameDecoder();
  private readonly dates = new Date7Cache();
  private readonly walker = new SuspWalker();
  private readonly readers: { full: RockRidgeReader; lean: RockRidgeReader };
  private readonly contexts: { full: NodeContext; lean: NodeContext };
  /** continuation blocks already read, by byte offset of the read */
  private readonly ceCache = new Map<number, Uint8Array>();

  constructor(private readonly opts: IsoReaderOptions, rootRecord: DirectoryRecord) {
    this.namespace = opts.mode;
    this.ahead = new ReadAhead(opts.source, opts.signal);
    // generous: a real image has far fewer records than bytes/34
    this.budget = { records: Math.max(1_000_000, Math.ceil(opts.source.byteLength / 32)) };
    const rr = (lean: boolean) => new RockRidgeReader({ nameDecoder: this.nameDecoder, dates: this.dates, lean });
    this.readers = { full: rr(false), lean: rr(true) };
    const ctx = (lean: boolean): NodeContext => ({ source: opts.source, findings: opts.findings, mode: opts.mode, stats: this.stats, nameDecoder: this.nameDecoder, lean });
    this.contexts = { full: ctx(false), lean: ctx(true) };
    const root: TreeNode = { name: '', kind: 'dir', size: 0, children: [], extents: [{ lba: rootRecord.lba, byteLength: rootRecord.dataLength }] };
    if (rootRecord.recordedAtMs !== undefined) root.mtimeMs = rootRecord.recordedAtMs;
    if (opts.mode === 'rockridge' && opts.rootInfo) applyRockRidge(root, opts.rootInfo);
    this.root = root;
    this.visited.add(rootRecord.lba);
    this.handles.set(root, { lba: rootRecord.lba, dataLength: rootRecord.dataLength, depth: 0, recordByteOffset: rootRecord.byteOffset });
  }

  /** Called once, when a walk first asks ahead (the opener reads the directory area in one go there). */
  onWalk: (() => void) | undefined;

  /** Ask for the extents of these directories ahead (windows: adjacent ones come in one read). */
  prefetch(dirs: readonly TreeNode[]): void {
    this.prefetchHandles(dirs.map((d) => this.handles.get(d)));
  }

  private prefetchHandles(handles: readonly (DirHandle | undefined)[]): void {
    if (this.onWalk) {
      const f = this.onWalk;
      this.onWalk = undefined;
      f();
    }
    for (const h of handles) if (h?.dataLength !== undefined) this.ahead.want(h.lba, h.dataLength);
  }

  /**
   * The entries of `dir` in record order; subdirectories come unread. `lean`: without content, extents and the
   * Rock Ridge times a listing does not show.
   */
  async readDirectory(dir: TreeNode, opts: ReadDirectoryOptions = {}): Promise<TreeNode[]> {
    const h = this.handles.get(dir);
    const bytes = h && (await this.extentOf(h));
    if (!h || !bytes) return [];
    const lean = opts.lean ?? false;
    const ctx = lean ? this.contexts.lean : this.contexts.full;
    const names = new Set<string>();
    return this.recordsOf(h, bytes, lean, false, (r, info) => {
      const made = this.node(ctx, bytes, r, info, names);
      if (made && made.dir) {
        const child = this.queue(h, made.node.name, made.dir, r.byteOffset);
        if (child) this.handles.set(made.node, child);
      }
      return made?.node;
    });
  }

  /**
   * The directory's records, read once (undefined: nothing to read, said by findings). With `window`, from a
   * source that reads synchronously, the bytes are a view of the window's buffer, valid until its next read.
   */
  private async extentOf(h: DirHandle, window?: ExtentWindow): Promise<Uint8Array | undefined> {
    throwIfAborted(this.opts.signal);
    const source = window ? window.source : this.ahead;
    const dataLength = h.dataLength ?? (await this.selfLength(h, this.ahead));
    if (dataLength === undefined) return undefined;
    return readDirectoryExtent(source, h.lba, dataLength, this.opts.findings, h.recordByteOffset, this.opts.signal);
  }

  /**
   * Listing mode without nodes: the walk (traverse.ts depthFirst) of the rows of `rows`, each record of a
   * directory below `start` (a directory node of this reader) added as a row; an entry is its row number, the
   * start directory is -1. The same records, Rock Ridge, names, findings and relocation as `readDirectory` in
   * listing mode gives nodes for.
   */
  rowSource(start: TreeNode, rows: RecordRows): DepthFirstSource<number, number> {
    const dirs = new Map<number, DirHandle>();
    const startHandle = this.handles.get(start);
    if (startHandle) dirs.set(-1, startHandle);
    const names = new NameSet();
    const fields = newRowFields();
    // a local file or memory: each directory read into one reused window (the walk reads one at a time, and
    // nothing keeps a directory's bytes once its rows are made), no read-ahead
    const window = isSyncSource(this.opts.source) ? new ExtentWindow(this.opts.source) : undefined;
    return {
      read: async (row, prefix) => {
        const h = dirs.get(row);
        const bytes = h && (await this.extentOf(h, window));
        if (!h || !bytes) return [];
        names.reset();
        return this.recordsOf(h, bytes, true, true, (r, info, rr) => {
          const row = this.row(bytes, r, info, rr, fields, names, rows, prefix);
          if (row !== undefined && fields.kind === 'dir') {
            const child = this.queue(h, nameOf(fields), directoryPlace(r, info), r.byteOffset);
            if (child) dirs.set(row, child);
          }
          return row;
        });
      },
      isDir: (row) => dirs.has(row),
      inner: (row, prefix) => rows.childPrefix(prefix, row),
      ...(window ? {} : { prefetch: (next: readonly number[]) => this.prefetchHandles(next.map((row) => dirs.get(row))) }),
    };
  }

  /** Length of a directory known only by its LBA (a CL target): its "." record says. */
  private async selfLength(h: DirHandle, source: ByteSource): Promise<number | undefined> {
    const first = await readDirectoryExtent(source, h.lba, SECTOR_SIZE, this.opts.findings, h.recordByteOffset, this.opts.signal);
    const self = first ? parseDirectoryRecord(first, 0, h.lba * SECTOR_SIZE, this.opts.findings) : undefined;
    if (!self || self.identifier.length !== 1 || self.identifier[0] !== 0) {
      this.opts.findings.error(FindingCode.RR_CL_TARGET, `CL entry points at LBA ${h.lba}, which holds no directory`, h.recordByteOffset, 'RockRidge CL');
      return undefined;
    }
    return self.dataLength;
  }

  /**
   * The one pass over a directory's records: each record with its Rock Ridge information (continuation areas
   * followed after the pass, in batches) to `make`, in record order; what `make` returns, in record order.
   * `nameAsBytes`: a Rock Ridge name of one NM part stays bytes in the reader given to `make` (listing rows).
   */
  private async recordsOf<T>(
    h: DirHandle, bytes: Uint8Array, lean: boolean, nameAsBytes: boolean,
    make: (r: RecordFacts, info: RockRidgeInfo | undefined, rr: RockRidgeReader | undefined) => T | undefined,
  ): Promise<T[]> {
    const { findings } = this.opts;
    const rr = this.opts.mode === 'rockridge' ? (lean ? this.readers.lean : this.readers.full) : undefined;
    const skip = this.opts.lenSkp ?? 0;
    const base = h.lba * SECTOR_SIZE;
    const cur = new RecordCursor(bytes, base, findings, this.budget);
    const out: (T | undefined)[] = [];
    let waiting: Waiting[] | undefined;
    const w = this.walker;
    while (cur.next()) {
      let info: RockRidgeInfo | undefined;
      if (rr && cur.suLength > skip) {
        rr.begin();
        w.reset(bytes, cur.suStart + skip, cur.suStart + cur.suLength, base + cur.suStart + skip);
        while (w.next(findings)) rr.add(w, bytes, findings);
        if (w.continuation) {
          (waiting ??= []).push({ index: out.length, facts: snapshot(cur), reader: rr.detach(), ce: w.continuation, hops: 0, seen: new Set(), from: base + cur.suStart + skip });
          out.push(undefined);
          continue;
        }
        info = rr.finish(findings, cur.byteOffset, nameAsBytes);
      }
      out.push(make(cur, info, info && rr));
    }
    if (waiting) {
      const done: Waiting[] = [];
      let round = waiting;
      while (round.length) round = await this.followRound(round, done);
      done.sort((a, b) => a.index - b.index);
      for (const x of done) {
        const info = x.reader.finish(findings, x.facts.byteOffset, nameAsBytes);
        out[x.index] = make(x.facts, info, info && x.reader);
      }
    }
    // the usual directory: every record made something (no relocated original, no unreadable record)
    let holes = 0;
    for (const n of out) if (n === undefined) holes++;
    if (!holes) return out as T[];
    const made: T[] = [];
    for (const n of out) if (n !== undefined) made.push(n);
    return made;
  }

  /** The node of one record (undefined for a relocated original, shown through its CL placeholder). */
  private node(ctx: NodeContext, bytes: Uint8Array, r: RecordFacts, info: RockRidgeInfo | undefined, names: Set<string>): { node: TreeNode; dir?: DirectoryPlace } | undefined {
    if (info?.relocated) return undefined; // RE: shown where its CL placeholder is
    const made = makeNode(ctx, bytes, r, info);
    if (names.has(made.node.name)) this.opts.findings.warn(FindingCode.DUPLICATE_NAME, `"${made.node.name}" appears twice in one directory`, r.byteOffset, 'DirectoryRecord');
    names.add(made.node.name);
    this.stats.nodeCount++;
    return made;
  }

  /**
   * The row of one record, as `node` makes its node in listing mode (undefined for a relocated original): the
   * fields into `f` (the caller reads `f.kind`), the row into `rows` under `prefix`. A plain Rock Ridge name is
   * copied as bytes.
   */
  private row(
    bytes: Uint8Array, r: RecordFacts, info: RockRidgeInfo | undefined, rr: RockRidgeReader | undefined,
    f: RowFields, names: NameSet, rows: RecordRows, prefix: number,
  ): number | undefined {
    if (info?.relocated) return undefined;
    const ctx = this.contexts.lean;
    const kind = kindOf(ctx, r, info);
    let twice: boolean;
    const plain = rr?.keptName ? names.addPlain(rr.nameBytes, rr.nameFrom, rr.nameTo) : -1;
    if (plain >= 0 && rr) {
      f.nameBytes = rr.nameBytes;
      f.nameFrom = rr.nameFrom;
      f.nameTo = rr.nameTo;
      twice = plain === 1;
    } else {
      if (rr?.keptName && info) info.name = rr.decodeKeptName();
      f.nameBytes = undefined;
      f.name = nodeNames(ctx, bytes, r, info).name;
      twice = names.addString(f.name);
    }
    if (twice) this.opts.findings.warn(FindingCode.DUPLICATE_NAME, `"${nameOf(f)}" appears twice in one directory`, r.byteOffset, 'DirectoryRecord');
    this.stats.nodeCount++;
    const px = info?.mode !== undefined;
    f.kind = kind;
    f.mode = px ? info.mode : undefined;
    f.nlink = px ? info.nlink : undefined;
    f.uid = px ? info.uid : undefined;
    f.gid = px ? info.gid : undefined;
    f.mtimeMs = info?.mtimeMs ?? r.recordedAtMs;
    f.device = info?.device;
    f.symlinkTarget = info?.symlinkTarget;
    f.size = kind === 'file' ? fileSize(ctx, r, info) : 0;
    return rows.addRecord(f, prefix);
  }

  /** The handle of a directory met in `parent`, or undefined (a finding) when it is not to be read. */
  private queue(parent: DirHandle, name: string, dir: DirectoryPlace, recordByteOffset: number): DirHandle | undefined {
    if (this.visited.has(dir.lba)) {
      this.opts.findings.error(FindingCode.DIRECTORY_LOOP, `directory "${name}" points at LBA ${dir.lba}, a directory already listed (loop or shared directory; shown empty)`, recordByteOffset, 'DirectoryRecord');
      return undefined;
    }
    if (parent.depth + 1 >= MAX_TREE_DEPTH) {
      this.opts.findings.error(FindingCode.TREE_TOO_DEEP, `directories nested deeper than ${MAX_TREE_DEPTH} levels are not listed`, recordByteOffset, 'DirectoryRecord');
      return undefined;
    }
    this.visited.add(dir.lba);
    return { lba: dir.lba, dataLength: dir.dataLength, depth: parent.depth + 1, recordByteOffset };
  }

  /** Read every continuation area of this round (each needed block range once); returns the next round. */
  private async followRound(round: Waiting[], done: Waiting[]): Promise<Waiting[]> {
    const { source, findings, signal } = this.opts;
    const valid: Waiting[] = [];
    for (const p of round) {
      const at = p.ce.lba * SECTOR_SIZE + p.ce.offsetInBlock;
      if (p.hops >= MAX_CE_HOPS || p.seen.has(at)) {
        findings.warn(FindingCode.SUSP_CE_LOOP, `continuation chain too long or looping (${p.hops} areas)`, p.from, 'SUSP CE');
        done.push(p);
      } else if (p.ce.byteLength === 0) {
        done.push(p);
      } else if (p.ce.byteLength > MAX_CE_BYTES || at + p.ce.byteLength > source.byteLength) {
        findings.warn(FindingCode.SUSP_CE_RANGE, `continuation area of ${p.ce.byteLength} bytes at LBA ${p.ce.lba}+${p.ce.offsetInBlock} lies outside the image or is too large`, p.from, 'SUSP CE');
        done.push(p);
      } else {
        p.seen.add(at);
        valid.push(p);
      }
    }
    const reads = new Map<number, number>();
    for (const p of valid) {
      const start = p.ce.lba * SECTOR_SIZE;
      const end = Math.ceil((p.ce.offsetInBlock + p.ce.byteLength) / SECTOR_SIZE) * SECTOR_SIZE;
      const have = this.ceCache.get(start);
      if (!have || have.length < end) reads.set(start, Math.max(reads.get(start) ?? 0, end));
    }
    await Promise.all([...reads].map(async ([start, len]) => this.ceCache.set(start, await source.read(start, len, signal ? { signal } : undefined))));
    const next: Waiting[] = [];
    for (const p of valid) {
      const start = p.ce.lba * SECTOR_SIZE;
      const block = this.ceCache.get(start) as Uint8Array;
      const w = this.walker.reset(block, p.ce.offsetInBlock, Math.min(block.length, p.ce.offsetInBlock + p.ce.byteLength), start + p.ce.offsetInBlock);
      while (w.next(findings)) p.reader.add(w, block, findings);
      if (w.continuation) {
        p.from = start + p.ce.offsetInBlock;
        p.ce = w.continuation;
        p.hops++;
        next.push(p);
      } else done.push(p);
    }
    if (this.ceCache.size > 4096) this.ceCache.clear();
    return next;
  }
}

/** The name of the row in `f` (a plain name's bytes are ASCII). */
function nameOf(f: RowFields): string {
  if (!f.nameBytes) return f.name;
  let s = '';
  for (let i = f.nameFrom; i < f.nameTo; i++) s += String.fromCharCode(f.nameBytes[i] as number);
  return s;
}

/** Smallest read of the extent window (neighbouring directories come in one read). */
const WINDOW_BYTES = 256 * 1024;

/**
 * Directory extents read synchronously into one buffer that is read into again (no new memory per directory):
 * a view stays valid until the next read. A read the window holds is answered from it.
 */
class ExtentWindow {
  private buf = new Uint8Array(WINDOW_BYTES);
  private start = 0;
  private end = 0;
  /** A ByteSource whose reads are views of this window. */
  readonly source: ByteSource;

  constructor(private readonly from: SyncByteSource) {
    this.source = { byteLength: from.byteLength, name: from.name, read: async (at, length) => this.read(at, length) };
  }

  private read(at: number, length: number): Uint8Array {
    const source = this.from;
    const want = Math.min(length, source.byteLength - at);
    if (at >= this.start && at + want <= this.end) return this.buf.subarray(at - this.start, at - this.start + want);
    if (this.buf.length < want) this.buf = new Uint8Array(want);
    this.start = at;
    this.end = at + source.readIntoSync(at, this.buf.subarray(0, Math.min(this.buf.length, source.byteLength - at)));
    return this.buf.subarray(0, Math.min(want, this.end - at));
  }
}
