/**
 * Content of a zisofs-compressed file (RRIP ZF entry): the stored ranges are decompressed block by block
 * while streaming, so memory stays flat (one read window of at most ~1 MiB of compressed blocks) however big
 * the file. Header, pointer table and every block are checked; damage becomes an IsoKitError with the byte
 * offset in the image.
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { throwIfAborted, type ReadOptions } from '../io/index.js';
import type { Content, SourceRange } from '../model/index.js';
import type { ZisofsInfo } from '../formats/rockridge/interpret.js';
import type { ZisofsHeader } from '../formats/rockridge/zisofs.js';

const STRUCTURE = 'zisofs';
const WINDOW_BYTES = 1 << 20;

/** Random access over the concatenated ranges (relative offsets) with image offsets for messages. */
class StoredData {
  readonly byteLength: number;
  constructor(private readonly ranges: readonly SourceRange[]) {
    this.byteLength = ranges.reduce((n, r) => n + r.byteLength, 0);
  }
  /** Image byte offset of relative offset `rel` (the end of the last range when past it). */
  imageOffset(rel: number): number {
    let o = rel;
    for (const r of this.ranges) {
      if (o < r.byteLength) return r.byteOffset + o;
      o -= r.byteLength;
    }
    const last = this.ranges[this.ranges.length - 1];
    return last ? last.byteOffset + last.byteLength : 0;
  }
  async read(rel: number, byteLength: number, opts?: ReadOptions): Promise<Uint8Array> {
    if (rel + byteLength > this.byteLength) {
      throw new IsoKitError(ErrorCode.CORRUPT, `needs bytes up to ${rel + byteLength} of the file but only ${this.byteLength} are stored`, {
        byteOffset: this.imageOffset(rel), structure: STRUCTURE,
      });
    }
    const parts: Uint8Array[] = [];
    let o = rel, left = byteLength;
    for (const r of this.ranges) {
      if (left === 0) break;
      if (o >= r.byteLength) {
        o -= r.byteLength;
        continue;
      }
      const n = Math.min(left, r.byteLength - o);
      const b = await r.source.read(r.byteOffset + o, n, opts);
      if (b.length < n) {
        throw new IsoKitError(ErrorCode.TRUNCATED, `file extent needs bytes up to ${r.byteOffset + o + n} but ${r.source.name} ends at ${r.source.byteLength}`, {
          byteOffset: r.byteOffset + o + b.length, structure: STRUCTURE,
        });
      }
      parts.push(b);
      left -= n;
      o = 0;
    }
    if (parts.length === 1) return parts[0] as Uint8Array;
    const out = new Uint8Array(byteLength);
    let p = 0;
    for (const b of parts) {
      out.set(b, p);
      p += b.length;
    }
    return out;
  }
}

function checkAgainstZf(h: ZisofsHeader, info: ZisofsInfo, at: number): void {
  if (h.uncompressedSize !== info.uncompressedSize) {
    throw new IsoKitError(ErrorCode.CORRUPT, `file header says ${h.uncompressedSize} bytes uncompressed but the ZF entry says ${info.uncompressedSize}`, { byteOffset: at, structure: STRUCTURE });
  }
  if (h.blockSizeLog2 !== info.blockSizeLog2) {
    throw new IsoKitError(ErrorCode.CORRUPT, `file header block size 2^${h.blockSizeLog2} differs from the ZF entry's 2^${info.blockSizeLog2}`, { byteOffset: at, structure: STRUCTURE });
  }
}

/**
 * A `Content` that streams the decompressed bytes of zisofs stored data (`ranges`: the file's extents).
 * `info` is the ZF entry; its uncompressed size is the content's byte length.
 */
export function zisofsContent(ranges: readonly SourceRange[], info: ZisofsInfo, identity?: string): Content {
  const data = new StoredData(ranges);
  return {
    byteLength: info.uncompressedSize,
    ...(identity !== undefined ? { identity } : {}),
    async *stream(opts) {
      const readOpts = opts?.signal ? { signal: opts.signal } : undefined;
      if (info.uncompressedSize === 0 && data.byteLength === 0) return;
      // the decoder (and its inflate library) is loaded when the first compressed file is read, not with the reader
      const { decodeZisofsBlock, parseZisofsBlockPointers, parseZisofsHeader, ZISOFS2_HEADER_LENGTH } = await import('../formats/rockridge/zisofs.js');
      const headBytes = await data.read(0, Math.min(data.byteLength, ZISOFS2_HEADER_LENGTH), readOpts);
      const at0 = data.imageOffset(0);
      const h = parseZisofsHeader(headBytes, at0);
      checkAgainstZf(h, info, at0);
      const table = await data.read(h.headerByteLength, h.pointerTableByteLength, readOpts);
      const ptrs = parseZisofsBlockPointers(table, h, data.byteLength, data.imageOffset(h.headerByteLength));
      const maxBlock = 2 * 2 ** h.blockSizeLog2 + 1024;
      for (let i = 0; i < h.blockCount;) {
        throwIfAborted(opts?.signal);
        // one window: consecutive blocks whose compressed bytes total at most WINDOW_BYTES (at least one block)
        const start = ptrs[i] as number;
        let j = i + 1;
        while (j < h.blockCount && (ptrs[j + 1] as number) - start <= WINDOW_BYTES) j++;
        for (let k = i; k < j; k++) {
          const len = (ptrs[k + 1] as number) - (ptrs[k] as number);
          if (len > maxBlock) {
            throw new IsoKitError(ErrorCode.CORRUPT, `block ${k} claims ${len} compressed bytes (block size ${2 ** h.blockSizeLog2})`, { byteOffset: data.imageOffset(ptrs[k] as number), structure: STRUCTURE });
          }
        }
        const window = await data.read(start, (ptrs[j] as number) - start, readOpts);
        for (let k = i; k < j; k++) {
          const a = (ptrs[k] as number) - start, z = (ptrs[k + 1] as number) - start;
          yield decodeZisofsBlock(window.subarray(a, z), h, k, data.imageOffset(ptrs[k] as number));
        }
        i = j;
      }
    },
  };
}
