/**
 * ECMA-167 3/10.8 Unallocated Space Descriptor (tag 7): volume space not allocated to any partition.
 *
 * ```
 * RBP 0   tag          Descriptor Tag (7)
 * RBP 16  u32          Volume Descriptor Sequence Number
 * RBP 20  u32          Number of Allocation Descriptors (N_AD)
 * RBP 24  extent_ad[]  Allocation Descriptors (8 × N_AD bytes)
 * ```
 * UDF writers record it with no extents (24 bytes, padded to 512 in practice: the serializer writes
 * max(512, 24 + 8·N) bytes and the CRC covers the descriptor's own bytes, 8 + 8·N after the tag).
 */
import { readU32LE, writeU32LE } from '../../bytes/index.js';
import { TagIdentifier, needBytes, parseDescriptorTag, writeDescriptorTag, type DescriptorTag, type DescriptorTagInit } from './descriptor-tag.js';
import { EXTENT_AD_LENGTH, parseExtentAd, writeExtentAd, type ExtentAd } from './allocation-descriptors.js';

export interface UnallocatedSpaceDescriptor {
  readonly tag: DescriptorTag;
  readonly vdsNumber: number;
  readonly extents: readonly ExtentAd[];
}

export interface UnallocatedSpaceDescriptorInit {
  readonly tag: DescriptorTagInit;
  readonly vdsNumber: number;
  readonly extents: readonly ExtentAd[];
}

/** Throws CORRUPT when the N_AD extents do not fit `b`. */
export function parseUnallocatedSpaceDescriptor(b: Uint8Array, byteOffset?: number): UnallocatedSpaceDescriptor {
  needBytes(b, 0, 24, 'UnallocatedSpaceDescriptor', byteOffset);
  const n = readU32LE(b, 20);
  needBytes(b, 0, 24 + n * EXTENT_AD_LENGTH, 'UnallocatedSpaceDescriptor', byteOffset);
  const extents: ExtentAd[] = [];
  for (let i = 0; i < n; i++) extents.push(parseExtentAd(b, 24 + i * EXTENT_AD_LENGTH));
  return { tag: parseDescriptorTag(b, 0, byteOffset), vdsNumber: readU32LE(b, 16), extents };
}

export function serializeUnallocatedSpaceDescriptor(d: UnallocatedSpaceDescriptorInit): Uint8Array {
  const used = 24 + d.extents.length * EXTENT_AD_LENGTH;
  const b = new Uint8Array(Math.max(512, used));
  writeU32LE(b, 16, d.vdsNumber);
  writeU32LE(b, 20, d.extents.length);
  d.extents.forEach((e, i) => writeExtentAd(b, 24 + i * EXTENT_AD_LENGTH, e));
  writeDescriptorTag(b, TagIdentifier.UNALLOCATED_SPACE, { crcLength: used - 16, ...d.tag });
  return b;
}
