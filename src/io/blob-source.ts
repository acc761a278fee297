import { clampRead, throwIfAborted, type ByteSource, type ReadOptions } from './byte-source.js';

/** A ByteSource over a Blob or File (browser `<input type=file>`, or Node's Blob). */
export class BlobSource implements ByteSource {
  readonly byteLength: number;
  readonly name: string;
  constructor(private readonly blob: Blob, name?: string) {
    this.byteLength = blob.size;
    this.name = name ?? ((blob as { name?: string }).name || 'blob');
  }
  async read(byteOffset: number, byteLength: number, opts?: ReadOptions): Promise<Uint8Array> {
    throwIfAborted(opts?.signal);
    const n = clampRead(this, byteOffset, byteLength);
    if (n === 0) return new Uint8Array(0);
    return new Uint8Array(await this.blob.slice(byteOffset, byteOffset + n).arrayBuffer());
  }
}

export const blobSource = (blob: Blob, name?: string): BlobSource => new BlobSource(blob, name);
