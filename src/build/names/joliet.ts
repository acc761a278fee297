/**
 * Joliet names: the source name in UCS-2 (UTF-16 code units, surrogate pairs kept whole), at most 64 units
 * (103 with `-joliet-long`), with `* / : ; ? \` and control characters replaced by `_` (Joliet 4.2). Files
 * carry `;1` after the name, as genisoimage and xorriso write. When a name is cut, its extension is kept if
 * it is short. Collisions (after cutting or replacing) get a counter: `very long nam1.txt`.
 */
import { JOLIET_FORBIDDEN } from '../../formats/joliet/index.js';
import { type NameProposal, utf16Measure, uniqueNames } from './unique.js';

export function proposeJolietName(name: string, isDir: boolean, maxUnits: number): NameProposal {
  const clean = name.replace(JOLIET_FORBIDDEN, '_') || '_';
  const version = isDir ? '' : ';1';
  if (clean.length <= maxUnits) {
    const dot = clean.lastIndexOf('.');
    if (dot > 0 && clean.length - dot <= 16) {
      const ext = clean.slice(dot);
      return { stem: clean.slice(0, dot), tail: ext + version, maxStem: maxUnits - ext.length };
    }
    return { stem: clean, tail: version, maxStem: maxUnits };
  }
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
  const stemMax = maxUnits - ext.length;
  const stem = utf16Measure.truncate(ext ? clean.slice(0, dot) : clean, stemMax);
  return { stem, tail: ext + version, maxStem: stemMax };
}

/** Unique Joliet identifiers (strings, with `;1` on files) for one directory's children, in input order. */
export function jolietNames(entries: readonly { name: string; isDir: boolean }[], maxUnits: number): string[] {
  return uniqueNames(entries.map((e) => proposeJolietName(e.name, e.isDir, maxUnits)), utf16Measure);
}
