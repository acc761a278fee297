/**
 * ECMA-167 4/14.7 Indirect Entry (tag 259), 52 bytes: in an ICB of strategy 4096 (UDF 2.3.5.1), the entry
 * after the direct one that points at the next ICB of the file (where a newer File Entry is).
 *
 * ```
 * RBP 0   tag      Descriptor Tag (259)
 * RBP 16  icbtag   ICB Tag (file type 3)
 * RBP 36  long_ad  Indirect ICB
 * ```
 */
import { TagIdentifier, needBytes, parseDescriptorTag, writeDescriptorTag, type DescriptorTag, type DescriptorTagInit } from './descriptor-tag.js';
import { parseIcbTag, writeIcbTag, type IcbTag } from './icb-tag.js';
import { parseLongAd, writeLongAd, type AllocationDescriptor } from './allocation-descriptors.js';

export const INDIRECT_ENTRY_LENGTH = 52;

export interface IndirectEntry {
  readonly tag: DescriptorTag;
  readonly icbTag: IcbTag;
  readonly indirectIcb: AllocationDescriptor;
}
export interface IndirectEntryInit {
  readonly tag: DescriptorTagInit;
  readonly icbTag: IcbTag;
  readonly indirectIcb: AllocationDescriptor;
}

export function parseIndirectEntry(b: Uint8Array, byteOffset?: number): IndirectEntry {
  needBytes(b, 0, INDIRECT_ENTRY_LENGTH, 'IndirectEntry', byteOffset);
  return { tag: parseDescriptorTag(b, 0, byteOffset), icbTag: parseIcbTag(b, 16), indirectIcb: parseLongAd(b, 36) };
}

export function serializeIndirectEntry(d: IndirectEntryInit): Uint8Array {
  const b = new Uint8Array(INDIRECT_ENTRY_LENGTH);
  writeIcbTag(b, 16, d.icbTag);
  writeLongAd(b, 36, d.indirectIcb);
  writeDescriptorTag(b, TagIdentifier.INDIRECT_ENTRY, d.tag);
  return b;
}
