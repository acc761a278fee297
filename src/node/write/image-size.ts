/**
 * The decompressed size of a compressed image, when its container says it, without decompressing:
 * gzip ISIZE trailer (RFC 1952 §2.3.1: size mod 2^32, of the last member: a lower bound, exact below
 * 4 GiB), xz index (xz file format 1.0.4 §2.1.2 stream footer, §4 index records), zstd frame header
 * Frame_Content_Size (RFC 8878 §3.1.1.1.4; the first frame's, a lower bound for multi-frame files).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { CompressionFormat } from './decompress.js';

export interface SizeHint {
  byteLength: number;
  /** exact: the container records the full size; otherwise a lower bound */
  exact: boolean;
  how: string;
}

function pread(fd: number, byteOffset: number, byteLength: number): Uint8Array {
  const b = new Uint8Array(byteLength);
  let done = 0;
  while (done < byteLength) {
    const n = readSync(fd, b, done, byteLength - done, byteOffset + done);
    if (n === 0) break;
    done += n;
  }
  return b.subarray(0, done);
}

const u32le = (b: Uint8Array, o: number) => (b[o] as number) + (b[o + 1] as number) * 256 + (b[o + 2] as number) * 65536 + (b[o + 3] as number) * 16777216;

/** Read an xz/LZMA2 multibyte integer (xz spec §1.2); returns [value, next offset] or undefined. */
function varint(b: Uint8Array, o: number): [number, number] | undefined {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 9 && o < b.length; i++) {
    const byte = b[o++] as number;
    v += (byte % 128) * mul;
    mul *= 128;
    if (byte < 128) return [v, o];
  }
  return undefined;
}

function xzSize(fd: number, fileLength: number): SizeHint | undefined {
  // Skip stream padding (multiples of 4 zero bytes), then the 12-byte stream footer ending in "YZ".
  let end = fileLength;
  while (end >= 12) {
    const tail = pread(fd, end - 4, 4);
    if (tail.every((x) => x === 0)) end -= 4;
    else break;
  }
  const footer = pread(fd, end - 12, 12);
  if (footer[10] !== 0x59 || footer[11] !== 0x5a) return undefined;
  const backwardSize = (u32le(footer, 4) + 1) * 4;
  const indexStart = end - 12 - backwardSize;
  if (indexStart < 12) return undefined;
  const index = pread(fd, indexStart, backwardSize);
  if (index[0] !== 0x00) return undefined;
  let p = varint(index, 1);
  if (!p) return undefined;
  const records = p[0];
  let o = p[1];
  let total = 0;
  let blocks = 0;
  for (let i = 0; i < records; i++) {
    p = varint(index, o); // unpadded size
    if (!p) return undefined;
    blocks += Math.ceil(p[0] / 4) * 4;
    p = varint(index, p[1]); // uncompressed size
    if (!p) return undefined;
    total += p[0];
    o = p[1];
  }
  // One stream spans the whole file: header + blocks + index + footer. Otherwise (concatenated streams)
  // only the last stream was counted: a lower bound.
  const single = 12 + blocks === indexStart;
  return { byteLength: total, exact: single, how: 'xz index' };
}

function zstdSize(fd: number): SizeHint | undefined {
  const h = pread(fd, 0, 18);
  if (h.length < 6 || u32le(h, 0) !== 0xfd2fb528) return undefined;
  const fhd = h[4] as number;
  const fcsFlag = Math.floor(fhd / 64);
  const singleSegment = Math.floor(fhd / 32) % 2 === 1;
  const dictFlag = fhd % 4;
  let o = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][dictFlag]!;
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!;
  if (fcsBytes === 0) return undefined;
  let v = 0;
  let mul = 1;
  for (let i = 0; i < fcsBytes; i++, o++) {
    v += (h[o] as number) * mul;
    mul *= 256;
  }
  if (fcsBytes === 2) v += 256;
  return { byteLength: v, exact: false, how: 'zstd frame header' };
}

/** Size hint for a local compressed file, or undefined when the container does not record one. */
export function compressedSizeHint(path: string, format: CompressionFormat): SizeHint | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const len = fstatSync(fd).size;
    if (format === 'gzip') {
      if (len < 18) return undefined;
      const isize = u32le(pread(fd, len - 4, 4), 0);
      return { byteLength: isize, exact: false, how: 'gzip ISIZE trailer (size mod 4 GiB)' };
    }
    if (format === 'xz') return xzSize(fd, len);
    if (format === 'zstd') return zstdSize(fd);
    return undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
