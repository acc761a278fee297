/**
 * Shared buffering for the Merkle–Damgård hashes (MD5, SHA-1, SHA-2): input is collected into
 * fixed-size blocks, each compressed by the subclass; `digest()` pads a copy so the hasher can be cloned.
 */
export type HashAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha512';

/** A streaming digest. `clone()` copies the running state (isomd5sum fragment sums need it). */
export interface Hasher {
  readonly algorithm: HashAlgorithm;
  update(data: Uint8Array): void;
  /** The digest of everything so far. The hasher must not be used afterwards (clone first). */
  digest(): Uint8Array;
  clone(): Hasher;
}

/** Creates hashers. The browser-safe default is pure JS; src/node swaps in node:crypto. */
export type HasherFactory = (algorithm: HashAlgorithm) => Hasher;

export abstract class BlockHasher implements Hasher {
  abstract readonly algorithm: HashAlgorithm;
  protected readonly block: Uint8Array;
  protected blockFill = 0;
  /** total bytes hashed, as a plain number (exact up to 2^53). */
  protected byteCount = 0;

  constructor(
    protected readonly blockByteLength: number,
    /** bytes of the length field at the end of the padding (8 for MD5/SHA-1/SHA-256, 16 for SHA-512) */
    private readonly lengthFieldByteLength: number,
    private readonly bigEndianLength: boolean,
  ) {
    this.block = new Uint8Array(blockByteLength);
  }

  /** Compress `blockCount` whole blocks of `data` starting at `offset`. */
  protected abstract compress(data: Uint8Array, offset: number, blockCount: number): void;
  protected abstract output(): Uint8Array;
  protected abstract copyStateTo(other: this): void;
  protected abstract create(): this;

  update(data: Uint8Array): void {
    let i = 0;
    const n = data.length;
    this.byteCount += n;
    if (this.blockFill) {
      const take = Math.min(n, this.blockByteLength - this.blockFill);
      this.block.set(data.subarray(0, take), this.blockFill);
      this.blockFill += take;
      i = take;
      if (this.blockFill < this.blockByteLength) return;
      this.compress(this.block, 0, 1);
      this.blockFill = 0;
    }
    const whole = Math.floor((n - i) / this.blockByteLength);
    if (whole) {
      this.compress(data, i, whole);
      i += whole * this.blockByteLength;
    }
    if (i < n) {
      this.block.set(data.subarray(i), 0);
      this.blockFill = n - i;
    }
  }

  digest(): Uint8Array {
    const bits = this.byteCount * 8;
    const padLength = this.blockByteLength - ((this.blockFill + 1 + this.lengthFieldByteLength) % this.blockByteLength);
    const tail = new Uint8Array(1 + (padLength % this.blockByteLength) + this.lengthFieldByteLength);
    tail[0] = 0x80;
    const lo = bits % 0x100000000;
    const hi = Math.floor(bits / 0x100000000);
    const end = tail.length;
    for (let k = 0; k < 4; k++) {
      const loByte = Math.floor(lo / 2 ** (8 * k)) % 256;
      const hiByte = Math.floor(hi / 2 ** (8 * k)) % 256;
      if (this.bigEndianLength) {
        tail[end - 1 - k] = loByte;
        tail[end - 5 - k] = hiByte;
      } else {
        tail[end - 8 + k] = loByte;
        tail[end - 4 + k] = hiByte;
      }
    }
    const count = this.byteCount;
    this.update(tail);
    this.byteCount = count;
    return this.output();
  }

  clone(): Hasher {
    const c = this.create();
    c.block.set(this.block);
    c.blockFill = this.blockFill;
    c.byteCount = this.byteCount;
    this.copyStateTo(c);
    return c;
  }
}
