/**
 * Extract a tree (usually an opened image's) into a folder, with full Rock Ridge fidelity: modes, owners
 * (when root), mtimes (directories after their contents), symbolic links, hard links (as links), device
 * nodes and FIFOs (on request).
 *
 * Safety (see safe-path.ts): every name is checked before it is used; directories are created one
 * component at a time and an existing component that is a symlink is refused; files are opened with
 * O_CREAT|O_EXCL|O_NOFOLLOW, so nothing is ever written through a link; symlinks are created last and never
 * followed. Nothing is created outside the destination.
 *
 * Atomicity: a file is written to `.NAME.isokit-tmp` and then linked (no --overwrite: link() fails if the
 * name appeared meanwhile) or renamed (--overwrite) into place. Inside a directory this extraction created
 * itself (it was empty, and nothing else is expected to write there), the file is created directly under
 * its final name with O_EXCL: no existing file can be clobbered, no link followed, and a failure or
 * interruption removes the half-written file, so the temporary name would buy nothing but a rename per file
 * (~30 % of the per-file cost). The one difference: after SIGKILL a partial file may remain under its
 * final name inside a partially extracted new directory, instead of a stale temporary.
 *
 * Speed: content stored as plain ranges of a local file goes in batches to worker threads
 * (extract-pool.ts), which write files with synchronous system calls while this thread walks the image and
 * makes directories; small jobs run on this thread. Other content (HTTP, zisofs) is streamed here.
 * `extractImage` walks the image a directory at a time (memory stays flat for any number of files);
 * `extractTree` works on a tree already in memory.
 */
import { availableParallelism } from 'node:os';
import { closeSync, existsSync, mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { ProgressMeter, type ProgressCallback } from '../io/index.js';
import type { NodeKind, SourceRange, TreeNode } from '../model/index.js';
import { walkImageBatches, type IsoImage } from '../read/index.js';
import { linkKey } from '../read/hard-links.js';
import { BatchBuilder, runBatch, SourceFds, type BatchResult } from './extract-batch.js';
import { discard, finishOutput, openOutput, writeAll, truncatedError, isContentError, type OutputEnv } from './extract-file-io.js';
import { planExtraction, walkEntry, type PlanEntry } from './extract-plan.js';
import { ExtractPool } from './extract-pool.js';
import { OtherEntries } from './extract-special.js';
import { FileSource } from './file-source.js';
import { DirGuard, fsError, printable } from './safe-path.js';
import { skewedBuffer } from './chunk-reader.js';

export interface ExtractOptions {
  /** image paths or glob patterns (`*`, `?`, `**`) to extract; empty or absent: everything */
  select?: readonly string[];
  /** replace existing files (atomically); default false: an existing file is an EXISTS error */
  overwrite?: boolean;
  /** restore Rock Ridge permission bits (default true); false: the umask decides */
  permissions?: boolean;
  /** restore uid/gid (default: only when running as root) */
  owners?: boolean;
  /** create device nodes and FIFOs (default false: they are skipped and listed in `skipped`) */
  devices?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** copy buffer size (default 256 KiB; also the largest span of small files read at once) */
  chunkSize?: number;
  /**
   * worker threads writing files (default: one per core, up to 2, started once the extraction has more
   * than a few hundred files or 32 MiB; a number starts them at once); 0 writes everything on the
   * calling thread
   */
  workers?: number;
}

export interface ExtractSummary {
  destination: string;
  files: number;
  dirs: number;
  symlinks: number;
  hardlinks: number;
  devices: number;
  fifos: number;
  /** bytes of file content written (hard-linked copies count once) */
  bytes: number;
  skipped: { path: string; kind: NodeKind; reason: string }[];
  /** files whose content could not be read from the image (not written; the rest was extracted) */
  failed: { path: string; code: string; message: string }[];
}

/** A batch goes to the workers at this many files or bytes. */
const BATCH_FILES = 256;
const BATCH_BYTES = 4 << 20;
/** Copy buffer: also the largest span of small files read at once. Small enough to stay in the L2 cache
 * between the read and the write (measured: 4 MiB chunks cost ~40 % more system time than 256 KiB). */
const CHUNK_BYTES = 256 << 10;
/** Automatic workers start once this many files or bytes were seen (small jobs stay on this thread). */
const POOL_FILES = 512;
const POOL_BYTES = 32 << 20;

/** Extract `root` (or the selected parts of it) into `destDir` (created when missing). Names are all checked first. */
export async function extractTree(root: TreeNode, destDir: string, opts: ExtractOptions = {}): Promise<ExtractSummary> {
  const plan = planExtraction(root, opts.select);
  const dirs: PlanEntry[] = [];
  const files: PlanEntry[] = [];
  const others: PlanEntry[] = [];
  let bytes = 0;
  for (const e of plan.entries) {
    const k = e.node.kind;
    (k === 'dir' ? dirs : k === 'file' ? files : others).push(e);
    if (k === 'file') bytes += e.node.content?.byteLength ?? 0;
  }
  sortByImageOffset(files);
  return extractEntries(destDir, opts, plan.ancestors, { bytes, files: files.length }, false, (async function* () {
    yield dirs;
    yield files;
    yield others;
  })());
}

/**
 * Extract an opened image (or the selected parts of it) into `destDir`. The whole image is extracted while
 * it is walked (`walkImage`), a directory at a time: names are checked as they come (an unsafe name stops
 * the extraction there), and memory does not grow with the number of files. With `select`, the tree is read
 * first (`extractTree`).
 */
export async function extractImage(image: IsoImage, destDir: string, opts: ExtractOptions = {}): Promise<ExtractSummary> {
  if (opts.select?.length) return extractTree(await image.openTree(image.namespace), destDir, opts);
  const walk = walkImageBatches(image, opts.signal ? { signal: opts.signal } : {});
  const entries = (async function* () {
    for await (const batch of walk) yield batch.map((w) => walkEntry(w.node, w.path));
  })();
  // a large local image: start the workers now, their start-up overlaps the first directories' reading
  const large = image.source instanceof FileSource && image.source.byteLength >= POOL_BYTES;
  return extractEntries(destDir, opts, [], { eagerPool: large }, image.namespace === 'rockridge', entries);
}

/** What is known up front (a tree: everything; a walk: nothing). */
interface Totals {
  bytes?: number;
  files?: number;
  /** start the workers before the first file (a large job) */
  eagerPool?: boolean;
}

/** mkdir -p DIR; Node's recursive mkdir says ENOENT for any failure (EROFS, EACCES), so the missing components
 * are then made one at a time for the real error. */
function makeDestDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    const missing: string[] = [];
    for (let d = path.resolve(dir); !existsSync(d) && path.dirname(d) !== d; d = path.dirname(d)) missing.unshift(d);
    for (const d of missing) mkdirSync(d);
  }
}

async function extractEntries(
  destDir: string, opts: ExtractOptions, ancestors: string[], totals: Totals, linkKeys: boolean, entries: AsyncIterable<PlanEntry[]>,
): Promise<ExtractSummary> {
  let dest: string;
  try {
    makeDestDir(destDir);
    dest = realpathSync(destDir);
  } catch (e) {
    throw fsError(e, destDir);
  }
  const x = new Extractor(dest, opts, totals, linkKeys);
  try {
    await x.run(entries, ancestors);
  } catch (e) {
    await x.abort();
    throw e instanceof IsoKitError ? e : fsError(e, dest);
  }
  return x.summary;
}

const dataOffset = (n: TreeNode): number => {
  const r = n.content?.ranges?.[0];
  if (r) return r.byteOffset;
  const x = n.extents?.[0];
  return x ? x.lba * 2048 : 0;
};

/** Image order (sequential reads); offsets computed once, not per comparison (content ranges are made per call). */
function sortByImageOffset(files: PlanEntry[]): void {
  const offsets = Float64Array.from(files, (e) => dataOffset(e.node));
  const order = Array.from(files, (_e, i) => i).sort((a, b) => (offsets[a] as number) - (offsets[b] as number) || a - b);
  const unsorted = files.slice();
  for (let i = 0; i < order.length; i++) files[i] = unsorted[order[i] as number] as PlanEntry;
}

/** Content stored as plain ranges of local files: written by the batch writers. */
function fileRanges(n: TreeNode): readonly SourceRange[] | undefined {
  const c = n.content;
  const ranges = c?.ranges;
  if (!c || !ranges) return undefined;
  let total = 0;
  for (const r of ranges) {
    if (!(r.source instanceof FileSource)) return undefined;
    total += r.byteLength;
  }
  return total === c.byteLength ? ranges : undefined;
}

class Extractor {
  readonly summary: ExtractSummary;
  private readonly guard: DirGuard;
  private readonly env: OutputEnv;
  private readonly buf: Uint8Array;
  private readonly fds = new SourceFds();
  private readonly builder = new BatchBuilder();
  private readonly others: OtherEntries;
  private pool: ExtractPool | undefined;
  private readonly workers: number;
  private batchId = 0;
  private seenFiles = 0;
  private seenBytes = 0;
  /** dirs in walk order (metadata restored in reverse, after their contents) */
  private readonly dirs: PlanEntry[] = [];
  /** first file of each hard-link group, and the later names to link to it */
  private readonly firstOfGroup = new Map<string, PlanEntry>();
  private readonly links: { e: PlanEntry; target: PlanEntry }[] = [];
  private inflight: string | undefined;
  private lastYield = performance.now();
  private lastReport = 0;
  private readonly meter: ProgressMeter;
  private doneFiles = 0;

  constructor(
    dest: string,
    private readonly opts: ExtractOptions,
    private readonly totals: Totals,
    private readonly linkKeys: boolean,
  ) {
    this.guard = new DirGuard(dest);
    const euid = process.geteuid?.() ?? -1;
    this.env = {
      overwrite: !!opts.overwrite, permissions: opts.permissions ?? true, owners: opts.owners ?? euid === 0,
      umask: process.umask(), euid, egid: process.getegid?.() ?? -1,
    };
    this.buf = skewedBuffer(opts.chunkSize ?? CHUNK_BYTES); // off the 4 KiB alias (see chunk-reader.ts)
    // two writers use both cores of the reference machine; each worker costs ~20 MiB of memory
    this.workers = opts.workers ?? Math.min(2, availableParallelism());
    this.meter = new ProgressMeter('extract', totals.bytes);
    this.summary = { destination: dest, files: 0, dirs: 0, symlinks: 0, hardlinks: 0, devices: 0, fifos: 0, bytes: 0, skipped: [], failed: [] };
    this.others = new OtherEntries(this.guard, this.env, !!opts.devices, this.summary);
  }

  async run(entries: AsyncIterable<PlanEntry[]>, ancestors: string[]): Promise<void> {
    for (const a of ancestors) this.guard.ensure(a, 0o777);
    if (this.totals.eagerPool && this.workers > 0) this.startPool();
    for await (const batch of entries) {
      for (const e of batch) {
        const k = e.node.kind;
        if (k === 'dir') this.mkdir(e);
        else if (k === 'file') {
          const next = this.file(e); // synchronous unless a batch is full or the content must be streamed
          if (next) await next;
        }
        else this.others.add(e);
      }
      await this.tick();
    }
    await this.dispatch();
    if (this.pool) {
      await this.pool.drain();
      await this.pool.close();
      this.pool = undefined;
    }
    this.fds.close();
    await this.hardlinks();
    await this.others.finish(() => this.tick());
    for (let i = this.dirs.length - 1; i >= 0; i--) {
      this.others.dirMetadata(this.dirs[i] as PlanEntry);
      await this.tick();
    }
    this.report(true);
  }

  /** After a failure: stop the workers (they finish the file they are writing), remove a half-written file. */
  async abort(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close(true);
    this.fds.close();
    discard(this.inflight);
    this.inflight = undefined;
  }

  private mkdir(e: PlanEntry): void {
    if (!e.rel) return;
    const restore = this.env.permissions && e.node.mode !== undefined;
    this.guard.ensure(e.rel, restore ? 0o700 : 0o777);
    this.summary.dirs++;
    this.dirs.push(e);
  }

  // ---- regular files and hard links ------------------------------------------------------------------

  /** Queue a regular file (or note a hard link); returns a promise only when there is something to wait for. */
  private file(e: PlanEntry): Promise<void> | undefined {
    const n = e.node;
    const g = n.linkGroup ?? (this.linkKeys ? linkKey(n) : undefined);
    if (g !== undefined) {
      const prior = this.firstOfGroup.get(g);
      if (prior) {
        this.links.push({ e, target: prior });
        return undefined;
      }
      this.firstOfGroup.set(g, e);
    }
    const ranges = fileRanges(n);
    const d = this.guard.get(e.dir) ?? this.guard.ensure(e.dir, 0o777);
    this.seenFiles++;
    if (!ranges) return this.dispatch().then(() => this.writeStreamed(d.abs, d.fresh, e)); // in order, roughly
    this.builder.add(d.abs, e.dir, { name: e.name, fresh: d.fresh, mode: n.mode, uid: n.uid, gid: n.gid, atimeMs: n.atimeMs, mtimeMs: n.mtimeMs }, ranges as readonly { source: FileSource; byteOffset: number; byteLength: number }[]);
    this.seenBytes += n.content?.byteLength ?? 0;
    return this.builder.count >= BATCH_FILES || this.builder.byteLength >= BATCH_BYTES ? this.dispatch() : undefined;
  }

  /** Send the files collected so far to a worker, or write them here (small jobs, no workers). */
  private async dispatch(): Promise<void> {
    if (!this.builder.count) return;
    const b = this.builder.take(++this.batchId);
    if (!this.pool && this.workers > 0 && (this.opts.workers !== undefined || this.seenFiles >= POOL_FILES || this.seenBytes >= POOL_BYTES)) this.startPool();
    if (this.pool) return this.pool.submit(b);
    this.batchDone(runBatch(b, this.env, this.buf, this.fds));
  }

  private startPool(): void {
    this.pool = new ExtractPool(this.workers, this.env, this.buf.length, (r) => this.batchDone(r));
  }

  private batchDone(r: BatchResult): void {
    this.summary.files += r.files;
    this.summary.bytes += r.bytes;
    this.doneFiles += r.files + r.failed.length;
    for (const f of r.failed) this.summary.failed.push(f);
    if (r.fatal) throw new IsoKitError(r.fatal.code as ErrorCode, r.fatal.message);
  }

  private async hardlinks(): Promise<void> {
    const failed = new Set(this.summary.failed.map((f) => f.path));
    for (const { e, target } of this.links) {
      if (failed.has(target.rel)) {
        this.summary.failed.push({ path: e.rel, code: ErrorCode.TRUNCATED, message: `${e.rel}: hard link to ${target.rel}, which could not be read` });
        continue;
      }
      this.others.hardlink(e, target);
      await this.tick();
    }
  }

  /** Content that is not plain local ranges (HTTP, zisofs, in memory): streamed on this thread. */
  private async writeStreamed(dir: string, fresh: boolean, e: PlanEntry): Promise<void> {
    const n = e.node;
    const t = { dir, name: e.name, rel: e.rel, fresh, mode: n.mode, uid: n.uid, gid: n.gid, atimeMs: n.atimeMs, mtimeMs: n.mtimeMs };
    const out = openOutput(t, this.env);
    this.inflight = out.target;
    try {
      try {
        await this.copyStream(out.fd, n, e.rel);
      } catch (err) {
        closeSync(out.fd);
        throw err;
      }
      finishOutput(out, t, this.env);
    } catch (err) {
      discard(out.target);
      this.inflight = undefined;
      if (!isContentError(err)) throw err instanceof IsoKitError ? err : fsError(err, `${dir}/${e.name}`);
      // Damaged content (truncated image, bad zisofs block): drop that file, go on with the others.
      this.summary.failed.push({ path: e.rel, code: err.code, message: err.message });
      this.doneFiles++;
      return;
    }
    this.inflight = undefined;
    this.summary.files++;
    this.doneFiles++;
  }

  private async copyStream(fd: number, n: TreeNode, path: string): Promise<void> {
    const c = n.content;
    if (!c || c.byteLength === 0) return;
    let pos = 0;
    for await (const chunk of c.stream({ chunkSize: Math.min(this.buf.length, 1 << 20), ...(this.opts.signal ? { signal: this.opts.signal } : {}) })) {
      if (pos + chunk.length > c.byteLength) throw new IsoKitError(ErrorCode.CORRUPT, `${printable(path)}: content longer than its recorded size`);
      writeAll(fd, chunk, chunk.length, pos);
      pos += chunk.length;
      this.summary.bytes += chunk.length;
      await this.tick();
    }
    if (pos !== c.byteLength) throw truncatedError(path, `got ${pos} of ${c.byteLength} bytes`);
  }

  // ---- progress and cancellation ---------------------------------------------------------------------

  /** Let signals, timers and worker answers run now and then, report progress, honour abort. */
  private async tick(): Promise<void> {
    const now = performance.now();
    if (now - this.lastYield < 50) return;
    this.lastYield = now;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.opts.signal?.aborted) throw new IsoKitError(ErrorCode.ABORTED, 'extraction interrupted', { cause: this.opts.signal.reason });
    this.report(false);
  }

  private report(final: boolean): void {
    if (!this.opts.onProgress) return;
    const now = performance.now();
    if (!final && now - this.lastReport < 100) return;
    this.lastReport = now;
    const totalFiles = final ? this.doneFiles : this.totals.files;
    this.opts.onProgress(this.meter.update(this.summary.bytes, { files: this.doneFiles, ...(totalFiles !== undefined ? { totalFiles } : {}) }));
  }
}
