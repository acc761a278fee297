import { clampRead, type ByteSource, type ReadOptions } from './byte-source.js';

export interface CacheOptions {
  /** bytes per cached block (default 64 KiB) */
  blockSize?: number;
  /** how many blocks to keep (default 256 → 16 MiB) */
  maxBlocks?: number;
}

/**
 * An LRU block cache in front of a slow source (HTTP, or a file read many small pieces at a time).
 * Reads spanning several blocks fetch the missing ones in one request.
 */
export class CachedSource implements ByteSource {
  readonly byteLength: number;
  readonly name: string;
  private readonly blockSize: number;
  private readonly maxBlocks: number;
  private readonly blocks = new Map<number, Uint8Array>();
  constructor(private readonly inner: ByteSource, opts: CacheOptions = {}) {
    this.byteLength = inner.byteLength;
    this.name = inner.name;
    this.blockSize = opts.blockSize ?? 65536;
    this.maxBlocks = opts.maxBlocks ?? 256;
  }
  async read(byteOffset: number, byteLength: number, opts?: ReadOptions): Promise<Uint8Array> {
    const n = clampRead(this, byteOffset, byteLength);
    if (n === 0) return new Uint8Array(0);
    const bs = this.blockSize;
    const first = Math.floor(byteOffset / bs);
    const last = Math.floor((byteOffset + n - 1) / bs);
    // Large reads bypass the cache (file data), small ones (metadata) go through it.
    if (last - first + 1 > this.maxBlocks / 4) return this.inner.read(byteOffset, n, opts);
    let missFrom = -1;
    for (let i = first; i <= last + 1; i++) {
      const have = i <= last && this.blocks.has(i);
      if (i <= last && !have && missFrom < 0) missFrom = i;
      if ((have || i > last) && missFrom >= 0) {
        await this.fill(missFrom, i - 1, opts);
        missFrom = -1;
      }
    }
    const out = new Uint8Array(n);
    for (let i = first; i <= last; i++) {
      const blk = this.blocks.get(i) as Uint8Array;
      this.blocks.delete(i);
      this.blocks.set(i, blk); // LRU touch
      const blkStart = i * bs;
      const from = Math.max(byteOffset, blkStart);
      const to = Math.min(byteOffset + n, blkStart + blk.length);
      if (to > from) out.set(blk.subarray(from - blkStart, to - blkStart), from - byteOffset);
    }
    return out;
  }
  private async fill(firstBlock: number, lastBlock: number, opts?: ReadOptions): Promise<void> {
    const bs = this.blockSize;
    const start = firstBlock * bs;
    const data = await this.inner.read(start, (lastBlock - firstBlock + 1) * bs, opts);
    for (let i = firstBlock; i <= lastBlock; i++) {
      const off = (i - firstBlock) * bs;
      this.blocks.set(i, data.slice(off, Math.min(data.length, off + bs)));
      if (this.blocks.size > this.maxBlocks) this.blocks.delete(this.blocks.keys().next().value as number);
    }
  }
  close(): Promise<void> {
    this.blocks.clear();
    return this.inner.close?.() ?? Promise.resolve();
  }
}

export const cachedSource = (inner: ByteSource, opts?: CacheOptions): CachedSource => new CachedSource(inner, opts);
