/**
 * ECMA-167 3/10.10 Logical Volume Integrity Descriptor (tag 9); UDF 2.2.6.
 *
 * ```
 * RBP 0          tag        Descriptor Tag (9)
 * RBP 16         timestamp  Recording Date and Time
 * RBP 28         u32        Integrity Type (0 open, 1 close)
 * RBP 32         extent_ad  Next Integrity Extent
 * RBP 40         byte[32]   Logical Volume Contents Use — Logical Volume Header Descriptor (4/14.15):
 *                           u64 Unique ID (the next one to assign), 24 bytes reserved
 * RBP 72         u32        Number of Partitions (N_P)
 * RBP 76         u32        Length of Implementation Use (L_IU)
 * RBP 80         u32[N_P]   Free Space Table (blocks)
 * RBP 80+4·N_P   u32[N_P]   Size Table (blocks)
 * RBP 80+8·N_P   byte[L_IU] Implementation Use (UDF 2.2.6.4):
 *   +0   regid  Implementation ID
 *   +32  u32    Number of Files
 *   +36  u32    Number of Directories
 *   +40  u16    Minimum UDF Read Revision
 *   +42  u16    Minimum UDF Write Revision
 *   +44  u16    Maximum UDF Write Revision
 *   +46         Implementation Use
 * ```
 */
import { readU16LE, readU32LE, readU64LE, writeU16LE, writeU32LE, writeU64LE } from '../../bytes/index.js';
import { TagIdentifier, needBytes, parseDescriptorTag, writeDescriptorTag, type DescriptorTag, type DescriptorTagInit } from './descriptor-tag.js';
import { parseExtentAd, writeExtentAd, type ExtentAd } from './allocation-descriptors.js';
import { parseEntityId, writeEntityId, type EntityId } from './entity-id.js';
import { parseTimestamp, writeTimestamp, type UdfTimestamp } from './timestamp.js';

export const IntegrityType = { OPEN: 0, CLOSE: 1 } as const;
const FIXED = 80;
const IU_FIXED = 46;

/** UDF 2.2.6.4 */
export interface LvidImplementationUse {
  readonly implementationIdentifier: EntityId;
  readonly fileCount: number;
  readonly directoryCount: number;
  readonly minUdfReadRevision: number;
  readonly minUdfWriteRevision: number;
  readonly maxUdfWriteRevision: number;
  readonly implementationUse: Uint8Array;
}

export interface LogicalVolumeIntegrityDescriptorFields {
  readonly recordingTime: UdfTimestamp;
  readonly integrityType: number;
  readonly nextIntegrityExtent: ExtentAd;
  /** 4/14.15: the next Unique ID to assign */
  readonly nextUniqueId: number;
  /** the 24 reserved bytes of the Logical Volume Header Descriptor */
  readonly contentsUseReserved: Uint8Array;
  readonly freeSpaceTable: readonly number[];
  readonly sizeTable: readonly number[];
  /** set when L_IU ≥ 46 */
  readonly implementationUse?: LvidImplementationUse;
  /** the raw bytes when L_IU < 46 */
  readonly rawImplementationUse?: Uint8Array;
}
export interface LogicalVolumeIntegrityDescriptor extends LogicalVolumeIntegrityDescriptorFields {
  readonly tag: DescriptorTag;
}
export interface LogicalVolumeIntegrityDescriptorInit extends LogicalVolumeIntegrityDescriptorFields {
  readonly tag: DescriptorTagInit;
}

/** Throws CORRUPT when the tables or the implementation use do not fit `b`. */
export function parseLogicalVolumeIntegrityDescriptor(b: Uint8Array, byteOffset?: number): LogicalVolumeIntegrityDescriptor {
  needBytes(b, 0, FIXED, 'LogicalVolumeIntegrityDescriptor', byteOffset);
  const np = readU32LE(b, 72);
  const liu = readU32LE(b, 76);
  needBytes(b, 0, FIXED + 8 * np + liu, 'LogicalVolumeIntegrityDescriptor', byteOffset);
  const free: number[] = [];
  const size: number[] = [];
  for (let i = 0; i < np; i++) {
    free.push(readU32LE(b, FIXED + 4 * i));
    size.push(readU32LE(b, FIXED + 4 * np + 4 * i));
  }
  const iu = FIXED + 8 * np;
  const common = {
    tag: parseDescriptorTag(b, 0, byteOffset),
    recordingTime: parseTimestamp(b, 16),
    integrityType: readU32LE(b, 28),
    nextIntegrityExtent: parseExtentAd(b, 32),
    nextUniqueId: readU64LE(b, 40),
    contentsUseReserved: b.slice(48, 72),
    freeSpaceTable: free,
    sizeTable: size,
  };
  if (liu < IU_FIXED) return { ...common, rawImplementationUse: b.slice(iu, iu + liu) };
  return {
    ...common,
    implementationUse: {
      implementationIdentifier: parseEntityId(b, iu),
      fileCount: readU32LE(b, iu + 32),
      directoryCount: readU32LE(b, iu + 36),
      minUdfReadRevision: readU16LE(b, iu + 40),
      minUdfWriteRevision: readU16LE(b, iu + 42),
      maxUdfWriteRevision: readU16LE(b, iu + 44),
      implementationUse: b.slice(iu + IU_FIXED, iu + liu),
    },
  };
}

export function serializeLogicalVolumeIntegrityDescriptor(d: LogicalVolumeIntegrityDescriptorInit): Uint8Array {
  const np = d.freeSpaceTable.length;
  const iu = d.implementationUse;
  const liu = iu ? IU_FIXED + iu.implementationUse.length : (d.rawImplementationUse?.length ?? 0);
  const used = FIXED + 8 * np + liu;
  const b = new Uint8Array(Math.max(512, used));
  writeTimestamp(b, 16, d.recordingTime);
  writeU32LE(b, 28, d.integrityType);
  writeExtentAd(b, 32, d.nextIntegrityExtent);
  writeU64LE(b, 40, d.nextUniqueId);
  b.set(d.contentsUseReserved.subarray(0, 24), 48);
  writeU32LE(b, 72, np);
  writeU32LE(b, 76, liu);
  for (let i = 0; i < np; i++) {
    writeU32LE(b, FIXED + 4 * i, d.freeSpaceTable[i] as number);
    writeU32LE(b, FIXED + 4 * np + 4 * i, d.sizeTable[i] ?? 0);
  }
  const o = FIXED + 8 * np;
  if (iu) {
    writeEntityId(b, o, iu.implementationIdentifier);
    writeU32LE(b, o + 32, iu.fileCount);
    writeU32LE(b, o + 36, iu.directoryCount);
    writeU16LE(b, o + 40, iu.minUdfReadRevision);
    writeU16LE(b, o + 42, iu.minUdfWriteRevision);
    writeU16LE(b, o + 44, iu.maxUdfWriteRevision);
    b.set(iu.implementationUse, o + IU_FIXED);
  } else if (d.rawImplementationUse) {
    b.set(d.rawImplementationUse, o);
  }
  writeDescriptorTag(b, TagIdentifier.LOGICAL_VOLUME_INTEGRITY, { crcLength: used - 16, ...d.tag });
  return b;
}
