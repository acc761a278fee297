/**
 * Deterministic unique names inside one directory, the way genisoimage and libisofs mangle: names proposed
 * by a single entry (or by the first entry, in source-name order, of a colliding group) stay as they are;
 * the others get their stem cut and a decimal counter appended (`LONGFIL1.TXT`, `LONGFI10.TXT`), skipping
 * every name already taken. Digits keep ISO 9660 names inside the d-characters (a `~` is not one).
 */
import { ErrorCode, IsoKitError } from '../../../errors/index.js';

/** A proposed name: `stem + tail` where only the stem may be shortened for the counter. */
export interface NameProposal {
  stem: string;
  /** extension and version (`.TXT;1`), kept intact */
  tail: string;
  /** the longest stem (in `measure` units) that still fits with this tail */
  maxStem: number;
}

export interface Measure {
  /** length in the namespace's unit (bytes, UCS-2 units) */
  length(s: string): number;
  /** the longest prefix of `s` whose length is ≤ n, never splitting a surrogate pair */
  truncate(s: string, n: number): string;
  /** key under which two names collide (identity; Joliet and ISO compare exactly) */
  key?(s: string): string;
}

/** Cut at a code-point boundary so that `measure(result) <= n`. */
export function truncateBy(s: string, n: number, unitLength: (cp: number) => number): string {
  let used = 0;
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i) as number;
    const l = unitLength(cp);
    if (used + l > n) break;
    used += l;
    i += cp > 0xffff ? 2 : 1;
  }
  return s.slice(0, i);
}

export const utf16Measure: Measure = {
  length: (s) => s.length,
  truncate: (s, n) => truncateBy(s, n, (cp) => (cp > 0xffff ? 2 : 1)),
};

const utf8Len = (cp: number) => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
export const utf8Measure: Measure = {
  length: (s) => {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const cp = s.codePointAt(i) as number;
      n += utf8Len(cp);
      if (cp > 0xffff) i++;
    }
    return n;
  },
  truncate: (s, n) => truncateBy(s, n, utf8Len),
};

/**
 * Assign unique names. `proposals[i]` belongs to the i-th entry, entries being in a deterministic order
 * (sorted by source name). Returns the final names in the same order.
 */
export function uniqueNames(proposals: readonly NameProposal[], m: Measure): string[] {
  const key = m.key ?? ((s: string) => s);
  const out: string[] = new Array<string>(proposals.length);
  const taken = new Set<string>();
  const losers: number[] = [];
  for (let i = 0; i < proposals.length; i++) {
    const p = proposals[i] as NameProposal;
    const name = p.stem + p.tail;
    const k = key(name);
    if (taken.has(k)) losers.push(i);
    else {
      taken.add(k);
      out[i] = name;
    }
  }
  for (const i of losers) {
    const p = proposals[i] as NameProposal;
    out[i] = mangle(p, m, (s) => taken.has(key(s)));
    taken.add(key(out[i] as string));
  }
  return out;
}

function mangle(p: NameProposal, m: Measure, isTaken: (s: string) => boolean): string {
  for (let width = 1; width <= 9; width++) {
    const room = Math.max(0, p.maxStem - width);
    const stem = m.truncate(p.stem, room);
    const limit = 10 ** width;
    for (let n = width === 1 ? 1 : 10 ** (width - 1); n < limit; n++) {
      const candidate = stem + String(n) + p.tail;
      if (!isTaken(candidate)) return candidate;
    }
  }
  // unreachable for directories the path table can address (≤ 65,535 entries per name group is far below 10^9)
  throw new IsoKitError(ErrorCode.INTERNAL, 'no unique name left');
}
