/**
 * WIM resource header ("reshdr"): where a resource lies in the WIM file, how long it is there, how long it is
 * once decompressed. Microsoft "Windows Imaging File Format (WIM)", RESHDR_DISK_SHORT; wimlib
 * `include/wimlib/resource.h` (struct wim_reshdr_disk).
 *
 * ```
 * offset size field
 *  0      7   size in the WIM (compressed size including the chunk table), little-endian 56-bit
 *  7      1   flags (ResourceFlag)
 *  8      8   offset of the resource from the start of the WIM file
 * 16      8   original (uncompressed) size
 * 24          (end)
 * ```
 * A zero header (all 24 bytes 0) means "no such resource" (no boot metadata, no integrity table).
 */
import { readU32LE, readU64LE, writeU32LE, writeU64LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';

export const RESOURCE_HEADER_BYTE_LENGTH = 24;

/** Resource header flags (wimlib WIM_RESHDR_FLAG_*). */
export const ResourceFlag = {
  /** unknown meaning; ignored by wimlib */
  FREE: 0x01,
  /** an image metadata resource (also set on the blob table and the XML data) */
  METADATA: 0x02,
  /** a non-solid resource compressed with the WIM's compression type, in chunks with a chunk table */
  COMPRESSED: 0x04,
  /** unknown meaning; ignored by wimlib */
  SPANNED: 0x08,
  /** a solid resource holding several blobs (only valid in version 0xE00 WIMs: ESD) */
  SOLID: 0x10,
} as const;

export interface ResourceHeader {
  /** size_in_wim: bytes the resource occupies in the file */
  readonly storedByteLength: number;
  readonly flags: number;
  /** offset_in_wim: from the start of the WIM file */
  readonly byteOffset: number;
  /** uncompressed size */
  readonly originalByteLength: number;
}

export const ZERO_RESOURCE_HEADER: ResourceHeader = { storedByteLength: 0, flags: 0, byteOffset: 0, originalByteLength: 0 };

/** Whether a header says "no resource" (what wimlib's zero_reshdr writes). */
export const isZeroResourceHeader = (h: ResourceHeader): boolean =>
  h.storedByteLength === 0 && h.flags === 0 && h.byteOffset === 0 && h.originalByteLength === 0;

function readSafeU64(b: Uint8Array, o: number, what: string, at: number, structure: string): number {
  const v = readU64LE(b, o);
  if (!Number.isSafeInteger(v)) throw new IsoKitError(ErrorCode.CORRUPT, `${what} ${v} is beyond 2^53`, { byteOffset: at + o, structure });
  return v;
}

/**
 * Parse the 24-byte header at `o` of `b`. `byteOffset` is where `b[0]` lies in the file (for messages);
 * `structure` names the structure holding it ("WimHeader blob table", "WimBlobTable entry 12").
 */
export function parseResourceHeader(b: Uint8Array, o = 0, byteOffset = 0, structure = 'WimResourceHeader'): ResourceHeader {
  if (o + RESOURCE_HEADER_BYTE_LENGTH > b.length) {
    throw new IsoKitError(ErrorCode.TRUNCATED, 'resource header cut short', { byteOffset: byteOffset + o, structure });
  }
  const high = (b[o + 4] as number) + (b[o + 5] as number) * 0x100 + (b[o + 6] as number) * 0x10000;
  const stored = readU32LE(b, o) + high * 0x100000000;
  if (!Number.isSafeInteger(stored)) throw new IsoKitError(ErrorCode.CORRUPT, `size in WIM ${stored} is beyond 2^53`, { byteOffset: byteOffset + o, structure });
  return {
    storedByteLength: stored,
    flags: b[o + 7] as number,
    byteOffset: readSafeU64(b, o + 8, 'offset', byteOffset, structure),
    originalByteLength: readSafeU64(b, o + 16, 'original size', byteOffset, structure),
  };
}

/** Write `h` as 24 bytes at `o` of `out` (a new array when none is given). */
export function serializeResourceHeader(h: ResourceHeader, out = new Uint8Array(RESOURCE_HEADER_BYTE_LENGTH), o = 0): Uint8Array {
  if (!Number.isSafeInteger(h.storedByteLength) || h.storedByteLength < 0 || h.storedByteLength >= 2 ** 53) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `bad resource size ${h.storedByteLength}`);
  }
  writeU32LE(out, o, h.storedByteLength % 0x100000000);
  let high = Math.floor(h.storedByteLength / 0x100000000);
  for (let i = 4; i < 7; i++) {
    out[o + i] = high % 0x100;
    high = Math.floor(high / 0x100);
  }
  out[o + 7] = h.flags & 0xff;
  writeU64LE(out, o + 8, h.byteOffset);
  writeU64LE(out, o + 16, h.originalByteLength);
  return out;
}
