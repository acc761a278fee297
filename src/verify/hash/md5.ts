/** MD5 (RFC 1321), pure JS. */
import { BlockHasher } from './block-hasher.js';

const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const K = new Int32Array(64);
for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) | 0;

export class Md5 extends BlockHasher {
  readonly algorithm = 'md5' as const;
  private readonly h = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476);
  private readonly w = new Int32Array(16);
  constructor() {
    super(64, 8, false);
  }
  protected create(): this {
    return new Md5() as this;
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
        w[i] = (d[q] as number) | ((d[q + 1] as number) << 8) | ((d[q + 2] as number) << 16) | ((d[q + 3] as number) << 24);
      }
      let a = h[0] as number, bb = h[1] as number, c = h[2] as number, dd = h[3] as number;
      for (let i = 0; i < 64; i++) {
        let f: number, g: number;
        if (i < 16) {
          f = (bb & c) | (~bb & dd);
          g = i;
        } else if (i < 32) {
          f = (dd & bb) | (~dd & c);
          g = (5 * i + 1) & 15;
        } else if (i < 48) {
          f = bb ^ c ^ dd;
          g = (3 * i + 5) & 15;
        } else {
          f = c ^ (bb | ~dd);
          g = (7 * i) & 15;
        }
        const s = S[(i >> 4) * 4 + (i & 3)] as number;
        const t = (a + f + (K[i] as number) + (w[g] as number)) | 0;
        a = dd;
        dd = c;
        c = bb;
        bb = (bb + ((t << s) | (t >>> (32 - s)))) | 0;
      }
      h[0] = ((h[0] as number) + a) | 0;
      h[1] = ((h[1] as number) + bb) | 0;
      h[2] = ((h[2] as number) + c) | 0;
      h[3] = ((h[3] as number) + dd) | 0;
    }
  }
  protected output(): Uint8Array {
    const out = new Uint8Array(16);
    for (let i = 0; i < 4; i++) {
      const v = this.h[i] as number;
      out[i * 4] = v & 0xff;
      out[i * 4 + 1] = (v >>> 8) & 0xff;
      out[i * 4 + 2] = (v >>> 16) & 0xff;
      out[i * 4 + 3] = (v >>> 24) & 0xff;
    }
    return out;
  }
}
