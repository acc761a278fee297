/**
 * Placing SUSP entries: what stays in the directory record's System Use field and what moves to a
 * continuation area (SUSP 5.1), decided on the entries' byte lengths alone. Order is kept (NM/SL continuation
 * depends on it); CE goes last in the inline part (FreeBSD dislikes other positions: pycdlib BUGS item 2).
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { CE_ENTRY_LENGTH } from './susp.js';

const total = (xs: readonly number[], from = 0): number => {
  let n = 0;
  for (let i = from; i < xs.length; i++) n += xs[i] as number;
  return n;
};

/**
 * How many of the entries (of these byte lengths) stay inline within `inlineBudget` bytes: all when they fit;
 * otherwise the inline part keeps room for one CE entry (28 bytes) and everything from the first entry that
 * does not fit moves on.
 */
export function inlineEntryCount(lengths: readonly number[], inlineBudget: number): number {
  if (total(lengths) <= inlineBudget) return lengths.length;
  const room = inlineBudget - CE_ENTRY_LENGTH;
  if (room < 0) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `System Use budget ${inlineBudget} cannot hold a CE entry`, { structure: 'SUSP' });
  }
  let used = 0, i = 0;
  while (i < lengths.length && used + (lengths[i] as number) <= room) used += lengths[i++] as number;
  return i;
}

/**
 * Cut the continuation entries (lengths[from…]) into areas of at most `areaByteLength` bytes (one logical
 * block by default). Every area but the last keeps room for a CE entry, which the caller appends pointing at
 * the next area. Returns each area's [first, end) entry indexes.
 */
export function continuationAreas(lengths: readonly number[], from: number, areaByteLength = 2048): [number, number][] {
  const areas: [number, number][] = [];
  let start = from;
  let used = 0;
  for (let i = from; i < lengths.length; i++) {
    const len = lengths[i] as number;
    const restFits = used + total(lengths, i) <= areaByteLength;
    if (!restFits && used + len > areaByteLength - CE_ENTRY_LENGTH) {
      areas.push([start, i]);
      start = i;
      used = 0;
    }
    used += len;
  }
  if (start < lengths.length || !areas.length) areas.push([start, lengths.length]);
  return areas;
}
