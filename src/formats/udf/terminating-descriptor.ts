/**
 * ECMA-167 3/10.9 Terminating Descriptor (tag 8), 512 bytes: ends a Volume Descriptor Sequence (and, as
 * 4/14.2, a File Set Descriptor Sequence).
 *
 * ```
 * RBP 0   tag        Descriptor Tag (8)
 * RBP 16  byte[496]  Reserved (0)
 * ```
 */
import { TagIdentifier, needBytes, parseDescriptorTag, writeDescriptorTag, type DescriptorTag, type DescriptorTagInit } from './descriptor-tag.js';

export const TERMINATING_DESCRIPTOR_LENGTH = 512;

export interface TerminatingDescriptor {
  readonly tag: DescriptorTag;
}

export function parseTerminatingDescriptor(b: Uint8Array, byteOffset?: number): TerminatingDescriptor {
  needBytes(b, 0, 16, 'TerminatingDescriptor', byteOffset);
  return { tag: parseDescriptorTag(b, 0, byteOffset) };
}

export function serializeTerminatingDescriptor(d: { readonly tag: DescriptorTagInit }): Uint8Array {
  const b = new Uint8Array(TERMINATING_DESCRIPTOR_LENGTH);
  writeDescriptorTag(b, TagIdentifier.TERMINATING, d.tag);
  return b;
}
