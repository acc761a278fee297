/**
 * zisofs block format (libisofs doc/zisofs_format.txt and doc/zisofs2_format.txt). Pure functions.
 *
 * zisofs (v1) file header, 16 bytes:
 * ```
 * 0   magic 37 E4 53 96 C9 DB D6 07
 * 8   uncompressed size (LE32)
 * 12  header size / 4 (4)
 * 13  log2(block size) (15, 16 or 17)
 * 14  2 reserved bytes
 * ```
 * then ceil(size / block size) + 1 block pointers (LE32 byte offsets from the start of the file data), then the
 * zlib-compressed blocks. A zero-length block stands for a block of zero bytes.
 * zisofs2: magic EF 22 55 A1 BC 1B 95 A0, version, header size / 4 (6), algorithm id, log2(block size),
 * uncompressed size (LE64), 4 padding bytes (24 in all); pointers are LE64. Only zlib ("PZ", id 1) is decoded.
 */
import { unzlibSync, zlibSync } from 'fflate';
import { isZero, readU32LE, readU64LE, writeU32LE, writeU64LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';

export const ZISOFS_MAGIC = Uint8Array.of(0x37, 0xe4, 0x53, 0x96, 0xc9, 0xdb, 0xd6, 0x07);
export const ZISOFS2_MAGIC = Uint8Array.of(0xef, 0x22, 0x55, 0xa1, 0xbc, 0x1b, 0x95, 0xa0);
export const ZISOFS_HEADER_LENGTH = 16;
export const ZISOFS2_HEADER_LENGTH = 24;
/** zisofs2 algorithm ids (header byte 10) and their ZF/Z2 entry characters. */
export const ZISOFS2_ALGORITHMS: Record<number, string> = { 1: 'PZ', 2: 'XZ', 3: 'L4', 4: 'ZD', 5: 'B2' };

const STRUCTURE = 'zisofs';

export interface ZisofsHeader {
  /** 1 = zisofs, 2 = zisofs2 */
  readonly formatVersion: 1 | 2;
  readonly uncompressedSize: number;
  /** where the block pointer table starts */
  readonly headerByteLength: number;
  readonly blockSizeLog2: number;
  /** "pz" for zisofs, else the zisofs2 algorithm characters */
  readonly algorithm: string;
  /** 4 (zisofs) or 8 (zisofs2) */
  readonly pointerByteLength: 4 | 8;
  readonly blockCount: number;
  /** byte length of the pointer table (blockCount + 1 pointers) */
  readonly pointerTableByteLength: number;
}

const corrupt = (message: string, byteOffset: number) => new IsoKitError(ErrorCode.CORRUPT, message, { byteOffset, structure: STRUCTURE });

const startsWith = (b: Uint8Array, magic: Uint8Array) => b.length >= magic.length && magic.every((v, i) => b[i] === v);

/** Parse the file header at the start of the stored data. `byteOffset` is where it sits in the image (messages). */
export function parseZisofsHeader(b: Uint8Array, byteOffset: number): ZisofsHeader {
  let h: Omit<ZisofsHeader, 'blockCount' | 'pointerTableByteLength'>;
  if (startsWith(b, ZISOFS_MAGIC) && b.length >= ZISOFS_HEADER_LENGTH) {
    h = { formatVersion: 1, uncompressedSize: readU32LE(b, 8), headerByteLength: (b[12] as number) * 4, blockSizeLog2: b[13] as number, algorithm: 'pz', pointerByteLength: 4 };
  } else if (startsWith(b, ZISOFS2_MAGIC) && b.length >= ZISOFS2_HEADER_LENGTH) {
    const alg = b[10] as number;
    h = {
      formatVersion: 2, uncompressedSize: readU64LE(b, 12), headerByteLength: (b[9] as number) * 4, blockSizeLog2: b[11] as number,
      algorithm: ZISOFS2_ALGORITHMS[alg] ?? `#${alg}`, pointerByteLength: 8,
    };
  } else {
    throw corrupt('file data does not start with the zisofs magic number', byteOffset);
  }
  const minHeader = h.formatVersion === 1 ? ZISOFS_HEADER_LENGTH : ZISOFS2_HEADER_LENGTH;
  if (h.headerByteLength < minHeader) throw corrupt(`header size ${h.headerByteLength} is smaller than ${minHeader}`, byteOffset);
  if (h.blockSizeLog2 < 15 || h.blockSizeLog2 > 17) throw corrupt(`block size 2^${h.blockSizeLog2} is not 2^15, 2^16 or 2^17`, byteOffset);
  if (!Number.isSafeInteger(h.uncompressedSize)) throw corrupt('uncompressed size beyond 2^53 bytes', byteOffset);
  const blockCount = Math.ceil(h.uncompressedSize / 2 ** h.blockSizeLog2);
  return { ...h, blockCount, pointerTableByteLength: (blockCount + 1) * h.pointerByteLength };
}

/**
 * Parse the block pointer table (the `pointerTableByteLength` bytes after the header). Checks that pointers
 * never go backwards, start after the table and stay within `storedByteLength` (the file's recorded size).
 */
export function parseZisofsBlockPointers(b: Uint8Array, h: ZisofsHeader, storedByteLength: number, byteOffset: number): number[] {
  if (b.length < h.pointerTableByteLength) throw corrupt(`block pointer table needs ${h.pointerTableByteLength} bytes, ${b.length} stored`, byteOffset);
  const ptrs: number[] = [];
  const dataStart = h.headerByteLength + h.pointerTableByteLength;
  for (let i = 0; i <= h.blockCount; i++) {
    const p = h.pointerByteLength === 4 ? readU32LE(b, i * 4) : readU64LE(b, i * 8);
    if (i === 0 && p < dataStart) throw corrupt(`first block pointer ${p} points into the header (data starts at ${dataStart})`, byteOffset);
    const prev = ptrs[i - 1];
    if (prev !== undefined && p < prev) throw corrupt(`block pointer ${i} (${p}) is before pointer ${i - 1} (${prev})`, byteOffset + i * h.pointerByteLength);
    if (p > storedByteLength) throw corrupt(`block pointer ${i} (${p}) is past the end of the stored data (${storedByteLength} bytes)`, byteOffset + i * h.pointerByteLength);
    ptrs.push(p);
  }
  return ptrs;
}

/** Uncompressed byte length of block `index`. */
export function zisofsBlockByteLength(h: ZisofsHeader, index: number): number {
  const bs = 2 ** h.blockSizeLog2;
  return Math.min(bs, h.uncompressedSize - index * bs);
}

/** Decompress one block. An empty block is zeros. Throws CORRUPT (with `byteOffset`) on damaged data. */
export function decodeZisofsBlock(compressed: Uint8Array, h: ZisofsHeader, index: number, byteOffset: number): Uint8Array {
  const want = zisofsBlockByteLength(h, index);
  if (compressed.length === 0) return new Uint8Array(want);
  if (h.algorithm !== 'pz' && h.algorithm !== 'PZ') {
    throw new IsoKitError(ErrorCode.UNSUPPORTED, `zisofs2 algorithm ${h.algorithm} is not supported (only zlib)`, { byteOffset, structure: STRUCTURE });
  }
  let out: Uint8Array;
  try {
    // one spare byte: a block that inflates to more than the block size fills it and is detected
    out = unzlibSync(compressed, { out: new Uint8Array(want + 1) });
  } catch (e) {
    throw new IsoKitError(ErrorCode.CORRUPT, `block ${index}: zlib data is damaged (${e instanceof Error ? e.message : String(e)})`, { byteOffset, structure: STRUCTURE, cause: e });
  }
  if (out.length !== want) throw corrupt(`block ${index} inflates to ${out.length > want ? 'more than' : out.length + ' bytes instead of'} ${want} bytes`, byteOffset);
  return out;
}

// ---------------------------------------------------------------------------------------------- writer side

/** The 16-byte zisofs (v1) file header. */
export function serializeZisofsHeader(uncompressedSize: number, blockSizeLog2 = 15): Uint8Array {
  if (uncompressedSize > 0xffffffff) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'zisofs files must be smaller than 4 GiB', { structure: STRUCTURE });
  if (blockSizeLog2 < 15 || blockSizeLog2 > 17) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `zisofs block size 2^${blockSizeLog2} not in 2^15..2^17`, { structure: STRUCTURE });
  const b = new Uint8Array(ZISOFS_HEADER_LENGTH);
  b.set(ZISOFS_MAGIC, 0);
  writeU32LE(b, 8, uncompressedSize);
  b[12] = ZISOFS_HEADER_LENGTH / 4;
  b[13] = blockSizeLog2;
  return b;
}

/** The pointer table (LE32 for zisofs, LE64 for zisofs2). */
export function serializeZisofsPointers(pointers: readonly number[], pointerByteLength: 4 | 8 = 4): Uint8Array {
  const b = new Uint8Array(pointers.length * pointerByteLength);
  pointers.forEach((p, i) => (pointerByteLength === 4 ? writeU32LE(b, i * 4, p) : writeU64LE(b, i * 8, p)));
  return b;
}

/** Compress one block (an all-zero block becomes an empty block, as libisofs writes it). */
export function encodeZisofsBlock(block: Uint8Array, level = 6): Uint8Array {
  if (isZero(block)) return new Uint8Array(0);
  return zlibSync(block, { level: Math.max(0, Math.min(9, level)) as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 });
}

export interface ZisofsEncodeOptions {
  /** 15 (default, like xorriso), 16 or 17 */
  blockSizeLog2?: number;
  /** zlib level 0-9 (default 6) */
  level?: number;
}

/** Compress a whole file held in memory into zisofs (v1) stored data. */
export function encodeZisofs(data: Uint8Array, opts: ZisofsEncodeOptions = {}): Uint8Array {
  const log2 = opts.blockSizeLog2 ?? 15;
  const bs = 2 ** log2;
  const header = serializeZisofsHeader(data.length, log2);
  const blockCount = Math.ceil(data.length / bs);
  const blocks: Uint8Array[] = [];
  for (let i = 0; i < blockCount; i++) blocks.push(encodeZisofsBlock(data.subarray(i * bs, Math.min(data.length, (i + 1) * bs)), opts.level));
  const pointers: number[] = [header.length + (blockCount + 1) * 4];
  for (const b of blocks) pointers.push((pointers[pointers.length - 1] as number) + b.length);
  const table = serializeZisofsPointers(pointers);
  const out = new Uint8Array((pointers[pointers.length - 1] as number));
  out.set(header, 0);
  out.set(table, header.length);
  let o = header.length + table.length;
  for (const b of blocks) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/** Decompress zisofs stored data held in memory (small files, tests). */
export function decodeZisofs(stored: Uint8Array, byteOffset = 0): Uint8Array {
  const h = parseZisofsHeader(stored, byteOffset);
  const ptrs = parseZisofsBlockPointers(stored.subarray(h.headerByteLength), h, stored.length, byteOffset + h.headerByteLength);
  const out = new Uint8Array(h.uncompressedSize);
  const bs = 2 ** h.blockSizeLog2;
  for (let i = 0; i < h.blockCount; i++) {
    const a = ptrs[i] as number, z = ptrs[i + 1] as number;
    out.set(decodeZisofsBlock(stored.subarray(a, z), h, i, byteOffset + a), i * bs);
  }
  return out;
}
