import { ErrorCode, IsoKitError } from '../errors/index.js';
import { clampRead, type ByteSource, type ReadOptions } from './byte-source.js';

/** A window [byteOffset, byteOffset + byteLength) of another source: partitions, embedded images, sessions. */
export class SubSource implements ByteSource {
  readonly name: string;
  constructor(
    private readonly parent: ByteSource,
    readonly byteOffset: number,
    readonly byteLength: number,
  ) {
    if (!Number.isSafeInteger(byteOffset) || !Number.isSafeInteger(byteLength) || byteOffset < 0 || byteLength < 0) {
      throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `bad sub-range ${byteOffset}+${byteLength}`);
    }
    this.name = `${parent.name}[${byteOffset}+${byteLength}]`;
  }
  async read(byteOffset: number, byteLength: number, opts?: ReadOptions): Promise<Uint8Array> {
    const n = clampRead(this, byteOffset, byteLength);
    if (n === 0) return new Uint8Array(0);
    return this.parent.read(this.byteOffset + byteOffset, n, opts);
  }
}

export const subSource = (parent: ByteSource, byteOffset: number, byteLength: number): SubSource =>
  new SubSource(parent, byteOffset, byteLength);
