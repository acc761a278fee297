/**
 * Joliet names: the source name in UCS-2, with `* / : ; ? \` and control characters replaced by `_` (Joliet 4.2),
 * and no `;1` version suffix — the names xorriso (libisofs iso_j_file_id / iso_j_dir_id) and genisoimage write.
 * A character outside the BMP (emoji, CJK extension B…) has no UCS-2 code: like xorriso, each becomes one `_`
 * (libcdio and other strict UCS-2 readers reject surrogates); with `utf16` (xorriso's `-joliet_utf16`) it is
 * written as its UTF-16 surrogate pair instead, kept whole when a name is cut. A directory name is cut to 64 units (103 with
 * `-joliet-long`). A file name may have 64 units plus the dot before its extension: a longer one keeps its
 * extension if that has at most 3 units (else the extension is cut to 64 − the name part, at least 3 units)
 * and the name part is cut to what is left. Collisions (after cutting or replacing) get a counter before the
 * extension: `very long nam1.txt`.
 */
import { JOLIET_FORBIDDEN } from '../../../formats/joliet/index.js';
import { type NameProposal, utf16Measure, uniqueNames } from './unique.js';

/** Characters UCS-2 cannot encode: those outside the BMP (a surrogate pair in JS) and lone surrogates. */
const NOT_UCS2 = /[\u{10000}-\u{10ffff}\ud800-\udfff]/gu;

/** `name` in UCS-2: each character outside the BMP (and any lone surrogate) replaced by `_`, as xorriso does. */
export function toUcs2(name: string): string {
  return name.replace(NOT_UCS2, '_');
}

export function proposeJolietName(name: string, isDir: boolean, maxUnits: number, utf16 = false): NameProposal {
  const clean = (utf16 ? name : toUcs2(name)).replace(JOLIET_FORBIDDEN, '_') || '_';
  const dot = isDir ? -1 : clean.lastIndexOf('.');
  if (dot < 0 || dot === clean.length - 1) return { stem: utf16Measure.truncate(clean, maxUnits), tail: '', maxStem: maxUnits };
  const total = clean.length;
  const ext = clean.slice(dot + 1);
  const long = total > maxUnits + 1;
  const extUnits = long && ext.length > 3 ? (dot < maxUnits - 3 ? maxUnits - dot : 3) : ext.length;
  const tail = '.' + utf16Measure.truncate(ext, extUnits);
  const stemMax = long ? maxUnits - (tail.length - 1) : dot;
  return { stem: utf16Measure.truncate(clean.slice(0, dot), stemMax), tail, maxStem: stemMax };
}

/** Unique Joliet identifiers for one directory's children, in input order. */
export function jolietNames(entries: readonly { name: string; isDir: boolean }[], maxUnits: number, utf16 = false): string[] {
  return uniqueNames(entries.map((e) => proposeJolietName(e.name, e.isDir, maxUnits, utf16)), utf16Measure);
}
