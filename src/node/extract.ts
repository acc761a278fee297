/**
 * Extract a tree (usually an opened image's) into a folder, with full Rock Ridge fidelity: modes, owners
 * (when root), mtimes (directories after their contents), symbolic links, hard links (as links), device
 * nodes and FIFOs (on request).
 *
 * Safety (see safe-path.ts): every name is checked before anything is written; directories are created one
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
 * Speed: content stored as plain ranges of a local file is copied with synchronous pread/pwrite through one
 * reused buffer, files in image order (sequential reads); other content (HTTP, zisofs) is streamed.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync, closeSync, constants, fchmodSync, fchownSync, futimesSync, lchownSync, linkSync, lstatSync, lutimesSync,
  mkdirSync, openSync, realpathSync, renameSync, symlinkSync, unlinkSync, writeSync,
} from 'node:fs';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { ProgressMeter, type ProgressCallback } from '../io/index.js';
import type { NodeKind, SourceRange, TreeNode } from '../model/index.js';
import { planExtraction, type PlanEntry } from './extract-plan.js';
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
  /** copy buffer size (default 1 MiB) */
  chunkSize?: number;
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

const O_CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const TMP_SUFFIX = '.isokit-tmp';

/** Extract `root` (or the selected parts of it) into `destDir` (created when missing). */
export async function extractTree(root: TreeNode, destDir: string, opts: ExtractOptions = {}): Promise<ExtractSummary> {
  const plan = planExtraction(root, opts.select);
  let dest: string;
  try {
    mkdirSync(destDir, { recursive: true });
    dest = realpathSync(destDir);
  } catch (e) {
    throw fsError(e, destDir);
  }
  const x = new Extractor(dest, opts);
  try {
    await x.run(plan.entries, plan.ancestors);
  } catch (e) {
    x.cleanup();
    throw e instanceof IsoKitError ? e : fsError(e, dest);
  }
  return x.summary;
}

interface Placed {
  readonly entry: PlanEntry;
  readonly dir: string;
  readonly path: string;
  readonly fresh: boolean;
}

const dataOffset = (n: TreeNode): number => {
  const r = n.content?.ranges?.[0];
  if (r) return r.byteOffset;
  const x = n.extents?.[0];
  return x ? x.lba * 2048 : 0;
};

/** Content stored as plain ranges of local files: copied with synchronous pread/pwrite. */
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
  private readonly permissions: boolean;
  private readonly owners: boolean;
  private readonly umask: number;
  private readonly euid: number;
  private readonly egid: number;
  private readonly buf: Uint8Array;
  private inflight: string | undefined;
  private tmpSeq = 0;
  private lastYield = performance.now();
  private lastReport = 0;
  private meter: ProgressMeter | undefined;
  private totalFiles = 0;
  private doneFiles = 0;

  constructor(
    dest: string,
    private readonly opts: ExtractOptions,
  ) {
    this.guard = new DirGuard(dest);
    this.permissions = opts.permissions ?? true;
    this.euid = process.geteuid?.() ?? -1;
    this.egid = process.getegid?.() ?? -1;
    this.owners = opts.owners ?? this.euid === 0;
    this.umask = process.umask();
    this.buf = skewedBuffer(opts.chunkSize ?? 1 << 20); // off the 4 KiB alias (see chunk-reader.ts)
    this.summary = { destination: dest, files: 0, dirs: 0, symlinks: 0, hardlinks: 0, devices: 0, fifos: 0, bytes: 0, skipped: [], failed: [] };
  }

  async run(entries: PlanEntry[], ancestors: string[]): Promise<void> {
    for (const a of ancestors) this.guard.ensure(a, 0o777);
    const dirs: PlanEntry[] = [];
    const files: PlanEntry[] = [];
    const others: PlanEntry[] = [];
    for (const e of entries) (e.node.kind === 'dir' ? dirs : e.node.kind === 'file' ? files : others).push(e);
    for (const d of dirs) {
      if (d.rel) this.mkdir(d);
      await this.tick();
    }
    await this.writeFiles(files);
    for (const e of others) {
      if (e.node.kind !== 'symlink') this.special(e);
      await this.tick();
    }
    // Symlinks last: nothing written afterwards can pass through one.
    for (const e of others) {
      if (e.node.kind === 'symlink') this.symlink(e);
      await this.tick();
    }
    for (let i = dirs.length - 1; i >= 0; i--) {
      const d = dirs[i] as PlanEntry;
      if (d.rel) this.dirMetadata(d);
      await this.tick();
    }
    this.report(true);
  }

  /** Remove a half-written file after a failure. */
  cleanup(): void {
    if (this.inflight) {
      try {
        unlinkSync(this.inflight);
      } catch {
        /* already gone */
      }
      this.inflight = undefined;
    }
  }

  // ---- placement -------------------------------------------------------------------------------------

  private place(e: PlanEntry): Placed {
    const d = this.guard.get(e.dir) ?? this.guard.ensure(e.dir, 0o777);
    return { entry: e, dir: d.abs, path: `${d.abs}/${e.name}`, fresh: d.fresh };
  }

  private tmpPath(p: Placed): string {
    const name = p.entry.name;
    const tmp = name.length <= 80 || new TextEncoder().encode(name).length <= 240
      ? `${p.dir}/.${name}${TMP_SUFFIX}`
      : `${p.dir}/.isokit-${process.pid}-${++this.tmpSeq}${TMP_SUFFIX}`;
    try {
      unlinkSync(tmp); // a stale temporary from an interrupted run (unlink never follows links)
    } catch {
      /* none */
    }
    return tmp;
  }

  /** Refuse early when the final name exists and --overwrite was not given. */
  private checkFree(p: Placed): void {
    if (p.fresh || this.opts.overwrite) return;
    let exists = true;
    try {
      lstatSync(p.path);
    } catch {
      exists = false;
    }
    if (exists) throw new IsoKitError(ErrorCode.EXISTS, `${printable(p.path)} already exists (use --overwrite to replace it)`);
  }

  /** Move a finished temporary into place: link (no clobber) or rename (--overwrite). */
  private commit(tmp: string, p: Placed): void {
    try {
      if (this.opts.overwrite) {
        renameSync(tmp, p.path);
        // rename() between two links of one inode does nothing: drop the temporary name then.
        try {
          unlinkSync(tmp);
        } catch {
          /* renamed */
        }
      } else {
        linkSync(tmp, p.path);
        unlinkSync(tmp);
      }
    } catch (e) {
      try {
        unlinkSync(tmp);
      } catch {
        /* gone */
      }
      throw fsError(e, p.path);
    }
  }

  // ---- directories -----------------------------------------------------------------------------------

  private mkdir(e: PlanEntry): void {
    const restore = this.permissions && e.node.mode !== undefined;
    this.guard.ensure(e.rel, restore ? 0o700 : 0o777);
    this.summary.dirs++;
  }

  private dirMetadata(e: PlanEntry): void {
    const n = e.node;
    const path = this.guard.ensure(e.rel).abs;
    try {
      if (this.owners && n.uid !== undefined && n.gid !== undefined) lchownSync(path, n.uid, n.gid);
      if (this.permissions && n.mode !== undefined) chmodSync(path, n.mode & 0o7777);
      if (n.mtimeMs !== undefined) lutimesSync(path, (n.atimeMs ?? n.mtimeMs) / 1000, n.mtimeMs / 1000);
    } catch (err) {
      throw fsError(err, path);
    }
  }

  // ---- regular files and hard links ------------------------------------------------------------------

  private async writeFiles(files: PlanEntry[]): Promise<void> {
    // image order (sequential reads); offsets computed once, not per comparison (content ranges are made per call)
    const offsets = Float64Array.from(files, (e) => dataOffset(e.node));
    const order = Array.from(files, (_e, i) => i).sort((a, b) => (offsets[a] as number) - (offsets[b] as number) || a - b);
    const unsorted = files.slice();
    for (let i = 0; i < order.length; i++) files[i] = unsorted[order[i] as number] as PlanEntry;
    const firstOfGroup = new Map<string, PlanEntry>();
    const links: { e: PlanEntry; target: PlanEntry }[] = [];
    let totalBytes = 0;
    const writes: PlanEntry[] = [];
    for (const e of files) {
      const g = e.node.linkGroup;
      const prior = g !== undefined ? firstOfGroup.get(g) : undefined;
      if (prior !== undefined) {
        links.push({ e, target: prior });
        continue;
      }
      if (g !== undefined) firstOfGroup.set(g, e);
      writes.push(e);
      totalBytes += e.node.content?.byteLength ?? 0;
    }
    this.meter = new ProgressMeter('extract', totalBytes);
    this.totalFiles = writes.length;
    for (const e of writes) {
      const p = this.place(e);
      const ranges = fileRanges(e.node);
      try {
        if (ranges && (ranges.length !== 1 || (ranges[0] as SourceRange).byteLength <= this.buf.length)) this.writeSmallFile(p, ranges);
        else await this.writeFile(p);
      } catch (err) {
        // Damaged content (truncated image, bad zisofs block): drop that file, go on with the others.
        if (!(err instanceof IsoKitError) || (err.code !== ErrorCode.TRUNCATED && err.code !== ErrorCode.CORRUPT)) throw err;
        this.cleanup();
        this.summary.failed.push({ path: e.rel, code: err.code, message: err.message });
      }
      this.doneFiles++;
      if (this.doneFiles % 64 === 0) await this.tick();
    }
    const failed = new Set(this.summary.failed.map((f) => f.path));
    for (const { e, target } of links) {
      if (failed.has(target.rel)) {
        this.summary.failed.push({ path: e.rel, code: ErrorCode.TRUNCATED, message: `${e.rel}: hard link to ${target.rel}, which could not be read` });
        continue;
      }
      this.hardlink(this.place(e), this.place(target).path);
      await this.tick();
    }
  }

  private fileMode(n: TreeNode): number {
    return this.permissions && n.mode !== undefined ? n.mode & 0o7777 : 0o666;
  }

  /** Create the output file (final name in a fresh directory, else a temporary); returns fd and the name used. */
  private createFile(p: Placed, mode: number): { fd: number; target: string; fresh: boolean } {
    this.checkFree(p);
    if (p.fresh) {
      try {
        return { fd: openSync(p.path, O_CREATE_NEW, mode), target: p.path, fresh: true };
      } catch (e) {
        // A name given twice in the image, inside a new directory: with --overwrite the later one wins.
        if (!(this.opts.overwrite && (e as NodeJS.ErrnoException).code === 'EEXIST')) throw fsError(e, p.path);
      }
    }
    const target = this.tmpPath(p);
    try {
      return { fd: openSync(target, O_CREATE_NEW, mode), target, fresh: false };
    } catch (e) {
      throw fsError(e, target);
    }
  }

  /** Files of plain local ranges: fully synchronous (no promise per file). */
  private writeSmallFile(p: Placed, ranges: readonly SourceRange[]): void {
    const n = p.entry.node;
    const mode = this.fileMode(n);
    const { fd, target, fresh } = this.createFile(p, mode);
    this.inflight = target;
    try {
      let pos = 0;
      for (const r of ranges) {
        const src = r.source as FileSource;
        for (let done = 0; done < r.byteLength; ) {
          const want = Math.min(this.buf.length, r.byteLength - done);
          const chunk = want === this.buf.length ? this.buf : this.buf.subarray(0, want);
          const got = src.readIntoSync(r.byteOffset + done, chunk);
          if (got < want) throw truncated(p.entry.rel, src.byteLength, src.name);
          this.writeAll(fd, chunk, want, pos);
          done += want;
          pos += want;
        }
      }
      this.summary.bytes += pos;
      this.fileMetadata(fd, n, mode, fresh);
    } catch (e) {
      closeSync(fd);
      throw fsError(e, p.path);
    }
    closeSync(fd);
    if (!fresh) this.commit(target, p);
    this.inflight = undefined;
    this.summary.files++;
  }

  /** Large or non-local content: streamed, yielding between chunks. */
  private async writeFile(p: Placed): Promise<void> {
    const n = p.entry.node;
    const mode = this.fileMode(n);
    const { fd, target, fresh } = this.createFile(p, mode);
    this.inflight = target;
    try {
      await this.copyContent(fd, n, p.entry.rel);
      this.fileMetadata(fd, n, mode, fresh);
    } catch (e) {
      closeSync(fd);
      throw fsError(e, p.path);
    }
    closeSync(fd);
    if (!fresh) this.commit(target, p);
    this.inflight = undefined;
    this.summary.files++;
  }

  private fileMetadata(fd: number, n: TreeNode, mode: number, fresh: boolean): void {
    let chowned = false;
    // A new file already belongs to us; in a directory we created (no set-gid bit yet) also to our group.
    if (this.owners && n.uid !== undefined && n.gid !== undefined && !(fresh && n.uid === this.euid && n.gid === this.egid)) {
      fchownSync(fd, n.uid, n.gid);
      chowned = true;
    }
    // open() applied the umask; chown() cleared set-id bits: put the exact bits back when needed.
    if (this.permissions && n.mode !== undefined && ((mode & this.umask) !== 0 || (chowned && (mode & 0o6000) !== 0))) fchmodSync(fd, mode);
    if (n.mtimeMs !== undefined) futimesSync(fd, (n.atimeMs ?? n.mtimeMs) / 1000, n.mtimeMs / 1000);
  }

  private async copyContent(fd: number, n: TreeNode, path: string): Promise<void> {
    const c = n.content;
    if (!c || c.byteLength === 0) return;
    let pos = 0;
    const ranges = fileRanges(n);
    if (ranges) {
      for (const r of ranges) {
        const src = r.source as FileSource;
        for (let done = 0; done < r.byteLength; ) {
          const want = Math.min(this.buf.length, r.byteLength - done);
          const chunk = want === this.buf.length ? this.buf : this.buf.subarray(0, want);
          const got = src.readIntoSync(r.byteOffset + done, chunk);
          if (got < want) throw truncated(path, src.byteLength, src.name);
          this.writeAll(fd, chunk, want, pos);
          done += want;
          pos += want;
          this.summary.bytes += want;
          await this.tick();
        }
      }
      return;
    }
    for await (const chunk of c.stream({ chunkSize: this.buf.length, ...(this.opts.signal ? { signal: this.opts.signal } : {}) })) {
      if (pos + chunk.length > c.byteLength) throw new IsoKitError(ErrorCode.CORRUPT, `${printable(path)}: content longer than its recorded size`);
      this.writeAll(fd, chunk, chunk.length, pos);
      pos += chunk.length;
      this.summary.bytes += chunk.length;
      await this.tick();
    }
    if (pos !== c.byteLength) throw truncated(path, undefined, undefined, `got ${pos} of ${c.byteLength} bytes`);
  }

  private writeAll(fd: number, chunk: Uint8Array, length: number, position: number): void {
    let off = 0;
    while (off < length) off += writeSync(fd, chunk, off, length - off, position + off);
  }

  private hardlink(p: Placed, target: string): void {
    try {
      if (p.fresh || !this.opts.overwrite) {
        linkSync(target, p.path);
      } else {
        const tmp = this.tmpPath(p);
        linkSync(target, tmp);
        this.commit(tmp, p);
      }
    } catch (e) {
      throw fsError(e, p.path);
    }
    this.summary.hardlinks++;
  }

  // ---- symlinks, devices, fifos ----------------------------------------------------------------------

  private symlink(e: PlanEntry): void {
    const p = this.place(e);
    const n = e.node;
    const target = n.symlinkTarget ?? '';
    if (!target || target.includes('\0')) {
      this.summary.skipped.push({ path: e.rel, kind: n.kind, reason: 'symbolic link without a usable target' });
      return;
    }
    try {
      if (p.fresh || !this.opts.overwrite) {
        symlinkSync(target, p.path);
      } else {
        const tmp = this.tmpPath(p);
        symlinkSync(target, tmp);
        this.commit(tmp, p);
      }
      this.guard.forget(e.rel);
      if (this.owners && n.uid !== undefined && n.gid !== undefined) lchownSync(p.path, n.uid, n.gid);
      if (n.mtimeMs !== undefined) lutimesSync(p.path, (n.atimeMs ?? n.mtimeMs) / 1000, n.mtimeMs / 1000);
    } catch (err) {
      throw fsError(err, p.path);
    }
    this.summary.symlinks++;
  }

  /** Device nodes and FIFOs: Node has no mknod(2), so the mknod and mkfifo commands create them. */
  private special(e: PlanEntry): void {
    const n = e.node;
    const isDev = n.kind === 'chardev' || n.kind === 'blockdev';
    const skip = (reason: string) => void this.summary.skipped.push({ path: e.rel, kind: n.kind, reason });
    if (n.kind === 'socket') return skip('sockets cannot be extracted');
    if (!this.opts.devices) return skip('device nodes and FIFOs need --devices');
    if (isDev && !n.device) return skip('no device number recorded');
    const p = this.place(e);
    this.checkFree(p);
    const path = p.fresh || !this.opts.overwrite ? p.path : this.tmpPath(p);
    const mode = ((this.permissions && n.mode !== undefined ? n.mode : 0o666 & ~this.umask) & 0o7777).toString(8);
    const args = isDev
      ? ['-m', mode, '--', path, n.kind === 'chardev' ? 'c' : 'b', String(n.device?.major), String(n.device?.minor)]
      : ['-m', mode, '--', path];
    const r = spawnSync(isDev ? 'mknod' : 'mkfifo', args, { encoding: 'utf8' });
    if (r.status !== 0) {
      const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n')[0];
      throw new IsoKitError(ErrorCode.IO, `${printable(p.path)}: cannot create ${isDev ? 'device node' : 'FIFO'}: ${why}`);
    }
    if (path !== p.path) this.commit(path, p);
    try {
      if (this.owners && n.uid !== undefined && n.gid !== undefined) lchownSync(p.path, n.uid, n.gid);
      if (n.mtimeMs !== undefined) lutimesSync(p.path, (n.atimeMs ?? n.mtimeMs) / 1000, n.mtimeMs / 1000);
    } catch (err) {
      throw fsError(err, p.path);
    }
    if (isDev) this.summary.devices++;
    else this.summary.fifos++;
  }

  // ---- progress and cancellation ---------------------------------------------------------------------

  /** Let signals and timers run now and then (the copy loop is synchronous), report progress, honour abort. */
  private async tick(): Promise<void> {
    const now = performance.now();
    if (now - this.lastYield < 50) return;
    this.lastYield = now;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.opts.signal?.aborted) throw new IsoKitError(ErrorCode.ABORTED, 'extraction interrupted', { cause: this.opts.signal.reason });
    this.report(false);
  }

  private report(final: boolean): void {
    if (!this.opts.onProgress || !this.meter) return;
    const now = performance.now();
    if (!final && now - this.lastReport < 100) return;
    this.lastReport = now;
    this.opts.onProgress(this.meter.update(this.summary.bytes, { files: this.doneFiles, totalFiles: this.totalFiles }));
  }
}

function truncated(path: string, imageByteLength?: number, source?: string, detail?: string): IsoKitError {
  const why = detail ?? `the image${source ? ` ${source}` : ''} ends${imageByteLength !== undefined ? ` at byte ${imageByteLength}` : ''}, before the end of the file's data`;
  return new IsoKitError(ErrorCode.TRUNCATED, `${printable(path)}: ${why}`);
}
