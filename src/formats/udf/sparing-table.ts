/**
 * UDF 2.2.12 Sparing Table (tag identifier 0): the packets of a sparable partition that were moved.
 *
 * ```
 * RBP 0   tag      Descriptor Tag (0)
 * RBP 16  regid    Sparing Identifier ("*UDF Sparing Table")
 * RBP 48  u16      Reallocation Table Length (entries)
 * RBP 50  byte[2]  Reserved
 * RBP 52  u32      Sequence Number
 * RBP 56           Map Entries, 8 bytes each: u32 Original Location (logical block of the packet in the
 *                  partition; 0xFFFFFFFF free, 0xFFFFFFF0 defective), u32 Mapped Location (sector)
 * ```
 * Entries are sorted by Original Location.
 */
import { readU16LE, readU32LE, writeU16LE, writeU32LE } from '../../bytes/index.js';
import { TagIdentifier, needBytes, parseDescriptorTag, writeDescriptorTag, type DescriptorTag, type DescriptorTagInit } from './descriptor-tag.js';
import { parseEntityId, writeEntityId, type EntityId } from './entity-id.js';

export const SPARING_ENTRY_FREE = 0xffffffff;
export const SPARING_ENTRY_DEFECTIVE = 0xfffffff0;

export interface SparingEntry {
  readonly originalLocation: number;
  readonly mappedLocation: number;
}

export interface SparingTableFields {
  readonly identifier: EntityId;
  readonly sequenceNumber: number;
  readonly entries: readonly SparingEntry[];
}
export interface SparingTable extends SparingTableFields {
  readonly tag: DescriptorTag;
}
export interface SparingTableInit extends SparingTableFields {
  readonly tag: DescriptorTagInit;
}

/** Throws CORRUPT when the entries do not fit `b`. */
export function parseSparingTable(b: Uint8Array, byteOffset?: number): SparingTable {
  needBytes(b, 0, 56, 'SparingTable', byteOffset);
  const n = readU16LE(b, 48);
  needBytes(b, 0, 56 + 8 * n, 'SparingTable', byteOffset);
  const entries: SparingEntry[] = [];
  for (let i = 0; i < n; i++) entries.push({ originalLocation: readU32LE(b, 56 + 8 * i), mappedLocation: readU32LE(b, 60 + 8 * i) });
  return { tag: parseDescriptorTag(b, 0, byteOffset), identifier: parseEntityId(b, 16), sequenceNumber: readU32LE(b, 52), entries };
}

export function serializeSparingTable(d: SparingTableInit): Uint8Array {
  const b = new Uint8Array(56 + 8 * d.entries.length);
  writeEntityId(b, 16, d.identifier);
  writeU16LE(b, 48, d.entries.length);
  writeU32LE(b, 52, d.sequenceNumber);
  d.entries.forEach((e, i) => {
    writeU32LE(b, 56 + 8 * i, e.originalLocation);
    writeU32LE(b, 60 + 8 * i, e.mappedLocation);
  });
  writeDescriptorTag(b, TagIdentifier.SPARING_TABLE, d.tag);
  return b;
}
