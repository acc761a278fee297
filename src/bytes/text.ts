/** ECMA-119 character sets (7.4), UCS-2 big-endian (Joliet) and fixed-width padded strings. */

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8Enc = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** a-characters (ECMA-119 7.4.1, Appendix A): A-Z 0-9 space and !"%&'()*+,-./:;<=>?_ */
export const A_CHARS = /^[A-Z0-9 !"%&'()*+,\-./:;<=>?_]*$/;
/** d-characters (ECMA-119 7.4.1): A-Z 0-9 _ */
export const D_CHARS = /^[A-Z0-9_]*$/;

/** Read a fixed-width text field, trimming trailing spaces and NULs. Bytes are taken as Latin-1 unless valid UTF-8. */
export function readStrA(b: Uint8Array, o: number, len: number): string {
  const slice = b.subarray(o, Math.min(b.length, o + len));
  let end = slice.length;
  while (end > 0 && (slice[end - 1] === 0x20 || slice[end - 1] === 0)) end--;
  const s = slice.subarray(0, end);
  for (let i = 0; i < s.length; i++) {
    if ((s[i] as number) >= 0x80) {
      const u = utf8.decode(s);
      return u.includes('\uFFFD') ? latin1.decode(s) : u;
    }
  }
  return latin1.decode(s);
}

/** Write `text` padded with `pad` (0x20 by default) into a fixed-width field; longer text is cut. */
export function writeStrA(b: Uint8Array, o: number, len: number, text: string, pad = 0x20): void {
  const enc = utf8Enc.encode(text);
  const n = Math.min(enc.length, len);
  b.set(enc.subarray(0, n), o);
  b.fill(pad, o + n, o + len);
}

/** UCS-2 BE (Joliet). Unpaired surrogates are kept as-is (tolerated, like xorriso's joliet_utf16). */
export function readUcs2BE(b: Uint8Array, o: number, byteLength: number): string {
  const n = Math.floor(byteLength / 2);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode((b[o + 2 * i] ?? 0) * 0x100 + (b[o + 2 * i + 1] ?? 0));
  return s;
}
/** Fixed-width UCS-2 field (SVD ids): strip trailing U+0020 and U+0000. */
export function readUcs2Field(b: Uint8Array, o: number, byteLength: number): string {
  return readUcs2BE(b, o, byteLength).replace(/[\u0000 ]+$/, '');
}
export function encodeUcs2BE(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 * i] = Math.floor(c / 0x100);
    out[2 * i + 1] = c % 0x100;
  }
  return out;
}
export function writeUcs2Field(b: Uint8Array, o: number, byteLength: number, text: string): void {
  const enc = encodeUcs2BE(text);
  const n = Math.min(enc.length - (enc.length % 2), byteLength - (byteLength % 2));
  b.set(enc.subarray(0, n), o);
  for (let i = n; i + 1 < byteLength; i += 2) {
    b[o + i] = 0;
    b[o + i + 1] = 0x20;
  }
  if (byteLength % 2) b[o + byteLength - 1] = 0;
}

export function encodeUtf8(s: string): Uint8Array {
  // short ASCII strings (file names) are cheaper by hand than through TextEncoder
  if (s.length <= 64) {
    const out = new Uint8Array(s.length);
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      out[i] = c;
    }
    if (i === s.length) return out;
  }
  return utf8Enc.encode(s);
}
export const decodeUtf8 = (b: Uint8Array): string => utf8.decode(b);
/** Decode bytes that should be UTF-8 but may be Latin-1 (Rock Ridge names carry no charset). */
export function decodeName(b: Uint8Array): string {
  for (let i = 0; i < b.length; i++) {
    if ((b[i] as number) >= 0x80) {
      // fatal decoder: a name that really contains U+FFFD stays UTF-8; only invalid UTF-8 falls back to Latin-1
      try {
        return utf8Strict.decode(b);
      } catch {
        return latin1.decode(b);
      }
    }
  }
  // ASCII: short names are decoded much faster without TextDecoder (directory listings of 100k files)
  return b.length <= 256 ? String.fromCharCode.apply(null, b as unknown as number[]) : latin1.decode(b);
}

/**
 * `decodeName(b.subarray(start, end))` without the subarray, interning ASCII names: listings repeat names
 * (every directory of a tree has its README, index.js, FILE_00.TXT…), so a small direct-mapped cache of
 * decoded strings saves most allocations. One instance per reader (not shared between trees).
 */
const NAME_SLOTS = 4096;
export class NameDecoder {
  private readonly slots: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS).fill(undefined);
  private readonly codes: number[] = [];

  decode(b: Uint8Array, start: number, end: number): string {
    const n = end - start;
    if (n > 64) return decodeName(b.subarray(start, end));
    // FNV-1a over the bytes (a hash of bytes, not an offset: bitwise is fine), noting non-ASCII
    let h = 0x811c9dc5;
    let high = 0;
    for (let i = start; i < end; i++) {
      const c = b[i] as number;
      high |= c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (high >= 0x80) return decodeName(b.subarray(start, end));
    const slot = (h >>> 0) % NAME_SLOTS;
    const cached = this.slots[slot];
    if (cached !== undefined && cached.length === n) {
      let i = 0;
      while (i < n && cached.charCodeAt(i) === b[start + i]) i++;
      if (i === n) return cached;
    }
    const codes = this.codes;
    codes.length = n;
    for (let i = 0; i < n; i++) codes[i] = b[start + i] as number;
    const s = String.fromCharCode.apply(null, codes);
    this.slots[slot] = s;
    return s;
  }
}
