/**
 * WIM integrity table: SHA-1 digests of fixed-size chunks of the file from the end of the header (byte 208)
 * to the end of the blob table (the XML data is not covered). wimlib `src/integrity.c`; the chunk size it
 * writes is 10 MiB.
 *
 * ```
 * offset size field
 *  0      4   table size in bytes (12 + 20 × entries)
 *  4      4   number of entries = ceil(checked bytes / chunk size)
 *  8      4   chunk size
 * 12   20×n   SHA-1 of each chunk (the last one may be short)
 * ```
 * Stored as an uncompressed resource with flags 0, after the XML data.
 */
import { readU32LE, writeU32LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { SHA1_BYTE_LENGTH } from './blob-table.js';

export const INTEGRITY_TABLE_HEADER_BYTE_LENGTH = 12;
/** The chunk size wimlib writes (INTEGRITY_CHUNK_SIZE). */
export const INTEGRITY_CHUNK_BYTE_LENGTH = 10 * 2 ** 20;

export interface IntegrityTable {
  readonly chunkByteLength: number;
  /** one 20-byte SHA-1 per chunk */
  readonly sha1s: readonly Uint8Array[];
}

/** A streaming SHA-1 (injected: the formats layer has no hash of its own; `verify` has a pure-JS one). */
export interface Sha1Hasher {
  update(data: Uint8Array): void;
  digest(): Uint8Array;
}
export type Sha1Factory = () => Sha1Hasher;

/** Bytes of a table covering `checkedByteLength` bytes. */
export const integrityTableByteLength = (checkedByteLength: number, chunkByteLength = INTEGRITY_CHUNK_BYTE_LENGTH): number =>
  INTEGRITY_TABLE_HEADER_BYTE_LENGTH + SHA1_BYTE_LENGTH * Math.ceil(checkedByteLength / chunkByteLength);

/** Parse a table (the resource bytes); `byteOffset` is where it lies in the file. */
export function parseIntegrityTable(b: Uint8Array, byteOffset = 0): IntegrityTable {
  const structure = 'WimIntegrityTable';
  if (b.length < INTEGRITY_TABLE_HEADER_BYTE_LENGTH) throw new IsoKitError(ErrorCode.TRUNCATED, `table of ${b.length} bytes`, { byteOffset, structure });
  const size = readU32LE(b, 0);
  const count = readU32LE(b, 4);
  const chunkByteLength = readU32LE(b, 8);
  if (size !== b.length || size !== INTEGRITY_TABLE_HEADER_BYTE_LENGTH + SHA1_BYTE_LENGTH * count || chunkByteLength === 0) {
    throw new IsoKitError(ErrorCode.CORRUPT, `size ${size}, ${count} entries, chunk ${chunkByteLength} do not fit a ${b.length}-byte table`, { byteOffset, structure });
  }
  const sha1s: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const o = INTEGRITY_TABLE_HEADER_BYTE_LENGTH + i * SHA1_BYTE_LENGTH;
    sha1s.push(b.slice(o, o + SHA1_BYTE_LENGTH));
  }
  return { chunkByteLength, sha1s };
}

export function serializeIntegrityTable(t: IntegrityTable): Uint8Array {
  const size = INTEGRITY_TABLE_HEADER_BYTE_LENGTH + SHA1_BYTE_LENGTH * t.sha1s.length;
  const b = new Uint8Array(size);
  writeU32LE(b, 0, size);
  writeU32LE(b, 4, t.sha1s.length);
  writeU32LE(b, 8, t.chunkByteLength);
  t.sha1s.forEach((h, i) => {
    if (h.length !== SHA1_BYTE_LENGTH) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `SHA-1 ${i} has ${h.length} bytes`);
    b.set(h, INTEGRITY_TABLE_HEADER_BYTE_LENGTH + i * SHA1_BYTE_LENGTH);
  });
  return b;
}

/** Builds a table from the checked bytes as they stream past, in order (no second read of the file). */
export class IntegrityTableBuilder {
  private readonly sha1s: Uint8Array[] = [];
  private hasher: Sha1Hasher | undefined;
  private inChunk = 0;
  private seen = 0;

  constructor(
    private readonly checkedByteLength: number,
    private readonly createSha1: Sha1Factory,
    private readonly chunkByteLength = INTEGRITY_CHUNK_BYTE_LENGTH,
  ) {}

  /** Feed the next checked bytes (the caller passes only bytes inside the checked range). */
  update(data: Uint8Array): void {
    let o = 0;
    while (o < data.length) {
      this.hasher ??= this.createSha1();
      const take = Math.min(data.length - o, this.chunkByteLength - this.inChunk);
      this.hasher.update(o === 0 && take === data.length ? data : data.subarray(o, o + take));
      o += take;
      this.inChunk += take;
      if (this.inChunk === this.chunkByteLength) this.closeChunk();
    }
    this.seen += data.length;
  }

  private closeChunk(): void {
    if (!this.hasher) return;
    this.sha1s.push(this.hasher.digest());
    this.hasher = undefined;
    this.inChunk = 0;
  }

  finish(): IntegrityTable {
    if (this.seen !== this.checkedByteLength) {
      throw new IsoKitError(ErrorCode.INTERNAL, `integrity table saw ${this.seen} of ${this.checkedByteLength} bytes`);
    }
    this.closeChunk();
    return { chunkByteLength: this.chunkByteLength, sha1s: this.sha1s };
  }
}
