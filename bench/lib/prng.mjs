// Deterministic, fast pseudo-random numbers for workload generation (xorshift128, seeded through
// splitmix32). Not cryptographic on purpose: filling gigabytes must cost about a second per GB.

/** splitmix32 step: spreads a small seed over the 128-bit xorshift state. */
function splitmix32(seed) {
  let z = (seed + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

/** A string to a 32-bit seed (FNV-1a), so workloads are seeded by name. */
export function seedOf(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

export class XorShift128 {
  constructor(seed) {
    const s = new Int32Array(4);
    let v = seed | 0;
    for (let i = 0; i < 4; i++) { v = splitmix32(v + i); s[i] = v === 0 ? 0x2545f491 : v; }
    this.state = s;
  }

  /** Next unsigned 32-bit integer. */
  nextU32() {
    const s = this.state;
    const t = s[0] ^ (s[0] << 11);
    s[0] = s[1]; s[1] = s[2]; s[2] = s[3];
    s[3] = s[3] ^ (s[3] >>> 19) ^ (t ^ (t >>> 8));
    return s[3] >>> 0;
  }

  /** Uniform float in [0, 1). */
  next() { return this.nextU32() / 4294967296; }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo, hi) { return lo + Math.floor(this.next() * (hi - lo + 1)); }

  /** Log-uniform integer in [lo, hi]: many small values, few large ones (like real file sizes). */
  logInt(lo, hi) { return Math.min(hi, Math.floor(Math.exp(Math.log(lo) + this.next() * (Math.log(hi + 1) - Math.log(lo))))); }

  pick(list) { return list[Math.floor(this.next() * list.length)]; }

  /** Fill a Uint32Array view with pseudo-random words (the hot loop: keep it monomorphic). */
  fillWords(u32) {
    const s = this.state;
    let x = s[0], y = s[1], z = s[2], w = s[3];
    for (let i = 0; i < u32.length; i++) {
      const t = x ^ (x << 11);
      x = y; y = z; z = w;
      w = w ^ (w >>> 19) ^ (t ^ (t >>> 8));
      u32[i] = w;
    }
    s[0] = x; s[1] = y; s[2] = z; s[3] = w;
  }

  /**
   * Fill the first `byteLength` bytes of `bytes` (whose buffer is 4-byte aligned and at least
   * byteLength rounded up to 4 long) and return that prefix.
   */
  fillBytes(bytes, byteLength) {
    const words = Math.ceil(byteLength / 4);
    this.fillWords(new Uint32Array(bytes.buffer, bytes.byteOffset, words));
    return bytes.subarray(0, byteLength);
  }
}
