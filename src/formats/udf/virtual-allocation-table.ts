/**
 * The Virtual Allocation Table (UDF 2.2.11 for UDF 2.00+, UDF 1.50 2.3.10 for 1.50): the data of the file
 * recorded last on a write-once disc, mapping each block of the virtual partition (a map of type 2,
 * "*UDF Virtual Partition") to a block of the physical partition. Entries of 0xFFFFFFFF are unused.
 *
 * UDF 2.00+ (the VAT ICB has file type 248):
 * ```
 * RBP 0          u16         Length of Header (L_HD = 152 + L_IU)
 * RBP 2          u16         Length of Implementation Use (L_IU)
 * RBP 4          dstring128  Logical Volume Identifier
 * RBP 132        u32         Previous VAT ICB Location (0xFFFFFFFF: none)
 * RBP 136        u32         Number of Files
 * RBP 140        u32         Number of Directories
 * RBP 144        u16         Minimum UDF Read Revision
 * RBP 146        u16         Minimum UDF Write Revision
 * RBP 148        u16         Maximum UDF Write Revision
 * RBP 150        u16         Reserved
 * RBP 152        byte[L_IU]  Implementation Use
 * RBP L_HD       u32[]       VAT entries (to the end of the file)
 * ```
 * UDF 1.50 (file type 0): the entries first, then a regid "*UDF Virtual Alloc Tbl" (32 bytes) and u32
 * Previous VAT ICB Location — the last 36 bytes of the file.
 */
import { readU16LE, readU32LE, readU64LE, writeU16LE, writeU32LE, writeU64LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { readDString, writeDString } from './cs0.js';
import { EntityIdentifier, parseEntityId, writeEntityId, type EntityId } from './entity-id.js';

export const VAT_ENTRY_UNUSED = 0xffffffff;
export const VAT20_HEADER_FIXED_LENGTH = 152;
export const VAT15_TRAILER_LENGTH = 36;

export interface Vat20 {
  readonly logicalVolumeIdentifier: string;
  readonly previousVatIcbLocation: number;
  readonly fileCount: number;
  readonly directoryCount: number;
  readonly minUdfReadRevision: number;
  readonly minUdfWriteRevision: number;
  readonly maxUdfWriteRevision: number;
  readonly implementationUse: Uint8Array;
  readonly entries: readonly number[];
}

export interface Vat15 {
  readonly identifier: EntityId;
  readonly previousVatIcbLocation: number;
  readonly entries: readonly number[];
}

const entriesAt = (b: Uint8Array, from: number, to: number): number[] => {
  const out: number[] = [];
  for (let o = from; o + 4 <= to; o += 4) out.push(readU32LE(b, o));
  return out;
};

/** Throws CORRUPT when the header does not fit or L_HD is not 152 + L_IU. */
export function parseVat20(b: Uint8Array, byteOffset?: number): Vat20 {
  const lhd = readU16LE(b, 0);
  const liu = readU16LE(b, 2);
  if (b.length < VAT20_HEADER_FIXED_LENGTH || lhd !== VAT20_HEADER_FIXED_LENGTH + liu || lhd > b.length) {
    throw new IsoKitError(ErrorCode.CORRUPT, `VAT header length ${lhd} (implementation use ${liu}) does not fit a VAT of ${b.length} bytes`, {
      ...(byteOffset !== undefined ? { byteOffset } : {}),
      structure: 'VirtualAllocationTable',
    });
  }
  return {
    logicalVolumeIdentifier: readDString(b, 4, 128),
    previousVatIcbLocation: readU32LE(b, 132),
    fileCount: readU32LE(b, 136),
    directoryCount: readU32LE(b, 140),
    minUdfReadRevision: readU16LE(b, 144),
    minUdfWriteRevision: readU16LE(b, 146),
    maxUdfWriteRevision: readU16LE(b, 148),
    implementationUse: b.slice(VAT20_HEADER_FIXED_LENGTH, lhd),
    entries: entriesAt(b, lhd, b.length),
  };
}

export function serializeVat20(v: Vat20): Uint8Array {
  const lhd = VAT20_HEADER_FIXED_LENGTH + v.implementationUse.length;
  const b = new Uint8Array(lhd + 4 * v.entries.length);
  writeU16LE(b, 0, lhd);
  writeU16LE(b, 2, v.implementationUse.length);
  writeDString(b, 4, 128, v.logicalVolumeIdentifier);
  writeU32LE(b, 132, v.previousVatIcbLocation);
  writeU32LE(b, 136, v.fileCount);
  writeU32LE(b, 140, v.directoryCount);
  writeU16LE(b, 144, v.minUdfReadRevision);
  writeU16LE(b, 146, v.minUdfWriteRevision);
  writeU16LE(b, 148, v.maxUdfWriteRevision);
  b.set(v.implementationUse, VAT20_HEADER_FIXED_LENGTH);
  v.entries.forEach((e, i) => writeU32LE(b, lhd + 4 * i, e));
  return b;
}

/** Whether `b` ends like a UDF 1.50 VAT (the "*UDF Virtual Alloc Tbl" regid 36 bytes before the end). */
export function isVat15(b: Uint8Array): boolean {
  return b.length >= VAT15_TRAILER_LENGTH && parseEntityId(b, b.length - VAT15_TRAILER_LENGTH).identifier === EntityIdentifier.VIRTUAL_ALLOCATION_TABLE;
}

/** Throws CORRUPT unless `b` ends with the 1.50 trailer. */
export function parseVat15(b: Uint8Array, byteOffset?: number): Vat15 {
  if (!isVat15(b)) {
    throw new IsoKitError(ErrorCode.CORRUPT, 'no "*UDF Virtual Alloc Tbl" identifier at the end of the VAT', {
      ...(byteOffset !== undefined ? { byteOffset } : {}),
      structure: 'VirtualAllocationTable',
    });
  }
  const t = b.length - VAT15_TRAILER_LENGTH;
  return { identifier: parseEntityId(b, t), previousVatIcbLocation: readU32LE(b, t + 32), entries: entriesAt(b, 0, t) };
}

export function serializeVat15(v: Vat15): Uint8Array {
  const t = 4 * v.entries.length;
  const b = new Uint8Array(t + VAT15_TRAILER_LENGTH);
  v.entries.forEach((e, i) => writeU32LE(b, 4 * i, e));
  writeEntityId(b, t, v.identifier);
  writeU32LE(b, t + 32, v.previousVatIcbLocation);
  return b;
}

/**
 * UDF 1.50 3.3.4.5.1.3 "*UDF VAT LVExtension": the implementation use of an Implementation Use extended
 * attribute of a 1.50 VAT ICB (what a 2.xx VAT header says, for 1.50 discs).
 * ```
 * RBP 0   u16         Header Checksum (of the attribute's first 48 bytes, UDF 3.3.4.5)
 * RBP 2   u64         Verification ID (the VAT ICB's Unique ID: a stale extension does not match)
 * RBP 10  u32         Number of Files
 * RBP 14  u32         Number of Directories
 * RBP 18  dstring128  Logical Volume Identifier
 * ```
 */
export interface VatLvExtension {
  readonly headerChecksum: number;
  readonly verificationId: number;
  readonly fileCount: number;
  readonly directoryCount: number;
  readonly logicalVolumeIdentifier: string;
}
export const VAT_LV_EXTENSION_LENGTH = 146;

export function parseVatLvExtension(b: Uint8Array, byteOffset?: number): VatLvExtension {
  if (b.length < VAT_LV_EXTENSION_LENGTH) {
    throw new IsoKitError(ErrorCode.CORRUPT, `VAT LVExtension of ${b.length} bytes (${VAT_LV_EXTENSION_LENGTH} needed)`, {
      ...(byteOffset !== undefined ? { byteOffset } : {}),
      structure: 'VatLvExtension',
    });
  }
  return {
    headerChecksum: readU16LE(b, 0),
    verificationId: readU64LE(b, 2),
    fileCount: readU32LE(b, 10),
    directoryCount: readU32LE(b, 14),
    logicalVolumeIdentifier: readDString(b, 18, 128),
  };
}

export function serializeVatLvExtension(v: VatLvExtension): Uint8Array {
  const b = new Uint8Array(VAT_LV_EXTENSION_LENGTH);
  writeU16LE(b, 0, v.headerChecksum);
  writeU64LE(b, 2, v.verificationId);
  writeU32LE(b, 10, v.fileCount);
  writeU32LE(b, 14, v.directoryCount);
  writeDString(b, 18, 128, v.logicalVolumeIdentifier);
  return b;
}
