/**
 * GUIDs as GPT stores them (UEFI 2.x Appendix A): the first three fields little-endian, the last two as bytes,
 * so "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" is stored 28 73 2A C1 1F F8 D2 11 BA 4B 00 A0 C9 3E C9 3B.
 * Also reproducible GUIDs: from a seed, or from the volume date the way xorriso's `gpt_disk_guid=volume_date_uuid` does.
 */
import { crc32, encodeUtf8, isZero, writeU32LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
// byte order of the text form's hex pairs in the stored 16 bytes
const TEXT_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

/** Text form (upper case, dashed) of the 16 mixed-endian bytes at `o`. */
export function formatGuid(b: Uint8Array, o = 0): string {
  let s = '';
  TEXT_ORDER.forEach((idx, i) => {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += hex2(b[o + idx] ?? 0);
  });
  return s.toUpperCase();
}

/** The 16 stored bytes of a GUID in text form (braces and case ignored). */
export function parseGuid(text: string): Uint8Array {
  const h = text.replace(/[{}]/g, '');
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(h)) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `not a GUID: "${text}"`);
  }
  const digits = h.replace(/-/g, '');
  const out = new Uint8Array(16);
  TEXT_ORDER.forEach((idx, i) => {
    out[idx] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  });
  return out;
}

export const guidBytes = (g: string | Uint8Array): Uint8Array => (typeof g === 'string' ? parseGuid(g) : g.slice(0, 16));
export const isNullGuid = (b: Uint8Array, o = 0): boolean => isZero(b, o, o + 16);
export const NULL_GUID = '00000000-0000-0000-0000-000000000000';

/** Set the RFC 4122 version-4 and variant bits in stored (mixed-endian) bytes (libisofs iso_mark_guid_version_4). */
export function markGuidVersion4(b: Uint8Array): Uint8Array {
  b[7] = ((b[7] ?? 0) % 16) + 0x40;
  b[8] = ((b[8] ?? 0) % 64) + 0x80;
  return b;
}

/**
 * A reproducible version-4 GUID from a seed text and an index (0 = the disk, 1… = partitions): four CRC-32s of
 * the seed with different salts. Not cryptographic; only meant to be stable and distinct.
 */
export function guidFromSeed(seed: string, index = 0): Uint8Array {
  const out = new Uint8Array(16);
  for (let k = 0; k < 4; k++) writeU32LE(out, 4 * k, crc32(encodeUtf8(`${seed}\u0000${index}\u0000${k}`)));
  return markGuidVersion4(out);
}

/**
 * xorriso's `gpt_disk_guid=volume_date_uuid` (libisofs gpt_disk_guid_setup mode 2): from the 16-digit volume
 * modification date "YYYYMMDDhhmmsscc", bytes 0–8 = digits 0–8, 9–10 = digits 14–15 (centiseconds),
 * 11–15 = digits 9–13, as ASCII, then the version-4 bits.
 */
export function volumeDateGuid(volumeDate16: string): Uint8Array {
  if (!/^\d{16}$/.test(volumeDate16)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `volume date must be 16 digits YYYYMMDDhhmmsscc, got "${volumeDate16}"`);
  const d = encodeUtf8(volumeDate16);
  const out = new Uint8Array(16);
  out.set(d.subarray(0, 9), 0);
  out.set(d.subarray(14, 16), 9);
  out.set(d.subarray(9, 14), 11);
  return markGuidVersion4(out);
}

/**
 * The GUID libisofs derives for its n-th partition (n ≥ 1) from the disk GUID: byte 9 XOR n (low byte),
 * byte 10 XOR the high byte. Observed in xorriso 1.5 output: disk …B230…, partitions …B231…, …B232…, …B233….
 */
export function derivedPartitionGuid(diskGuid: Uint8Array, n: number): Uint8Array {
  const out = diskGuid.slice(0, 16);
  out[9] = (out[9] ?? 0) ^ (n % 256);
  out[10] = (out[10] ?? 0) ^ (Math.floor(n / 256) % 256);
  return out;
}
