/**
 * Whole-disk facts from Linux sysfs (Documentation/ABI/stable/sysfs-block): /sys/block/NAME/{size,ro,
 * removable,queue/*}, /sys/block/NAME/device/{vendor,model}, partitions as NAME/NAMEpN/{partition,start,size},
 * loop devices' loop/backing_file. Sizes in sysfs count 512-byte sectors whatever the logical block size.
 */
import { readFileSync, readdirSync, realpathSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ROOTS, type SystemRoots } from './mounts.js';

export type DriveBus = 'usb' | 'sata' | 'nvme' | 'mmc' | 'virtio' | 'loop' | 'scsi' | 'xen' | 'nbd' | 'ide' | 'unknown';

export interface SysfsPartition {
  readonly name: string;
  readonly number: number;
  readonly byteOffset: number;
  readonly byteLength: number;
}

export interface SysfsDisk {
  readonly name: string;
  readonly byteLength: number;
  readonly logicalBlockSize: number;
  readonly physicalBlockSize: number;
  readonly readOnly: boolean;
  readonly removable: boolean;
  readonly bus: DriveBus;
  readonly vendor?: string;
  readonly model?: string;
  readonly serial?: string;
  /** loop devices: the file behind it */
  readonly backingFile?: string;
  /** loop devices: whether the kernel scans partitions on it (losetup -P) */
  readonly partScan?: boolean;
  readonly partitions: SysfsPartition[];
  /** the sysfs device path, e.g. /sys/devices/pci0000:00/…/block/sda */
  readonly devicePath: string;
}

const text = (p: string): string | undefined => {
  try {
    return readFileSync(p, 'utf8').trim();
  } catch {
    return undefined;
  }
};
const num = (p: string): number | undefined => {
  const t = text(p);
  if (t === undefined || !/^\d+$/.test(t)) return undefined;
  return Number(t);
};
const clean = (s: string | undefined): string | undefined => {
  const t = s?.replace(/\s+/g, ' ').trim();
  return t ? t : undefined;
};

/** Kernel names that are never write targets: RAM disks, zram swap, optical drives, floppies, dm/md stacks. */
export function isVirtualStack(name: string): boolean {
  return /^(ram|zram|sr|fd|dm-|md|drbd|nullb)/.test(name);
}

function busOf(name: string, devicePath: string): DriveBus {
  if (name.startsWith('loop')) return 'loop';
  if (name.startsWith('nvme')) return 'nvme';
  if (name.startsWith('mmcblk')) return 'mmc';
  if (name.startsWith('nbd')) return 'nbd';
  if (/\/usb\d*\//.test(devicePath)) return 'usb';
  if (name.startsWith('vd') || devicePath.includes('/virtio')) return 'virtio';
  if (name.startsWith('xvd')) return 'xen';
  if (name.startsWith('hd')) return 'ide';
  if (/\/ata\d+\//.test(devicePath)) return 'sata';
  if (name.startsWith('sd')) return 'scsi';
  return 'unknown';
}

function partitionsOf(dir: string, disk: string): SysfsPartition[] {
  const out: SysfsPartition[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!e.startsWith(disk)) continue;
    const number = num(join(dir, e, 'partition'));
    if (number === undefined) continue;
    out.push({
      name: e,
      number,
      byteOffset: (num(join(dir, e, 'start')) ?? 0) * 512,
      byteLength: (num(join(dir, e, 'size')) ?? 0) * 512,
    });
  }
  return out.sort((a, b) => a.number - b.number);
}

/** Vendor/model/serial from the places each bus keeps them. */
function identityOf(dir: string, bus: DriveBus): { vendor?: string; model?: string; serial?: string } {
  const dev = join(dir, 'device');
  let vendor = clean(text(join(dev, 'vendor')));
  let model = clean(text(join(dev, 'model'))) ?? clean(text(join(dev, 'name')));
  const serial = clean(text(join(dev, 'serial'))) ?? clean(text(join(dir, 'serial')));
  if (bus === 'virtio') {
    if (vendor === '0x1af4') vendor = 'virtio';
    model ??= 'Virtual disk';
  }
  if (bus === 'nvme' && !vendor) vendor = clean(text(join(dev, 'device/vendor'))) ?? undefined;
  if (bus === 'mmc' && !vendor) vendor = clean(text(join(dev, 'manfid')));
  return { ...(vendor ? { vendor } : {}), ...(model ? { model } : {}), ...(serial ? { serial } : {}) };
}

/** One whole disk's facts, or undefined when sysfs has no such block device. */
export function readSysfsDisk(name: string, roots: SystemRoots = DEFAULT_ROOTS): SysfsDisk | undefined {
  const link = join(roots.sys, 'block', name);
  if (!existsSync(link)) return undefined;
  let devicePath = link;
  try {
    devicePath = realpathSync(link);
  } catch {
    /* keep the link */
  }
  const bus = busOf(name, devicePath);
  const backing = text(join(link, 'loop/backing_file'));
  const partScan = text(join(link, 'loop/partscan'));
  return {
    name,
    byteLength: (num(join(link, 'size')) ?? 0) * 512,
    logicalBlockSize: num(join(link, 'queue/logical_block_size')) ?? 512,
    physicalBlockSize: num(join(link, 'queue/physical_block_size')) ?? 512,
    readOnly: text(join(link, 'ro')) === '1',
    removable: text(join(link, 'removable')) === '1',
    bus,
    ...identityOf(link, bus),
    ...(backing ? { backingFile: backing } : {}),
    ...(partScan !== undefined ? { partScan: partScan === '1' } : {}),
    partitions: partitionsOf(link, name),
    devicePath,
  };
}

/** Kernel names of every block device in /sys/block. */
export function listBlockNames(roots: SystemRoots = DEFAULT_ROOTS): string[] {
  try {
    return readdirSync(join(roots.sys, 'block')).sort();
  } catch {
    return [];
  }
}
