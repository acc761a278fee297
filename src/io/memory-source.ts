import { clampRead, throwIfAborted, type ByteSource, type ReadOptions } from './byte-source.js';

/** A ByteSource over bytes in memory. Reads return views (no copy). */
export class MemorySource implements ByteSource {
  readonly byteLength: number;
  constructor(
    private readonly bytes: Uint8Array,
    readonly name = 'memory',
  ) {
    this.byteLength = bytes.length;
  }
  async read(byteOffset: number, byteLength: number, opts?: ReadOptions): Promise<Uint8Array> {
    throwIfAborted(opts?.signal);
    const n = clampRead(this, byteOffset, byteLength);
    return this.bytes.subarray(byteOffset, byteOffset + n);
  }
}

export const memorySource = (bytes: Uint8Array, name?: string): MemorySource => new MemorySource(bytes, name);
