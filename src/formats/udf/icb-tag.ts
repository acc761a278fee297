/**
 * ECMA-167 4/14.6 ICB Tag (20 bytes), inside every File Entry, Extended File Entry and Indirect Entry;
 * UDF 2.3.5.
 *
 * ```
 * RBP 0   u32     Prior Recorded Number of Direct Entries
 * RBP 4   u16     Strategy Type (4: one entry; 4096: a direct entry then an indirect one, UDF 2.3.5.1)
 * RBP 6   byte[2] Strategy Parameter
 * RBP 8   u16     Maximum Number of Entries
 * RBP 10  u8      Reserved (0)
 * RBP 11  u8      File Type (4/14.6.6; UDF 2.3.5.2 adds 248-252)
 * RBP 12  lb_addr Parent ICB Location
 * RBP 18  u16     Flags (4/14.6.8): bits 0-2 allocation descriptor form (0 short_ad, 1 long_ad, 2 ext_ad,
 *                 3 data embedded in the entry), 3 sorted, 4 non-relocatable, 5 archive, 6 setuid,
 *                 7 setgid, 8 sticky, 9 contiguous, 10 system, 11 transformed, 12 multi-versions, 13 stream
 * ```
 */
import { readU16LE, readU32LE, writeU16LE, writeU32LE } from '../../bytes/index.js';
import { parseLbAddr, writeLbAddr, type LbAddr } from './allocation-descriptors.js';

export const ICB_TAG_LENGTH = 20;

export const FileType = {
  UNSPECIFIED: 0,
  UNALLOCATED_SPACE_ENTRY: 1,
  PARTITION_INTEGRITY_ENTRY: 2,
  INDIRECT_ENTRY: 3,
  DIRECTORY: 4,
  /** a random-access sequence of bytes: a regular file */
  FILE: 5,
  BLOCK_DEVICE: 6,
  CHARACTER_DEVICE: 7,
  EXTENDED_ATTRIBUTES: 8,
  FIFO: 9,
  SOCKET: 10,
  TERMINAL_ENTRY: 11,
  SYMLINK: 12,
  STREAM_DIRECTORY: 13,
  /** UDF 2.00+ Virtual Allocation Table */
  VAT: 248,
  REAL_TIME_FILE: 249,
  METADATA_FILE: 250,
  METADATA_MIRROR_FILE: 251,
  METADATA_BITMAP_FILE: 252,
} as const;

export const IcbFlag = {
  AD_FORM_MASK: 0x0007,
  SORTED: 0x0008,
  NON_RELOCATABLE: 0x0010,
  ARCHIVE: 0x0020,
  SETUID: 0x0040,
  SETGID: 0x0080,
  STICKY: 0x0100,
  CONTIGUOUS: 0x0200,
  SYSTEM: 0x0400,
  TRANSFORMED: 0x0800,
  MULTI_VERSIONS: 0x1000,
  STREAM: 0x2000,
} as const;

export const IcbStrategy = { DIRECT: 4, DIRECT_THEN_INDIRECT: 4096 } as const;

export interface IcbTag {
  readonly priorRecordedDirectEntries: number;
  readonly strategyType: number;
  readonly strategyParameter: number;
  readonly maxEntries: number;
  readonly fileType: number;
  readonly parentIcb: LbAddr;
  readonly flags: number;
}

export function parseIcbTag(b: Uint8Array, o: number): IcbTag {
  return {
    priorRecordedDirectEntries: readU32LE(b, o),
    strategyType: readU16LE(b, o + 4),
    strategyParameter: readU16LE(b, o + 6),
    maxEntries: readU16LE(b, o + 8),
    fileType: b[o + 11] ?? 0,
    parentIcb: parseLbAddr(b, o + 12),
    flags: readU16LE(b, o + 18),
  };
}

export function writeIcbTag(b: Uint8Array, o: number, t: IcbTag): void {
  writeU32LE(b, o, t.priorRecordedDirectEntries);
  writeU16LE(b, o + 4, t.strategyType);
  writeU16LE(b, o + 6, t.strategyParameter);
  writeU16LE(b, o + 8, t.maxEntries);
  b[o + 10] = 0;
  b[o + 11] = t.fileType;
  writeLbAddr(b, o + 12, t.parentIcb);
  writeU16LE(b, o + 18, t.flags);
}
