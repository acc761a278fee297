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
import { throwIfAborted } from '../io/index.js';
import type { TreeNode } from '../model/index.js';
import { SECTOR_SIZE, parseDirectoryRecord, type DirectoryRecord } from '../formats/iso9660/index.js';
import { parseDirectoryExtent, readDirectoryExtent, type DirEntry } from './directory.js';
import { fastPathSettings } from './fast-directory.js';
import { fastReadDirectory } from './fast-tree.js';
import { readRockRidgeBatch } from './rock-ridge.js';
import { applyRockRidge, makeNode, queueDirectory, type Ctx, type Job, type TreeBuildOptions, type TreeStats } from './tree-nodes.js';

export { MAX_TREE_DEPTH, type TreeBuildOptions, type TreeMode, type TreeStats } from './tree-nodes.js';

/** Directories read concurrently. */
const CONCURRENCY = 16;

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
    nameDecoder: new NameDecoder(),
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
      ctx.findings.warn('DUPLICATE_NAME', `"${made.node.name}" appears twice in one directory`, entry.record.byteOffset, 'DirectoryRecord');
    }
    names.add(made.node.name);
    children.push(made.node);
    ctx.stats.nodeCount++;
    if (made.dir) queueDirectory(ctx, job, made.node, made.dir, entry.record.byteOffset, next);
  }
}
