/**
 * The names of one directory, to find a name recorded twice (a DUPLICATE_NAME finding) without a string per
 * name: "plain" names (printable ASCII without '/' and '\\', the usual kind) are kept as bytes in a hash table
 * (open addressing, generation-stamped so a new directory costs nothing to start); any other name is a string in
 * a Set. A plain name never equals another kind of name, so the two never need comparing.
 */

const isPlainString = (s: string): boolean => {
  if (!s || s === '.' || s === '..') return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x2f || c === 0x5c) return false;
  }
  return true;
};

export class NameSet {
  private pool = new Uint8Array(1 << 16);
  private poolLength = 0;
  /** per slot: the generation it was filled in, and the entry (index into starts/ends) */
  private gens = new Int32Array(1 << 10);
  private slots = new Int32Array(1 << 10);
  private starts = new Int32Array(1 << 9);
  private ends = new Int32Array(1 << 9);
  private count = 0;
  private gen = 1;
  private readonly others = new Set<string>();

  /** Start a new directory. */
  reset(): void {
    this.gen++;
    this.count = 0;
    this.poolLength = 0;
    if (this.others.size) this.others.clear();
  }

  /**
   * Add b[from, to) when it is a plain name (printable ASCII without '/' and '\\', and not '', '.' or '..': usable
   * as it is, and shown as it is): 1 when it was there already, 0 when added; -1 (nothing
   * added) when it is not plain. One pass over the bytes.
   */
  addPlain(b: Uint8Array, from: number, to: number): number {
    const n = to - from;
    if (n <= 0 || (b[from] === 0x2e && (n === 1 || (n === 2 && b[from + 1] === 0x2e)))) return -1;
    if (this.poolLength + n > this.pool.length) this.pool = grow(this.pool, this.poolLength + n);
    const pool = this.pool;
    const start = this.poolLength;
    let h = 0x811c9dc5;
    for (let i = 0; i < n; i++) {
      const c = b[from + i] as number;
      if (c < 0x20 || c > 0x7e || c === 0x2f || c === 0x5c) return -1;
      pool[start + i] = c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    return this.insert(h, start, n) ? 1 : 0;
  }

  /** Add any name; true when it was there already. */
  addString(s: string): boolean {
    if (!isPlainString(s)) {
      if (this.others.has(s)) return true;
      this.others.add(s);
      return false;
    }
    const n = s.length;
    if (this.poolLength + n > this.pool.length) this.pool = grow(this.pool, this.poolLength + n);
    const pool = this.pool;
    const start = this.poolLength;
    let h = 0x811c9dc5;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      pool[start + i] = c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    return this.insert(h, start, n);
  }

  /** The name at pool[start, start + n) (just written): found, or added. */
  private insert(h: number, start: number, n: number): boolean {
    if ((this.count + 1) * 2 > this.slots.length) this.rehash();
    const mask = this.slots.length - 1;
    const pool = this.pool;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      if (this.gens[s] !== this.gen) {
        const e = this.count++;
        if (e === this.starts.length) {
          this.starts = grow(this.starts, e + 1);
          this.ends = grow(this.ends, e + 1);
        }
        this.starts[e] = start;
        this.ends[e] = start + n;
        this.gens[s] = this.gen;
        this.slots[s] = e;
        this.poolLength = start + n;
        return false;
      }
      const e = this.slots[s] as number;
      const a = this.starts[e] as number;
      if ((this.ends[e] as number) - a !== n) continue;
      let i = 0;
      while (i < n && pool[a + i] === pool[start + i]) i++;
      if (i === n) return true;
    }
  }

  /** Twice the slots, the entries of this directory placed again. */
  private rehash(): void {
    const size = this.slots.length * 2;
    this.gens = new Int32Array(size);
    this.slots = new Int32Array(size);
    this.gen = 1;
    const mask = size - 1;
    for (let e = 0; e < this.count; e++) {
      let h = 0x811c9dc5;
      for (let i = this.starts[e] as number; i < (this.ends[e] as number); i++) h = Math.imul(h ^ (this.pool[i] as number), 0x01000193);
      let s = h & mask;
      while (this.gens[s] === 1) s = (s + 1) & mask;
      this.gens[s] = 1;
      this.slots[s] = e;
    }
  }
}

function grow<T extends Uint8Array | Int32Array>(a: T, need: number): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(a.length * 2, need));
  b.set(a);
  return b;
}
