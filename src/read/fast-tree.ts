/**
 * The fast path of the tree reader: the nodes of one directory built straight from its extent buffer
 * (`DirectoryCursor`), committed only when the directory is clean. It gives exactly the nodes the generic
 * path (tree.ts `readDirectory`) gives, or declines (returns false, having changed nothing) so that the
 * generic path reads the directory and reports whatever is unusual. A record whose Rock Ridge entries the
 * cursor leaves to the generic code (SL, PN, ZF, RE, CL, …) is interpreted here with that code; a finding
 * on the way makes the whole directory go the generic way (so findings come from one place, in order).
 */
import { Findings } from '../errors/index.js';
import type { ByteSource } from '../io/index.js';
import { kindFromMode, type NodeKind, type TreeNode } from '../model/index.js';
import { DirFlag, SECTOR_SIZE, isoFileIdentifierDisplayLength, parseDirectoryRecord, type DirectoryRecord } from '../formats/iso9660/index.js';
import { decodeJolietName } from '../formats/joliet/index.js';
import { interpretRockRidge } from '../formats/rockridge/interpret.js';
import { parseSuspArea } from '../formats/rockridge/susp.js';
import { extentsContent } from './content.js';
import type { DirEntry } from './directory.js';
import { DirectoryCursor, Step, fastPathSettings } from './fast-directory.js';
import { badName, makeNode, noteIsoLevel, queueDirectory, type Ctx, type Job } from './tree-nodes.js';

export interface PendingDir {
  readonly index: number;
  readonly lba: number;
  readonly dataLength: number | undefined;
  readonly recordByteOffset: number;
}

/** Names seen in the directory being read (reused: the fast path never awaits). */
const seen = new Set<string>();
/** Returned by the per-record helpers: the record is relocated (RE) and not shown here. */
export const SKIP = 1;

/** Read one directory's entries into `job.node.children`; false (and nothing changed) to leave it to the generic path. */
export function fastReadDirectory(ctx: Ctx, job: Job, bytes: Uint8Array, next: Job[]): boolean {
  if (readNodes(ctx, job, bytes, next)) {
    fastPathSettings.directories++;
    return true;
  }
  fastPathSettings.declined++;
  return false;
}

function readNodes(ctx: Ctx, job: Job, bytes: Uint8Array, next: Job[]): boolean {
  const rr = ctx.opts.mode === 'rockridge';
  const cur = new DirectoryCursor(bytes, rr, rr ? (ctx.opts.lenSkp ?? 0) : 0);
  const made: TreeNode[] = [];
  const dirs: PendingDir[] = [];
  seen.clear();
  const scratch = { findings: undefined as Findings | undefined };
  try {
    for (;;) {
      const step = cur.next();
      if (step === Step.END) break;
      if (step === Step.BAIL) return false;
      const at = job.lba * SECTOR_SIZE + cur.at;
      let node: TreeNode | undefined;
      if (cur.generic) {
        const r = genericRecord(ctx, cur, bytes, at, scratch, dirs, made.length);
        if (r === SKIP) continue;
        node = r;
      } else {
        node = fastNode(ctx, cur, bytes);
        if (node?.kind === 'dir') dirs.push({ index: made.length, lba: cur.lba, dataLength: cur.dataLength, recordByteOffset: at });
      }
      if (!node || seen.has(node.name)) return false;
      seen.add(node.name);
      made.push(node);
    }
  } finally {
    seen.clear();
  }
  if (ctx.budget.records - cur.records < 0) return false;
  ctx.budget.records -= cur.records;
  const children = job.node.children as TreeNode[];
  let d = 0;
  for (let i = 0; i < made.length; i++) {
    const node = made[i] as TreeNode;
    children.push(node);
    ctx.stats.nodeCount++;
    const dir = dirs[d];
    if (dir?.index === i) {
      d++;
      queueDirectory(ctx, job, node, dir, dir.recordByteOffset, next);
    }
  }
  return true;
}

/** The node of a record the cursor read completely; undefined when the generic path would report something. */
function fastNode(ctx: Ctx, cur: DirectoryCursor, bytes: Uint8Array): TreeNode | undefined {
  const isoDir = (cur.flags & DirFlag.DIRECTORY) !== 0;
  let kind: NodeKind = isoDir ? 'dir' : 'file';
  if (cur.hasPx) {
    const rrKind = kindFromMode(cur.mode);
    if (rrKind !== undefined) {
      if (isoDir !== (rrKind === 'dir')) return undefined;
      kind = rrKind;
    }
  }
  const mode = ctx.opts.mode;
  let name: string;
  let names: TreeNode['names'];
  if (mode === 'joliet') {
    name = decodeJolietName(bytes.subarray(cur.idStart, cur.idStart + cur.idLength));
    names = { joliet: name };
  } else {
    const dec = ctx.nameDecoder;
    const isoName = dec.decode(bytes, cur.idStart, cur.idStart + isoFileIdentifierDisplayLength(bytes, cur.idStart, cur.idLength));
    if (!ctx.stats.longNames) noteIsoLevel(ctx.stats, isoName, isoDir);
    name = cur.nameStart >= 0 ? dec.decode(bytes, cur.nameStart, cur.nameStart + cur.nameLength) : isoName;
    names = mode === 'rockridge' ? { iso9660: isoName, rockridge: name } : { iso9660: name };
  }
  if (badName(name)) return undefined;
  if (kind === 'file' && (cur.dataLength === 0 || cur.lba * SECTOR_SIZE + cur.dataLength <= ctx.source.byteLength)) {
    const node = commonFileNode(cur, name, names, ctx.source);
    if (node) return node;
  }
  // the same shapes and property order as makeNode (tree-nodes.ts)
  const node: TreeNode = cur.hasPx
    ? { name, names, kind, size: 0, mode: cur.mode, uid: cur.uid, gid: cur.gid, nlink: cur.nlink }
    : { name, names, kind, size: 0 };
  const mtimeMs = cur.mtimeMs ?? cur.recordedAtMs;
  if (mtimeMs !== undefined) node.mtimeMs = mtimeMs;
  if (cur.ino !== undefined) node.ino = cur.ino;
  if (cur.atimeMs !== undefined) node.atimeMs = cur.atimeMs;
  if (cur.ctimeMs !== undefined) node.ctimeMs = cur.ctimeMs;
  if (cur.birthtimeMs !== undefined) node.birthtimeMs = cur.birthtimeMs;
  if (cur.flags & (DirFlag.HIDDEN | DirFlag.ASSOCIATED)) {
    if (cur.flags & DirFlag.HIDDEN) node.hidden = true;
    if (cur.flags & DirFlag.ASSOCIATED) node.associated = true;
  }
  const extents = [{ lba: cur.lba, byteLength: cur.dataLength }];
  if (kind === 'dir') {
    node.children = [];
    node.extents = extents;
    return node;
  }
  if (kind !== 'file') return node;
  if (cur.dataLength > 0 && cur.lba * SECTOR_SIZE + cur.dataLength > ctx.source.byteLength) return undefined;
  node.extents = extents;
  node.content = extentsContent(ctx.source, extents);
  node.size = cur.dataLength;
  return node;
}

/** A record with Rock Ridge entries only the generic code interprets: that code, with findings kept aside. */
export function genericRecord(
  ctx: Ctx, cur: DirectoryCursor, bytes: Uint8Array, at: number, scratch: { findings: Findings | undefined }, dirs: PendingDir[], index: number,
): TreeNode | typeof SKIP | undefined {
  const findings = (scratch.findings ??= new Findings(false));
  const r = parseDirectoryRecord(bytes, cur.at, at, findings) as DirectoryRecord;
  const skip = ctx.opts.lenSkp ?? 0;
  const area = parseSuspArea(r.systemUse.subarray(skip), r.byteOffset + r.recordLength - r.systemUse.length + skip, findings);
  if (area.continuation || findings.list.length) return undefined;
  const info = area.entries.length ? interpretRockRidge(area.entries, findings, r.byteOffset) : undefined;
  if (findings.list.length) return undefined;
  if (info?.relocated) return SKIP;
  const entry: DirEntry = { record: r, flags: r.flags, extents: [{ lba: r.lba, byteLength: r.dataLength }], size: r.dataLength };
  const made = makeNode({ ...ctx, findings }, entry, info);
  if (findings.list.length) return undefined;
  if (made.dir) dirs.push({ index, lba: made.dir.lba, dataLength: made.dir.dataLength, recordByteOffset: at });
  return made.node;
}

/**
 * The most common node of a Rock Ridge tree (a regular file with PX and TF modify/access/attributes times)
 * as one object literal: the property order makeNode gives it, all properties stored in the object.
 */
function commonFileNode(cur: DirectoryCursor, name: string, names: TreeNode['names'], source: ByteSource): TreeNode | undefined {
  const { mtimeMs, atimeMs, ctimeMs } = cur;
  if (!cur.hasPx || mtimeMs === undefined || atimeMs === undefined || ctimeMs === undefined) return undefined;
  if (cur.ino !== undefined || cur.birthtimeMs !== undefined || cur.flags & (DirFlag.HIDDEN | DirFlag.ASSOCIATED)) return undefined;
  const extents = [{ lba: cur.lba, byteLength: cur.dataLength }];
  return {
    name, names, kind: 'file', size: cur.dataLength, mode: cur.mode, uid: cur.uid, gid: cur.gid, nlink: cur.nlink,
    mtimeMs, atimeMs, ctimeMs, extents, content: extentsContent(source, extents),
  };
}
