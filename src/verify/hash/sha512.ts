/** SHA-512 (FIPS 180-4 §6.4), pure JS on pairs of 32-bit words (hi, lo). */
import { BlockHasher } from './block-hasher.js';
import { writeWordsBE } from './words.js';

const K_HEX =
  '428a2f98d728ae22 7137449123ef65cd b5c0fbcfec4d3b2f e9b5dba58189dbbc 3956c25bf348b538 59f111f1b605d019 923f82a4af194f9b ab1c5ed5da6d8118 ' +
  'd807aa98a3030242 12835b0145706fbe 243185be4ee4b28c 550c7dc3d5ffb4e2 72be5d74f27b896f 80deb1fe3b1696b1 9bdc06a725c71235 c19bf174cf692694 ' +
  'e49b69c19ef14ad2 efbe4786384f25e3 0fc19dc68b8cd5b5 240ca1cc77ac9c65 2de92c6f592b0275 4a7484aa6ea6e483 5cb0a9dcbd41fbd4 76f988da831153b5 ' +
  '983e5152ee66dfab a831c66d2db43210 b00327c898fb213f bf597fc7beef0ee4 c6e00bf33da88fc2 d5a79147930aa725 06ca6351e003826f 142929670a0e6e70 ' +
  '27b70a8546d22ffc 2e1b21385c26c926 4d2c6dfc5ac42aed 53380d139d95b3df 650a73548baf63de 766a0abb3c77b2a8 81c2c92e47edaee6 92722c851482353b ' +
  'a2bfe8a14cf10364 a81a664bbc423001 c24b8b70d0f89791 c76c51a30654be30 d192e819d6ef5218 d69906245565a910 f40e35855771202a 106aa07032bbd1b8 ' +
  '19a4c116b8d2d0c8 1e376c085141ab53 2748774cdf8eeb99 34b0bcb5e19b48a8 391c0cb3c5c95a63 4ed8aa4ae3418acb 5b9cca4f7763e373 682e6ff3d6b2b8a3 ' +
  '748f82ee5defb2fc 78a5636f43172f60 84c87814a1f0ab72 8cc702081a6439ec 90befffa23631e28 a4506cebde82bde9 bef9a3f7b2c67915 c67178f2e372532b ' +
  'ca273eceea26619c d186b8c721c0c207 eada7dd6cde0eb1e f57d4f7fee6ed178 06f067aa72176fba 0a637dc5a2c898a6 113f9804bef90dae 1b710b35131c471b ' +
  '28db77f523047d84 32caab7b40c72493 3c9ebe0a15c9bebc 431d67c49c100d4c 4cc5d4becb3e42b6 597f299cfc657e2a 5fcb6fab3ad6faec 6c44198c4a475817';
const IV_HEX =
  '6a09e667f3bcc908 bb67ae8584caa73b 3c6ef372fe94f82b a54ff53a5f1d36f1 510e527fade682d1 9b05688c2b3e6c1f 1f83d9abfb41bd6b 5be0cd19137e2179';

function pairs(hex: string): Int32Array {
  const parts = hex.split(' ');
  const out = new Int32Array(parts.length * 2);
  parts.forEach((p, i) => {
    out[i * 2] = parseInt(p.slice(0, 8), 16) | 0;
    out[i * 2 + 1] = parseInt(p.slice(8), 16) | 0;
  });
  return out;
}
const K = pairs(K_HEX);
const IV = pairs(IV_HEX);

export class Sha512 extends BlockHasher {
  readonly algorithm = 'sha512' as const;
  private readonly h = Int32Array.from(IV);
  /** message schedule as (hi, lo) pairs */
  private readonly w = new Int32Array(160);
  constructor() {
    super(128, 16, true);
  }
  protected create(): this {
    return new Sha512() as this;
  }
  protected copyStateTo(o: this): void {
    o.h.set(this.h);
  }
  protected compress(d: Uint8Array, offset: number, blockCount: number): void {
    const H = this.h, W = this.w;
    for (let b = 0; b < blockCount; b++) {
      const p = offset + b * 128;
      for (let i = 0; i < 32; i++) {
        const q = p + i * 4;
        W[i] = ((d[q] as number) << 24) | ((d[q + 1] as number) << 16) | ((d[q + 2] as number) << 8) | (d[q + 3] as number);
      }
      for (let i = 16; i < 80; i++) {
        // σ0(w[i-15]) = rotr1 ^ rotr8 ^ shr7
        const xh = W[(i - 15) * 2] as number, xl = W[(i - 15) * 2 + 1] as number;
        const s0h = ((xh >>> 1) | (xl << 31)) ^ ((xh >>> 8) | (xl << 24)) ^ (xh >>> 7);
        const s0l = ((xl >>> 1) | (xh << 31)) ^ ((xl >>> 8) | (xh << 24)) ^ ((xl >>> 7) | (xh << 25));
        // σ1(w[i-2]) = rotr19 ^ rotr61 ^ shr6
        const yh = W[(i - 2) * 2] as number, yl = W[(i - 2) * 2 + 1] as number;
        const s1h = ((yh >>> 19) | (yl << 13)) ^ ((yl >>> 29) | (yh << 3)) ^ (yh >>> 6);
        const s1l = ((yl >>> 19) | (yh << 13)) ^ ((yh >>> 29) | (yl << 3)) ^ ((yl >>> 6) | (yh << 26));
        const l = (s0l >>> 0) + (s1l >>> 0) + ((W[(i - 7) * 2 + 1] as number) >>> 0) + ((W[(i - 16) * 2 + 1] as number) >>> 0);
        const hsum = s0h + s1h + (W[(i - 7) * 2] as number) + (W[(i - 16) * 2] as number) + Math.floor(l / 0x100000000);
        W[i * 2] = hsum | 0;
        W[i * 2 + 1] = l | 0;
      }
      let ah = H[0] as number, al = H[1] as number, bh = H[2] as number, bl = H[3] as number;
      let ch = H[4] as number, cl = H[5] as number, dh = H[6] as number, dl = H[7] as number;
      let eh = H[8] as number, el = H[9] as number, fh = H[10] as number, fl = H[11] as number;
      let gh = H[12] as number, gl = H[13] as number, hh = H[14] as number, hl = H[15] as number;
      for (let i = 0; i < 80; i++) {
        // Σ1(e) = rotr14 ^ rotr18 ^ rotr41
        const S1h = ((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23));
        const S1l = ((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23));
        const chh = (eh & fh) ^ (~eh & gh);
        const chl = (el & fl) ^ (~el & gl);
        const t1l = (hl >>> 0) + (S1l >>> 0) + (chl >>> 0) + ((K[i * 2 + 1] as number) >>> 0) + ((W[i * 2 + 1] as number) >>> 0);
        const t1h = (hh + S1h + chh + (K[i * 2] as number) + (W[i * 2] as number) + Math.floor(t1l / 0x100000000)) | 0;
        // Σ0(a) = rotr28 ^ rotr34 ^ rotr39
        const S0h = ((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25));
        const S0l = ((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25));
        const majh = (ah & bh) ^ (ah & ch) ^ (bh & ch);
        const majl = (al & bl) ^ (al & cl) ^ (bl & cl);
        const t2l = (S0l >>> 0) + (majl >>> 0);
        const t2h = (S0h + majh + Math.floor(t2l / 0x100000000)) | 0;
        hh = gh; hl = gl;
        gh = fh; gl = fl;
        fh = eh; fl = el;
        const el2 = (dl >>> 0) + (t1l % 0x100000000);
        eh = (dh + t1h + Math.floor(el2 / 0x100000000)) | 0;
        el = el2 | 0;
        dh = ch; dl = cl;
        ch = bh; cl = bl;
        bh = ah; bl = al;
        const al2 = (t1l % 0x100000000) + (t2l % 0x100000000);
        ah = (t1h + t2h + Math.floor(al2 / 0x100000000)) | 0;
        al = al2 | 0;
      }
      const st = [ah, al, bh, bl, ch, cl, dh, dl, eh, el, fh, fl, gh, gl, hh, hl];
      for (let k = 0; k < 16; k += 2) {
        const l = ((H[k + 1] as number) >>> 0) + ((st[k + 1] as number) >>> 0);
        H[k] = ((H[k] as number) + (st[k] as number) + Math.floor(l / 0x100000000)) | 0;
        H[k + 1] = l | 0;
      }
    }
  }
  protected output(): Uint8Array {
    return writeWordsBE(this.h);
  }
}
