/**
 * TreeNodes of a UDF volume: one per File Identifier Descriptor, from the File Entry it points at — kind
 * from the ICB file type, POSIX mode from the permissions and ICB flags, owner, link count, times, unique
 * id, content over the file's extents (holes read as zeros, embedded data as a range of the entry).
 */
import { FindingCode } from '../../errors/index.js';
import { ZEROS } from '../../io/index.js';
import {
  EntityIdentifier, ExtendedAttributeType, FileType, ID_NOT_RECORDED, attributeIdentifier, deviceOf, modeFromPermissions, parseExtendedAttributes,
  parsePathComponents, symlinkTargetOf, type FileEntrySummary,
} from '../../formats/udf/index.js';
import { rangesContent, typeBits, type ImageExtent, type NodeKind, type SourceRange, type TreeNode } from '../../model/index.js';
import { partitionRanges, reportOnce, type UdfContext } from './context.js';
import type { FileData, ReadEntry } from './icb.js';

const KIND_OF_TYPE: Partial<Record<number, NodeKind>> = {
  [FileType.DIRECTORY]: 'dir',
  [FileType.FILE]: 'file',
  [FileType.REAL_TIME_FILE]: 'file',
  [FileType.BLOCK_DEVICE]: 'blockdev',
  [FileType.CHARACTER_DEVICE]: 'chardev',
  [FileType.FIFO]: 'fifo',
  [FileType.SOCKET]: 'socket',
  [FileType.SYMLINK]: 'symlink',
};

/** The node kind of an ICB file type (undefined for the types no directory entry should have). */
export function kindOfFileType(fileType: number): NodeKind | undefined {
  return KIND_OF_TYPE[fileType] ?? (fileType === FileType.UNSPECIFIED ? 'file' : undefined);
}

/** The link-group key of an ICB (`udf:<partition reference>:<block>`). */
export const linkKeyOf = (entry: ReadEntry): string => `udf:${entry.ref.partitionRef}:${entry.ref.blockNumber}`;

/** Fill `node`'s attributes from its File Entry (mode, owner, links, times, unique id): the root's. */
export function applyFileEntry(node: TreeNode, fe: FileEntrySummary): void {
  node.mode = modeFromPermissions(fe.permissions, fe.icbFlags) | typeBits(node.kind);
  if (fe.uid !== ID_NOT_RECORDED) node.uid = fe.uid;
  if (fe.gid !== ID_NOT_RECORDED) node.gid = fe.gid;
  node.nlink = fe.linkCount;
  node.ino = fe.uniqueId;
  setTimes(node, fe);
  if (fe.creationMs !== undefined) node.birthtimeMs = fe.creationMs;
}

/** The extended attribute space of an entry (a view into its block). */
export const extendedAttributesOf = (entry: ReadEntry): Uint8Array =>
  entry.block.subarray(entry.fe.extendedAttributesOffset, entry.fe.extendedAttributesOffset + entry.fe.extendedAttributesLength);

/** Extended attributes and named streams are not read: say so (once per volume); device numbers are. */
export function noteExtras(ctx: UdfContext, node: TreeNode, entry: ReadEntry): void {
  const fe = entry.fe;
  if (fe.streamDirectoryIcbLength > 0) {
    reportOnce(ctx, 'streams', 'info', FindingCode.UDF_NAMED_STREAMS, `"${node.name}" has named streams; they are skipped`, entry.byteOffset, 'ExtendedFileEntry');
  }
  if (fe.extendedAttributeIcbLength > 0) {
    reportOnce(ctx, 'ea-icb', 'info', FindingCode.UDF_EXTENDED_ATTRIBUTES, `"${node.name}" has extended attributes in a separate ICB; they are skipped`, entry.byteOffset, 'FileEntry');
  }
  if (fe.extendedAttributesLength === 0) return;
  const space = parseExtendedAttributes(extendedAttributesOf(entry));
  for (const a of space.attributes) {
    const device = deviceOf(a);
    if (device && (node.kind === 'chardev' || node.kind === 'blockdev')) {
      node.device = device;
      continue;
    }
    const id = attributeIdentifier(a);
    if (id === EntityIdentifier.FREE_EA_SPACE || id === EntityIdentifier.FREE_APP_EA_SPACE) continue;
    const what = id ?? (a.type === ExtendedAttributeType.DEVICE_SPECIFICATION ? 'device specification' : `type ${a.type}`);
    reportOnce(ctx, 'ea', 'info', FindingCode.UDF_EXTENDED_ATTRIBUTES, `"${node.name}" has an extended attribute (${what}); extended attributes are skipped`, entry.byteOffset, 'ExtendedAttribute');
  }
  if (space.problem) ctx.findings.warn(FindingCode.UDF_EXTENDED_ATTRIBUTES, `extended attributes of "${node.name}": ${space.problem}`, entry.byteOffset, 'ExtendedAttribute');
}

/**
 * The content and extents of a file: its pieces through the partition views, truncated to the information
 * length (a shortfall reads as zeros, reported). Extents outside a partition or the image are reported and
 * make the content throw TRUNCATED when read (never silent zeros or foreign bytes).
 */
export function fileContent(ctx: UdfContext, name: string, entry: ReadEntry, data: FileData): { ranges: SourceRange[]; extents: ImageExtent[] } {
  const size = entry.fe.informationLength;
  const source = ctx.source;
  if (data.embedded) {
    const len = Math.min(size, data.embedded.bytes.length);
    if (len < size) ctx.findings.error(FindingCode.UDF_LENGTH, `"${name}": embedded data holds ${data.embedded.bytes.length} of ${size} bytes`, entry.byteOffset, 'FileEntry');
    const ranges: SourceRange[] = [{ source, byteOffset: data.embedded.byteOffset, byteLength: len }];
    if (len < size) ranges.push({ source: ZEROS, byteOffset: 0, byteLength: size - len });
    return { ranges, extents: [] };
  }
  const ranges: SourceRange[] = [];
  const extents: ImageExtent[] = [];
  const bs = ctx.blockSize;
  let left = size;
  let reported = false;
  const bad = (message: string, code: typeof FindingCode.UDF_EXTENT_OUTSIDE | typeof FindingCode.EXTENT_BEYOND_END) => {
    if (!reported) ctx.findings.error(code, `"${name}": ${message}`, entry.byteOffset, 'FileEntry');
    reported = true;
  };
  for (const p of data.pieces) {
    if (left <= 0) break;
    const take = Math.min(p.byteLength, left);
    left -= take;
    if (p.extentType !== 0) {
      addRange(ranges, ZEROS, 0, take);
      continue;
    }
    const rs = partitionRanges(ctx, p.partitionRef, p.blockNumber, take);
    if (!rs) {
      bad(`extent at block ${p.blockNumber} of partition ${p.partitionRef} (${take} bytes) lies outside the partition; reading the file fails`, FindingCode.UDF_EXTENT_OUTSIDE);
      addRange(ranges, source, source.byteLength, take);
      continue;
    }
    for (const r of rs) {
      if (r.byteOffset + r.byteLength > source.byteLength) bad(`extent at byte ${r.byteOffset} (${r.byteLength} bytes) runs past the end of the image`, FindingCode.EXTENT_BEYOND_END);
      addRange(ranges, source, r.byteOffset, r.byteLength);
      // one extent per allocation descriptor (as ISO 9660 multi-extent files keep one per record)
      extents.push({ lba: r.byteOffset / bs, byteLength: r.byteLength });
    }
  }
  if (left > 0) {
    ctx.findings.warn(FindingCode.UDF_LENGTH, `"${name}": extents cover ${size - left} of ${size} bytes; the rest reads as zeros`, entry.byteOffset, 'FileEntry');
    addRange(ranges, ZEROS, 0, left);
  }
  // arrays grown by push keep spare room (17 slots): a tree of 100,000 files keeps two per file
  return { ranges: ranges.length === 1 ? [ranges[0] as SourceRange] : ranges, extents: extents.length === 1 ? [extents[0] as ImageExtent] : extents };
}

function addRange(ranges: SourceRange[], source: SourceRange['source'], byteOffset: number, byteLength: number): void {
  const last = ranges[ranges.length - 1];
  if (last && last.source === source && (source === ZEROS || last.byteOffset + last.byteLength === byteOffset)) {
    ranges[ranges.length - 1] = { source, byteOffset: last.byteOffset, byteLength: last.byteLength + byteLength };
  } else {
    ranges.push({ source, byteOffset, byteLength });
  }
}

/**
 * The node of a directory entry: one object literal per shape (kind, times known), so that the common
 * fields are in-object properties — a large tree keeps one node per file. Without `data` (listing mode) a
 * file gets no content and no extents; `lean` leaves out `names` and a directory's extents.
 */
export function newNode(ctx: UdfContext, name: string, kind: NodeKind, entry: ReadEntry, data: FileData | undefined, lean = false): TreeNode {
  const fe = entry.fe;
  const mode = modeFromPermissions(fe.permissions, fe.icbFlags) | typeBits(kind);
  const { modificationMs: m, accessMs: a, attributeMs: c } = fe;
  const timed = m !== undefined && a !== undefined && c !== undefined;
  let node: TreeNode;
  if (!data || (lean && kind !== 'dir')) {
    const size = kind === 'file' ? fe.informationLength : 0;
    node = timed
      ? { name, kind, size, mode, nlink: fe.linkCount, ino: fe.uniqueId, mtimeMs: m, atimeMs: a, ctimeMs: c }
      : { name, kind, size, mode, nlink: fe.linkCount, ino: fe.uniqueId };
    if (kind === 'dir') node.children = [];
    return finishNode(node, fe, timed);
  }
  const names = { udf: name };
  if (kind === 'file') {
    const { ranges, extents } = fileContent(ctx, name, entry, data);
    const content = rangesContent(ranges);
    const size = fe.informationLength;
    node = timed
      ? { name, names, kind, size, mode, nlink: fe.linkCount, ino: fe.uniqueId, mtimeMs: m, atimeMs: a, ctimeMs: c, content, extents }
      : { name, names, kind, size, mode, nlink: fe.linkCount, ino: fe.uniqueId, content, extents };
  } else if (kind === 'dir' && lean) {
    node = timed
      ? { name, kind, size: 0, mode, nlink: fe.linkCount, ino: fe.uniqueId, mtimeMs: m, atimeMs: a, ctimeMs: c, children: [] }
      : { name, kind, size: 0, mode, nlink: fe.linkCount, ino: fe.uniqueId, children: [] };
  } else if (kind === 'dir') {
    const extents = directoryExtents(ctx, data);
    node = timed
      ? { name, names, kind, size: 0, mode, nlink: fe.linkCount, ino: fe.uniqueId, mtimeMs: m, atimeMs: a, ctimeMs: c, children: [], extents }
      : { name, names, kind, size: 0, mode, nlink: fe.linkCount, ino: fe.uniqueId, children: [], extents };
  } else {
    node = timed
      ? { name, names, kind, size: 0, mode, nlink: fe.linkCount, ino: fe.uniqueId, mtimeMs: m, atimeMs: a, ctimeMs: c }
      : { name, names, kind, size: 0, mode, nlink: fe.linkCount, ino: fe.uniqueId };
  }
  return finishNode(node, fe, timed);
}

function finishNode(node: TreeNode, fe: FileEntrySummary, timed: boolean): TreeNode {
  if (!timed) setTimes(node, fe);
  if (fe.creationMs !== undefined) node.birthtimeMs = fe.creationMs;
  if (fe.uid !== ID_NOT_RECORDED) node.uid = fe.uid;
  if (fe.gid !== ID_NOT_RECORDED) node.gid = fe.gid;
  return node;
}

function setTimes(node: TreeNode, fe: FileEntrySummary): void {
  if (fe.modificationMs !== undefined) node.mtimeMs = fe.modificationMs;
  if (fe.accessMs !== undefined) node.atimeMs = fe.accessMs;
  if (fe.attributeMs !== undefined) node.ctimeMs = fe.attributeMs;
}

/** Where a directory's data is (no findings: reading it reports problems). */
export function directoryExtents(ctx: UdfContext, data: FileData): ImageExtent[] {
  const out: ImageExtent[] = [];
  for (const p of data.pieces) {
    const rs = p.extentType === 0 ? partitionRanges(ctx, p.partitionRef, p.blockNumber, p.byteLength) : undefined;
    for (const r of rs ?? []) out.push({ lba: r.byteOffset / ctx.blockSize, byteLength: r.byteLength });
  }
  return out.length === 1 ? [out[0] as ImageExtent] : out;
}

/** A symbolic link's target from its path components (problems reported). */
export function symlinkTargetFrom(ctx: UdfContext, node: TreeNode, bytes: Uint8Array, byteOffset: number): string {
  const { components, rest } = parsePathComponents(bytes);
  const { target, problems } = symlinkTargetOf(components);
  if (rest) problems.push(`${rest} bytes after the last whole path component`);
  for (const p of problems) ctx.findings.warn(FindingCode.UDF_SYMLINK, `symbolic link "${node.name}": ${p}`, byteOffset, 'PathComponent');
  return target;
}
