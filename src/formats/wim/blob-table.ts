/**
 * WIM blob table (Microsoft calls it the lookup table): one 50-byte entry per stored blob (file data stream)
 * and per image metadata resource. Microsoft "Windows Imaging File Format (WIM)", RESHDR_DISK + part number +
 * reference count + hash; wimlib `src/blob_table.c` (struct blob_descriptor_disk).
 *
 * ```
 * offset size field
 *  0     24   resource header (size in WIM, flags, offset, original size)
 * 24      2   part number of the split WIM holding the resource, from 1
 * 26      4   reference count over all images
 * 30     20   SHA-1 of the uncompressed data (zero for an empty blob)
 * 50          (end)
 * ```
 * The table is itself an uncompressed resource (flag METADATA) named by the header. Metadata entries are
 * matched to images in table order (wimlib read_blob_table; Microsoft's software does the same).
 */
import { readU16LE, readU32LE, writeU16LE, writeU32LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { parseResourceHeader, RESOURCE_HEADER_BYTE_LENGTH, serializeResourceHeader, type ResourceHeader } from './resource-header.js';

export const BLOB_TABLE_ENTRY_BYTE_LENGTH = 50;
export const SHA1_BYTE_LENGTH = 20;

export interface BlobTableEntry {
  readonly resource: ResourceHeader;
  readonly partNumber: number;
  readonly referenceCount: number;
  /** 20 bytes (parsed: a view into the table bytes, not a copy) */
  readonly sha1: Uint8Array;
}

/** Parse the entry at `o` of `b`; `byteOffset` is where `b[0]` lies in the file. */
export function parseBlobTableEntry(b: Uint8Array, o = 0, byteOffset = 0): BlobTableEntry {
  if (o + BLOB_TABLE_ENTRY_BYTE_LENGTH > b.length) {
    throw new IsoKitError(ErrorCode.TRUNCATED, 'blob table entry cut short', { byteOffset: byteOffset + o, structure: 'WimBlobTable' });
  }
  return {
    resource: parseResourceHeader(b, o, byteOffset, 'WimBlobTable entry'),
    partNumber: readU16LE(b, o + 24),
    referenceCount: readU32LE(b, o + 26),
    sha1: b.subarray(o + 30, o + 30 + SHA1_BYTE_LENGTH),
  };
}

/** Write one entry as 50 bytes at `o` of `out` (a new array when none is given). */
export function serializeBlobTableEntry(e: BlobTableEntry, out = new Uint8Array(BLOB_TABLE_ENTRY_BYTE_LENGTH), o = 0): Uint8Array {
  if (e.sha1.length !== SHA1_BYTE_LENGTH) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `SHA-1 must be 20 bytes, got ${e.sha1.length}`);
  serializeResourceHeader(e.resource, out, o);
  writeU16LE(out, o + RESOURCE_HEADER_BYTE_LENGTH, e.partNumber);
  writeU32LE(out, o + 26, e.referenceCount);
  out.set(e.sha1, o + 30);
  return out;
}

/**
 * Parse a whole table (the uncompressed resource bytes). A trailing partial entry is ignored, as wimlib does
 * (it divides the size by 50); `byteOffset` is where the table lies in the file.
 */
export function parseBlobTable(b: Uint8Array, byteOffset = 0): BlobTableEntry[] {
  const n = Math.floor(b.length / BLOB_TABLE_ENTRY_BYTE_LENGTH);
  const out: BlobTableEntry[] = [];
  for (let i = 0; i < n; i++) out.push(parseBlobTableEntry(b, i * BLOB_TABLE_ENTRY_BYTE_LENGTH, byteOffset));
  return out;
}

export function serializeBlobTable(entries: readonly BlobTableEntry[]): Uint8Array {
  const out = new Uint8Array(entries.length * BLOB_TABLE_ENTRY_BYTE_LENGTH);
  entries.forEach((e, i) => serializeBlobTableEntry(e, out, i * BLOB_TABLE_ENTRY_BYTE_LENGTH));
  return out;
}
