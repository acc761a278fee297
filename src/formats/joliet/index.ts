/**
 * Joliet (Microsoft, 1995): an SVD whose escape sequences name UCS-2, with its own directory tree and path
 * tables whose identifiers are UCS-2 big-endian. Names are up to 64 UCS-2 units (128 bytes); `-joliet-long`
 * images carry up to 103. Characters `* / : ; ? \` are forbidden in names (`;` only before the version).
 * Surrogate pairs are tolerated on read and encoded as given: the writer decides between UCS-2 (characters
 * outside the BMP replaced, the default) and UTF-16 (xorriso's `joliet_utf16`).
 */
import { encodeUcs2BE, readUcs2BE } from '../../bytes/index.js';

export { JOLIET_ESCAPE, jolietLevelFromEscapes } from './escape.js';

/** Maximum name length the Joliet specification allows, in UCS-2 units. */
export const JOLIET_MAX_NAME_UNITS = 64;
/** What genisoimage -joliet-long / xorriso joliet_long_names allow. */
export const JOLIET_LONG_MAX_NAME_UNITS = 103;
/** Characters Joliet forbids in names (the Joliet specification, 4.2). */
export const JOLIET_FORBIDDEN = /[\u0000-\u001f*/:;?\\]/g;

/** Encode a name as UCS-2 BE (UTF-16 code units; no validation or truncation: that is the writer's choice). */
export function encodeJolietName(name: string): Uint8Array {
  return encodeUcs2BE(name);
}

/**
 * Decode a Joliet file identifier: UCS-2 BE, an odd trailing byte ignored, the `;1` version stripped
 * (also a trailing `.` left in front of it, as in `NAME.;1`).
 */
export function decodeJolietName(identifier: Uint8Array): string {
  let s = readUcs2BE(identifier, 0, identifier.length);
  const semi = s.lastIndexOf(';');
  if (semi >= 0 && /^\d*$/.test(s.slice(semi + 1))) {
    s = s.slice(0, semi);
    if (s.endsWith('.') && s.length > 1) s = s.slice(0, -1);
  }
  return s;
}
