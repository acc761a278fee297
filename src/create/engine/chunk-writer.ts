/**
 * Gathers emitted bytes into fixed-size chunks so the output sees few large writes. File data is read
 * straight into the chunk (`space()` + `advance()`), so each byte is copied once.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';

export class ChunkWriter {
  private buf: Uint8Array;
  private pos = 0;
  private flushed = 0;

  /**
   * @param chunkByteLength size of the chunks handed out
   * @param reuse hand out the same buffer again after the consumer asked for the next chunk (the consumer
   *   must be done with a chunk before pulling the next one — true for synchronous file writes)
   * @param allocate how chunk buffers are allocated (node: away from 4 KiB aliasing with the page cache)
   */
  constructor(
    readonly chunkByteLength = 1 << 20,
    private readonly reuse = false,
    private readonly allocate: (byteLength: number) => Uint8Array = (n) => new Uint8Array(n),
  ) {
    this.buf = allocate(chunkByteLength);
  }

  /** Bytes written so far (handed out plus buffered). */
  get position(): number {
    return this.flushed + this.pos;
  }

  get isFull(): boolean {
    return this.pos === this.buf.length;
  }

  /** The free part of the current chunk (never empty: a full chunk must be taken first). */
  space(): Uint8Array {
    return this.buf.subarray(this.pos);
  }

  advance(byteLength: number): void {
    this.pos += byteLength;
  }

  /** Hand out the current chunk (if any bytes) and start a new one. */
  take(): Uint8Array | undefined {
    if (this.pos === 0) return undefined;
    const out = this.buf.subarray(0, this.pos);
    this.flushed += this.pos;
    this.pos = 0;
    if (!this.reuse) this.buf = this.allocate(this.chunkByteLength);
    return out;
  }

  /** Account for `byteLength` bytes handed out by someone else (the current chunk must be empty). */
  passed(byteLength: number): void {
    if (this.pos !== 0) throw new IsoKitError(ErrorCode.INTERNAL, 'bytes handed out past a partly filled chunk');
    this.flushed += byteLength;
  }

  /** Copy bytes in, yielding each chunk that fills up. */
  *put(bytes: Uint8Array): Generator<Uint8Array, void, undefined> {
    let o = 0;
    while (o < bytes.length) {
      const n = Math.min(bytes.length - o, this.buf.length - this.pos);
      this.buf.set(n === bytes.length ? bytes : bytes.subarray(o, o + n), this.pos);
      this.pos += n;
      o += n;
      if (this.pos === this.buf.length) yield this.take() as Uint8Array;
    }
  }

  /** Append `byteLength` zero bytes. */
  *zeros(byteLength: number): Generator<Uint8Array, void, undefined> {
    let left = byteLength;
    while (left > 0) {
      const n = Math.min(left, this.buf.length - this.pos);
      this.buf.fill(0, this.pos, this.pos + n);
      this.pos += n;
      left -= n;
      if (this.pos === this.buf.length) yield this.take() as Uint8Array;
    }
  }
}
