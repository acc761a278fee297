/**
 * isomd5sum "implanted MD5" as written by implantisomd5 / read by checkisomd5 (rhinstaller/isomd5sum 1.2.x):
 * a text record in the 512-byte Application Use field of the Primary Volume Descriptor
 * (ECMA-119 8.4.32, BP 884-1395 = PVD byte offset 883).
 *
 * `ISO MD5SUM = <md5>;SKIPSECTORS = 15;RHLISOSTATUS=0;FRAGMENT SUMS = <60 chars>;FRAGMENT COUNT = 20;THIS IS NOT THE SAME AS RUNNING MD5SUM ON THIS ISO!!`
 * padded with spaces. Parsing follows utilities.c `parsepvd`: key prefixes are found anywhere in the area,
 * numbers end at ';'. The hashing rules live in src/verify/isomd5.ts.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';

/** Offset of the Application Use field inside the PVD (ECMA-119 8.4.32). */
export const ISOMD5_APPDATA_OFFSET = 883;
export const ISOMD5_APPDATA_BYTE_LENGTH = 512;
/** Sectors at the end of the declared volume that are not hashed. */
export const ISOMD5_SKIP_SECTORS = 15;
export const ISOMD5_FRAGMENT_COUNT = 20;
/** Length of the full fragment-sum string (3 characters per fragment). */
export const ISOMD5_FRAGMENT_SUMS_LENGTH = 60;
/** implantisomd5 / checkisomd5 read granularity, which the fragment sums depend on. */
export const ISOMD5_CHUNK_BYTE_LENGTH = 32768;

export interface IsoMd5Record {
  /** 32 lowercase hex digits */
  readonly md5: string;
  readonly skipSectors: number;
  /** RHLISOSTATUS (implantisomd5 --supported-iso) */
  readonly supported: boolean;
  /** as stored: the first 60 characters after "FRAGMENT SUMS = " (may run into the next field on small images) */
  readonly fragmentSums?: string;
  readonly fragmentCount?: number;
}

const SPACE = 0x20;
const latin1 = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] as number);
  return s;
};

/** True when the area holds nothing but spaces (what implantisomd5 requires before implanting without --force). */
export function isBlankAppData(area: Uint8Array): boolean {
  for (let i = 0; i < area.length; i++) if (area[i] !== SPACE) return false;
  return true;
}

/** Parse the Application Use area (512 bytes). Returns undefined when no isomd5sum record is there. */
export function parseIsoMd5AppData(area: Uint8Array): IsoMd5Record | undefined {
  // utilities.c sets buffer[511] = 0, so nothing in the last byte counts.
  const text = latin1(area.subarray(0, ISOMD5_APPDATA_BYTE_LENGTH - 1));
  let md5: string | undefined;
  let skipSectors: number | undefined;
  let supported = false;
  let fragmentSums: string | undefined;
  let fragmentCount: number | undefined;
  const numberAfter = (i: number): { value: number; end: number } | undefined => {
    let end = text.indexOf(';', i);
    if (end < 0) end = text.length;
    const digits = text.slice(i, end);
    if (!/^\s*[-+]?\d+$/.test(digits)) return undefined;
    return { value: Number(digits), end };
  };
  for (let i = 0; i < text.length; ) {
    const rest = text.startsWith.bind(text);
    if (rest('ISO MD5SUM = ', i)) {
      const at = i + 13;
      if (at + 32 >= ISOMD5_APPDATA_BYTE_LENGTH) return undefined;
      md5 = text.slice(at, at + 32).toLowerCase();
      i = at + 32;
    } else if (rest('SKIPSECTORS = ', i)) {
      const n = numberAfter(i + 14);
      if (!n) return undefined;
      skipSectors = n.value;
      i = n.end + 1;
    } else if (rest('RHLISOSTATUS=', i)) {
      const n = numberAfter(i + 13);
      if (n) supported = n.value === 1;
      i = n ? n.end + 1 : i + 1;
    } else if (rest('FRAGMENT SUMS = ', i)) {
      const at = i + 16;
      if (at + ISOMD5_FRAGMENT_SUMS_LENGTH >= ISOMD5_APPDATA_BYTE_LENGTH) return undefined;
      fragmentSums = text.slice(at, at + ISOMD5_FRAGMENT_SUMS_LENGTH);
      i = at + ISOMD5_FRAGMENT_SUMS_LENGTH;
    } else if (rest('FRAGMENT COUNT = ', i)) {
      const n = numberAfter(i + 17);
      if (!n) return undefined;
      fragmentCount = n.value;
      i = n.end + 1;
    } else {
      i++;
    }
  }
  if (md5 === undefined || skipSectors === undefined || !/^[0-9a-f]{32}$/.test(md5)) return undefined;
  return {
    md5,
    skipSectors,
    supported,
    ...(fragmentSums !== undefined ? { fragmentSums } : {}),
    ...(fragmentCount !== undefined ? { fragmentCount } : {}),
  };
}

/** The 512-byte area exactly as implantisomd5 writes it. `fragmentSums` is the computed string (≤ 60 chars). */
export function serializeIsoMd5AppData(record: {
  md5: string;
  fragmentSums: string;
  supported?: boolean;
  skipSectors?: number;
  fragmentCount?: number;
}): Uint8Array {
  const text =
    `ISO MD5SUM = ${record.md5};SKIPSECTORS = ${record.skipSectors ?? ISOMD5_SKIP_SECTORS};` +
    `RHLISOSTATUS=${record.supported ? 1 : 0};FRAGMENT SUMS = ${record.fragmentSums};` +
    `FRAGMENT COUNT = ${record.fragmentCount ?? ISOMD5_FRAGMENT_COUNT};THIS IS NOT THE SAME AS RUNNING MD5SUM ON THIS ISO!!`;
  if (text.length >= ISOMD5_APPDATA_BYTE_LENGTH || !/^[\x20-\x7e]*$/.test(text)) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'isomd5sum record does not fit the 512-byte Application Use field', {
      structure: 'IsoMd5AppData',
    });
  }
  const out = new Uint8Array(ISOMD5_APPDATA_BYTE_LENGTH).fill(SPACE);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * The 3 characters a fragment contributes: for each of digest bytes 0..2, the first character of the byte
 * printed with "%01x" (high nibble when ≥ 0x10, else the low nibble) — utilities.c `validate_fragment`.
 */
export function fragmentChars(digest: Uint8Array, charCount = ISOMD5_FRAGMENT_SUMS_LENGTH / ISOMD5_FRAGMENT_COUNT): string {
  let s = '';
  for (let i = 0; i < Math.min(charCount, 16); i++) s += ((digest[i] ?? 0).toString(16))[0];
  return s;
}
