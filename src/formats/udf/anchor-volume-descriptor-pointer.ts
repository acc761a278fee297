/**
 * ECMA-167 3/10.2 Anchor Volume Descriptor Pointer (tag 2), 512 bytes, at sector 256 and at the last sector
 * and/or sector N−256 of the volume (3/8.4.2.1; UDF 2.2.3: at least two of them).
 *
 * ```
 * RBP 0   tag        Descriptor Tag (2)
 * RBP 16  extent_ad  Main Volume Descriptor Sequence Extent
 * RBP 24  extent_ad  Reserve Volume Descriptor Sequence Extent
 * RBP 32  byte[480]  Reserved (0)
 * ```
 */
import { TagIdentifier, needBytes, parseDescriptorTag, writeDescriptorTag, type DescriptorTag, type DescriptorTagInit } from './descriptor-tag.js';
import { parseExtentAd, writeExtentAd, type ExtentAd } from './allocation-descriptors.js';

export const ANCHOR_DESCRIPTOR_LENGTH = 512;
/** 3/8.4.2.1: the first anchor point. */
export const ANCHOR_SECTOR = 256;

export interface AnchorVolumeDescriptorPointer {
  readonly tag: DescriptorTag;
  readonly mainVds: ExtentAd;
  readonly reserveVds: ExtentAd;
}

export interface AnchorVolumeDescriptorPointerInit {
  readonly tag: DescriptorTagInit;
  readonly mainVds: ExtentAd;
  readonly reserveVds: ExtentAd;
}

export function parseAnchorVolumeDescriptorPointer(b: Uint8Array, byteOffset?: number): AnchorVolumeDescriptorPointer {
  needBytes(b, 0, 32, 'AnchorVolumeDescriptorPointer', byteOffset);
  return { tag: parseDescriptorTag(b, 0, byteOffset), mainVds: parseExtentAd(b, 16), reserveVds: parseExtentAd(b, 24) };
}

export function serializeAnchorVolumeDescriptorPointer(d: AnchorVolumeDescriptorPointerInit): Uint8Array {
  const b = new Uint8Array(ANCHOR_DESCRIPTOR_LENGTH);
  writeExtentAd(b, 16, d.mainVds);
  writeExtentAd(b, 24, d.reserveVds);
  writeDescriptorTag(b, TagIdentifier.ANCHOR_VOLUME_POINTER, d.tag);
  return b;
}
