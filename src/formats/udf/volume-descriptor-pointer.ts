/**
 * ECMA-167 3/10.3 Volume Descriptor Pointer (tag 3), 512 bytes: the Volume Descriptor Sequence goes on in
 * another extent.
 *
 * ```
 * RBP 0   tag        Descriptor Tag (3)
 * RBP 16  u32        Volume Descriptor Sequence Number
 * RBP 20  extent_ad  Next Volume Descriptor Sequence Extent
 * RBP 28  byte[484]  Reserved (0)
 * ```
 */
import { TagIdentifier, needBytes, parseDescriptorTag, writeDescriptorTag, type DescriptorTag, type DescriptorTagInit } from './descriptor-tag.js';
import { parseExtentAd, writeExtentAd, type ExtentAd } from './allocation-descriptors.js';
import { readU32LE, writeU32LE } from '../../bytes/index.js';

export const VOLUME_DESCRIPTOR_POINTER_LENGTH = 512;

export interface VolumeDescriptorPointer {
  readonly tag: DescriptorTag;
  readonly vdsNumber: number;
  readonly nextExtent: ExtentAd;
}

export interface VolumeDescriptorPointerInit {
  readonly tag: DescriptorTagInit;
  readonly vdsNumber: number;
  readonly nextExtent: ExtentAd;
}

export function parseVolumeDescriptorPointer(b: Uint8Array, byteOffset?: number): VolumeDescriptorPointer {
  needBytes(b, 0, 28, 'VolumeDescriptorPointer', byteOffset);
  return { tag: parseDescriptorTag(b, 0, byteOffset), vdsNumber: readU32LE(b, 16), nextExtent: parseExtentAd(b, 20) };
}

export function serializeVolumeDescriptorPointer(d: VolumeDescriptorPointerInit): Uint8Array {
  const b = new Uint8Array(VOLUME_DESCRIPTOR_POINTER_LENGTH);
  writeU32LE(b, 16, d.vdsNumber);
  writeExtentAd(b, 20, d.nextExtent);
  writeDescriptorTag(b, TagIdentifier.VOLUME_POINTER, d.tag);
  return b;
}
