/**
 * ECMA-119 9.4 Path Table Record; 6.9 path tables (type L little-endian, type M big-endian).
 * ```
 * BP 1   length of directory identifier (LEN_DI)
 * BP 2   extended attribute record length
 * BP 3-6 location of extent (LBA), LE in L tables, BE in M tables
 * BP 7-8 parent directory number (1-based; the root is its own parent), same byte order
 * BP 9-  directory identifier, padding byte when LEN_DI is odd
 * ```
 * Records are ordered by level, then parent number, then identifier (6.9.1); the root's identifier is 0x00.
 */
import { readU16BE, readU16LE, readU32BE, readU32LE, writeU16BE, writeU16LE, writeU32BE, writeU32LE } from '../../bytes/index.js';
import type { Findings } from '../../errors/index.js';
import { FindingCode } from '../../errors/index.js';

export type PathTableType = 'L' | 'M';

export interface PathTableRecord {
  readonly identifier: Uint8Array;
  readonly lba: number;
  /** 1-based number of the parent in the same table */
  readonly parentNumber: number;
  readonly extAttrLength?: number;
}

/** Bytes one record takes (9.4). */
export const sizeOfPathTableRecord = (identifierByteLength: number): number => 8 + identifierByteLength + (identifierByteLength % 2);

/** Bytes a whole table takes (the value of the volume descriptor's path table size field). */
export function sizeOfPathTable(records: readonly { identifier: Uint8Array }[]): number {
  let n = 0;
  for (const r of records) n += sizeOfPathTableRecord(r.identifier.length);
  return n;
}

/** Serialize a path table of the given byte order (not padded to a sector). */
export function serializePathTable(records: readonly PathTableRecord[], type: PathTableType): Uint8Array {
  const out = new Uint8Array(sizeOfPathTable(records));
  let o = 0;
  for (const r of records) {
    const n = r.identifier.length;
    out[o] = n;
    out[o + 1] = r.extAttrLength ?? 0;
    if (type === 'L') {
      writeU32LE(out, o + 2, r.lba);
      writeU16LE(out, o + 6, r.parentNumber);
    } else {
      writeU32BE(out, o + 2, r.lba);
      writeU16BE(out, o + 6, r.parentNumber);
    }
    out.set(r.identifier, o + 8);
    o += sizeOfPathTableRecord(n);
  }
  return out;
}

/** Parse a path table; damaged records end the table with a finding. Identifiers are views into `bytes`. */
export function parsePathTable(bytes: Uint8Array, type: PathTableType, byteOffset: number, findings: Findings): PathTableRecord[] {
  const out: PathTableRecord[] = [];
  let o = 0;
  while (o + 8 <= bytes.length) {
    const n = bytes[o] as number;
    if (n === 0) {
      findings.warn(FindingCode.PATH_TABLE_RECORD, 'path table record with an empty identifier', byteOffset + o, 'PathTableRecord');
      break;
    }
    if (o + 8 + n > bytes.length) {
      findings.warn(FindingCode.PATH_TABLE_RECORD, 'path table record runs past the table', byteOffset + o, 'PathTableRecord');
      break;
    }
    const lba = type === 'L' ? readU32LE(bytes, o + 2) : readU32BE(bytes, o + 2);
    const parentNumber = type === 'L' ? readU16LE(bytes, o + 6) : readU16BE(bytes, o + 6);
    if (parentNumber < 1 || parentNumber > out.length + 1) {
      findings.warn(FindingCode.PATH_TABLE_PARENT, `parent directory number ${parentNumber} out of range`, byteOffset + o + 6, 'PathTableRecord');
    }
    out.push({ identifier: bytes.subarray(o + 8, o + 8 + n), lba, parentNumber, extAttrLength: bytes[o + 1] as number });
    o += sizeOfPathTableRecord(n);
  }
  return out;
}
