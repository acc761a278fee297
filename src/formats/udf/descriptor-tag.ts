/**
 * ECMA-167 3/7.2 Descriptor Tag: the 16 bytes that open every UDF descriptor.
 *
 * ```
 * RBP 0   u16  Tag Identifier                          3/7.2.1 (and 4/7.2.1)
 * RBP 2   u16  Descriptor Version (2: NSR02, 3: NSR03)  3/7.2.2
 * RBP 4   u8   Tag Checksum                            3/7.2.3
 * RBP 5   u8   Reserved (0)                            3/7.2.4
 * RBP 6   u16  Tag Serial Number                       3/7.2.5
 * RBP 8   u16  Descriptor CRC                          3/7.2.6
 * RBP 10  u16  Descriptor CRC Length                   3/7.2.7
 * RBP 12  u32  Tag Location                            3/7.2.8
 * ```
 * The checksum is the sum modulo 256 of bytes 0-3 and 5-15. The CRC is CRC-ITU (x^16 + x^12 + x^5 + 1,
 * initial 0, 7.2.6) over the `crcLength` bytes that follow the tag. The tag location is the sector of the
 * descriptor (volume structures) or its logical block within its partition (file structures, 4/7.2.8).
 */
import { crcItuRange, readU16LE, readU32LE, writeU16LE, writeU32LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';

export const DESCRIPTOR_TAG_LENGTH = 16;

/** Tag identifiers: ECMA-167 3/7.2.1 (volume structures), 4/7.2.1 (file structures), UDF 2.2.12 (0). */
export const TagIdentifier = {
  /** UDF 2.2.12: the Sparing Table carries identifier 0 */
  SPARING_TABLE: 0,
  PRIMARY_VOLUME: 1,
  ANCHOR_VOLUME_POINTER: 2,
  VOLUME_POINTER: 3,
  IMPLEMENTATION_USE_VOLUME: 4,
  PARTITION: 5,
  LOGICAL_VOLUME: 6,
  UNALLOCATED_SPACE: 7,
  TERMINATING: 8,
  LOGICAL_VOLUME_INTEGRITY: 9,
  FILE_SET: 256,
  FILE_IDENTIFIER: 257,
  ALLOCATION_EXTENT: 258,
  INDIRECT_ENTRY: 259,
  TERMINAL_ENTRY: 260,
  FILE_ENTRY: 261,
  EXTENDED_ATTRIBUTE_HEADER: 262,
  UNALLOCATED_SPACE_ENTRY: 263,
  SPACE_BITMAP: 264,
  PARTITION_INTEGRITY: 265,
  EXTENDED_FILE_ENTRY: 266,
} as const;

export interface DescriptorTag {
  readonly identifier: number;
  /** 2 (ECMA-167 2nd edition, NSR02) or 3 (3rd edition, NSR03) */
  readonly version: number;
  /** as recorded (the serializer recomputes it) */
  readonly checksum: number;
  readonly serialNumber: number;
  /** as recorded (the serializer recomputes it) */
  readonly crc: number;
  readonly crcLength: number;
  readonly location: number;
}

/** What a serializer needs to write a tag; the checksum and CRC are computed. */
export interface DescriptorTagInit {
  readonly version: number;
  readonly serialNumber?: number;
  readonly location: number;
  /** default: the rest of the descriptor (its length − 16) */
  readonly crcLength?: number;
}

/** Parse the tag at `b[o]` (no checks: see `checkDescriptorTag`). Throws TRUNCATED when fewer than 16 bytes remain. */
export function parseDescriptorTag(b: Uint8Array, o = 0, byteOffset?: number): DescriptorTag {
  if (o + DESCRIPTOR_TAG_LENGTH > b.length) {
    throw new IsoKitError(ErrorCode.TRUNCATED, `needs ${DESCRIPTOR_TAG_LENGTH} bytes, ${Math.max(0, b.length - o)} left`, {
      ...(byteOffset !== undefined ? { byteOffset } : {}),
      structure: 'DescriptorTag',
    });
  }
  return {
    identifier: readU16LE(b, o),
    version: readU16LE(b, o + 2),
    checksum: b[o + 4] as number,
    serialNumber: readU16LE(b, o + 6),
    crc: readU16LE(b, o + 8),
    crcLength: readU16LE(b, o + 10),
    location: readU32LE(b, o + 12),
  };
}

/** 3/7.2.3: the sum of tag bytes 0-3 and 5-15, modulo 256. */
export function tagChecksum(b: Uint8Array, o = 0): number {
  let sum = 0;
  for (let i = 0; i < DESCRIPTOR_TAG_LENGTH; i++) if (i !== 4) sum += b[o + i] ?? 0;
  return sum & 0xff;
}

/** Which part of a tag is wrong (the first problem found), or undefined for a sound tag. */
export type TagProblem = 'checksum' | 'version' | 'crc' | 'crc-length' | 'location' | 'identifier';

export interface TagExpectation {
  /** the identifier the caller wants (any when omitted) */
  readonly identifier?: number;
  /** where the descriptor is (sector or partition block); not checked when omitted */
  readonly location?: number;
}

/**
 * Check the tag at `b[o]`: identifier (when expected), checksum, version (2 or 3), CRC over `crcLength` bytes
 * (which must lie in `b`) and location (when expected). Cheap checks first.
 */
export function checkDescriptorTag(b: Uint8Array, o: number, want: TagExpectation = {}): TagProblem | undefined {
  if (o + DESCRIPTOR_TAG_LENGTH > b.length) return 'checksum';
  if (want.identifier !== undefined && readU16LE(b, o) !== want.identifier) return 'identifier';
  if (tagChecksum(b, o) !== b[o + 4]) return 'checksum';
  const version = readU16LE(b, o + 2);
  if (version !== 2 && version !== 3) return 'version';
  const crcLength = readU16LE(b, o + 10);
  const start = o + DESCRIPTOR_TAG_LENGTH;
  if (start + crcLength > b.length) return 'crc-length';
  if (crcItuRange(b, start, start + crcLength) !== readU16LE(b, o + 8)) return 'crc';
  if (want.location !== undefined && readU32LE(b, o + 12) !== want.location) return 'location';
  return undefined;
}

/** A sentence for a tag problem ("descriptor CRC does not match"). */
export function describeTagProblem(p: TagProblem, b: Uint8Array, o: number, want: TagExpectation = {}): string {
  switch (p) {
    case 'identifier': return `tag identifier ${readU16LE(b, o)} where ${want.identifier} was expected`;
    case 'checksum': return 'descriptor tag checksum does not match';
    case 'version': return `descriptor version ${readU16LE(b, o + 2)} (2 or 3 expected)`;
    case 'crc-length': return `descriptor CRC length ${readU16LE(b, o + 10)} runs past the descriptor`;
    case 'crc': return 'descriptor CRC does not match';
    case 'location': return `tag location ${readU32LE(b, o + 12)} where ${want.location} was expected`;
  }
}

/**
 * Write the tag of the descriptor that fills `b` (from offset 0): fields from `tag`, then the CRC over the
 * `crcLength` bytes after the tag, then the checksum. Call it last, when the body is complete.
 */
export function writeDescriptorTag(b: Uint8Array, identifier: number, tag: DescriptorTagInit): void {
  const crcLength = tag.crcLength ?? b.length - DESCRIPTOR_TAG_LENGTH;
  if (crcLength < 0 || crcLength > 0xffff || DESCRIPTOR_TAG_LENGTH + crcLength > b.length) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `CRC length ${crcLength} does not fit a descriptor of ${b.length} bytes`, { structure: 'DescriptorTag' });
  }
  writeU16LE(b, 0, identifier);
  writeU16LE(b, 2, tag.version);
  b[5] = 0;
  writeU16LE(b, 6, tag.serialNumber ?? 0);
  writeU16LE(b, 8, crcItuRange(b, DESCRIPTOR_TAG_LENGTH, DESCRIPTOR_TAG_LENGTH + crcLength));
  writeU16LE(b, 10, crcLength);
  writeU32LE(b, 12, tag.location);
  b[4] = tagChecksum(b, 0);
}

/** Throw CORRUPT unless `b` holds at least `byteLength` bytes from `o` (parsers of fixed-size descriptors). */
export function needBytes(b: Uint8Array, o: number, byteLength: number, structure: string, byteOffset?: number): void {
  if (o < 0 || o + byteLength > b.length) {
    throw new IsoKitError(ErrorCode.CORRUPT, `needs ${byteLength} bytes, ${Math.max(0, b.length - o)} available`, {
      ...(byteOffset !== undefined ? { byteOffset } : {}),
      structure,
    });
  }
}
