/**
 * Building the model tree of one namespace (plain ISO 9660, Joliet, or Rock Ridge over the ISO 9660
 * records) from the directory hierarchy (ECMA-119 6.8). Breadth-first, a few directories read at a time,
 * each directory extent in one read. Everything is bounded: each directory extent is visited once (loops
 * and shared directories become findings), depth and the total number of records are capped.
 *
 * Rock Ridge relocation (RRIP 4.1.5): a CL placeholder shows the relocated directory where it belongs; the
 * RE-marked original in rr_moved is hidden; rr_moved itself stays visible (as xorriso and Linux show it).
 */
import type { Findings } from '../errors/index.js';
import { throwIfAborted, type ByteSource } from '../io/index.js';
import { kindFromMode, type ImageExtent, type NodeKind, type TreeNode } from '../model/index.js';
import { DirFlag, SECTOR_SIZE, decodeIsoFileIdentifier, parseDirectoryRecord, type DirectoryRecord } from '../formats/iso9660/index.js';
import { decodeJolietName } from '../formats/joliet/index.js';
import type { RockRidgeInfo } from '../formats/rockridge/index.js';
import { extentsContent } from './content.js';
import { parseDirectoryExtent, readDirectoryExtent, type DirEntry } from './directory.js';
import { readRockRidgeBatch, type SuspReadContext } from './rock-ridge.js';
import { zisofsContent } from './zisofs.js';

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
/** Directories read concurrently. */
const CONCURRENCY = 16;

interface Job {
  node: TreeNode;
  lba: number;
  /** undefined for a CL target: taken from its "." record */
  dataLength: number | undefined;
  depth: number;
  recordByteOffset: number;
}

interface Ctx extends SuspReadContext {
  readonly opts: TreeBuildOptions;
  readonly visited: Set<number>;
  readonly budget: { records: number };
  readonly stats: TreeStats;
}

/** Build the tree below `rootRecord` (the volume descriptor's root directory record). */
export async function buildTree(opts: TreeBuildOptions, rootRecord: DirectoryRecord): Promise<{ root: TreeNode; stats: TreeStats }> {
  const ctx: Ctx = {
    source: opts.source,
    findings: opts.findings,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ceCache: new Map(),
    opts,
    visited: new Set([rootRecord.lba]),
    // generous: a real image has far fewer records than bytes/34
    budget: { records: Math.max(1_000_000, Math.ceil(opts.source.byteLength / 32)) },
    stats: { multiExtent: false, longNames: false, nodeCount: 1 },
  };
  const root: TreeNode = { name: '', kind: 'dir', size: 0, children: [], extents: [{ lba: rootRecord.lba, byteLength: rootRecord.dataLength }] };
  if (rootRecord.recordedAtMs !== undefined) root.mtimeMs = rootRecord.recordedAtMs;
  if (opts.mode === 'rockridge' && opts.rootInfo) applyRockRidge(root, opts.rootInfo);
  let frontier: Job[] = [{ node: root, lba: rootRecord.lba, dataLength: rootRecord.dataLength, depth: 0, recordByteOffset: rootRecord.byteOffset }];
  while (frontier.length) {
    throwIfAborted(opts.signal);
    const next: Job[] = [];
    for (let i = 0; i < frontier.length; i += CONCURRENCY) {
      await Promise.all(frontier.slice(i, i + CONCURRENCY).map((job) => readDirectory(ctx, job, next)));
    }
    frontier = next;
  }
  return { root, stats: ctx.stats };
}

/** Length of a directory known only by its LBA (a CL target): its "." record says. */
async function selfLength(ctx: Ctx, job: Job): Promise<number | undefined> {
  const first = await readDirectoryExtent(ctx.source, job.lba, SECTOR_SIZE, ctx.findings, job.recordByteOffset, ctx.signal);
  const self = first ? parseDirectoryRecord(first, 0, job.lba * SECTOR_SIZE, ctx.findings) : undefined;
  if (!self || self.identifier.length !== 1 || self.identifier[0] !== 0) {
    ctx.findings.error('RR_CL_TARGET', `CL entry points at LBA ${job.lba}, which holds no directory`, job.recordByteOffset, 'RockRidge CL');
    return undefined;
  }
  return self.dataLength;
}

async function readDirectory(ctx: Ctx, job: Job, next: Job[]): Promise<void> {
  const dataLength = job.dataLength ?? (await selfLength(ctx, job));
  if (dataLength === undefined) return;
  const bytes = await readDirectoryExtent(ctx.source, job.lba, dataLength, ctx.findings, job.recordByteOffset, ctx.signal);
  if (!bytes) return;
  const parsed = parseDirectoryExtent(bytes, job.lba * SECTOR_SIZE, ctx.findings, ctx.budget);
  const rr = ctx.opts.mode === 'rockridge' ? await readRockRidgeBatch(ctx, parsed.entries.map((e) => e.record), ctx.opts.lenSkp ?? 0) : undefined;
  const children = job.node.children as TreeNode[];
  const names = new Set<string>();
  for (let i = 0; i < parsed.entries.length; i++) {
    const entry = parsed.entries[i] as DirEntry;
    const info = rr?.[i];
    if (info?.relocated) continue; // RE: shown where its CL placeholder is
    const made = makeNode(ctx, entry, info);
    if (names.has(made.node.name)) {
      ctx.findings.warn('DUPLICATE_NAME', `"${made.node.name}" appears twice in one directory`, entry.record.byteOffset, 'DirectoryRecord');
    }
    names.add(made.node.name);
    children.push(made.node);
    ctx.stats.nodeCount++;
    if (made.dir) queueDirectory(ctx, job, made.node, made.dir, entry.record.byteOffset, next);
  }
}

function queueDirectory(ctx: Ctx, parent: Job, node: TreeNode, dir: { lba: number; dataLength: number | undefined }, recordByteOffset: number, next: Job[]): void {
  if (ctx.visited.has(dir.lba)) {
    ctx.findings.error('DIRECTORY_LOOP', `directory "${node.name}" points at LBA ${dir.lba}, a directory already listed (loop or shared directory; shown empty)`, recordByteOffset, 'DirectoryRecord');
    return;
  }
  if (parent.depth + 1 >= MAX_TREE_DEPTH) {
    ctx.findings.error('TREE_TOO_DEEP', `directories nested deeper than ${MAX_TREE_DEPTH} levels are not listed`, recordByteOffset, 'DirectoryRecord');
    return;
  }
  ctx.visited.add(dir.lba);
  next.push({ node, lba: dir.lba, dataLength: dir.dataLength, depth: parent.depth + 1, recordByteOffset });
}

const badName = (n: string | undefined): boolean => !n || n === '.' || n === '..' || n.includes('/') || n.includes('\0');

/** The node's name in this tree and, for Rock Ridge, the underlying ISO 9660 name. */
function nodeNames(ctx: Ctx, entry: DirEntry, info: RockRidgeInfo | undefined): { name: string; isoName: string | undefined } {
  const id = entry.record.identifier;
  const mode = ctx.opts.mode;
  if (mode === 'joliet') return { name: usableName(ctx, entry, decodeJolietName(id)), isoName: undefined };
  const isoName = decodeIsoFileIdentifier(id);
  if (!ctx.stats.longNames) noteIsoLevel(ctx.stats, isoName, (entry.flags & DirFlag.DIRECTORY) !== 0);
  let name = isoName;
  if (mode === 'rockridge' && info?.name !== undefined) {
    if (badName(info.name)) ctx.findings.warn('RR_BAD_NAME', `Rock Ridge name ${JSON.stringify(info.name)} is not usable; using the ISO 9660 name`, entry.record.byteOffset, 'RockRidge NM');
    else name = info.name;
  }
  return { name: usableName(ctx, entry, name), isoName };
}

function usableName(ctx: Ctx, entry: DirEntry, name: string): string {
  if (!badName(name)) return name;
  ctx.findings.warn('BAD_NAME', `file identifier ${JSON.stringify(name)} is not usable as a name`, entry.record.byteOffset, 'DirectoryRecord');
  let n = (name || '_').replace(/[/\0]/g, '_');
  if (n === '.' || n === '..') n = `_${n}`;
  return n;
}

function noteIsoLevel(stats: TreeStats, name: string, isDir: boolean): void {
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
    ctx.findings.warn('RR_TYPE_MISMATCH', `Rock Ridge says ${rrKind} but the directory record says ${isoDir ? 'directory' : 'file'}`, entry.record.byteOffset, 'RockRidge PX');
    return isoDir ? 'dir' : 'file';
  }
  return rrKind;
}

/** One node; built as one object literal per namespace (a stable shape keeps large listings fast). */
function makeNode(ctx: Ctx, entry: DirEntry, info: RockRidgeInfo | undefined): { node: TreeNode; dir?: { lba: number; dataLength: number | undefined } } {
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
      ctx.findings.error('EXTENT_BEYOND_END', `file extent at LBA ${e.lba} (${e.byteLength} bytes) runs past the end of the image`, entry.record.byteOffset, 'DirectoryRecord');
      return;
    }
  }
}

function applyRockRidge(node: TreeNode, info: RockRidgeInfo): void {
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
