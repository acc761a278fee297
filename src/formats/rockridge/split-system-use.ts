/**
 * Placing SUSP entries: what stays in the directory record's System Use field and what moves to a
 * continuation area (SUSP 5.1). Order is kept (NM/SL continuation depends on it); CE goes last in the
 * inline part (FreeBSD dislikes other positions: pycdlib BUGS item 2).
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { CE_ENTRY_LENGTH } from './susp.js';

export interface SplitSystemUse {
  /** entries for the record itself; when `continuation` is not empty the caller appends serializeCE(...) */
  inline: Uint8Array[];
  /** entries for the continuation area(s), in order */
  continuation: Uint8Array[];
}

const total = (xs: readonly Uint8Array[]) => xs.reduce((n, x) => n + x.length, 0);

/**
 * Keep entries inline while they fit in `inlineBudget` bytes. When anything overflows, the inline part keeps
 * room for one CE entry (28 bytes) and everything from the first entry that does not fit moves on.
 */
export function splitSystemUse(entries: readonly Uint8Array[], inlineBudget: number): SplitSystemUse {
  if (total(entries) <= inlineBudget) return { inline: [...entries], continuation: [] };
  const room = inlineBudget - CE_ENTRY_LENGTH;
  if (room < 0) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `System Use budget ${inlineBudget} cannot hold a CE entry`, { structure: 'SUSP' });
  }
  let used = 0, i = 0;
  while (i < entries.length && used + (entries[i] as Uint8Array).length <= room) used += (entries[i++] as Uint8Array).length;
  return { inline: entries.slice(0, i), continuation: entries.slice(i) };
}

/**
 * Cut a continuation list into areas of at most `areaByteLength` bytes (one logical block by default). Every
 * area but the last keeps room for a CE entry, which the caller appends pointing at the next area.
 */
export function packContinuationAreas(entries: readonly Uint8Array[], areaByteLength = 2048): Uint8Array[][] {
  const areas: Uint8Array[][] = [];
  let cur: Uint8Array[] = [];
  let used = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Uint8Array;
    const restFits = used + total(entries.slice(i)) <= areaByteLength;
    if (!restFits && used + e.length > areaByteLength - CE_ENTRY_LENGTH) {
      areas.push(cur);
      cur = [];
      used = 0;
    }
    cur.push(e);
    used += e.length;
  }
  if (cur.length || !areas.length) areas.push(cur);
  return areas;
}
