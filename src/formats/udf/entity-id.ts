/**
 * ECMA-167 1/7.4 regid ("EntityID" in UDF 2.1.5), 32 bytes.
 *
 * ```
 * RBP 0   u8        Flags (bit 0 dirty, bit 1 protected)
 * RBP 1   char[23]  Identifier ("*OSTA UDF Compliant", "+NSR02", "*UDF LV Info", …; zero padded)
 * RBP 24  char[8]   Identifier Suffix
 * ```
 * UDF 2.1.5.3 gives the suffix three shapes:
 * - Domain Identifier Suffix: u16 UDF revision (BCD, 0x0102 = 1.02), u8 domain flags (bit 0 hard write
 *   protect, bit 1 soft write protect), 5 reserved bytes;
 * - UDF Identifier Suffix: u16 UDF revision, u8 OS class, u8 OS identifier, 4 reserved bytes;
 * - Implementation Identifier Suffix: u8 OS class, u8 OS identifier, 6 bytes implementation use.
 */
import { readU16LE, writeU16LE } from '../../bytes/index.js';

export const ENTITY_ID_LENGTH = 32;

export interface EntityId {
  readonly flags: number;
  /** the identifier up to its first zero byte (Latin-1) */
  readonly identifier: string;
  /** the 8 suffix bytes (a view into the input when parsed) */
  readonly suffix: Uint8Array;
}

/** Identifiers UDF defines (UDF 2.1.5.2, 2.2). */
export const EntityIdentifier = {
  OSTA_DOMAIN: '*OSTA UDF Compliant',
  LV_INFO: '*UDF LV Info',
  NSR02: '+NSR02',
  NSR03: '+NSR03',
  VIRTUAL_PARTITION: '*UDF Virtual Partition',
  SPARABLE_PARTITION: '*UDF Sparable Partition',
  METADATA_PARTITION: '*UDF Metadata Partition',
  SPARING_TABLE: '*UDF Sparing Table',
  VIRTUAL_ALLOCATION_TABLE: '*UDF Virtual Alloc Tbl',
  VAT_LV_EXTENSION: '*UDF VAT LVExtension',
  FREE_EA_SPACE: '*UDF FreeEASpace',
  FREE_APP_EA_SPACE: '*UDF FreeAppEASpace',
} as const;

/** Identifiers seen recently, by a hash of their bytes: every File Entry repeats its writer's identifier. */
const recent = new Map<number, string>();

function identifierAt(b: Uint8Array, start: number, end: number): string {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193);
  h = (h ^ (end - start)) >>> 0;
  const cached = recent.get(h);
  if (cached !== undefined && cached.length === end - start) {
    let i = 0;
    while (i < cached.length && cached.charCodeAt(i) === b[start + i]) i++;
    if (i === cached.length) return cached;
  }
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i] as number);
  if (recent.size >= 256) recent.clear();
  recent.set(h, s);
  return s;
}

/** Parse the regid at `b[o]` (`suffix` is a view into `b`). */
export function parseEntityId(b: Uint8Array, o: number): EntityId {
  let end = o + 1;
  while (end < o + 24 && end < b.length && b[end] !== 0) end++;
  return { flags: b[o] ?? 0, identifier: identifierAt(b, o + 1, end), suffix: b.subarray(o + 24, o + 32) };
}

export function writeEntityId(b: Uint8Array, o: number, id: EntityId): void {
  b.fill(0, o, o + ENTITY_ID_LENGTH);
  b[o] = id.flags;
  for (let i = 0; i < Math.min(id.identifier.length, 23); i++) b[o + 1 + i] = id.identifier.charCodeAt(i) & 0xff;
  b.set(id.suffix.subarray(0, 8), o + 24);
}

export function serializeEntityId(id: EntityId): Uint8Array {
  const b = new Uint8Array(ENTITY_ID_LENGTH);
  writeEntityId(b, 0, id);
  return b;
}

/** An EntityID with a UDF revision in its suffix (Domain or UDF Identifier Suffix). */
export function udfEntityId(identifier: string, revision: number, flags = 0, suffixByte2 = 0, suffixByte3 = 0): EntityId {
  const suffix = new Uint8Array(8);
  writeU16LE(suffix, 0, revision);
  suffix[2] = suffixByte2;
  suffix[3] = suffixByte3;
  return { flags, identifier, suffix };
}

/** The UDF revision of a Domain or UDF Identifier Suffix (0x0102 for 1.02). */
export const suffixRevision = (id: EntityId): number => readU16LE(id.suffix, 0);

/** "1.02" for 0x0102 (the BCD revision UDF records). */
export function formatUdfRevision(revision: number): string {
  const major = (revision >>> 8).toString(16);
  const minor = (revision & 0xff).toString(16).padStart(2, '0');
  return `${major}.${minor}`;
}
