/**
 * OSTA Compressed Unicode (UDF 2.1.1) — the CS0 character set of every UDF name and identifier — and the
 * ECMA-167 1/7.2 charspec that names it.
 *
 * A CS0 string starts with a Compression ID byte:
 * ```
 * 8    one byte per character (U+0000–U+00FF)
 * 16   two bytes per character, big-endian UTF-16 (surrogate pairs tolerated)
 * 254  as 8, in the identifier of a deleted FID (UDF 2.3.4.2, UDF 2.00+)
 * 255  as 16, in the identifier of a deleted FID
 * ```
 * d-characters (1/7.2.12) are such a string of a known length (a FID's File Identifier). A dstring
 * (1/7.2.12, "fixed-length character field") is a CS0 string in a field of n bytes whose last byte holds
 * the length used (0 = empty, and then the whole field is zero).
 *
 * charspec (1/7.2.1), 64 bytes: RBP 0 u8 Character Set Type (0 = CS0), RBP 1 63 bytes Character Set
 * Information ("OSTA Compressed Unicode", zero padded, UDF 2.1.2).
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';

export const Cs0Compression = { BYTE: 8, UTF16: 16, DELETED_BYTE: 254, DELETED_UTF16: 255 } as const;

const latin1 = new TextDecoder('latin1');

/** A decoded CS0 string: the text, or undefined when the compression ID is unknown. */
export interface DecodedCs0 {
  readonly text: string | undefined;
  readonly compressionId: number;
}

/**
 * Decode the CS0 d-characters `b[o, o + byteLength)` (compression ID first). An empty field decodes to ''.
 * A trailing odd byte of a 16-bit string is ignored. U+0000 is kept (a name holding one is not usable: the
 * caller reports it).
 */
export function decodeCs0(b: Uint8Array, o: number, byteLength: number): DecodedCs0 {
  if (byteLength <= 0) return { text: '', compressionId: 0 };
  const id = b[o] as number;
  const start = o + 1;
  const end = Math.min(b.length, o + byteLength);
  if (id === 8 || id === 254) {
    // short names: fromCharCode over the bytes beats TextDecoder
    const n = end - start;
    if (n <= 64) {
      let s = '';
      for (let i = start; i < end; i++) s += String.fromCharCode(b[i] as number);
      return { text: s, compressionId: id };
    }
    return { text: latin1.decode(b.subarray(start, end)), compressionId: id };
  }
  if (id === 16 || id === 255) {
    let s = '';
    for (let i = start; i + 1 < end; i += 2) s += String.fromCharCode(((b[i] as number) << 8) | (b[i + 1] as number));
    return { text: s, compressionId: id };
  }
  return { text: undefined, compressionId: id };
}

/** The compression a writer should use: 8 when every code unit is ≤ U+00FF, else 16 (what pycdlib and mkudffs do for names). */
export function cs0CompressionFor(text: string): 8 | 16 {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return 16;
  return 8;
}

/** Encode `text` as CS0 d-characters (compression ID first); `compressionId` defaults to `cs0CompressionFor(text)`. */
export function encodeCs0(text: string, compressionId: 8 | 16 = cs0CompressionFor(text)): Uint8Array {
  if (compressionId === 8) {
    const out = new Uint8Array(1 + text.length);
    out[0] = 8;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0xff) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `character U+${c.toString(16)} does not fit 8-bit CS0`, { structure: 'CS0' });
      out[1 + i] = c;
    }
    return out;
  }
  const out = new Uint8Array(1 + 2 * text.length);
  out[0] = 16;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[1 + 2 * i] = c >>> 8;
    out[2 + 2 * i] = c & 0xff;
  }
  return out;
}

/** Read the dstring field `b[o, o + fieldLength)`: the length used is in its last byte (1/7.2.12). */
export function readDString(b: Uint8Array, o: number, fieldLength: number): string {
  const used = Math.min(b[o + fieldLength - 1] ?? 0, fieldLength - 1);
  if (used === 0) return '';
  const d = decodeCs0(b, o, used);
  return d.text === undefined ? '' : stripNul(d.text);
}

const stripNul = (s: string): string => {
  const i = s.indexOf('\0');
  return i < 0 ? s : s.slice(0, i);
};

/**
 * Write `text` into the dstring field `b[o, o + fieldLength)`, cut to the field (never half a 16-bit
 * character), zero padded, the length used in the last byte; '' is all zeros. ASCII text is 8-bit CS0, other
 * text 16-bit — what mkudffs does for volume identifiers, because libblkid < 2.30 misread non-ASCII 8-bit
 * ones (mkudffs(8), "LINUX LABEL BUGS").
 */
export function writeDString(b: Uint8Array, o: number, fieldLength: number, text: string): void {
  b.fill(0, o, o + fieldLength);
  if (text === '') return;
  const enc = encodeCs0(text, /^[\x00-\x7f]*$/.test(text) ? 8 : 16);
  let n = Math.min(enc.length, fieldLength - 1);
  if (enc[0] === 16 && n % 2 === 0) n--;
  b.set(enc.subarray(0, n), o);
  b[o + fieldLength - 1] = n;
}

/** ECMA-167 1/7.2.1 charspec. */
export interface Charspec {
  /** 0 = CS0 */
  readonly type: number;
  /** the Character Set Information, up to its first zero byte */
  readonly info: string;
}

export const CHARSPEC_LENGTH = 64;
export const OSTA_CS0_INFO = 'OSTA Compressed Unicode';
/** The charspec UDF requires in every charspec field (UDF 2.1.2). */
export const OSTA_CS0: Charspec = { type: 0, info: OSTA_CS0_INFO };

export function parseCharspec(b: Uint8Array, o: number): Charspec {
  let end = o + 1;
  while (end < o + CHARSPEC_LENGTH && b[end] !== 0) end++;
  return { type: b[o] ?? 0, info: latin1.decode(b.subarray(o + 1, Math.min(end, b.length))) };
}

export function writeCharspec(b: Uint8Array, o: number, cs: Charspec): void {
  b.fill(0, o, o + CHARSPEC_LENGTH);
  b[o] = cs.type;
  for (let i = 0; i < Math.min(cs.info.length, CHARSPEC_LENGTH - 1); i++) b[o + 1 + i] = cs.info.charCodeAt(i) & 0xff;
}
