/**
 * The nodes of a tree read from an image: one TreeNode per directory entry (names per namespace, kind from
 * Rock Ridge PX or the directory flag, dates, extents, content), and the queue of directories to read next.
 * Shared by the generic directory reader (tree.ts) and the fast path (fast-tree.ts).
 */
import type { NameDecoder } from '../bytes/index.js';
import type { Findings } from '../errors/index.js';
import type { ByteSource } from '../io/index.js';
import { kindFromMode, type ImageExtent, type NodeKind, type TreeNode } from '../model/index.js';
import { DirFlag, SECTOR_SIZE, decodeIsoFileIdentifier } from '../formats/iso9660/index.js';
import { decodeJolietName } from '../formats/joliet/index.js';
import type { RockRidgeInfo } from '../formats/rockridge/interpret.js';
import { extentsContent } from './content.js';
import type { DirEntry } from './directory.js';
import type { SuspReadContext } from './rock-ridge.js';
import { zisofsContent } from './zisofs.js';
import { FindingCode } from '../errors/index.js';

export type TreeMode = 'iso9660' | 'joliet' | 'rockridge';

export interface TreeBuildOptions {
  readonly source: ByteSource;
  readonly findings: Findings;
  readonly mode: TreeMode;
  readonly signal?: AbortSignal;
  /** SP LEN_SKP (Rock Ridge) */
  readonly lenSkp?: number;
  /** Rock Ridge information of the root's "." record */
  readonly rootInfo?: RockRidgeInfo;
}

export interface TreeStats {
  /** a multi-extent file was seen (ISO 9660 level 3) */
  multiExtent: boolean;
  /** an identifier longer than 8.3 (files) / 8 (directories) was seen (level 2) */
  longNames: boolean;
  nodeCount: number;
}

/** Deepest directory level followed (paths are bounded far below this in practice). */
export const MAX_TREE_DEPTH = 1024;

export interface Job {
  node: TreeNode;
  lba: number;
  /** undefined for a CL target: taken from its "." record */
  dataLength: number | undefined;
  depth: number;
  recordByteOffset: number;
}

export interface Ctx extends SuspReadContext {
  readonly opts: TreeBuildOptions;
  readonly visited: Set<number>;
  readonly budget: { records: number };
  readonly stats: TreeStats;
  /** decodes (and interns) the names of the fast path */
  readonly nameDecoder: NameDecoder;
}

export function queueDirectory(ctx: Ctx, parent: Job, node: TreeNode, dir: { lba: number; dataLength: number | undefined }, recordByteOffset: number, next: Job[]): void {
  if (ctx.visited.has(dir.lba)) {
    ctx.findings.error(FindingCode.DIRECTORY_LOOP, `directory "${node.name}" points at LBA ${dir.lba}, a directory already listed (loop or shared directory; shown empty)`, recordByteOffset, 'DirectoryRecord');
    return;
  }
  if (parent.depth + 1 >= MAX_TREE_DEPTH) {
    ctx.findings.error(FindingCode.TREE_TOO_DEEP, `directories nested deeper than ${MAX_TREE_DEPTH} levels are not listed`, recordByteOffset, 'DirectoryRecord');
    return;
  }
  ctx.visited.add(dir.lba);
  next.push({ node, lba: dir.lba, dataLength: dir.dataLength, depth: parent.depth + 1, recordByteOffset });
}

export const badName = (n: string | undefined): boolean => !n || n === '.' || n === '..' || n.includes('/') || n.includes('\0');

/** The node's name in this tree and, for Rock Ridge, the underlying ISO 9660 name. */
function nodeNames(ctx: Ctx, entry: DirEntry, info: RockRidgeInfo | undefined): { name: string; isoName: string | undefined } {
  const id = entry.record.identifier;
  const mode = ctx.opts.mode;
  if (mode === 'joliet') return { name: usableName(ctx, entry, decodeJolietName(id)), isoName: undefined };
  const isoName = decodeIsoFileIdentifier(id);
  if (!ctx.stats.longNames) noteIsoLevel(ctx.stats, isoName, (entry.flags & DirFlag.DIRECTORY) !== 0);
  let name = isoName;
  if (mode === 'rockridge' && info?.name !== undefined) {
    if (badName(info.name)) ctx.findings.warn(FindingCode.RR_BAD_NAME, `Rock Ridge name ${JSON.stringify(info.name)} is not usable; using the ISO 9660 name`, entry.record.byteOffset, 'RockRidge NM');
    else name = info.name;
  }
  return { name: usableName(ctx, entry, name), isoName };
}

function usableName(ctx: Ctx, entry: DirEntry, name: string): string {
  if (!badName(name)) return name;
  ctx.findings.warn(FindingCode.BAD_NAME, `file identifier ${JSON.stringify(name)} is not usable as a name`, entry.record.byteOffset, 'DirectoryRecord');
  return replacementName(name);
}

/** The name shown for an unusable one (`badName`): '/' and NUL become '_', '.' and '..' get a '_' prefix, '' is '_'. */
export function replacementName(name: string): string {
  const n = (name || '_').replace(/[/\0]/g, '_');
  return n === '.' || n === '..' ? `_${n}` : n;
}

export function noteIsoLevel(stats: TreeStats, name: string, isDir: boolean): void {
  if (isDir) {
    if (name.length > 8) stats.longNames = true;
    return;
  }
  const dot = name.lastIndexOf('.');
  const base = dot < 0 ? name.length : dot;
  const ext = dot < 0 ? 0 : name.length - dot - 1;
  if (base > 8 || ext > 3) stats.longNames = true;
}

function kindOf(ctx: Ctx, entry: DirEntry, info: RockRidgeInfo | undefined): NodeKind {
  const isoDir = (entry.flags & DirFlag.DIRECTORY) !== 0;
  if (info === undefined) return isoDir ? 'dir' : 'file';
  if (info.childLinkLba !== undefined) return 'dir';
  const rrKind = info.mode !== undefined ? kindFromMode(info.mode) : undefined;
  if (rrKind === undefined) return isoDir ? 'dir' : 'file';
  if (isoDir !== (rrKind === 'dir')) {
    ctx.findings.warn(FindingCode.RR_TYPE_MISMATCH, `Rock Ridge says ${rrKind} but the directory record says ${isoDir ? 'directory' : 'file'}`, entry.record.byteOffset, 'RockRidge PX');
    return isoDir ? 'dir' : 'file';
  }
  return rrKind;
}

/** One node; built as one object literal per namespace (a stable shape keeps large listings fast). */
export function makeNode(ctx: Ctx, entry: DirEntry, info: RockRidgeInfo | undefined): { node: TreeNode; dir?: { lba: number; dataLength: number | undefined } } {
  const r = entry.record;
  const kind = kindOf(ctx, entry, info);
  const { name, isoName } = nodeNames(ctx, entry, info);
  const mode = ctx.opts.mode;
  const names = mode === 'joliet' ? { joliet: name } : mode === 'rockridge' ? { iso9660: isoName as string, rockridge: name } : { iso9660: name };
  // PX sets mode, nlink, uid and gid together
  const node: TreeNode = info?.mode !== undefined
    ? { name, names, kind, size: 0, mode: info.mode, uid: info.uid as number, gid: info.gid as number, nlink: info.nlink as number }
    : { name, names, kind, size: 0 };
  const mtimeMs = info?.mtimeMs ?? r.recordedAtMs;
  if (mtimeMs !== undefined) node.mtimeMs = mtimeMs;
  if (info) applyRareRockRidge(node, info);
  if (entry.flags & (DirFlag.HIDDEN | DirFlag.ASSOCIATED)) {
    if (entry.flags & DirFlag.HIDDEN) node.hidden = true;
    if (entry.flags & DirFlag.ASSOCIATED) node.associated = true;
  }
  if (kind === 'dir') {
    node.children = [];
    if (info?.childLinkLba !== undefined) return { node, dir: { lba: info.childLinkLba, dataLength: undefined } };
    node.extents = entry.extents.length === 1 ? entry.extents : entry.extents.slice(0, 1);
    return { node, dir: { lba: r.lba, dataLength: r.dataLength } };
  }
  if (kind !== 'file') return { node };
  node.extents = entry.extents;
  if (entry.extents.length > 1) ctx.stats.multiExtent = true;
  checkExtents(ctx, entry);
  if (info?.zisofs && entry.extents.length === 1) {
    const ranges = entry.extents.map((e: ImageExtent) => ({ source: ctx.source, byteOffset: e.lba * SECTOR_SIZE, byteLength: e.byteLength }));
    node.content = zisofsContent(ranges, info.zisofs);
    node.size = info.zisofs.uncompressedSize;
    node.zisofs = { blockSizeLog2: info.zisofs.blockSizeLog2, storedBytes: entry.size };
  } else {
    node.content = extentsContent(ctx.source, entry.extents);
    node.size = entry.size;
  }
  return { node };
}

function checkExtents(ctx: Ctx, entry: DirEntry): void {
  for (const e of entry.extents) {
    if (e.byteLength > 0 && e.lba * SECTOR_SIZE + e.byteLength > ctx.source.byteLength) {
      ctx.findings.error(FindingCode.EXTENT_BEYOND_END, `file extent at LBA ${e.lba} (${e.byteLength} bytes) runs past the end of the image`, entry.record.byteOffset, 'DirectoryRecord');
      return;
    }
  }
}

export function applyRockRidge(node: TreeNode, info: RockRidgeInfo): void {
  if (info.mode !== undefined) node.mode = info.mode;
  if (info.uid !== undefined) node.uid = info.uid;
  if (info.gid !== undefined) node.gid = info.gid;
  if (info.nlink !== undefined) node.nlink = info.nlink;
  if (info.mtimeMs !== undefined) node.mtimeMs = info.mtimeMs;
  applyRareRockRidge(node, info);
}

/** The Rock Ridge fields most nodes lack. */
function applyRareRockRidge(node: TreeNode, info: RockRidgeInfo): void {
  if (info.ino !== undefined) node.ino = info.ino;
  if (info.atimeMs !== undefined) node.atimeMs = info.atimeMs;
  if (info.ctimeMs !== undefined) node.ctimeMs = info.ctimeMs;
  if (info.birthtimeMs !== undefined) node.birthtimeMs = info.birthtimeMs;
  if (info.symlinkTarget !== undefined) node.symlinkTarget = info.symlinkTarget;
  if (info.device !== undefined) node.device = { major: info.device.major, minor: info.device.minor };
}
