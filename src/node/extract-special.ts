/**
 * The parts of an extraction that come after the file contents: hard links, device nodes and FIFOs, symbolic
 * links (last: nothing written afterwards can pass through one) and directory metadata (after their
 * contents, deepest first). Their entries are kept until then; regular files are not.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, lchownSync, linkSync, lutimesSync, symlinkSync } from 'node:fs';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import type { TreeNode } from '../model/index.js';
import { checkFree, commitTemp, tempPathFor, type OutputEnv } from './extract-file-io.js';
import type { PlanEntry } from './extract-plan.js';
import type { ExtractSummary } from './extract.js';
import { fsError, printable, type DirGuard } from './safe-path.js';

interface Placed {
  readonly dir: string;
  readonly path: string;
  readonly fresh: boolean;
}

export class OtherEntries {
  /** symbolic links, devices, FIFOs, sockets: made after all files */
  private readonly entries: PlanEntry[] = [];

  constructor(
    private readonly guard: DirGuard,
    private readonly env: OutputEnv,
    private readonly devices: boolean,
    private readonly summary: ExtractSummary,
  ) {}

  add(e: PlanEntry): void {
    this.entries.push(e);
  }

  /** Devices and FIFOs, then symbolic links. */
  async finish(tick: () => Promise<void>): Promise<void> {
    for (const e of this.entries) {
      if (e.node.kind !== 'symlink') this.special(e);
      await tick();
    }
    for (const e of this.entries) {
      if (e.node.kind === 'symlink') this.symlink(e);
      await tick();
    }
  }

  private place(e: PlanEntry): Placed {
    const d = this.guard.get(e.dir) ?? this.guard.ensure(e.dir, 0o777);
    return { dir: d.abs, path: `${d.abs}/${e.name}`, fresh: d.fresh };
  }

  /** `make` the entry at its final name, or (replacing what is there) at a temporary name then moved over it. */
  private makeAt(p: Placed, name: string, make: (path: string) => void): void {
    if (p.fresh || !this.env.overwrite) return make(p.path);
    const tmp = tempPathFor(p.dir, name);
    make(tmp);
    commitTemp(tmp, p.path, true);
  }

  /** Make `e` a hard link to the already written `target`. */
  hardlink(e: PlanEntry, target: PlanEntry): void {
    const p = this.place(e);
    const to = this.place(target).path;
    try {
      this.makeAt(p, e.name, (path) => linkSync(to, path));
    } catch (err) {
      throw fsError(err, p.path);
    }
    this.summary.hardlinks++;
  }

  dirMetadata(e: PlanEntry): void {
    const n = e.node;
    const path = this.guard.ensure(e.rel).abs;
    try {
      if (this.env.owners && n.uid !== undefined && n.gid !== undefined) lchownSync(path, n.uid, n.gid);
      if (this.env.permissions && n.mode !== undefined) chmodSync(path, n.mode & 0o7777);
      if (n.mtimeMs !== undefined) lutimesSync(path, (n.atimeMs ?? n.mtimeMs) / 1000, n.mtimeMs / 1000);
    } catch (err) {
      throw fsError(err, path);
    }
  }

  private linkMetadata(path: string, n: TreeNode): void {
    if (this.env.owners && n.uid !== undefined && n.gid !== undefined) lchownSync(path, n.uid, n.gid);
    if (n.mtimeMs !== undefined) lutimesSync(path, (n.atimeMs ?? n.mtimeMs) / 1000, n.mtimeMs / 1000);
  }

  private symlink(e: PlanEntry): void {
    const p = this.place(e);
    const n = e.node;
    const target = n.symlinkTarget ?? '';
    if (!target || target.includes('\0')) {
      this.summary.skipped.push({ path: e.rel, kind: n.kind, reason: 'symbolic link without a usable target' });
      return;
    }
    try {
      this.makeAt(p, e.name, (path) => symlinkSync(target, path));
      this.guard.forget(e.rel);
      this.linkMetadata(p.path, n);
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
    if (!this.devices) return skip('device nodes and FIFOs need --devices');
    if (isDev && !n.device) return skip('no device number recorded');
    const p = this.place(e);
    checkFree(p.path, p.fresh, this.env);
    const mode = ((this.env.permissions && n.mode !== undefined ? n.mode : 0o666 & ~this.env.umask) & 0o7777).toString(8);
    this.makeAt(p, e.name, (path) => {
      const args = isDev
        ? ['-m', mode, '--', path, n.kind === 'chardev' ? 'c' : 'b', String(n.device?.major), String(n.device?.minor)]
        : ['-m', mode, '--', path];
      const r = spawnSync(isDev ? 'mknod' : 'mkfifo', args, { encoding: 'utf8' });
      if (r.status !== 0) {
        const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n')[0];
        throw new IsoKitError(ErrorCode.IO, `${printable(p.path)}: cannot create ${isDev ? 'device node' : 'FIFO'}: ${why}`);
      }
    });
    try {
      this.linkMetadata(p.path, n);
    } catch (err) {
      throw fsError(err, p.path);
    }
    if (isDev) this.summary.devices++;
    else this.summary.fifos++;
  }
}
