/**
 * ECMA-167 3/10.6 Logical Volume Descriptor (tag 6); UDF 2.2.4.
 *
 * ```
 * RBP 0    tag         Descriptor Tag (6)
 * RBP 16   u32         Volume Descriptor Sequence Number
 * RBP 20   charspec    Descriptor Character Set
 * RBP 84   dstring128  Logical Volume Identifier
 * RBP 212  u32         Logical Block Size (UDF: the sector size)
 * RBP 216  regid       Domain Identifier ("*OSTA UDF Compliant", Domain Identifier Suffix with the revision)
 * RBP 248  byte[16]    Logical Volume Contents Use (UDF: long_ad of the File Set Descriptor Sequence)
 * RBP 264  u32         Map Table Length (MT_L)
 * RBP 268  u32         Number of Partition Maps (N_PM)
 * RBP 272  regid       Implementation Identifier
 * RBP 304  byte[128]   Implementation Use
 * RBP 432  extent_ad   Integrity Sequence Extent
 * RBP 440  byte[MT_L]  Partition Maps (see partition-maps.ts)
 * ```
 */
import { readU32LE, writeU32LE } from '../../bytes/index.js';
import { TagIdentifier, needBytes, parseDescriptorTag, writeDescriptorTag, type DescriptorTag, type DescriptorTagInit } from './descriptor-tag.js';
import { parseCharspec, readDString, writeCharspec, writeDString, type Charspec } from './cs0.js';
import { parseEntityId, writeEntityId, type EntityId } from './entity-id.js';
import { parseExtentAd, parseLongAd, writeExtentAd, writeLongAd, type AllocationDescriptor, type ExtentAd } from './allocation-descriptors.js';
import { parsePartitionMaps, serializePartitionMaps, type PartitionMap } from './partition-maps.js';

export const LOGICAL_VOLUME_DESCRIPTOR_FIXED_LENGTH = 440;

export interface LogicalVolumeDescriptorFields {
  readonly vdsNumber: number;
  readonly descriptorCharset: Charspec;
  readonly logicalVolumeIdentifier: string;
  readonly logicalBlockSize: number;
  readonly domainIdentifier: EntityId;
  /** UDF 2.2.4.4: where the File Set Descriptor is */
  readonly fileSetLocation: AllocationDescriptor;
  readonly implementationIdentifier: EntityId;
  readonly implementationUse: Uint8Array;
  readonly integritySequence: ExtentAd;
  readonly partitionMaps: readonly PartitionMap[];
}
export interface LogicalVolumeDescriptor extends LogicalVolumeDescriptorFields {
  readonly tag: DescriptorTag;
  /** MT_L as recorded */
  readonly mapTableLength: number;
}
export interface LogicalVolumeDescriptorInit extends LogicalVolumeDescriptorFields {
  readonly tag: DescriptorTagInit;
}

/** Throws CORRUPT when the fixed part or the map table does not fit `b`, or a map is malformed. */
export function parseLogicalVolumeDescriptor(b: Uint8Array, byteOffset?: number): LogicalVolumeDescriptor {
  needBytes(b, 0, LOGICAL_VOLUME_DESCRIPTOR_FIXED_LENGTH, 'LogicalVolumeDescriptor', byteOffset);
  const mapTableLength = readU32LE(b, 264);
  const mapCount = readU32LE(b, 268);
  needBytes(b, 0, LOGICAL_VOLUME_DESCRIPTOR_FIXED_LENGTH + mapTableLength, 'LogicalVolumeDescriptor', byteOffset);
  return {
    tag: parseDescriptorTag(b, 0, byteOffset),
    vdsNumber: readU32LE(b, 16),
    descriptorCharset: parseCharspec(b, 20),
    logicalVolumeIdentifier: readDString(b, 84, 128),
    logicalBlockSize: readU32LE(b, 212),
    domainIdentifier: parseEntityId(b, 216),
    fileSetLocation: parseLongAd(b, 248),
    mapTableLength,
    implementationIdentifier: parseEntityId(b, 272),
    implementationUse: b.slice(304, 432),
    integritySequence: parseExtentAd(b, 432),
    partitionMaps: parsePartitionMaps(b, LOGICAL_VOLUME_DESCRIPTOR_FIXED_LENGTH, mapTableLength, mapCount, byteOffset),
  };
}

/** The descriptor: 440 bytes + the map table, padded to at least 512. */
export function serializeLogicalVolumeDescriptor(d: LogicalVolumeDescriptorInit): Uint8Array {
  const maps = serializePartitionMaps(d.partitionMaps);
  const used = LOGICAL_VOLUME_DESCRIPTOR_FIXED_LENGTH + maps.length;
  const b = new Uint8Array(Math.max(512, used));
  writeU32LE(b, 16, d.vdsNumber);
  writeCharspec(b, 20, d.descriptorCharset);
  writeDString(b, 84, 128, d.logicalVolumeIdentifier);
  writeU32LE(b, 212, d.logicalBlockSize);
  writeEntityId(b, 216, d.domainIdentifier);
  writeLongAd(b, 248, d.fileSetLocation);
  writeU32LE(b, 264, maps.length);
  writeU32LE(b, 268, d.partitionMaps.length);
  writeEntityId(b, 272, d.implementationIdentifier);
  b.set(d.implementationUse.subarray(0, 128), 304);
  writeExtentAd(b, 432, d.integritySequence);
  b.set(maps, LOGICAL_VOLUME_DESCRIPTOR_FIXED_LENGTH);
  writeDescriptorTag(b, TagIdentifier.LOGICAL_VOLUME, { crcLength: used - 16, ...d.tag });
  return b;
}
