/**
 * Mount points and swap areas (Linux), resolved to the whole disks that hold them.
 *
 * Sources: /proc/self/mountinfo (proc(5): field 3 is the device's major:minor, field 5 the mount point,
 * the field after " - " the fs type and then the mount source), /proc/swaps, and sysfs to walk from a
 * partition to its disk, from a device-mapper/MD device to its `slaves/`, and from a loop device to the
 * disk holding its backing file.
 */
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface MountEntry {
  /** "major:minor" of the mounted device (0:N for virtual file systems) */
  readonly majorMinor: string;
  readonly mountPoint: string;
  readonly fsType: string;
  /** the mount source, e.g. /dev/sda1 */
  readonly source: string;
}

export interface SystemRoots {
  readonly sys: string;
  readonly proc: string;
}
export const DEFAULT_ROOTS: SystemRoots = { sys: '/sys', proc: '/proc' };

/** Undo the octal escapes mountinfo uses for space, tab, newline and backslash ("\040"). */
const unescapeMount = (s: string): string => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Parse /proc/self/mountinfo text (proc(5)). Lines that do not parse are skipped. */
export function parseMountInfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    if (left.length < 5 || right.length < 2) continue;
    out.push({ majorMinor: left[2] as string, mountPoint: unescapeMount(left[4] as string), fsType: right[0] as string, source: unescapeMount(right[1] as string) });
  }
  return out;
}

/** Parse /proc/swaps: the device or file path of each active swap area. */
export function parseSwaps(text: string): string[] {
  return text
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((p) => p.length > 0)
    .map(unescapeMount);
}

const readText = (p: string): string | undefined => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
};

/** "major:minor" of a device node, or of the device holding a regular file (`holding: true`). */
export function majorMinorOf(path: string, holding = false): string | undefined {
  try {
    const st = statSync(path);
    const dev = holding || !st.isBlockDevice() ? st.dev : st.rdev;
    // Linux dev_t (glibc gnu_dev_major/minor); arithmetic only, dev_t exceeds 32 bits.
    const hi = Math.floor(dev / 2 ** 32);
    const major = (Math.floor(dev / 256) % 4096) + (hi - (hi % 4096));
    const mid = Math.floor(dev / 4096) % 2 ** 32;
    const minor = (dev % 256) + (mid - (mid % 256));
    return `${major}:${minor}`;
  } catch {
    return undefined;
  }
}

/** The kernel name (sda1, dm-0, loop3) of a block device "major:minor", if sysfs knows it. */
export function blockNameOf(majorMinor: string, roots: SystemRoots = DEFAULT_ROOTS): string | undefined {
  try {
    return basename(realpathSync(join(roots.sys, 'dev/block', majorMinor)));
  } catch {
    return undefined;
  }
}

/**
 * The whole disks under a block device: a partition's parent, dm/md `slaves/` followed recursively,
 * and for a loop device the disk holding its backing file. Returns kernel names (sda, nvme0n1, loop2).
 */
export function wholeDisksOf(name: string, roots: SystemRoots = DEFAULT_ROOTS, seen = new Set<string>()): string[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const cls = join(roots.sys, 'class/block', name);
  let dir: string;
  try {
    dir = realpathSync(cls);
  } catch {
    return [];
  }
  if (existsSync(join(dir, 'partition'))) return wholeDisksOf(basename(dirname(dir)), roots, seen);
  const out = new Set<string>();
  let slaves: string[] = [];
  try {
    slaves = readdirSync(join(dir, 'slaves'));
  } catch {
    /* none */
  }
  for (const s of slaves) for (const d of wholeDisksOf(s, roots, seen)) out.add(d);
  if (!slaves.length) out.add(name);
  // A loop device stands on the disk that holds its backing file.
  const backing = readText(join(dir, 'loop/backing_file'))?.trim();
  if (backing) {
    const mm = majorMinorOf(backing, true);
    const holder = mm ? blockNameOf(mm, roots) : undefined;
    if (holder) for (const d of wholeDisksOf(holder, roots, seen)) out.add(d);
  }
  return [...out];
}

/** The block device name behind a mount entry (mountinfo major:minor, else the mount source node). */
export function mountDeviceName(m: MountEntry, roots: SystemRoots = DEFAULT_ROOTS): string | undefined {
  if (!m.majorMinor.startsWith('0:')) {
    const n = blockNameOf(m.majorMinor, roots);
    if (n) return n;
  }
  if (m.source.startsWith('/dev/')) {
    const mm = majorMinorOf(m.source);
    if (mm) return blockNameOf(mm, roots);
  }
  return undefined;
}

export function readMounts(roots: SystemRoots = DEFAULT_ROOTS): MountEntry[] {
  return parseMountInfo(readText(join(roots.proc, 'self/mountinfo')) ?? '');
}
export function readSwaps(roots: SystemRoots = DEFAULT_ROOTS): string[] {
  return parseSwaps(readText(join(roots.proc, 'swaps')) ?? '');
}

/** Mount points whose disk is a "system" disk (root, boot, EFI system partition, /usr). */
export const SYSTEM_MOUNT_POINTS = ['/', '/boot', '/boot/efi', '/efi', '/usr'];

/**
 * Why each whole disk counts as a system disk: it holds a mounted /, /boot, /boot/efi, /efi or /usr, an
 * active swap area, or the files isokit runs from (`runningFrom`). Keys are kernel disk names.
 */
export function systemDiskReasons(
  mounts: MountEntry[],
  swaps: string[],
  runningFrom: string[],
  roots: SystemRoots = DEFAULT_ROOTS,
): Map<string, string[]> {
  const reasons = new Map<string, string[]>();
  const add = (disks: string[], why: string) => {
    for (const d of disks) {
      const list = reasons.get(d) ?? [];
      if (!list.includes(why)) list.push(why);
      reasons.set(d, list);
    }
  };
  for (const m of mounts) {
    if (!SYSTEM_MOUNT_POINTS.includes(m.mountPoint)) continue;
    const name = mountDeviceName(m, roots);
    if (name) add(wholeDisksOf(name, roots), `holds the mounted ${m.mountPoint}`);
  }
  for (const s of swaps) {
    const mm = majorMinorOf(s, !s.startsWith('/dev/'));
    const name = mm ? blockNameOf(mm, roots) : undefined;
    if (name) add(wholeDisksOf(name, roots), `holds active swap ${s}`);
  }
  for (const file of runningFrom) {
    const mm = majorMinorOf(file, true);
    const name = mm ? blockNameOf(mm, roots) : undefined;
    if (name) add(wholeDisksOf(name, roots), 'holds the files isokit runs from');
  }
  return reasons;
}

/**
 * Mount points per block device name (partitions, the disk itself, and dm/loop devices stacked on top
 * via `holders/`), so a disk is "mounted" when anything built on it is.
 */
export function mountsByDevice(mounts: MountEntry[], swaps: string[], roots: SystemRoots = DEFAULT_ROOTS): Map<string, string[]> {
  const byDev = new Map<string, string[]>();
  const push = (name: string, what: string) => byDev.set(name, [...(byDev.get(name) ?? []), what]);
  for (const m of mounts) {
    const name = mountDeviceName(m, roots);
    if (name) push(name, m.mountPoint);
  }
  for (const s of swaps) {
    if (!s.startsWith('/dev/')) continue;
    const mm = majorMinorOf(s);
    const name = mm ? blockNameOf(mm, roots) : undefined;
    if (name) push(name, '[SWAP]');
  }
  return byDev;
}

/** Everything stacked on a device (dm, md, loop over a partition…), followed recursively through holders/. */
export function holdersOf(name: string, roots: SystemRoots = DEFAULT_ROOTS, seen = new Set<string>()): string[] {
  if (seen.has(name)) return [];
  seen.add(name);
  let list: string[] = [];
  try {
    list = readdirSync(join(roots.sys, 'class/block', name, 'holders'));
  } catch {
    return [];
  }
  return list.flatMap((h) => [h, ...holdersOf(h, roots, seen)]);
}
