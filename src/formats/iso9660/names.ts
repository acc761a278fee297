/**
 * ECMA-119 file identifiers (7.5, 9.1.11): `NAME.EXT;VERSION` for files, plain names for directories,
 * d-characters (A-Z 0-9 _) in strict levels. Readers strip the version (`;1`) and the dot of an empty
 * extension (`NAME.;1` → `NAME`), as Linux and xorriso do.
 */
import { D_CHARS, decodeName, encodeUtf8 } from '../../bytes/index.js';

/** Decode a file identifier for display: strip `;version` and then one trailing `.`. */
export function decodeIsoFileIdentifier(identifier: Uint8Array): string {
  return decodeName(identifier.subarray(0, isoFileIdentifierDisplayLength(identifier, 0, identifier.length)));
}

/**
 * Bytes of the identifier at `b[start]` (`byteLength` bytes) that `decodeIsoFileIdentifier` shows: without
 * `;version` and then one trailing `.` (for readers that decode in place).
 */
export function isoFileIdentifierDisplayLength(b: Uint8Array, start: number, byteLength: number): number {
  let n = byteLength;
  // strip ";digits"
  for (let i = byteLength - 1; i >= 0; i--) {
    const c = b[start + i] as number;
    if (c === 0x3b) {
      n = i;
      break;
    }
    if (c < 0x30 || c > 0x39) break;
  }
  if (n > 1 && b[start + n - 1] === 0x2e && n < byteLength) n--;
  return n;
}

/** Encode a file identifier: `name` (already mapped to the level's character set) plus `;1` for files. */
export function encodeIsoFileIdentifier(name: string, opts: { version?: boolean } = {}): Uint8Array {
  return encodeUtf8(opts.version ? `${name};1` : name);
}

/** True when every character is a d-character (ECMA-119 7.4.1). */
export const isDCharacters = (s: string): boolean => D_CHARS.test(s);

/** Replace what is not a d-character by `_`, upper-casing letters (ECMA-119 7.4.1). */
export function toDCharacters(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}
