/**
 * FAT 32-byte directory entry with an 8.3 name (Microsoft FAT specification 1.03, §6).
 *
 * ```
 * byte len field
 * 0    11  DIR_Name: 8-byte base + 3-byte extension, space padded; [0] = 0x00 end, 0xE5 free, 0x05 = a real 0xE5
 * 11   1   DIR_Attr: 0x01 read-only, 0x02 hidden, 0x04 system, 0x08 volume label, 0x10 directory,
 *          0x20 archive; 0x0F = a long-name entry (long-name.ts)
 * 12   1   DIR_NTRes: Windows NT case flags, 0x08 base is lower case, 0x10 extension is lower case
 * 13   1   DIR_CrtTimeTenth: 10 ms units 0–199
 * 14   2   DIR_CrtTime      16 2 DIR_CrtDate     18 2 DIR_LstAccDate (fat-time.ts)
 * 20   2   DIR_FstClusHI: high 16 bits of the first cluster (FAT32; 0 on FAT12/16)
 * 22   2   DIR_WrtTime      24 2 DIR_WrtDate
 * 26   2   DIR_FstClusLO
 * 28   4   DIR_FileSize: bytes (0 for directories)
 * ```
 */
import { readU16LE, readU32LE, writeU16LE, writeU32LE } from '../../bytes/index.js';

export const DIRECTORY_ENTRY_BYTE_LENGTH = 32;

/** DIR_Attr bits (§6.1). */
export const FatAttr = {
  READ_ONLY: 0x01,
  HIDDEN: 0x02,
  SYSTEM: 0x04,
  VOLUME_ID: 0x08,
  DIRECTORY: 0x10,
  ARCHIVE: 0x20,
  /** READ_ONLY | HIDDEN | SYSTEM | VOLUME_ID: a long-name entry */
  LONG_NAME: 0x0f,
} as const;

/** DIR_NTRes bits written by Windows NT and later for 8.3 names that are all lower case in a part. */
export const NtCase = {
  LOWER_BASE: 0x08,
  LOWER_EXTENSION: 0x10,
} as const;

/** DIR_Name[0] markers. */
export const ENTRY_END = 0x00;
export const ENTRY_FREE = 0xe5;
/** stored in DIR_Name[0] for a name whose first byte really is 0xE5 */
export const ENTRY_KANJI_E5 = 0x05;

export interface DirectoryEntry {
  /** the 11 name bytes as stored (a copy) */
  readonly name: Uint8Array;
  readonly attributes: number;
  readonly ntFlags: number;
  readonly createTenMs: number;
  readonly createTime: number;
  readonly createDate: number;
  readonly accessDate: number;
  readonly writeTime: number;
  readonly writeDate: number;
  readonly firstCluster: number;
  readonly fileSize: number;
}

export function parseDirectoryEntry(b: Uint8Array, o = 0): DirectoryEntry {
  return {
    name: b.slice(o, o + 11),
    attributes: b[o + 11] ?? 0,
    ntFlags: b[o + 12] ?? 0,
    createTenMs: b[o + 13] ?? 0,
    createTime: readU16LE(b, o + 14),
    createDate: readU16LE(b, o + 16),
    accessDate: readU16LE(b, o + 18),
    writeTime: readU16LE(b, o + 22),
    writeDate: readU16LE(b, o + 24),
    firstCluster: readU16LE(b, o + 20) * 0x10000 + readU16LE(b, o + 26),
    fileSize: readU32LE(b, o + 28),
  };
}

/** Write one 32-byte entry at `b[o]`. */
export function writeDirectoryEntry(b: Uint8Array, o: number, e: DirectoryEntry): void {
  b.set(e.name.subarray(0, 11), o);
  b[o + 11] = e.attributes;
  b[o + 12] = e.ntFlags;
  b[o + 13] = e.createTenMs;
  writeU16LE(b, o + 14, e.createTime);
  writeU16LE(b, o + 16, e.createDate);
  writeU16LE(b, o + 18, e.accessDate);
  writeU16LE(b, o + 20, Math.floor(e.firstCluster / 0x10000));
  writeU16LE(b, o + 22, e.writeTime);
  writeU16LE(b, o + 24, e.writeDate);
  writeU16LE(b, o + 26, e.firstCluster % 0x10000);
  writeU32LE(b, o + 28, e.fileSize);
}

export function serializeDirectoryEntry(e: DirectoryEntry): Uint8Array {
  const b = new Uint8Array(DIRECTORY_ENTRY_BYTE_LENGTH);
  writeDirectoryEntry(b, 0, e);
  return b;
}

/** The 11 name bytes of an 8.3 name given as base and extension (ASCII, already upper case), space padded. */
export function shortNameBytes(base: string, extension = ''): Uint8Array {
  const b = new Uint8Array(11).fill(0x20);
  for (let i = 0; i < Math.min(8, base.length); i++) b[i] = base.charCodeAt(i) & 0xff;
  for (let i = 0; i < Math.min(3, extension.length); i++) b[8 + i] = extension.charCodeAt(i) & 0xff;
  if (b[0] === ENTRY_FREE) b[0] = ENTRY_KANJI_E5;
  return b;
}

/**
 * The 8.3 name as text: base and extension without padding, joined by '.', lower-cased per the NT case flags.
 * Bytes ≥ 0x80 (OEM code page characters) are not translated: they become U+0080–U+00FF.
 */
export function shortNameToString(name: Uint8Array, ntFlags = 0): string {
  const part = (from: number, to: number, lower: boolean): string => {
    let end = to;
    while (end > from && name[end - 1] === 0x20) end--;
    let s = '';
    for (let i = from; i < end; i++) {
      let c = name[i] as number;
      if (i === 0 && c === ENTRY_KANJI_E5) c = ENTRY_FREE;
      s += String.fromCharCode(lower && c >= 0x41 && c <= 0x5a ? c + 32 : c);
    }
    return s;
  };
  const base = part(0, 8, (ntFlags & NtCase.LOWER_BASE) !== 0);
  const ext = part(8, 11, (ntFlags & NtCase.LOWER_EXTENSION) !== 0);
  return ext ? `${base}.${ext}` : base;
}
