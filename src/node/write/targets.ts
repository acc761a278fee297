/**
 * Write targets before anything is written: what each is (block device from the drive list, or a regular
 * file used as a disk image), and every reason to refuse it — system disk, mounted (fixable with
 * --unmount), read-only, smaller than the image, not removable (needs --force), a partition instead of a
 * disk, the image itself, listed twice, or not writable by this user (rerun with sudo).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { busLabel, findDrive, isRemovableLike, type Drive, type ListDrivesOptions } from '../drives.js';

export interface WriteTarget {
  /** as given on the command line */
  readonly path: string;
  readonly kind: 'device' | 'file';
  /** regular files: whether it exists already (it is created otherwise) */
  readonly exists: boolean;
  readonly drive?: Drive;
  /** devices: capacity; existing files: current size */
  readonly byteLength?: number;
  /** one line: path, model, size, bus, partitions */
  readonly description: string;
}

export type TargetProblemCode = 'SYSTEM' | 'MOUNTED' | 'SWAP' | 'READ_ONLY' | 'TOO_SMALL' | 'NOT_REMOVABLE' | 'NOT_WRITABLE' | 'SAME_AS_SOURCE' | 'DUPLICATE';

export interface TargetProblem {
  readonly code: TargetProblemCode;
  readonly message: string;
  /** the option that lifts this refusal, if any */
  readonly override?: '--unmount' | '--force';
}

export interface CheckTargetOptions {
  /** image size when known (a lower bound when not exact) */
  imageByteLength?: number;
  force?: boolean;
  unmount?: boolean;
  /** local path of the image, to refuse writing an image onto itself */
  sourcePath?: string;
  /** current user is root (default: process.getuid() === 0) */
  root?: boolean;
}

export function formatSize(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

function describeDrive(d: Drive): string {
  const ident = [d.vendor, d.model].filter(Boolean).join(' ') || (d.bus === 'loop' ? `loop over ${d.backingFile}` : 'unknown model');
  const parts = d.partitions.length
    ? `${d.partitions.length} partition${d.partitions.length > 1 ? 's' : ''} (${d.partitions
        .map((p) => `${p.name} ${formatSize(p.byteLength)}${p.mountpoints.length ? ' on ' + p.mountpoints.join(',') : ''}`)
        .join('; ')})`
    : 'no partitions';
  return `${d.path}: ${ident}, ${formatSize(d.byteLength)}, ${busLabel(d.bus)}${d.removable ? ', removable' : ''}${d.readOnly ? ', read-only' : ''}, ${parts}`;
}

/** Identify one target. Block devices are looked up in the drive list (partitions are refused there). */
export function describeTarget(path: string, opts: Omit<ListDrivesOptions, 'all'> = {}): WriteTarget {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      if (path.startsWith('/dev/')) throw new IsoKitError(ErrorCode.NOT_FOUND, `${path}: no such device (see: isokit drives)`);
      return { path, kind: 'file', exists: false, description: `${path}: new file (a disk image)` };
    }
    throw new IsoKitError(ErrorCode.IO, `${path}: ${(e as Error).message}`, { cause: e });
  }
  if (st.isBlockDevice()) {
    const drive = findDrive(path, opts);
    return { path, kind: 'device', exists: true, drive, byteLength: drive.byteLength, description: describeDrive(drive) };
  }
  if (st.isFile()) return { path, kind: 'file', exists: true, byteLength: st.size, description: `${path}: existing file, ${formatSize(st.size)} (overwritten as a disk image)` };
  if (st.isDirectory()) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path} is a directory: give a device (see: isokit drives) or a file name`);
  throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path} is neither a block device nor a regular file`);
}

const sameFile = (a: string, b: string): boolean => {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return resolve(a) === resolve(b);
  }
};

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Every reason not to write to `t` (empty: go ahead). */
export function checkTarget(t: WriteTarget, opts: CheckTargetOptions = {}): TargetProblem[] {
  const out: TargetProblem[] = [];
  const d = t.drive;
  const root = opts.root ?? process.getuid?.() === 0;
  if (opts.sourcePath && t.exists && sameFile(t.path, opts.sourcePath)) {
    out.push({ code: 'SAME_AS_SOURCE', message: `${t.path} is the image itself` });
  }
  if (d) {
    if (d.system) out.push({ code: 'SYSTEM', message: `${d.path} is a system disk (${d.systemReasons.join('; ')}): isokit never writes to it` });
    if (d.readOnly) out.push({ code: 'READ_ONLY', message: `${d.path} is read-only (write-protect switch, or the kernel set it read-only)` });
    const swaps = d.partitions.filter((p) => p.mountpoints.includes('[SWAP]')).map((p) => p.path);
    if (swaps.length && !d.system) out.push({ code: 'SWAP', message: `${d.path} holds active swap (${swaps.join(', ')}): run swapoff first` });
    const mounted = d.mountpoints.filter((m) => m !== '[SWAP]');
    if (mounted.length && !d.system && !opts.unmount) {
      out.push({ code: 'MOUNTED', message: `${d.path} is mounted at ${mounted.join(', ')}: unmount it first, or pass --unmount`, override: '--unmount' });
    }
    if (!isRemovableLike(d) && !d.system && !opts.force) {
      out.push({ code: 'NOT_REMOVABLE', message: `${d.path} is a non-removable ${busLabel(d.bus)} disk: pass --force if you really mean it`, override: '--force' });
    }
    if (opts.imageByteLength !== undefined && opts.imageByteLength > d.byteLength) {
      out.push({ code: 'TOO_SMALL', message: `${d.path} is too small: ${formatSize(d.byteLength)} (${d.byteLength} bytes) for a ${formatSize(opts.imageByteLength)} (${opts.imageByteLength}-byte) image` });
    }
  }
  const probe = t.exists ? t.path : resolve(t.path, '..');
  if (!writable(probe) && !root && !(d?.system ?? false)) {
    out.push({ code: 'NOT_WRITABLE', message: `${t.path} is not writable by this user` });
  }
  return out;
}

/** Refuse the same target twice (also through different names: /dev/disk/by-id/… and /dev/sdb). */
export function duplicateTargets(paths: string[]): string[] {
  const seen = new Map<string, string>();
  const dups: string[] = [];
  for (const p of paths) {
    let key = resolve(p);
    try {
      key = realpathSync(p);
    } catch {
      /* new file */
    }
    if (seen.has(key)) dups.push(`${p} (same as ${seen.get(key)})`);
    else seen.set(key, p);
  }
  return dups;
}

const run = (cmd: string, args: string[]) =>
  new Promise<{ code: number; output: string }>((res) => {
    execFile(cmd, args, { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: unknown }).code === 'ENOENT' ? 127 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      res({ code, output: `${stdout}${stderr}`.trim() });
    });
  });

/** Unmount every file system on the disk (deepest mount point first) with umount(8). */
export async function unmountDrive(d: Drive): Promise<string[]> {
  const points = [...new Set(d.mountpoints.filter((m) => m !== '[SWAP]'))].sort((a, b) => b.length - a.length);
  const done: string[] = [];
  for (const m of points) {
    const r = await run('umount', [m]);
    if (r.code !== 0) throw new IsoKitError(ErrorCode.IO, `umount ${m} failed: ${r.output || `exit ${r.code}`}`);
    done.push(m);
  }
  return done;
}

/**
 * Ask the kernel to re-read the partition table (blockdev --rereadpt, i.e. BLKRRPART). Never throws:
 * returns a line for the report. Loop devices without partition scanning are skipped with a note.
 */
export async function rereadPartitions(d: Drive): Promise<string> {
  if (d.bus === 'loop' && d.partScan === false) return 'partition table not re-read: loop device without partition scanning (attach with losetup -P to see partitions)';
  const r = await run('blockdev', ['--rereadpt', d.path]);
  if (r.code === 0) return 'kernel re-read the partition table';
  if (r.code === 127) return 'partition table not re-read: blockdev(8) not installed';
  return `partition table not re-read (${r.output.split('\n')[0] || `exit ${r.code}`}); unplug and replug the device`;
}

/** Drop the kernel's buffer cache of a block device (blockdev --flushbufs, BLKFLSBUF) before read-back. */
export async function flushBuffers(path: string): Promise<boolean> {
  const r = await run('blockdev', ['--flushbufs', path]);
  return r.code === 0;
}

