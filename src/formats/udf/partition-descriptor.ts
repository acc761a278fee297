/**
 * ECMA-167 3/10.5 Partition Descriptor (tag 5), 512 bytes; UDF 2.2.14. The Partition Contents Use of an
 * NSR partition is a Partition Header Descriptor (4/14.3).
 *
 * ```
 * RBP 0    tag        Descriptor Tag (5)
 * RBP 16   u32        Volume Descriptor Sequence Number
 * RBP 20   u16        Partition Flags (bit 0: space allocated)
 * RBP 22   u16        Partition Number
 * RBP 24   regid      Partition Contents ("+NSR02", "+NSR03")
 * RBP 56   byte[128]  Partition Contents Use — Partition Header Descriptor:
 *   RBP 56   short_ad  Unallocated Space Table
 *   RBP 64   short_ad  Unallocated Space Bitmap
 *   RBP 72   short_ad  Partition Integrity Table
 *   RBP 80   short_ad  Freed Space Table
 *   RBP 88   short_ad  Freed Space Bitmap
 *   RBP 96   byte[88]  Reserved (0)
 * RBP 184  u32        Access Type (0 pseudo-overwritable, 1 read-only, 2 write-once, 3 rewritable, 4 overwritable)
 * RBP 188  u32        Partition Starting Location (sector)
 * RBP 192  u32        Partition Length (blocks)
 * RBP 196  regid      Implementation Identifier
 * RBP 228  byte[128]  Implementation Use
 * RBP 356  byte[156]  Reserved (0)
 * ```
 */
import { readU16LE, readU32LE, writeU16LE, writeU32LE } from '../../bytes/index.js';
import { TagIdentifier, needBytes, parseDescriptorTag, writeDescriptorTag, type DescriptorTag, type DescriptorTagInit } from './descriptor-tag.js';
import { parseEntityId, writeEntityId, type EntityId } from './entity-id.js';
import { parseShortAd, writeShortAd, type AllocationDescriptor } from './allocation-descriptors.js';

export const PARTITION_DESCRIPTOR_LENGTH = 512;

export const AccessType = { PSEUDO_OVERWRITABLE: 0, READ_ONLY: 1, WRITE_ONCE: 2, REWRITABLE: 3, OVERWRITABLE: 4 } as const;
export const ACCESS_TYPE_NAMES = ['pseudo-overwritable', 'read-only', 'write-once', 'rewritable', 'overwritable'] as const;

/** 4/14.3 Partition Header Descriptor: where the partition's space tables and bitmaps are (length 0: none). */
export interface PartitionHeaderDescriptor {
  readonly unallocatedSpaceTable: AllocationDescriptor;
  readonly unallocatedSpaceBitmap: AllocationDescriptor;
  readonly partitionIntegrityTable: AllocationDescriptor;
  readonly freedSpaceTable: AllocationDescriptor;
  readonly freedSpaceBitmap: AllocationDescriptor;
}

export interface PartitionDescriptorFields {
  readonly vdsNumber: number;
  readonly flags: number;
  readonly partitionNumber: number;
  readonly contents: EntityId;
  /** set for NSR partitions ("+NSR02"/"+NSR03") */
  readonly header?: PartitionHeaderDescriptor;
  /** the 128 raw bytes, for other contents */
  readonly contentsUse?: Uint8Array;
  readonly accessType: number;
  readonly startSector: number;
  readonly blockCount: number;
  readonly implementationIdentifier: EntityId;
  readonly implementationUse: Uint8Array;
}
export interface PartitionDescriptor extends PartitionDescriptorFields {
  readonly tag: DescriptorTag;
}
export interface PartitionDescriptorInit extends PartitionDescriptorFields {
  readonly tag: DescriptorTagInit;
}

const HEADER_FIELDS = ['unallocatedSpaceTable', 'unallocatedSpaceBitmap', 'partitionIntegrityTable', 'freedSpaceTable', 'freedSpaceBitmap'] as const;

export function parsePartitionDescriptor(b: Uint8Array, byteOffset?: number): PartitionDescriptor {
  needBytes(b, 0, PARTITION_DESCRIPTOR_LENGTH, 'PartitionDescriptor', byteOffset);
  const contents = parseEntityId(b, 24);
  const nsr = contents.identifier === '+NSR02' || contents.identifier === '+NSR03';
  const header = Object.fromEntries(HEADER_FIELDS.map((f, i) => [f, parseShortAd(b, 56 + 8 * i)])) as unknown as PartitionHeaderDescriptor;
  return {
    tag: parseDescriptorTag(b, 0, byteOffset),
    vdsNumber: readU32LE(b, 16),
    flags: readU16LE(b, 20),
    partitionNumber: readU16LE(b, 22),
    contents,
    ...(nsr ? { header } : { contentsUse: b.slice(56, 184) }),
    accessType: readU32LE(b, 184),
    startSector: readU32LE(b, 188),
    blockCount: readU32LE(b, 192),
    implementationIdentifier: parseEntityId(b, 196),
    implementationUse: b.slice(228, 356),
  };
}

export function serializePartitionDescriptor(d: PartitionDescriptorInit): Uint8Array {
  const b = new Uint8Array(PARTITION_DESCRIPTOR_LENGTH);
  writeU32LE(b, 16, d.vdsNumber);
  writeU16LE(b, 20, d.flags);
  writeU16LE(b, 22, d.partitionNumber);
  writeEntityId(b, 24, d.contents);
  const header = d.header;
  if (header) HEADER_FIELDS.forEach((f, i) => writeShortAd(b, 56 + 8 * i, header[f]));
  else if (d.contentsUse) b.set(d.contentsUse.subarray(0, 128), 56);
  writeU32LE(b, 184, d.accessType);
  writeU32LE(b, 188, d.startSector);
  writeU32LE(b, 192, d.blockCount);
  writeEntityId(b, 196, d.implementationIdentifier);
  b.set(d.implementationUse.subarray(0, 128), 228);
  writeDescriptorTag(b, TagIdentifier.PARTITION, d.tag);
  return b;
}
