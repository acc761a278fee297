/**
 * The model nodes of ISO 9660 directory records (plain ISO 9660, Joliet, or Rock Ridge over the ISO 9660
 * records): name per namespace, kind from Rock Ridge PX or the directory flag, dates, extents, content.
 * One builder for every reader of ISO trees (the whole tree, the streaming walk, listings).
 */
import type { NameDecoder } from '../../bytes/index.js';
import { FindingCode, type Findings } from '../../errors/index.js';
import type { ByteSource } from '../../io/index.js';
import { kindFromMode, type ImageExtent, type NodeKind, type TreeNode } from '../../model/index.js';
import { DirFlag, SECTOR_SIZE, isoFileIdentifierDisplayLength } from '../../formats/iso9660/index.js';
import { decodeJolietName } from '../../formats/joliet/index.js';
import type { RockRidgeInfo } from '../../formats/rockridge/interpret.js';
import { extentsContent } from '../content.js';
import { zisofsContent } from '../zisofs.js';
import { badName, replacementName } from '../names.js';

export type TreeMode = 'iso9660' | 'joliet' | 'rockridge';

export interface TreeStats {
  /** a multi-extent file was seen (ISO 9660 level 3) */
  multiExtent: boolean;
  /** an identifier longer than 8.3 (files) / 8 (directories) was seen (level 2) */
  longNames: boolean;
  nodeCount: number;
}

/** What a record says, as the cursor read it (kept apart only for records whose Rock Ridge waits for CE). */
export interface RecordFacts {
  readonly byteOffset: number;
  readonly lba: number;
  readonly dataLength: number;
  readonly size: number;
  readonly recordedAtMs: number | undefined;
  readonly flags: number;
  readonly idStart: number;
  readonly idLength: number;
  readonly extentLbas: readonly number[] | undefined;
  readonly extentLengths: readonly number[] | undefined;
}

export interface NodeContext {
  readonly source: ByteSource;
  readonly findings: Findings;
  readonly mode: TreeMode;
  readonly stats: TreeStats;
  readonly nameDecoder: NameDecoder;
  /** listing mode: no content, no extents (and Rock Ridge decodes only the modify time) */
  readonly lean: boolean;
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

function usableName(ctx: NodeContext, byteOffset: number, name: string): string {
  if (!badName(name)) return name;
  ctx.findings.warn(FindingCode.BAD_NAME, `file identifier ${JSON.stringify(name)} is not usable as a name`, byteOffset, 'DirectoryRecord');
  return replacementName(name);
}

/** The node's name in this tree and, for Rock Ridge, the underlying ISO 9660 name (not in listing mode). */
export function nodeNames(ctx: NodeContext, bytes: Uint8Array, r: RecordFacts, info: RockRidgeInfo | undefined): { name: string; names: TreeNode['names'] } {
  if (ctx.mode === 'joliet') {
    const name = usableName(ctx, r.byteOffset, decodeJolietName(bytes.subarray(r.idStart, r.idStart + r.idLength)));
    return { name, names: ctx.lean ? undefined : { joliet: name } };
  }
  if (ctx.lean && info?.name !== undefined && !badName(info.name)) return { name: info.name, names: undefined };
  const isoName = ctx.nameDecoder.decode(bytes, r.idStart, r.idStart + isoFileIdentifierDisplayLength(bytes, r.idStart, r.idLength));
  if (!ctx.stats.longNames) noteIsoLevel(ctx.stats, isoName, (r.flags & DirFlag.DIRECTORY) !== 0);
  let name = isoName;
  if (ctx.mode === 'rockridge' && info?.name !== undefined) {
    if (badName(info.name)) ctx.findings.warn(FindingCode.RR_BAD_NAME, `Rock Ridge name ${JSON.stringify(info.name)} is not usable; using the ISO 9660 name`, r.byteOffset, 'RockRidge NM');
    else name = info.name;
  }
  name = usableName(ctx, r.byteOffset, name);
  if (ctx.lean) return { name, names: undefined };
  return { name, names: ctx.mode === 'rockridge' ? { iso9660: isoName, rockridge: name } : { iso9660: name } };
}

export function kindOf(ctx: NodeContext, r: RecordFacts, info: RockRidgeInfo | undefined): NodeKind {
  const isoDir = (r.flags & DirFlag.DIRECTORY) !== 0;
  if (info === undefined) return isoDir ? 'dir' : 'file';
  if (info.childLinkLba !== undefined) return 'dir';
  const rrKind = info.mode !== undefined ? kindFromMode(info.mode) : undefined;
  if (rrKind === undefined) return isoDir ? 'dir' : 'file';
  if (isoDir !== (rrKind === 'dir')) {
    ctx.findings.warn(FindingCode.RR_TYPE_MISMATCH, `Rock Ridge says ${rrKind} but the directory record says ${isoDir ? 'directory' : 'file'}`, r.byteOffset, 'RockRidge PX');
    return isoDir ? 'dir' : 'file';
  }
  return rrKind;
}

function extentsOf(r: RecordFacts): ImageExtent[] {
  if (!r.extentLbas) return [{ lba: r.lba, byteLength: r.dataLength }];
  return r.extentLbas.map((lba, i) => ({ lba, byteLength: (r.extentLengths as readonly number[])[i] as number }));
}

/** Where a directory node's records are: its extent, or (a CL placeholder) only its LBA. */
export interface DirectoryPlace {
  readonly lba: number;
  readonly dataLength: number | undefined;
}

/** One node; built as one object literal per shape (a stable shape keeps large listings fast). */
export function makeNode(ctx: NodeContext, bytes: Uint8Array, r: RecordFacts, info: RockRidgeInfo | undefined): { node: TreeNode; dir?: DirectoryPlace } {
  const kind = kindOf(ctx, r, info);
  const { name, names } = nodeNames(ctx, bytes, r, info);
  // PX sets mode, nlink, uid and gid together; one object literal per shape
  let node: TreeNode;
  if (names) {
    node = info?.mode !== undefined
      ? { name, names, kind, size: 0, mode: info.mode, uid: info.uid as number, gid: info.gid as number, nlink: info.nlink as number }
      : { name, names, kind, size: 0 };
  } else {
    node = info?.mode !== undefined
      ? { name, kind, size: 0, mode: info.mode, uid: info.uid as number, gid: info.gid as number, nlink: info.nlink as number }
      : { name, kind, size: 0 };
  }
  const mtimeMs = info?.mtimeMs ?? r.recordedAtMs;
  if (mtimeMs !== undefined) node.mtimeMs = mtimeMs;
  if (info) applyRareRockRidge(node, info);
  if (r.flags & (DirFlag.HIDDEN | DirFlag.ASSOCIATED)) {
    if (r.flags & DirFlag.HIDDEN) node.hidden = true;
    if (r.flags & DirFlag.ASSOCIATED) node.associated = true;
  }
  if (kind === 'dir') {
    node.children = [];
    const dir = directoryPlace(r, info);
    if (!ctx.lean && info?.childLinkLba === undefined) node.extents = [{ lba: r.lba, byteLength: r.dataLength }];
    return { node, dir };
  }
  if (kind !== 'file') return { node };
  node.size = fileSize(ctx, r, info);
  if (ctx.lean) return { node };
  if (info?.zisofs && !r.extentLbas) {
    node.extents = extentsOf(r);
    node.content = zisofsContent([{ source: ctx.source, byteOffset: r.lba * SECTOR_SIZE, byteLength: r.dataLength }], info.zisofs);
    node.zisofs = { blockSizeLog2: info.zisofs.blockSizeLog2, storedBytes: r.size };
    return { node };
  }
  const extents = extentsOf(r);
  node.extents = extents;
  node.content = extentsContent(ctx.source, extents);
  return { node };
}

/** Where a directory record's entries are: its extent, or (a CL placeholder) only the LBA CL names. */
export function directoryPlace(r: RecordFacts, info: RockRidgeInfo | undefined): DirectoryPlace {
  return info?.childLinkLba !== undefined ? { lba: info.childLinkLba, dataLength: undefined } : { lba: r.lba, dataLength: r.dataLength };
}

/** The size a file record shows (zisofs: the uncompressed size); notes multi-extent files, checks the extents. */
export function fileSize(ctx: NodeContext, r: RecordFacts, info: RockRidgeInfo | undefined): number {
  if (r.extentLbas) ctx.stats.multiExtent = true;
  checkExtents(ctx, r);
  return info?.zisofs && !r.extentLbas ? info.zisofs.uncompressedSize : r.size;
}

function checkExtents(ctx: NodeContext, r: RecordFacts): void {
  const n = r.extentLbas ? r.extentLbas.length : 1;
  for (let i = 0; i < n; i++) {
    const lba = r.extentLbas ? (r.extentLbas[i] as number) : r.lba;
    const len = r.extentLengths ? (r.extentLengths[i] as number) : r.dataLength;
    if (len > 0 && lba * SECTOR_SIZE + len > ctx.source.byteLength) {
      ctx.findings.error(FindingCode.EXTENT_BEYOND_END, `file extent at LBA ${lba} (${len} bytes) runs past the end of the image`, r.byteOffset, 'DirectoryRecord');
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
