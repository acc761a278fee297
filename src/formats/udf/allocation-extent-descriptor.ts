/**
 * ECMA-167 4/14.5 Allocation Extent Descriptor (tag 258): where a file's allocation descriptors continue
 * when they do not fit its ICB (an extent of type 3 points here).
 *
 * ```
 * RBP 0   tag   Descriptor Tag (258)
 * RBP 16  u32   Previous Allocation Extent Location (logical block, 0 when none; UDF 2.3.11: 0)
 * RBP 20  u32   Length of Allocation Descriptors (L_AD)
 * RBP 24        Allocation Descriptors (L_AD bytes), of the form the ICB's flags say
 * ```
 * The serializer's CRC covers the whole descriptor unless the tag says otherwise; readers take the CRC
 * length recorded.
 */
import { readU32LE, writeU32LE } from '../../bytes/index.js';
import { TagIdentifier, needBytes, parseDescriptorTag, writeDescriptorTag, type DescriptorTag, type DescriptorTagInit } from './descriptor-tag.js';

export const ALLOCATION_EXTENT_HEADER_LENGTH = 24;

export interface AllocationExtentDescriptor {
  readonly tag: DescriptorTag;
  readonly previousAllocationExtentLocation: number;
  /** the raw allocation descriptors (a view into the input) */
  readonly allocationDescriptors: Uint8Array;
}

export interface AllocationExtentDescriptorInit {
  readonly tag: DescriptorTagInit;
  readonly previousAllocationExtentLocation?: number;
  readonly allocationDescriptors: Uint8Array;
}

/** Throws CORRUPT when the header or the L_AD bytes it announces do not fit `b`. */
export function parseAllocationExtentDescriptor(b: Uint8Array, byteOffset?: number): AllocationExtentDescriptor {
  needBytes(b, 0, ALLOCATION_EXTENT_HEADER_LENGTH, 'AllocationExtentDescriptor', byteOffset);
  const lad = readU32LE(b, 20);
  needBytes(b, 0, ALLOCATION_EXTENT_HEADER_LENGTH + lad, 'AllocationExtentDescriptor', byteOffset);
  return {
    tag: parseDescriptorTag(b, 0, byteOffset),
    previousAllocationExtentLocation: readU32LE(b, 16),
    allocationDescriptors: b.subarray(ALLOCATION_EXTENT_HEADER_LENGTH, ALLOCATION_EXTENT_HEADER_LENGTH + lad),
  };
}

export function serializeAllocationExtentDescriptor(d: AllocationExtentDescriptorInit): Uint8Array {
  const b = new Uint8Array(ALLOCATION_EXTENT_HEADER_LENGTH + d.allocationDescriptors.length);
  writeU32LE(b, 16, d.previousAllocationExtentLocation ?? 0);
  writeU32LE(b, 20, d.allocationDescriptors.length);
  b.set(d.allocationDescriptors, ALLOCATION_EXTENT_HEADER_LENGTH);
  writeDescriptorTag(b, TagIdentifier.ALLOCATION_EXTENT, d.tag);
  return b;
}
