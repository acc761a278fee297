/**
 * VFAT long-name directory entries (Microsoft FAT specification 1.03, §7).
 *
 * ```
 * byte len field
 * 0    1   LDIR_Ord: sequence number 1…20; 0x40 marks the last (stored first) entry of the set
 * 1    10  LDIR_Name1: UTF-16LE units 1–5
 * 11   1   LDIR_Attr = 0x0F
 * 12   1   LDIR_Type = 0
 * 13   1   LDIR_Chksum: checksum of the 11-byte short name that follows the set (§7.2)
 * 14   12  LDIR_Name2: units 6–11
 * 26   2   LDIR_FstClusLO = 0
 * 28   4   LDIR_Name3: units 12–13
 * ```
 * A name of n UTF-16 units takes ceil(n / 13) entries, stored in reverse order right before the short entry.
 * A name that does not fill its last entry is ended by one 0x0000 unit and padded with 0xFFFF.
 */
import { readU16LE, writeU16LE } from '../../bytes/index.js';
import { FatAttr } from './directory-entry.js';

export const LONG_NAME_UNITS_PER_ENTRY = 13;
/** 255 UTF-16 units at most (§7: "up to 255 characters"), so 20 entries */
export const LONG_NAME_MAX_UNITS = 255;
export const LONG_NAME_LAST_FLAG = 0x40;
/** byte offsets of the 13 units in an entry */
const UNIT_AT = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30] as const;

/** §7.2: the rotate-right-and-add checksum of the 11 short-name bytes. */
export function shortNameChecksum(name11: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum = ((((sum & 1) << 7) | (sum >> 1)) + (name11[i] ?? 0)) & 0xff;
  return sum;
}

export const longNameEntryCount = (name: string): number => Math.ceil(name.length / LONG_NAME_UNITS_PER_ENTRY);

/**
 * Write the long-name entries of `name` at `b[o]`, in on-disk order (highest sequence number first).
 * Returns the number of bytes written (32 per entry).
 */
export function writeLongNameEntries(b: Uint8Array, o: number, name: string, checksum: number): number {
  const count = longNameEntryCount(name);
  for (let k = 0; k < count; k++) {
    const seq = count - k;
    const at = o + k * 32;
    b.fill(0, at, at + 32);
    b[at] = seq | (seq === count ? LONG_NAME_LAST_FLAG : 0);
    b[at + 11] = FatAttr.LONG_NAME;
    b[at + 13] = checksum;
    const first = (seq - 1) * LONG_NAME_UNITS_PER_ENTRY;
    for (let i = 0; i < LONG_NAME_UNITS_PER_ENTRY; i++) {
      const u = first + i;
      writeU16LE(b, at + (UNIT_AT[i] as number), u < name.length ? name.charCodeAt(u) : u === name.length ? 0 : 0xffff);
    }
  }
  return count * 32;
}

export interface LongNameEntry {
  /** sequence number without the last flag (1…63 as stored) */
  readonly sequence: number;
  readonly isLast: boolean;
  readonly checksum: number;
  /** the 13 units as stored (0x0000 terminator and 0xFFFF padding included) */
  readonly units: readonly number[];
  /** LDIR_Type and LDIR_FstClusLO are 0, as they must be */
  readonly wellFormed: boolean;
}

export function parseLongNameEntry(b: Uint8Array, o = 0): LongNameEntry {
  const units: number[] = [];
  for (const at of UNIT_AT) units.push(readU16LE(b, o + at));
  const ord = b[o] ?? 0;
  return {
    sequence: ord & 0x3f,
    isLast: (ord & LONG_NAME_LAST_FLAG) !== 0,
    checksum: b[o + 13] ?? 0,
    units,
    wellFormed: b[o + 12] === 0 && readU16LE(b, o + 26) === 0,
  };
}

/** The name part of an entry's units: up to the first 0x0000 (0xFFFF padding after it is not checked). */
export function longNameUnitsText(units: readonly number[]): string {
  let s = '';
  for (const u of units) {
    if (u === 0) break;
    s += String.fromCharCode(u);
  }
  return s;
}

/** Serialize one set as bytes (for tests and small callers). */
export function serializeLongNameEntries(name: string, checksum: number): Uint8Array {
  const b = new Uint8Array(longNameEntryCount(name) * 32);
  writeLongNameEntries(b, 0, name, checksum);
  return b;
}
