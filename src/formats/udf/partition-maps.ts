/**
 * Partition maps of a Logical Volume Descriptor (ECMA-167 3/10.7; UDF 2.2.8-2.2.10).
 *
 * Type 1 (3/10.7.2), 6 bytes: RBP 0 u8 type (1), RBP 1 u8 length (6), RBP 2 u16 Volume Sequence Number,
 * RBP 4 u16 Partition Number.
 *
 * Type 2 (3/10.7.3), 64 bytes, identified by an EntityID:
 * ```
 * RBP 0   u8     Partition Map Type (2)
 * RBP 1   u8     Partition Map Length (64)
 * RBP 2   byte[2] Reserved
 * RBP 4   regid  Partition Type Identifier (UDF Identifier Suffix)
 * RBP 36  u16    Volume Sequence Number
 * RBP 38  u16    Partition Number
 * RBP 40         by type:
 *   "*UDF Virtual Partition" (2.2.8): byte[24] reserved
 *   "*UDF Sparable Partition" (2.2.9): u16 Packet Length (blocks), u8 Number of Sparing Tables, u8 reserved,
 *       u32 Size of Each Sparing Table (bytes), u32[N] Locations of Sparing Tables (sectors, up to 4)
 *   "*UDF Metadata Partition" (2.2.10, UDF 2.50+): u32 Metadata File Location, u32 Metadata Mirror File
 *       Location, u32 Metadata Bitmap File Location (logical blocks of the physical partition;
 *       0xFFFFFFFF = no bitmap), u32 Allocation Unit Size (blocks), u16 Alignment Unit Size (blocks),
 *       u8 Flags (bit 0: Duplicate Metadata — the mirror holds its own copy), byte[5] reserved
 * ```
 */
import { readU16LE, readU32LE, writeU16LE, writeU32LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { EntityIdentifier, parseEntityId, writeEntityId, type EntityId } from './entity-id.js';

export const TYPE1_MAP_LENGTH = 6;
export const TYPE2_MAP_LENGTH = 64;

export interface Type1PartitionMap {
  readonly type: 1;
  readonly kind: 'type1';
  readonly volumeSequenceNumber: number;
  readonly partitionNumber: number;
}

interface Type2Common {
  readonly type: 2;
  readonly identifier: EntityId;
  readonly volumeSequenceNumber: number;
  readonly partitionNumber: number;
}
export interface VirtualPartitionMap extends Type2Common {
  readonly kind: 'virtual';
}
export interface SparablePartitionMap extends Type2Common {
  readonly kind: 'sparable';
  readonly packetLength: number;
  readonly sparingTableCount: number;
  readonly sparingTableByteLength: number;
  /** sectors of the sparing tables (sparingTableCount of them, at most 4) */
  readonly sparingTableSectors: readonly number[];
}
export interface MetadataPartitionMap extends Type2Common {
  readonly kind: 'metadata';
  readonly metadataFileBlock: number;
  readonly mirrorFileBlock: number;
  readonly bitmapFileBlock: number;
  readonly allocationUnitBlocks: number;
  readonly alignmentUnitBlocks: number;
  readonly flags: number;
}
/** A type-2 map with an identifier this module does not know: its 24 type-specific bytes. */
export interface OtherType2PartitionMap extends Type2Common {
  readonly kind: 'other';
  readonly data: Uint8Array;
}
/** A map of a type other than 1 and 2: its raw bytes. */
export interface UnknownPartitionMap {
  readonly type: number;
  readonly kind: 'unknown';
  readonly bytes: Uint8Array;
}
export type PartitionMap = Type1PartitionMap | VirtualPartitionMap | SparablePartitionMap | MetadataPartitionMap | OtherType2PartitionMap | UnknownPartitionMap;

function parseType2(b: Uint8Array, o: number): PartitionMap {
  const common = { type: 2 as const, identifier: parseEntityId(b, o + 4), volumeSequenceNumber: readU16LE(b, o + 36), partitionNumber: readU16LE(b, o + 38) };
  switch (common.identifier.identifier) {
    case EntityIdentifier.VIRTUAL_PARTITION:
      return { ...common, kind: 'virtual' };
    case EntityIdentifier.SPARABLE_PARTITION: {
      const count = b[o + 42] as number;
      const sectors: number[] = [];
      for (let i = 0; i < Math.min(count, 4); i++) sectors.push(readU32LE(b, o + 48 + 4 * i));
      return { ...common, kind: 'sparable', packetLength: readU16LE(b, o + 40), sparingTableCount: count, sparingTableByteLength: readU32LE(b, o + 44), sparingTableSectors: sectors };
    }
    case EntityIdentifier.METADATA_PARTITION:
      return {
        ...common, kind: 'metadata', metadataFileBlock: readU32LE(b, o + 40), mirrorFileBlock: readU32LE(b, o + 44), bitmapFileBlock: readU32LE(b, o + 48),
        allocationUnitBlocks: readU32LE(b, o + 52), alignmentUnitBlocks: readU16LE(b, o + 56), flags: b[o + 58] as number,
      };
    default:
      return { ...common, kind: 'other', data: b.slice(o + 40, o + 64) };
  }
}

/**
 * The `count` maps in `b[o, o + tableLength)`. Throws CORRUPT when a map's length byte is below 2 or a map
 * runs past the table.
 */
export function parsePartitionMaps(b: Uint8Array, o: number, tableLength: number, count: number, byteOffset?: number): PartitionMap[] {
  const maps: PartitionMap[] = [];
  const end = Math.min(b.length, o + tableLength);
  let p = o;
  for (let i = 0; i < count; i++) {
    const type = b[p] ?? 0;
    const len = b[p + 1] ?? 0;
    if (len < 2 || p + len > end) {
      throw new IsoKitError(ErrorCode.CORRUPT, `partition map ${i} (type ${type}, length ${len}) does not fit the map table of ${tableLength} bytes`, {
        ...(byteOffset !== undefined ? { byteOffset: byteOffset + p } : {}),
        structure: 'PartitionMap',
      });
    }
    if (type === 1 && len === TYPE1_MAP_LENGTH) maps.push({ type: 1, kind: 'type1', volumeSequenceNumber: readU16LE(b, p + 2), partitionNumber: readU16LE(b, p + 4) });
    else if (type === 2 && len === TYPE2_MAP_LENGTH) maps.push(parseType2(b, p));
    else maps.push({ type, kind: 'unknown', bytes: b.slice(p, p + len) });
    p += len;
  }
  return maps;
}

export function sizeOfPartitionMap(m: PartitionMap): number {
  return m.kind === 'type1' ? TYPE1_MAP_LENGTH : m.kind === 'unknown' ? m.bytes.length : TYPE2_MAP_LENGTH;
}

function writeType2(b: Uint8Array, o: number, m: Exclude<PartitionMap, Type1PartitionMap | UnknownPartitionMap>): void {
  b[o] = 2;
  b[o + 1] = TYPE2_MAP_LENGTH;
  writeEntityId(b, o + 4, m.identifier);
  writeU16LE(b, o + 36, m.volumeSequenceNumber);
  writeU16LE(b, o + 38, m.partitionNumber);
  if (m.kind === 'sparable') {
    writeU16LE(b, o + 40, m.packetLength);
    b[o + 42] = m.sparingTableCount;
    writeU32LE(b, o + 44, m.sparingTableByteLength);
    m.sparingTableSectors.slice(0, 4).forEach((s, i) => writeU32LE(b, o + 48 + 4 * i, s));
  } else if (m.kind === 'metadata') {
    writeU32LE(b, o + 40, m.metadataFileBlock);
    writeU32LE(b, o + 44, m.mirrorFileBlock);
    writeU32LE(b, o + 48, m.bitmapFileBlock);
    writeU32LE(b, o + 52, m.allocationUnitBlocks);
    writeU16LE(b, o + 56, m.alignmentUnitBlocks);
    b[o + 58] = m.flags;
  } else if (m.kind === 'other') {
    b.set(m.data.subarray(0, 24), o + 40);
  }
}

export function serializePartitionMaps(maps: readonly PartitionMap[]): Uint8Array {
  const b = new Uint8Array(maps.reduce((n, m) => n + sizeOfPartitionMap(m), 0));
  let p = 0;
  for (const m of maps) {
    if (m.kind === 'type1') {
      b[p] = 1;
      b[p + 1] = TYPE1_MAP_LENGTH;
      writeU16LE(b, p + 2, m.volumeSequenceNumber);
      writeU16LE(b, p + 4, m.partitionNumber);
    } else if (m.kind === 'unknown') {
      b.set(m.bytes, p);
    } else {
      writeType2(b, p, m);
    }
    p += sizeOfPartitionMap(m);
  }
  return b;
}
