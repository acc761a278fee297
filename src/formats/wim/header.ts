/**
 * WIM file header (Microsoft "Windows Imaging File Format (WIM)", WIMHEADER_V1_PACKED; wimlib
 * `include/wimlib/header.h`, struct wim_header_disk). 208 bytes at the start of the file (a pipable WIM
 * repeats it at the end).
 *
 * ```
 * offset size field
 *   0     8   magic "MSWIM\0\0\0" (pipable WIM, a wimlib extension: "WLPWM\0\0\0")
 *   8     4   header size: 208
 *  12     4   version: 0x10D00 (normal) or 0xE00 (solid resources / LZMS: ESD)
 *  16     4   flags (WimHeaderFlag)
 *  20     4   chunk size of compressed non-solid resources (0 when uncompressed)
 *  24    16   GUID, shared by all parts of a split WIM
 *  40     2   part number, from 1
 *  42     2   total parts
 *  44     4   image count
 *  48    24   resource header of the blob (lookup) table
 *  72    24   resource header of the XML data
 *  96    24   resource header of the boot image's metadata (zero when none)
 * 120     4   boot index, 1-based (0: none)
 * 124    24   resource header of the integrity table (zero when none; 4-byte aligned, packed)
 * 148    60   unused, zero
 * 208         (end)
 * ```
 */
import { bytesEqual, readU16LE, readU32LE, writeU16LE, writeU32LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { parseResourceHeader, serializeResourceHeader, type ResourceHeader } from './resource-header.js';

export const WIM_HEADER_BYTE_LENGTH = 208;
export const WIM_MAGIC = Uint8Array.of(0x4d, 0x53, 0x57, 0x49, 0x4d, 0, 0, 0); // "MSWIM\0\0\0"
export const PIPABLE_WIM_MAGIC = Uint8Array.of(0x57, 0x4c, 0x50, 0x57, 0x4d, 0, 0, 0); // "WLPWM\0\0\0"

export const WimVersion = {
  /** every blob in a resource of its own */
  DEFAULT: 0x10d00,
  /** solid resources and LZMS allowed (Windows 8 WIMGAPI; install.esd) */
  SOLID: 0xe00,
} as const;

/** Header flags (wimlib WIM_HDR_FLAG_*). */
export const WimHeaderFlag = {
  RESERVED: 0x1,
  /** resources may be compressed; exactly one COMPRESS_* flag names the codec */
  COMPRESSION: 0x2,
  READONLY: 0x4,
  /** a part of a split WIM (.swm) */
  SPANNED: 0x8,
  RESOURCE_ONLY: 0x10,
  METADATA_ONLY: 0x20,
  WRITE_IN_PROGRESS: 0x40,
  /** reparse-point fix-up default (capture --rpfix) */
  RP_FIX: 0x80,
  COMPRESS_RESERVED: 0x10000,
  COMPRESS_XPRESS: 0x20000,
  COMPRESS_LZX: 0x40000,
  COMPRESS_LZMS: 0x80000,
  COMPRESS_XPRESS_2: 0x200000,
} as const;

export type WimCompression = 'none' | 'xpress' | 'lzx' | 'lzms';

export interface WimHeader {
  /** 'pipable' for wimlib's WLPWM magic */
  readonly magic: 'wim' | 'pipable';
  readonly version: number;
  readonly flags: number;
  readonly chunkByteLength: number;
  /** 16 bytes */
  readonly guid: Uint8Array;
  readonly partNumber: number;
  readonly totalParts: number;
  readonly imageCount: number;
  readonly blobTable: ResourceHeader;
  readonly xmlData: ResourceHeader;
  readonly bootMetadata: ResourceHeader;
  readonly bootIndex: number;
  readonly integrityTable: ResourceHeader;
}

/** Parse the 208-byte header. Throws CORRUPT when the bytes are not a WIM header. */
export function parseWimHeader(b: Uint8Array): WimHeader {
  const structure = 'WimHeader';
  if (b.length < WIM_HEADER_BYTE_LENGTH) {
    throw new IsoKitError(ErrorCode.TRUNCATED, `needs ${WIM_HEADER_BYTE_LENGTH} bytes, has ${b.length}`, { byteOffset: 0, structure });
  }
  const magicBytes = b.subarray(0, 8);
  const magic = bytesEqual(magicBytes, WIM_MAGIC) ? 'wim' : bytesEqual(magicBytes, PIPABLE_WIM_MAGIC) ? 'pipable' : undefined;
  if (!magic) throw new IsoKitError(ErrorCode.CORRUPT, 'not a WIM file (no "MSWIM" magic)', { byteOffset: 0, structure });
  const headerByteLength = readU32LE(b, 8);
  if (headerByteLength !== WIM_HEADER_BYTE_LENGTH) {
    throw new IsoKitError(ErrorCode.CORRUPT, `header size ${headerByteLength}, expected ${WIM_HEADER_BYTE_LENGTH}`, { byteOffset: 8, structure });
  }
  const partNumber = readU16LE(b, 40);
  const totalParts = readU16LE(b, 42);
  if (totalParts === 0 || partNumber === 0 || partNumber > totalParts) {
    throw new IsoKitError(ErrorCode.CORRUPT, `invalid part number ${partNumber} of ${totalParts}`, { byteOffset: 40, structure });
  }
  return {
    magic,
    version: readU32LE(b, 12),
    flags: readU32LE(b, 16),
    chunkByteLength: readU32LE(b, 20),
    guid: b.slice(24, 40),
    partNumber,
    totalParts,
    imageCount: readU32LE(b, 44),
    blobTable: parseResourceHeader(b, 48, 0, 'WimHeader blob table'),
    xmlData: parseResourceHeader(b, 72, 0, 'WimHeader XML data'),
    bootMetadata: parseResourceHeader(b, 96, 0, 'WimHeader boot metadata'),
    bootIndex: readU32LE(b, 120),
    integrityTable: parseResourceHeader(b, 124, 0, 'WimHeader integrity table'),
  };
}

/** Serialize a header to 208 bytes (the unused tail zeroed, as wimlib writes it). */
export function serializeWimHeader(h: WimHeader): Uint8Array {
  const b = new Uint8Array(WIM_HEADER_BYTE_LENGTH);
  if (h.guid.length !== 16) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `GUID must be 16 bytes, got ${h.guid.length}`);
  b.set(h.magic === 'pipable' ? PIPABLE_WIM_MAGIC : WIM_MAGIC, 0);
  writeU32LE(b, 8, WIM_HEADER_BYTE_LENGTH);
  writeU32LE(b, 12, h.version);
  writeU32LE(b, 16, h.flags);
  writeU32LE(b, 20, h.chunkByteLength);
  b.set(h.guid, 24);
  writeU16LE(b, 40, h.partNumber);
  writeU16LE(b, 42, h.totalParts);
  writeU32LE(b, 44, h.imageCount);
  serializeResourceHeader(h.blobTable, b, 48);
  serializeResourceHeader(h.xmlData, b, 72);
  serializeResourceHeader(h.bootMetadata, b, 96);
  writeU32LE(b, 120, h.bootIndex);
  serializeResourceHeader(h.integrityTable, b, 124);
  return b;
}

/**
 * The compression type the header announces, as wimlib reads it (wim.c begin_read): LZX first, then XPRESS
 * (either flag), then LZMS; COMPRESSION without a codec flag is invalid (undefined here).
 */
export function wimCompression(flags: number): WimCompression | undefined {
  if (!(flags & WimHeaderFlag.COMPRESSION)) return 'none';
  if (flags & WimHeaderFlag.COMPRESS_LZX) return 'lzx';
  if (flags & (WimHeaderFlag.COMPRESS_XPRESS | WimHeaderFlag.COMPRESS_XPRESS_2)) return 'xpress';
  if (flags & WimHeaderFlag.COMPRESS_LZMS) return 'lzms';
  return undefined;
}

/** The header flags wimlib writes for a compression type (write.c write_wim_part). */
export function compressionFlags(c: WimCompression): number {
  switch (c) {
    case 'none': return 0;
    case 'xpress': return WimHeaderFlag.COMPRESSION | WimHeaderFlag.COMPRESS_XPRESS;
    case 'lzx': return WimHeaderFlag.COMPRESSION | WimHeaderFlag.COMPRESS_LZX;
    case 'lzms': return WimHeaderFlag.COMPRESSION | WimHeaderFlag.COMPRESS_LZMS;
  }
}
