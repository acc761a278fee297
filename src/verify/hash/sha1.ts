/** SHA-1 (FIPS 180-4 §6.1), pure JS. */
import { BlockHasher } from './block-hasher.js';
import { writeWordsBE } from './words.js';

export class Sha1 extends BlockHasher {
  readonly algorithm = 'sha1' as const;
  private readonly h = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0);
  private readonly w = new Int32Array(80);
  constructor() {
    super(64, 8, true);
  }
  protected create(): this {
    return new Sha1() as this;
  }
  protected copyStateTo(o: this): void {
    o.h.set(this.h);
  }
  protected compress(d: Uint8Array, offset: number, blockCount: number): void {
    const h = this.h, w = this.w;
    for (let b = 0; b < blockCount; b++) {
      const p = offset + b * 64;
      for (let i = 0; i < 16; i++) {
        const q = p + i * 4;
        w[i] = ((d[q] as number) << 24) | ((d[q + 1] as number) << 16) | ((d[q + 2] as number) << 8) | (d[q + 3] as number);
      }
      for (let i = 16; i < 80; i++) {
        const x = (w[i - 3] as number) ^ (w[i - 8] as number) ^ (w[i - 14] as number) ^ (w[i - 16] as number);
        w[i] = (x << 1) | (x >>> 31);
      }
      let a = h[0] as number, bb = h[1] as number, c = h[2] as number, dd = h[3] as number, e = h[4] as number;
      for (let i = 0; i < 80; i++) {
        let f: number, k: number;
        if (i < 20) {
          f = (bb & c) | (~bb & dd);
          k = 0x5a827999;
        } else if (i < 40) {
          f = bb ^ c ^ dd;
          k = 0x6ed9eba1;
        } else if (i < 60) {
          f = (bb & c) | (bb & dd) | (c & dd);
          k = 0x8f1bbcdc | 0;
        } else {
          f = bb ^ c ^ dd;
          k = 0xca62c1d6 | 0;
        }
        const t = (((a << 5) | (a >>> 27)) + f + e + k + (w[i] as number)) | 0;
        e = dd;
        dd = c;
        c = (bb << 30) | (bb >>> 2);
        bb = a;
        a = t;
      }
      h[0] = ((h[0] as number) + a) | 0;
      h[1] = ((h[1] as number) + bb) | 0;
      h[2] = ((h[2] as number) + c) | 0;
      h[3] = ((h[3] as number) + dd) | 0;
      h[4] = ((h[4] as number) + e) | 0;
    }
  }
  protected output(): Uint8Array {
    return writeWordsBE(this.h);
  }
}
