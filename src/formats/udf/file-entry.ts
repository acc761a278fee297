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
import { parseTimestamp, writeTimestamp, type UdfTimestamp } from './timestamp.js';

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

/** Field offsets that differ between the two layouts. */
const layout = (extended: boolean) => extended
  ? { blocks: 72, atime: 80, mtime: 92, ctime: 104, attrTime: 116, checkpoint: 128, eaIcb: 136, implId: 168, uniqueId: 200, lea: 208, fixed: EXTENDED_FILE_ENTRY_FIXED_LENGTH }
  : { blocks: 64, atime: 72, mtime: 84, ctime: -1, attrTime: 96, checkpoint: 108, eaIcb: 112, implId: 128, uniqueId: 160, lea: 168, fixed: FILE_ENTRY_FIXED_LENGTH };

/** The allocation descriptor form of an entry (ICB tag flags bits 0-2). */
export const adFormOf = (fe: { icbTag: IcbTag }): AdForm => (fe.icbTag.flags & IcbFlag.AD_FORM_MASK) as AdForm;

/** Where the allocation descriptors (or embedded data) start inside the entry. */
export const allocationDescriptorsOffset = (fe: { extended: boolean; extendedAttributes: Uint8Array }): number =>
  (fe.extended ? EXTENDED_FILE_ENTRY_FIXED_LENGTH : FILE_ENTRY_FIXED_LENGTH) + fe.extendedAttributes.length;

/**
 * Parse a File Entry or an Extended File Entry (by its tag identifier). Throws CORRUPT for another tag
 * identifier, or when the fixed part, L_EA or L_AD do not fit `b`.
 */
export function parseFileEntry(b: Uint8Array, byteOffset?: number): FileEntry {
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
    ...(extended ? { objectSize: readU64LE(b, 64), creationTime: parseTimestamp(b, L.ctime), reserved: readU32LE(b, 132), streamDirectoryIcb: parseLongAd(b, 152) } : {}),
    logicalBlocksRecorded: readU64LE(b, L.blocks),
    accessTime: parseTimestamp(b, L.atime),
    modificationTime: parseTimestamp(b, L.mtime),
    attributeTime: parseTimestamp(b, L.attrTime),
    checkpoint: readU32LE(b, L.checkpoint),
    extendedAttributeIcb: parseLongAd(b, L.eaIcb),
    implementationIdentifier: parseEntityId(b, L.implId),
    uniqueId: readU64LE(b, L.uniqueId),
    extendedAttributes: b.subarray(L.fixed, L.fixed + lea),
    allocationDescriptors: b.subarray(L.fixed + lea, L.fixed + lea + lad),
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
    writeU64LE(b, 64, fe.objectSize ?? fe.informationLength);
    if (fe.creationTime) writeTimestamp(b, L.ctime, fe.creationTime);
    writeU32LE(b, 132, fe.reserved ?? 0);
    if (fe.streamDirectoryIcb) writeLongAd(b, 152, fe.streamDirectoryIcb);
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
