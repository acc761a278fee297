/**
 * The names seen in one directory, for the listing walk's duplicate check (fast-tree.ts declines a
 * directory with a name twice, and so must the listing): names are kept as byte ranges of the directory
 * extent when they are ASCII (no string is made for a file's name) or as strings otherwise. An ASCII
 * byte range and a string are the same name when the string has the same character codes; a non-ASCII
 * name always decodes to a string with a character above U+007F, so it never equals an ASCII one.
 */

const EMPTY = 0;

export class NameSet {
  private capacity = 0;
  private count = 0;
  /** per slot: hash | 1 (0: empty) */
  private hashes = new Int32Array(0);
  /** per slot: byte offset of an ASCII name, or -1 - index into `strings` */
  private starts = new Int32Array(0);
  private lengths = new Int32Array(0);
  private strings: string[] = [];
  private bytes: Uint8Array = new Uint8Array(0);

  /** Empty the set for a directory whose ASCII names are ranges of `bytes`. */
  reset(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.strings = [];
    this.count = 0;
    // the tables are kept for the next directory unless a huge one grew them
    if (this.capacity === 0 || this.capacity > 8192) {
      this.capacity = 64;
      this.hashes = new Int32Array(64);
      this.starts = new Int32Array(64);
      this.lengths = new Int32Array(64);
    } else {
      this.hashes.fill(EMPTY);
    }
  }

  /** Add the ASCII name bytes[start, end); false when it was already there. */
  addBytes(start: number, end: number): boolean {
    const b = this.bytes;
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193);
    return this.add(h | 1, start, end - start, undefined);
  }

  /** Add a name given as a string; false when it was already there. */
  addString(s: string): boolean {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return this.add(h | 1, -1, s.length, s);
  }

  private add(h: number, start: number, length: number, s: string | undefined): boolean {
    if ((this.count + 1) * 2 > this.capacity) this.grow();
    const mask = this.capacity - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const sh = this.hashes[slot] as number;
      if (sh === EMPTY) {
        this.hashes[slot] = h;
        this.lengths[slot] = length;
        if (s === undefined) this.starts[slot] = start;
        else {
          this.starts[slot] = -1 - this.strings.length;
          this.strings.push(s);
        }
        this.count++;
        return true;
      }
      if (sh === h && this.lengths[slot] === length && this.same(slot, start, s)) return false;
    }
  }

  private same(slot: number, start: number, s: string | undefined): boolean {
    const at = this.starts[slot] as number;
    const n = this.lengths[slot] as number;
    const b = this.bytes;
    if (at >= 0 && s === undefined) {
      for (let i = 0; i < n; i++) if (b[at + i] !== b[start + i]) return false;
      return true;
    }
    if (at < 0 && s !== undefined) return this.strings[-1 - at] === s;
    const str = (at < 0 ? this.strings[-1 - at] : s) as string;
    const from = at >= 0 ? at : start;
    for (let i = 0; i < n; i++) if (str.charCodeAt(i) !== b[from + i]) return false;
    return true;
  }

  private grow(): void {
    const { hashes, starts, lengths } = this;
    this.capacity *= 2;
    this.hashes = new Int32Array(this.capacity);
    this.starts = new Int32Array(this.capacity);
    this.lengths = new Int32Array(this.capacity);
    const mask = this.capacity - 1;
    for (let k = 0; k < hashes.length; k++) {
      const h = hashes[k] as number;
      if (h === EMPTY) continue;
      let slot = h & mask;
      while (this.hashes[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.hashes[slot] = h;
      this.starts[slot] = starts[k] as number;
      this.lengths[slot] = lengths[k] as number;
    }
  }
}
