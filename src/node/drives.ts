/**
 * Block devices that `isokit write` could write to (Linux: sysfs + /proc/self/mountinfo + /proc/swaps).
 *
 * Every disk carries a `system` flag with its reasons (it holds a mounted /, /boot, /boot/efi, /efi, /usr,
 * an active swap area, or the files isokit runs from; dm/LVM/MD stacks and loop devices are followed down
 * to their disks) and a one-line `explanation` of why it is listed, hidden, or needs an option to write.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import {
  DEFAULT_ROOTS,
  blockNameOf,
  holdersOf,
  majorMinorOf,
  mountsByDevice,
  readMounts,
  readSwaps,
  systemDiskReasons,
  type SystemRoots,
} from './drives/mounts.js';
import { isVirtualStack, listBlockNames, readSysfsDisk, type DriveBus, type SysfsDisk } from './drives/sysfs.js';

export type { DriveBus } from './drives/sysfs.js';
export type { SystemRoots } from './drives/mounts.js';

export interface DrivePartition {
  readonly name: string;
  readonly path: string;
  readonly number: number;
  readonly byteOffset: number;
  readonly byteLength: number;
  /** mount points of this partition and of anything stacked on it ("[SWAP]" for swap) */
  readonly mountpoints: string[];
}

export interface Drive {
  readonly name: string;
  /** /dev/NAME */
  readonly path: string;
  readonly byteLength: number;
  readonly logicalBlockSize: number;
  readonly physicalBlockSize: number;
  readonly vendor?: string;
  readonly model?: string;
  readonly serial?: string;
  readonly bus: DriveBus;
  readonly removable: boolean;
  readonly readOnly: boolean;
  readonly backingFile?: string;
  /** loop devices: partitions are scanned (losetup -P) */
  readonly partScan?: boolean;
  readonly partitions: DrivePartition[];
  /** every mount point on the disk, its partitions and devices stacked on them */
  readonly mountpoints: string[];
  readonly system: boolean;
  readonly systemReasons: string[];
  /** hidden from the default listing (system disks, empty drives) */
  readonly hidden: boolean;
  /** one line: why the disk is listed or hidden, and what writing to it needs */
  readonly explanation: string;
}

export interface ListDrivesOptions {
  /** include system disks and empty drives (default false: they are counted but not returned) */
  all?: boolean;
  /** sysfs/procfs roots (tests) */
  roots?: SystemRoots;
  /** files whose disk counts as a system disk (default: the node binary and isokit's own files) */
  runningFrom?: string[];
}

export interface DriveList {
  readonly drives: Drive[];
  /** disks left out because they are system disks or empty (shown with `all`) */
  readonly hidden: { name: string; path: string; explanation: string }[];
}

/** Whether a disk may be written without --force: removable media, USB/MMC sticks and cards, loop devices. */
export const isRemovableLike = (d: Pick<Drive, 'removable' | 'bus'>): boolean => d.removable || d.bus === 'usb' || d.bus === 'mmc' || d.bus === 'loop';

const BUS_LABEL: Record<DriveBus, string> = {
  usb: 'USB', sata: 'SATA', nvme: 'NVMe', mmc: 'MMC/SD', virtio: 'virtio', loop: 'loop', scsi: 'SCSI', xen: 'Xen', nbd: 'NBD', ide: 'IDE', unknown: 'unknown bus',
};
export const busLabel = (b: DriveBus): string => BUS_LABEL[b];

function explain(d: Omit<Drive, 'explanation' | 'hidden'>): string {
  if (d.system) return `system disk (${d.systemReasons.join('; ')}): hidden unless --all, never written`;
  if (d.byteLength === 0) return 'no medium (size 0): hidden unless --all';
  const what = d.bus === 'loop' ? `loop device over ${d.backingFile ?? '?'}` : `${d.removable ? 'removable ' : ''}${busLabel(d.bus)} disk`;
  const needs: string[] = [];
  if (d.readOnly) return `${what}: read-only, cannot be written`;
  if (d.mountpoints.length) needs.push(`mounted at ${d.mountpoints.join(', ')}: write needs --unmount`);
  if (!isRemovableLike(d)) needs.push('not removable: write needs --force');
  return `${what}: ${needs.length ? needs.join('; ') : 'a write target'}`;
}

/** Files whose disk isokit must never overwrite: the node binary and isokit's own code. */
function defaultRunningFrom(): string[] {
  const out = [process.execPath];
  try {
    out.push(fileURLToPath(import.meta.url));
  } catch {
    /* not a file URL */
  }
  return out;
}

function buildDrive(s: SysfsDisk, mounts: Map<string, string[]>, system: Map<string, string[]>, roots: SystemRoots): Omit<Drive, 'explanation' | 'hidden'> {
  const mountsOf = (name: string): string[] => {
    const own = mounts.get(name) ?? [];
    return [...own, ...holdersOf(name, roots).flatMap((h) => mounts.get(h) ?? [])];
  };
  const partitions: DrivePartition[] = s.partitions.map((p) => ({ ...p, path: `/dev/${p.name}`, mountpoints: mountsOf(p.name) }));
  const all = [...mountsOf(s.name), ...partitions.flatMap((p) => p.mountpoints)];
  const reasons = system.get(s.name) ?? [];
  const { devicePath: _ignored, ...facts } = s;
  return { ...facts, path: `/dev/${s.name}`, partitions, mountpoints: [...new Set(all)], system: reasons.length > 0, systemReasons: reasons };
}

/** List block devices (Linux). */
export function listDrives(opts: ListDrivesOptions = {}): DriveList {
  if (process.platform !== 'linux') {
    throw new IsoKitError(ErrorCode.UNSUPPORTED, `listing drives is implemented for Linux only (this is ${process.platform})`);
  }
  const roots = opts.roots ?? DEFAULT_ROOTS;
  const mountList = readMounts(roots);
  const swaps = readSwaps(roots);
  const system = systemDiskReasons(mountList, swaps, opts.runningFrom ?? defaultRunningFrom(), roots);
  const mounts = mountsByDevice(mountList, swaps, roots);
  const drives: Drive[] = [];
  const hidden: DriveList['hidden'] = [];
  for (const name of listBlockNames(roots)) {
    if (isVirtualStack(name)) continue;
    const s = readSysfsDisk(name, roots);
    if (!s) continue;
    if (s.bus === 'loop' && !s.backingFile) continue; // a detached loop device is not a disk
    const base = buildDrive(s, mounts, system, roots);
    const explanation = explain(base);
    const isHidden = base.system || base.byteLength === 0;
    const d: Drive = { ...base, hidden: isHidden, explanation };
    if (isHidden) hidden.push({ name: d.name, path: d.path, explanation });
    if (!isHidden || opts.all) drives.push(d);
  }
  return { drives, hidden };
}

/**
 * The drive behind a device path (/dev/sdb, /dev/disk/by-id/…, /dev/loop3), listed with `all` so system
 * disks are found too. A partition path is refused with the whole disk's name.
 */
export function findDrive(path: string, opts: Omit<ListDrivesOptions, 'all'> = {}): Drive {
  const roots = opts.roots ?? DEFAULT_ROOTS;
  let real: string;
  try {
    real = realpathSync(path);
    if (!statSync(real).isBlockDevice()) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path} is not a block device`);
  } catch (e) {
    if (e instanceof IsoKitError) throw e;
    throw new IsoKitError(ErrorCode.NOT_FOUND, `${path}: no such device`, { cause: e });
  }
  const mm = majorMinorOf(real);
  const name = (mm && blockNameOf(mm, roots)) || basename(real);
  const list = listDrives({ ...opts, all: true }).drives;
  const d = list.find((x) => x.name === name);
  if (d) return d;
  const parent = list.find((x) => x.partitions.some((p) => p.name === name));
  if (parent) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path} is partition ${name} of ${parent.path}: write to the whole disk (${parent.path}) instead`);
  }
  throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path} (${name}) is not a disk isokit can write to (device-mapper, RAID, RAM or optical device)`);
}
