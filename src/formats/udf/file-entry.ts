/**
 * ECMA-167 4/14.9 File Entry (tag 261) and 4/14.17 Extended File Entry (tag 266, NSR03 / UDF 2.00+); UDF
 * 2.3.6 and 2.3.7. A file's "inode": type and flags (ICB tag), owner, permissions, link count, size, times,
 * unique id, extended attributes and the allocation descriptors (or the data itself, when embedded).
 *
 * ```
 * File Entry                              Extended File Entry
 * RBP 0    tag        Descriptor Tag      RBP 0    tag        Descriptor Tag
 * RBP 16   icbtag     ICB Tag             RBP 16   icbtag     ICB Tag
 * RBP 36   u32        Uid                 RBP 36   u32        Uid (0xFFFFFFFF: not recorded)
 * RBP 40   u32        Gid                 RBP 40   u32        Gid (0xFFFFFFFF: not recorded)
 * RBP 44   u32        Permissions         RBP 44   u32        Permissions
 * RBP 48   u16        File Link Count     RBP 48   u16        File Link Count
 * RBP 50   u8         Record Format       RBP 50   u8         Record Format
 * RBP 51   u8         Record Display Attr RBP 51   u8         Record Display Attributes
 * RBP 52   u32        Record Length       RBP 52   u32        Record Length
 * RBP 56   u64        Information Length  RBP 56   u64        Information Length
 *                                         RBP 64   u64        Object Size
 * RBP 64   u64        Logical Blocks Rec. RBP 72   u64        Logical Blocks Recorded
 * RBP 72   timestamp  Access Time         RBP 80   timestamp  Access Time
 * RBP 84   timestamp  Modification Time   RBP 92   timestamp  Modification Time
 *                                         RBP 104  timestamp  Creation Time
 * RBP 96   timestamp  Attribute Time      RBP 116  timestamp  Attribute Time
 * RBP 108  u32        Checkpoint          RBP 128  u32        Checkpoint
 *                                         RBP 132  u32        Reserved
 * RBP 112  long_ad    Extended Attr. ICB  RBP 136  long_ad    Extended Attribute ICB
 *                                         RBP 152  long_ad    Stream Directory ICB
 * RBP 128  regid      Implementation Id   RBP 168  regid      Implementation Identifier
 * RBP 160  u64        Unique Id           RBP 200  u64        Unique Id
 * RBP 168  u32        L_EA                RBP 208  u32        Length of Extended Attributes (L_EA)
 * RBP 172  u32        L_AD                RBP 212  u32        Length of Allocation Descriptors (L_AD)
 * RBP 176  byte[L_EA] Extended Attributes RBP 216  byte[L_EA] Extended Attributes
 * RBP 176+L_EA        Allocation Descr.   RBP 216+L_EA        Allocation Descriptors (L_AD bytes)
 * ```
 * Permissions (4/14.9.5): bits 0-4 other execute/write/read/change-attribute/delete, 5-9 group, 10-14 owner.
 */
import { readU16LE, readU32LE, readU64LE, writeU16LE, writeU32LE, writeU64LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { TagIdentifier, needBytes, parseDescriptorTag, writeDescriptorTag, type DescriptorTag, type DescriptorTagInit } from './descriptor-tag.js';
import { IcbFlag, parseIcbTag, writeIcbTag, type IcbTag } from './icb-tag.js';
import { parseLongAd, writeLongAd, type AdForm, type AllocationDescriptor } from './allocation-descriptors.js';
import { parseEntityId, writeEntityId, type EntityId } from './entity-id.js';
import { parseTimestamp, readTimestampMs, writeTimestamp, type UdfTimestamp } from './timestamp.js';

export const FILE_ENTRY_FIXED_LENGTH = 176;
export const EXTENDED_FILE_ENTRY_FIXED_LENGTH = 216;
/** UDF 2.3.6.1: an id that is not recorded. */
export const ID_NOT_RECORDED = 0xffffffff;

export interface FileEntryFields {
  /** an Extended File Entry (tag 266) */
  readonly extended: boolean;
  readonly icbTag: IcbTag;
  readonly uid: number;
  readonly gid: number;
  readonly permissions: number;
  readonly linkCount: number;
  readonly recordFormat: number;
  readonly recordDisplayAttributes: number;
  readonly recordLength: number;
  readonly informationLength: number;
  /** EFE only */
  readonly objectSize?: number;
  readonly logicalBlocksRecorded: number;
  readonly accessTime: UdfTimestamp;
  readonly modificationTime: UdfTimestamp;
  /** EFE only */
  readonly creationTime?: UdfTimestamp;
  readonly attributeTime: UdfTimestamp;
  readonly checkpoint: number;
  /** EFE only: the reserved u32 at RBP 132 */
  readonly reserved?: number;
  readonly extendedAttributeIcb: AllocationDescriptor;
  /** EFE only */
  readonly streamDirectoryIcb?: AllocationDescriptor;
  readonly implementationIdentifier: EntityId;
  readonly uniqueId: number;
  /** the L_EA bytes (a view into the input) */
  readonly extendedAttributes: Uint8Array;
  /** the L_AD bytes (a view): allocation descriptors, or the file's data when the AD form is 3 (embedded) */
  readonly allocationDescriptors: Uint8Array;
}
export interface FileEntry extends FileEntryFields {
  readonly tag: DescriptorTag;
}
export interface FileEntryInit extends FileEntryFields {
  readonly tag: DescriptorTagInit;
}

/** Byte positions of the fields whose place differs between the two layouts (the table at the top). */
export interface FileEntryLayout {
  readonly objectSize: number;
  readonly blocks: number;
  readonly atime: number;
  readonly mtime: number;
  readonly ctime: number;
  readonly attrTime: number;
  readonly checkpoint: number;
  readonly reserved: number;
  readonly eaIcb: number;
  readonly streamIcb: number;
  readonly implId: number;
  readonly uniqueId: number;
  readonly lea: number;
  readonly fixed: number;
}
export const FILE_ENTRY_LAYOUT: FileEntryLayout = { objectSize: -1, blocks: 64, atime: 72, mtime: 84, ctime: -1, attrTime: 96, checkpoint: 108, reserved: -1, eaIcb: 112, streamIcb: -1, implId: 128, uniqueId: 160, lea: 168, fixed: FILE_ENTRY_FIXED_LENGTH };
export const EXTENDED_FILE_ENTRY_LAYOUT: FileEntryLayout = { objectSize: 64, blocks: 72, atime: 80, mtime: 92, ctime: 104, attrTime: 116, checkpoint: 128, reserved: 132, eaIcb: 136, streamIcb: 152, implId: 168, uniqueId: 200, lea: 208, fixed: EXTENDED_FILE_ENTRY_FIXED_LENGTH };
const layout = (extended: boolean): FileEntryLayout => (extended ? EXTENDED_FILE_ENTRY_LAYOUT : FILE_ENTRY_LAYOUT);

/** The allocation descriptor form of an entry (ICB tag flags bits 0-2). */
export const adFormOf = (fe: { icbTag: IcbTag }): AdForm => (fe.icbTag.flags & IcbFlag.AD_FORM_MASK) as AdForm;

/** Where the allocation descriptors (or embedded data) start inside the entry. */
export const allocationDescriptorsOffset = (fe: { extended: boolean; extendedAttributes: Uint8Array }): number =>
  (fe.extended ? EXTENDED_FILE_ENTRY_FIXED_LENGTH : FILE_ENTRY_FIXED_LENGTH) + fe.extendedAttributes.length;

/**
 * The layout of the entry in `b` after checking that it is a File Entry or Extended File Entry whose L_EA
 * and L_AD fit `b`; throws CORRUPT otherwise.
 */
function checkedLayout(b: Uint8Array, byteOffset: number | undefined): { L: FileEntryLayout; extended: boolean; lea: number; lad: number } {
  const id = readU16LE(b, 0);
  if (id !== TagIdentifier.FILE_ENTRY && id !== TagIdentifier.EXTENDED_FILE_ENTRY) {
    throw new IsoKitError(ErrorCode.CORRUPT, `tag identifier ${id} is not a File Entry (261) or Extended File Entry (266)`, {
      ...(byteOffset !== undefined ? { byteOffset } : {}),
      structure: 'FileEntry',
    });
  }
  const extended = id === TagIdentifier.EXTENDED_FILE_ENTRY;
  const structure = extended ? 'ExtendedFileEntry' : 'FileEntry';
  const L = layout(extended);
  needBytes(b, 0, L.fixed, structure, byteOffset);
  const lea = readU32LE(b, L.lea);
  const lad = readU32LE(b, L.lea + 4);
  if (L.fixed + lea + lad > b.length) {
    throw new IsoKitError(ErrorCode.CORRUPT, `L_EA ${lea} + L_AD ${lad} run past the ${b.length} bytes of the entry's block`, {
      ...(byteOffset !== undefined ? { byteOffset: byteOffset + L.lea } : {}),
      structure,
    });
  }
  return { L, extended, lea, lad };
}

/**
 * Parse a File Entry or an Extended File Entry (by its tag identifier). Throws CORRUPT for another tag
 * identifier, or when the fixed part, L_EA or L_AD do not fit `b`.
 */
export function parseFileEntry(b: Uint8Array, byteOffset?: number): FileEntry {
  const { L, extended, lea, lad } = checkedLayout(b, byteOffset);
  return {
    tag: parseDescriptorTag(b, 0, byteOffset),
    extended,
    icbTag: parseIcbTag(b, 16),
    uid: readU32LE(b, 36),
    gid: readU32LE(b, 40),
    permissions: readU32LE(b, 44),
    linkCount: readU16LE(b, 48),
    recordFormat: b[50] as number,
    recordDisplayAttributes: b[51] as number,
    recordLength: readU32LE(b, 52),
    informationLength: readU64LE(b, 56),
    objectSize: extended ? readU64LE(b, L.objectSize) : undefined,
    logicalBlocksRecorded: readU64LE(b, L.blocks),
    accessTime: parseTimestamp(b, L.atime),
    modificationTime: parseTimestamp(b, L.mtime),
    creationTime: extended ? parseTimestamp(b, L.ctime) : undefined,
    attributeTime: parseTimestamp(b, L.attrTime),
    checkpoint: readU32LE(b, L.checkpoint),
    reserved: extended ? readU32LE(b, L.reserved) : undefined,
    extendedAttributeIcb: parseLongAd(b, L.eaIcb),
    streamDirectoryIcb: extended ? parseLongAd(b, L.streamIcb) : undefined,
    implementationIdentifier: parseEntityId(b, L.implId),
    uniqueId: readU64LE(b, L.uniqueId),
    extendedAttributes: b.subarray(L.fixed, L.fixed + lea),
    allocationDescriptors: b.subarray(L.fixed + lea, L.fixed + lea + lad),
  };
}

/**
 * What a reader needs of a File Entry, read through the same layout without building the whole structure
 * (a listing reads one per file): type, flags, owner, permissions, links, size, times (ms), unique id, and
 * where the extended attributes and allocation descriptors are in `b`. Throws like `parseFileEntry`.
 */
export interface FileEntrySummary {
  readonly extended: boolean;
  readonly fileType: number;
  readonly strategyType: number;
  readonly icbFlags: number;
  readonly uid: number;
  readonly gid: number;
  readonly permissions: number;
  readonly linkCount: number;
  readonly informationLength: number;
  readonly accessMs: number | undefined;
  readonly modificationMs: number | undefined;
  readonly attributeMs: number | undefined;
  /** EFE only */
  readonly creationMs: number | undefined;
  readonly extendedAttributeIcbLength: number;
  /** EFE only (0 for a File Entry) */
  readonly streamDirectoryIcbLength: number;
  readonly uniqueId: number;
  readonly extendedAttributesOffset: number;
  readonly extendedAttributesLength: number;
  readonly allocationDescriptorsOffset: number;
  readonly allocationDescriptorsLength: number;
}

export function summarizeFileEntry(b: Uint8Array, byteOffset?: number): FileEntrySummary {
  const { L, extended, lea, lad } = checkedLayout(b, byteOffset);
  return {
    extended,
    fileType: b[16 + 11] as number,
    strategyType: readU16LE(b, 16 + 4),
    icbFlags: readU16LE(b, 16 + 18),
    uid: readU32LE(b, 36),
    gid: readU32LE(b, 40),
    permissions: readU32LE(b, 44),
    linkCount: readU16LE(b, 48),
    informationLength: readU64LE(b, 56),
    accessMs: readTimestampMs(b, L.atime),
    modificationMs: readTimestampMs(b, L.mtime),
    attributeMs: readTimestampMs(b, L.attrTime),
    creationMs: extended ? readTimestampMs(b, L.ctime) : undefined,
    extendedAttributeIcbLength: readU32LE(b, L.eaIcb) % 0x40000000,
    streamDirectoryIcbLength: extended ? readU32LE(b, L.streamIcb) % 0x40000000 : 0,
    uniqueId: readU64LE(b, L.uniqueId),
    extendedAttributesOffset: L.fixed,
    extendedAttributesLength: lea,
    allocationDescriptorsOffset: L.fixed + lea,
    allocationDescriptorsLength: lad,
  };
}

export function sizeOfFileEntry(fe: Pick<FileEntryFields, 'extended' | 'extendedAttributes' | 'allocationDescriptors'>): number {
  return allocationDescriptorsOffset(fe) + fe.allocationDescriptors.length;
}

export function serializeFileEntry(fe: FileEntryInit): Uint8Array {
  const L = layout(fe.extended);
  const b = new Uint8Array(sizeOfFileEntry(fe));
  writeIcbTag(b, 16, fe.icbTag);
  writeU32LE(b, 36, fe.uid);
  writeU32LE(b, 40, fe.gid);
  writeU32LE(b, 44, fe.permissions);
  writeU16LE(b, 48, fe.linkCount);
  b[50] = fe.recordFormat;
  b[51] = fe.recordDisplayAttributes;
  writeU32LE(b, 52, fe.recordLength);
  writeU64LE(b, 56, fe.informationLength);
  writeU64LE(b, L.blocks, fe.logicalBlocksRecorded);
  writeTimestamp(b, L.atime, fe.accessTime);
  writeTimestamp(b, L.mtime, fe.modificationTime);
  writeTimestamp(b, L.attrTime, fe.attributeTime);
  writeU32LE(b, L.checkpoint, fe.checkpoint);
  writeLongAd(b, L.eaIcb, fe.extendedAttributeIcb);
  writeEntityId(b, L.implId, fe.implementationIdentifier);
  writeU64LE(b, L.uniqueId, fe.uniqueId);
  writeU32LE(b, L.lea, fe.extendedAttributes.length);
  writeU32LE(b, L.lea + 4, fe.allocationDescriptors.length);
  if (fe.extended) {
    writeU64LE(b, L.objectSize, fe.objectSize ?? fe.informationLength);
    if (fe.creationTime) writeTimestamp(b, L.ctime, fe.creationTime);
    writeU32LE(b, L.reserved, fe.reserved ?? 0);
    if (fe.streamDirectoryIcb) writeLongAd(b, L.streamIcb, fe.streamDirectoryIcb);
  }
  b.set(fe.extendedAttributes, L.fixed);
  b.set(fe.allocationDescriptors, L.fixed + fe.extendedAttributes.length);
  writeDescriptorTag(b, fe.extended ? TagIdentifier.EXTENDED_FILE_ENTRY : TagIdentifier.FILE_ENTRY, fe.tag);
  return b;
}

/** POSIX permission bits (and setuid/setgid/sticky from the ICB flags) of UDF permissions (4/14.9.5, 4/14.6.8). */
export function modeFromPermissions(permissions: number, icbFlags: number): number {
  let mode = (permissions & 0o7) | ((permissions >>> 2) & 0o70) | ((permissions >>> 4) & 0o700);
  if (icbFlags & IcbFlag.SETUID) mode |= 0o4000;
  if (icbFlags & IcbFlag.SETGID) mode |= 0o2000;
  if (icbFlags & IcbFlag.STICKY) mode |= 0o1000;
  return mode;
}

/**
 * UDF permissions for POSIX `mode` (low 9 bits) plus `extra` change-attribute/delete bits (what Linux keeps
 * from the original entry), and the ICB flags for setuid/setgid/sticky.
 */
export function permissionsFromMode(mode: number, extra = 0): { permissions: number; icbFlags: number } {
  const permissions = ((mode & 0o7) | ((mode & 0o70) << 2) | ((mode & 0o700) << 4) | extra) >>> 0;
  const icbFlags = (mode & 0o4000 ? IcbFlag.SETUID : 0) | (mode & 0o2000 ? IcbFlag.SETGID : 0) | (mode & 0o1000 ? IcbFlag.STICKY : 0);
  return { permissions, icbFlags };
}
