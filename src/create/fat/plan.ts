/**
 * planFatVolume: tree → FAT32 layout, pure and exact. Names are checked and given unique 8.3 aliases per
 * directory, times and attributes are converted, and every directory and file gets one contiguous run of
 * clusters: the root at cluster 2, the other directories next in breadth-first order, then the files in the
 * same order. The FATs are not built here: emit derives them from the runs (memory stays flat in the volume size).
 */
import { crc32, encodeUtf8 } from '../../bytes/index.js';
import { ErrorCode, FindingCode, Findings, IsoKitError } from '../../errors/index.js';
import {
  assignShortNames, encodeFatTime, FatAttr, fatNameProblem, upcaseUnits,
} from '../../formats/fat/index.js';
import type { TreeNode } from '../../model/index.js';
import { emitFatVolume } from './emit.js';
import { planFat32Geometry, FAT_SECTOR_BYTES, type Fat32Geometry } from './geometry.js';
import type { FatSection, FatVolumeLayout, FatVolumeOptions, FatVolumeStats } from './types.js';

/** One directory or file of the volume, as planned. */
export interface FatItem {
  readonly node: TreeNode;
  readonly path: string;
  readonly isDir: boolean;
  readonly parent: FatItem | undefined;
  /** DIR_Name and DIR_NTRes (the root has none) */
  name11: Uint8Array;
  ntFlags: number;
  /** written as long-name entries before the short entry when set */
  longName: string | undefined;
  attributes: number;
  /** FAT-encoded times: creation date/time/10 ms, access date, write date/time */
  readonly times: readonly [number, number, number, number, number, number];
  /** file: its size; directory: its entries × 32 */
  byteLength: number;
  firstCluster: number;
  clusterCount: number;
  children: FatItem[] | undefined;
}

export interface FatPlan {
  readonly geometry: Fat32Geometry;
  readonly root: FatItem;
  /** directories then files, in cluster order */
  readonly items: readonly FatItem[];
  readonly usedClusters: number;
  readonly label: string;
  readonly volumeSerial: number;
  readonly oemName: string;
  readonly hiddenSectors: number;
  readonly dateMs: number;
  readonly labelTimes: readonly [number, number];
}

/** Largest file FAT32 holds: DIR_FileSize is 32 bits. */
export const FAT_MAX_FILE_BYTES = 0xffffffff;
/** A directory holds at most 65,536 entries (2 MiB) (Microsoft FAT specification §6.1). */
export const FAT_MAX_DIRECTORY_ENTRIES = 65536;

const LABEL_FORBIDDEN = new Set(['"', '*', '+', ',', '.', '/', ':', ';', '<', '=', '>', '?', '[', '\\', ']', '|']);

/** A volume id as a FAT label: upper case, printable ASCII that labels may hold (else `_`), at most 11 characters. */
export function sanitizeFatLabel(label: string): string {
  let out = '';
  for (const ch of upcaseUnits(label.trim())) {
    const c = ch.charCodeAt(0);
    out += ch.length === 1 && c >= 0x20 && c < 0x7f && !LABEL_FORBIDDEN.has(ch) && !(ch >= 'a' && ch <= 'z') ? ch : '_';
    if (out.length === 11) break;
  }
  return out.trimEnd();
}

/** The DOS volume serial of a date (MS-DOS: month·day + seconds·hundredths, hour·minute + year), read in UTC. */
function dosSerial(ms: number): number {
  const d = new Date(ms);
  const lo = ((d.getUTCMonth() + 1) << 8) + d.getUTCDate() + (d.getUTCSeconds() << 8) + Math.floor(d.getUTCMilliseconds() / 10);
  const hi = (d.getUTCHours() << 8) + d.getUTCMinutes() + d.getUTCFullYear();
  return (((hi & 0xffff) << 16) | (lo & 0xffff)) >>> 0;
}

function newestMtime(root: TreeNode): number | undefined {
  let newest: number | undefined;
  const stack = [root];
  while (stack.length) {
    const n = stack.pop() as TreeNode;
    if (n.mtimeMs !== undefined && Number.isFinite(n.mtimeMs) && (newest === undefined || n.mtimeMs > newest)) newest = n.mtimeMs;
    if (n.children) stack.push(...n.children);
  }
  return newest;
}

interface TimeContext {
  readonly dateMs: number;
  readonly clamp: boolean;
  readonly tz: number;
  readonly findings: Findings;
}

function fatTimes(node: TreeNode, path: string, t: TimeContext): FatItem['times'] {
  const pick = (ms: number | undefined): number => {
    const v = ms !== undefined && Number.isFinite(ms) ? ms : t.dateMs;
    return t.clamp && v > t.dateMs ? t.dateMs : v;
  };
  const w = encodeFatTime(pick(node.mtimeMs), t.tz);
  const c = encodeFatTime(pick(node.birthtimeMs ?? node.mtimeMs), t.tz);
  const a = encodeFatTime(pick(node.atimeMs ?? node.mtimeMs), t.tz);
  const clamped = w.clamped ?? c.clamped ?? a.clamped;
  if (clamped) {
    t.findings.warn(FindingCode.FAT_TIME_CLAMPED, `/${path}: a time ${clamped === 'before-1980' ? 'before 1980 was stored as 1980-01-01' : 'after 2107 was stored as 2107-12-31'} (FAT's range)`);
  }
  return [c.date, c.time, c.tenMs, a.date, w.date, w.time];
}

const fail = (path: string, why: string): never => {
  throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `/${path}: ${why}`, { structure: 'FatVolume' });
};

function fileByteLength(node: TreeNode, path: string): number {
  const n = node.content?.byteLength ?? node.size ?? 0;
  if (!Number.isSafeInteger(n) || n < 0) fail(path, `invalid size ${n}`);
  if (n > FAT_MAX_FILE_BYTES) fail(path, `${n} bytes: FAT32 holds files of at most 4 GiB − 1 (4,294,967,295) bytes`);
  if (n > 0 && !node.content) fail(path, `${n} bytes but no content`);
  return n;
}

function makeItem(node: TreeNode, path: string, parent: FatItem | undefined, t: TimeContext): FatItem {
  const isDir = node.kind === 'dir';
  if (!isDir && node.kind !== 'file') fail(path, `a ${node.kind}: FAT holds only files and directories`);
  let attributes = isDir ? FatAttr.DIRECTORY : FatAttr.ARCHIVE;
  if (!isDir && node.mode !== undefined && (node.mode & 0o200) === 0) attributes |= FatAttr.READ_ONLY;
  if (node.hidden) attributes |= FatAttr.HIDDEN;
  return {
    node, path, isDir, parent, name11: new Uint8Array(11), ntFlags: 0, longName: undefined, attributes,
    times: fatTimes(node, path, t), byteLength: isDir ? 0 : fileByteLength(node, path), firstCluster: 0, clusterCount: 0,
    children: isDir ? [] : undefined,
  };
}

/** Children of one directory: names checked, unique ignoring case, aliases assigned; returns its entry count. */
function planChildren(dir: FatItem, t: TimeContext): number {
  const kids = dir.node.children ?? [];
  const seen = new Map<string, string>();
  for (const k of kids) {
    const path = dir.path ? `${dir.path}/${k.name}` : k.name;
    const problem = fatNameProblem(k.name);
    if (problem) fail(path, problem);
    const key = upcaseUnits(k.name);
    const other = seen.get(key);
    if (other !== undefined) fail(path, `FAT names ignore case: "${k.name}" and "${other}" are the same name`);
    seen.set(key, k.name);
  }
  const aliases = assignShortNames(kids.map((k) => k.name));
  let entries = dir.parent ? 2 : 0;
  kids.forEach((k, i) => {
    const item = makeItem(k, dir.path ? `${dir.path}/${k.name}` : k.name, dir, t);
    const alias = aliases[i] as (typeof aliases)[number];
    item.name11 = alias.name11;
    item.ntFlags = alias.ntFlags;
    item.longName = alias.longNameEntries ? k.name : undefined;
    entries += 1 + alias.longNameEntries;
    (dir.children as FatItem[]).push(item);
  });
  return entries;
}

export function planFatVolume(tree: TreeNode, opts: FatVolumeOptions): FatVolumeLayout {
  return layoutOf(planFat(tree, opts));
}

function options(tree: TreeNode, opts: FatVolumeOptions) {
  if (opts.bytesPerSector !== undefined && opts.bytesPerSector !== FAT_SECTOR_BYTES) {
    throw new IsoKitError(ErrorCode.UNSUPPORTED, `FAT volumes with ${String(opts.bytesPerSector)}-byte sectors: only 512 is supported`);
  }
  if (tree.kind !== 'dir') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'the tree of a FAT volume must be a directory');
  if (opts.dateMs !== undefined && !Number.isFinite(opts.dateMs)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'dateMs is not a valid time');
  const tz = opts.timeZoneOffsetMinutes ?? 0;
  if (!Number.isInteger(tz) || Math.abs(tz) > 24 * 60) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `time zone offset ${tz} minutes`);
  const dateMs = opts.dateMs ?? newestMtime(tree) ?? Date.UTC(1980, 0, 1);
  const label = sanitizeFatLabel(opts.label ?? '');
  const serial = opts.volumeSerial ?? (dosSerial(dateMs) ^ crc32(encodeUtf8(label))) >>> 0;
  if (!Number.isInteger(serial) || serial < 0 || serial > 0xffffffff) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `volume serial ${serial}`);
  return { dateMs, label, serial, tz, clamp: opts.clampTimes ?? opts.dateMs !== undefined, oemName: (opts.oemName ?? 'MSWIN4.1').slice(0, 8) };
}

/** Assign cluster runs in order; returns the clusters used. */
function allocate(items: readonly FatItem[], clusterBytes: number): number {
  let next = 2;
  for (const it of items) {
    it.clusterCount = it.isDir ? Math.max(1, Math.ceil(it.byteLength / clusterBytes)) : Math.ceil(it.byteLength / clusterBytes);
    it.firstCluster = it.clusterCount ? next : 0;
    next += it.clusterCount;
  }
  return next - 2;
}

export function planFat(tree: TreeNode, opts: FatVolumeOptions): FatPlan & { findings: Findings } {
  const o = options(tree, opts);
  const findings = new Findings();
  const t: TimeContext = { dateMs: o.dateMs, clamp: o.clamp, tz: o.tz, findings };
  const root = makeItem(tree, '', undefined, t);
  const dirs: FatItem[] = [root];
  const files: FatItem[] = [];
  for (let i = 0; i < dirs.length; i++) {
    const d = dirs[i] as FatItem;
    const entries = planChildren(d, t) + (d === root && o.label ? 1 : 0);
    if (entries > FAT_MAX_DIRECTORY_ENTRIES) fail(d.path, `${entries} directory entries: a FAT directory holds at most ${FAT_MAX_DIRECTORY_ENTRIES} (long names take 1 entry per 13 characters)`);
    d.byteLength = entries * 32;
    for (const k of d.children as FatItem[]) (k.isDir ? dirs : files).push(k);
  }
  const hiddenSectors = opts.hiddenSectors ?? 0;
  const geometry = planFat32Geometry(opts.sectorCount, hiddenSectors, opts.clusterByteLength);
  const items = [...dirs, ...files];
  const usedClusters = allocate(items, geometry.clusterByteLength);
  if (usedClusters > geometry.clusterCount) {
    const more = (usedClusters - geometry.clusterCount) * geometry.clusterByteLength;
    throw new IsoKitError(ErrorCode.NO_SPACE, `the tree needs ${usedClusters} clusters of ${geometry.clusterByteLength} bytes (${usedClusters * geometry.clusterByteLength} bytes) but the FAT32 volume of ${opts.sectorCount} sectors has ${geometry.clusterCount}: ${more} bytes (${Math.ceil(more / FAT_SECTOR_BYTES)} sectors) more are needed`, {
      structure: 'FatVolume', data: { neededClusters: usedClusters, clusterCount: geometry.clusterCount, clusterByteLength: geometry.clusterByteLength, missingByteLength: more },
    });
  }
  const label = encodeFatTime(o.dateMs, o.tz);
  return {
    geometry, root, items, usedClusters, label: o.label, volumeSerial: o.serial, oemName: o.oemName, hiddenSectors,
    dateMs: o.dateMs, labelTimes: [label.date, label.time], findings,
  };
}

function layoutOf(plan: FatPlan & { findings: Findings }): FatVolumeLayout {
  const g = plan.geometry;
  const fatBytes = g.sectorsPerFat * FAT_SECTOR_BYTES;
  const reservedBytes = g.reservedSectorCount * FAT_SECTOR_BYTES;
  const byteLength = g.sectorCount * FAT_SECTOR_BYTES;
  const dataByteOffset = g.dataSector * FAT_SECTOR_BYTES;
  const sections: FatSection[] = [
    { name: 'reserved', byteOffset: 0, byteLength: reservedBytes },
    { name: 'fat1', byteOffset: reservedBytes, byteLength: fatBytes },
    { name: 'fat2', byteOffset: reservedBytes + fatBytes, byteLength: fatBytes },
    { name: 'data', byteOffset: dataByteOffset, byteLength: byteLength - dataByteOffset },
  ];
  let files = 0;
  let dataBytes = 0;
  for (const it of plan.items) if (!it.isDir) {
    files++;
    dataBytes += it.byteLength;
  }
  const stats: FatVolumeStats = { files, directories: plan.items.length - files, dataBytes, freeClusters: g.clusterCount - plan.usedClusters };
  const usedByteLength = dataByteOffset + plan.usedClusters * g.clusterByteLength;
  return {
    byteLength, usedByteLength, clusterByteLength: g.clusterByteLength, clusterCount: g.clusterCount, sections, stats,
    volumeSerial: plan.volumeSerial, label: plan.label, findings: plan.findings.toArray(),
    emit: (opts = {}) => emitFatVolume(plan, opts),
    emitInto: (out, opts = {}) => emitFatVolume(plan, opts, out),
  };
}
