/**
 * File Allocation Table entries (Microsoft FAT specification 1.03, §4): one entry per cluster, 12, 16 or 28
 * bits (FAT32 entries are 32 bits wide; the high 4 bits are reserved and masked off on read, kept on write).
 *
 * ```
 * value (FAT32)              meaning
 * 0x0000000                  free
 * 0x0000002 … max cluster    next cluster of the chain
 * 0xFFFFFF7                  bad cluster
 * 0xFFFFFF8 … 0xFFFFFFF      end of chain (EOC)
 * entry 0: media byte in the low 8 bits, other bits 1; entry 1: EOC (FAT32 bit 27 "clean", bit 26 "no error")
 * ```
 * FAT12 packs two entries into three bytes: entry n sits at byte n × 1.5, the low 12 bits for even n, the high
 * 12 bits for odd n.
 */
import { readU16LE, readU32LE } from '../../bytes/index.js';
import type { FatType } from './boot-sector.js';

export const FAT32_ENTRY_MASK = 0x0fffffff;
/** the end-of-chain value isokit writes */
export const FAT32_EOC = 0x0fffffff;
/** entries 0 and 1 of a FAT32 table on a fixed disk (media 0xF8), volume clean */
export const FAT32_ENTRY0 = 0x0ffffff8;
export const FAT32_ENTRY1 = 0x0fffffff;

/** Bad-cluster marker and lowest end-of-chain value per FAT type. */
export const FAT_BAD: Record<FatType, number> = { FAT12: 0xff7, FAT16: 0xfff7, FAT32: 0x0ffffff7 };
export const FAT_EOC_MIN: Record<FatType, number> = { FAT12: 0xff8, FAT16: 0xfff8, FAT32: 0x0ffffff8 };

/** Byte offset of entry `cluster` within a FAT. */
export function fatEntryByteOffset(type: FatType, cluster: number): number {
  return type === 'FAT32' ? cluster * 4 : type === 'FAT16' ? cluster * 2 : Math.floor((cluster * 3) / 2);
}

/** Bytes an entry needs from its byte offset on (FAT12 entries straddle bytes). */
export const fatEntryByteLength = (type: FatType): number => (type === 'FAT32' ? 4 : 2);

/** Decode entry `cluster` read from `b[at]` (`at` = where its `fatEntryByteOffset` lies in `b`). */
export function decodeFatEntry(type: FatType, b: Uint8Array, at: number, cluster: number): number {
  if (type === 'FAT32') return readU32LE(b, at) & FAT32_ENTRY_MASK;
  const v = readU16LE(b, at);
  if (type === 'FAT16') return v;
  return cluster % 2 === 0 ? v & 0xfff : v >> 4;
}

/** FAT bytes needed for `entries` entries. */
export function fatByteLengthFor(type: FatType, entries: number): number {
  return type === 'FAT32' ? entries * 4 : type === 'FAT16' ? entries * 2 : Math.ceil((entries * 3) / 2);
}
