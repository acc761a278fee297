/**
 * ISO 9660 file identifiers (ECMA-119 7.5, 7.6, 9.1.11) for each interchange level:
 * - level 1: `NAME.EXT;1` with ≤ 8 + 3 d-characters; directories ≤ 8 d-characters;
 * - levels 2 and 3: name + extension ≤ 30 d-characters (31 with the dot), directories ≤ 31;
 * - level 4 (ISO 9660:1999): any characters but `/` and `;` (and control characters), case kept, no version,
 *   ≤ 207 bytes (UTF-8).
 * d-characters are A-Z 0-9 _ (7.4.1): lower case is upper-cased, anything else becomes `_`; only the last dot
 * separates the extension. Files always carry the separator dot and `;1`, as genisoimage and xorriso write.
 */
import { type NameProposal, type Measure, utf16Measure, utf8Measure, uniqueNames } from './unique.js';

export type Level = 1 | 2 | 3 | 4;

/** Map to d-characters one code point at a time (a non-ASCII letter becomes one `_`). */
export function toDChars(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f) out += ch;
    else if (c >= 0x61 && c <= 0x7a && ch.length === 1) out += String.fromCharCode(c - 0x20);
    else out += '_';
  }
  return out;
}

function splitExt(name: string): [string, string | undefined] {
  const i = name.lastIndexOf('.');
  if (i <= 0) return [name, undefined];
  return [name.slice(0, i), name.slice(i + 1)];
}

/** ISO 9660:1999 identifiers hold up to 207 bytes (a 240-byte record). */
export const LEVEL4_MAX_BYTES = 207;
/**
 * With Rock Ridge on the same records, a record must keep 28 bytes of System Use for a CE entry (SUSP 5.1):
 * 33 + 193 = 226 = 254 - 28, so level-4 identifiers stop at 193 bytes and the RRIP entries go to the
 * continuation area.
 */
export const LEVEL4_MAX_BYTES_WITH_SUSP = 193;

/** The identifier a file or directory would get before uniqueness is enforced. */
export function proposeIsoName(name: string, isDir: boolean, level: Level, level4MaxBytes = LEVEL4_MAX_BYTES): NameProposal {
  if (level === 4) {
    const clean = name.replace(/[\u0000-\u001f/;]/g, '_');
    return { stem: utf8Measure.truncate(clean, level4MaxBytes), tail: '', maxStem: level4MaxBytes };
  }
  const ascii = utf16Measure;
  if (isDir) {
    const max = level === 1 ? 8 : 31;
    const stem = ascii.truncate(toDChars(name), max) || '_';
    return { stem, tail: '', maxStem: max };
  }
  const [b, e] = splitExt(name);
  let base = toDChars(b);
  let ext = e === undefined ? '' : toDChars(e);
  if (level === 1) {
    base = base.slice(0, 8);
    ext = ext.slice(0, 3);
    if (!base && !ext) base = '_';
    return { stem: base, tail: `.${ext};1`, maxStem: 8 };
  }
  // levels 2 and 3: base + ext ≤ 30
  if (base.length + ext.length > 30) {
    ext = ext.slice(0, Math.min(ext.length, base.length ? 14 : 30));
    base = base.slice(0, 30 - ext.length);
  }
  if (!base && !ext) base = '_';
  return { stem: base, tail: `.${ext};1`, maxStem: 30 - ext.length };
}

const isoMeasure = (level: Level): Measure => (level === 4 ? utf8Measure : utf16Measure);

/**
 * Unique identifiers for the children of one directory. `entries` must be in a deterministic order (sorted
 * by source name); returns identifiers in the same order.
 */
export function isoNames(entries: readonly { name: string; isDir: boolean; override?: string }[], level: Level, level4MaxBytes = LEVEL4_MAX_BYTES): string[] {
  const proposals = entries.map((e) => {
    if (e.override !== undefined) return { stem: e.override, tail: '', maxStem: e.override.length };
    return proposeIsoName(e.name, e.isDir, level, level4MaxBytes);
  });
  return uniqueNames(proposals, isoMeasure(level));
}

/**
 * ECMA-119 9.3 order: by file name, then extension (each padded with spaces, compared as code units), then
 * version descending. Directories have no extension. Works for Joliet identifiers (UCS-2 code units) too.
 */
export function compareIdentifiers(a: string, b: string): number {
  if (a === b) return 0;
  const [an, ae, av] = parts(a);
  const [bn, be, bv] = parts(b);
  return padCompare(an, bn) || padCompare(ae, be) || bv - av;
}

function parts(id: string): [string, string, number] {
  const semi = id.lastIndexOf(';');
  const v = semi >= 0 ? Number(id.slice(semi + 1)) || 0 : 0;
  const body = semi >= 0 ? id.slice(0, semi) : id;
  const dot = body.lastIndexOf('.');
  return dot >= 0 ? [body.slice(0, dot), body.slice(dot + 1), v] : [body, '', v];
}

function padCompare(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = i < a.length ? a.charCodeAt(i) : 0x20;
    const y = i < b.length ? b.charCodeAt(i) : 0x20;
    if (x !== y) return x - y;
  }
  return 0;
}

/** Sort `items` in place by `compareIdentifiers` of `id(item)`, splitting each identifier once (not per comparison). */
export function sortByIdentifier<T>(items: T[], id: (item: T) => string): T[] {
  const keyed = items.map((item) => {
    const s = id(item);
    const [name, ext, version] = parts(s);
    return { item, s, name, ext, version };
  });
  keyed.sort((a, b) => (a.s === b.s ? 0 : padCompare(a.name, b.name) || padCompare(a.ext, b.ext) || b.version - a.version));
  for (let i = 0; i < keyed.length; i++) items[i] = (keyed[i] as (typeof keyed)[number]).item;
  return items;
}
