import { clampRead, throwIfAborted, type ReadOptions, type SyncByteSource } from './byte-source.js';

/**
 * A source of zeros: the holes of a sparse file (UDF extents allocated but not recorded, or not allocated,
 * read as zeros). Each read returns a fresh zero-filled array, so callers may write into it.
 */
export class ZeroSource implements SyncByteSource {
  constructor(
    readonly byteLength: number,
    readonly name = 'zeros',
  ) {}
  async read(byteOffset: number, byteLength: number, opts?: ReadOptions): Promise<Uint8Array> {
    return this.readSync(byteOffset, byteLength, opts);
  }
  readSync(byteOffset: number, byteLength: number, opts?: ReadOptions): Uint8Array {
    throwIfAborted(opts?.signal);
    return new Uint8Array(clampRead(this, byteOffset, byteLength));
  }
  readIntoSync(byteOffset: number, target: Uint8Array): number {
    const n = clampRead(this, byteOffset, target.length);
    target.fill(0, 0, n);
    return n;
  }
}

/** Zeros of any length up to 2^53 − 1 bytes: one instance serves every hole (a range of it is a hole). */
export const ZEROS = new ZeroSource(Number.MAX_SAFE_INTEGER);

export const zeroSource = (byteLength: number, name?: string): ZeroSource => new ZeroSource(byteLength, name);
