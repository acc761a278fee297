import { clampRead, throwIfAborted, type ReadOptions, type SyncByteSource } from './byte-source.js';

/** A ByteSource over bytes in memory. Reads return views (no copy). */
export class MemorySource implements SyncByteSource {
  readonly byteLength: number;
  constructor(
    private readonly bytes: Uint8Array,
    readonly name = 'memory',
  ) {
    this.byteLength = bytes.length;
  }
  async read(byteOffset: number, byteLength: number, opts?: ReadOptions): Promise<Uint8Array> {
    return this.readSync(byteOffset, byteLength, opts);
  }
  readSync(byteOffset: number, byteLength: number, opts?: ReadOptions): Uint8Array {
    throwIfAborted(opts?.signal);
    const n = clampRead(this, byteOffset, byteLength);
    return this.bytes.subarray(byteOffset, byteOffset + n);
  }
  readIntoSync(byteOffset: number, target: Uint8Array): number {
    const n = clampRead(this, byteOffset, target.length);
    target.set(this.bytes.subarray(byteOffset, byteOffset + n));
    return n;
  }
}

export const memorySource = (bytes: Uint8Array, name?: string): MemorySource => new MemorySource(bytes, name);
