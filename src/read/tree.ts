/**
 * Building the model tree of one namespace (plain ISO 9660, Joliet, or Rock Ridge over the ISO 9660
 * records) from the directory hierarchy (ECMA-119 6.8). Breadth-first, a few directories read at a time,
 * each directory extent in one read. Everything is bounded: each directory extent is visited once (loops
 * and shared directories become findings), depth and the total number of records are capped.
 * Clean directories are read by the fast path (fast-tree.ts); the rest, and anything it declines, here.
 *
 * Rock Ridge relocation (RRIP 4.1.5): a CL placeholder shows the relocated directory where it belongs; the
 * RE-marked original in rr_moved is hidden; rr_moved itself stays visible (as xorriso and Linux show it).
 */
import { NameDecoder } from '../bytes/index.js';
import { throwIfAborted, type ByteSource } from '../io/index.js';
import type { TreeNode } from '../model/index.js';
import { SECTOR_SIZE, parseDirectoryRecord, type DirectoryRecord } from '../formats/iso9660/index.js';
import { parseDirectoryExtent, readDirectoryExtent, type DirEntry } from './directory.js';
import { fastPathSettings } from './fast-directory.js';
import { fastReadDirectory } from './fast-tree.js';
import { readRockRidgeBatch } from './rock-ridge.js';
import { applyRockRidge, makeNode, queueDirectory, type Ctx, type Job, type TreeBuildOptions, type TreeStats } from './tree-nodes.js';
import { FindingCode } from '../errors/index.js';

export { MAX_TREE_DEPTH, type Ctx, type Job, type TreeBuildOptions, type TreeMode, type TreeStats } from './tree-nodes.js';

/** Directories read concurrently. */
const CONCURRENCY = 16;

/** The reading context and root node of a tree below `rootRecord` (shared by `buildTree` and the streaming walk). */
export function startTree(opts: TreeBuildOptions, rootRecord: DirectoryRecord): { ctx: Ctx; root: TreeNode; rootJob: Job } {
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
    nameDecoder: new NameDecoder(),
  };
  const root: TreeNode = { name: '', kind: 'dir', size: 0, children: [], extents: [{ lba: rootRecord.lba, byteLength: rootRecord.dataLength }] };
  if (rootRecord.recordedAtMs !== undefined) root.mtimeMs = rootRecord.recordedAtMs;
  if (opts.mode === 'rockridge' && opts.rootInfo) applyRockRidge(root, opts.rootInfo);
  return { ctx, root, rootJob: { node: root, lba: rootRecord.lba, dataLength: rootRecord.dataLength, depth: 0, recordByteOffset: rootRecord.byteOffset } };
}

/** Build the tree below `rootRecord` (the volume descriptor's root directory record). */
export async function buildTree(opts: TreeBuildOptions, rootRecord: DirectoryRecord): Promise<{ root: TreeNode; stats: TreeStats }> {
  const { ctx, root, rootJob } = startTree(opts, rootRecord);
  let frontier: Job[] = [rootJob];
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
async function selfLength(ctx: Ctx, job: Job, reader: ByteSource): Promise<number | undefined> {
  const first = await readDirectoryExtent(reader, job.lba, SECTOR_SIZE, ctx.findings, job.recordByteOffset, ctx.signal);
  const self = first ? parseDirectoryRecord(first, 0, job.lba * SECTOR_SIZE, ctx.findings) : undefined;
  if (!self || self.identifier.length !== 1 || self.identifier[0] !== 0) {
    ctx.findings.error(FindingCode.RR_CL_TARGET, `CL entry points at LBA ${job.lba}, which holds no directory`, job.recordByteOffset, 'RockRidge CL');
    return undefined;
  }
  return self.dataLength;
}

/** Read one directory: its nodes are appended to `job.node.children`, its subdirectories to `next`. */
async function readDirectory(ctx: Ctx, job: Job, next: Job[]): Promise<void> {
  const bytes = await readDirectoryBytes(ctx, job);
  if (bytes) await addDirectoryNodes(ctx, job, bytes, next);
}

/**
 * The extent of the directory `job` stands for (undefined, with a finding, when it cannot be read).
 * `reader` reads it (default: the tree's source; the streaming walk passes one that reads ahead).
 */
export async function readDirectoryBytes(ctx: Ctx, job: Job, reader: ByteSource = ctx.source): Promise<Uint8Array | undefined> {
  const dataLength = job.dataLength ?? (await selfLength(ctx, job, reader));
  if (dataLength === undefined) return undefined;
  return readDirectoryExtent(reader, job.lba, dataLength, ctx.findings, job.recordByteOffset, ctx.signal);
}

/** The nodes of one directory extent, appended to `job.node.children`; its subdirectories are queued on `next`. */
export async function addDirectoryNodes(ctx: Ctx, job: Job, bytes: Uint8Array, next: Job[]): Promise<void> {
  if (fastPathSettings.enabled && fastReadDirectory(ctx, job, bytes, next)) return;
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
      ctx.findings.warn(FindingCode.DUPLICATE_NAME, `"${made.node.name}" appears twice in one directory`, entry.record.byteOffset, 'DirectoryRecord');
    }
    names.add(made.node.name);
    children.push(made.node);
    ctx.stats.nodeCount++;
    if (made.dir) queueDirectory(ctx, job, made.node, made.dir, entry.record.byteOffset, next);
  }
}
