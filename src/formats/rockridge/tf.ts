/**
 * RRIP 4.1.6 TF "time stamps". BP5 flags, then one timestamp per flag set, in flag order:
 * CREATION, MODIFY, ACCESS, ATTRIBUTES, BACKUP, EXPIRATION, EFFECTIVE. LONG_FORM selects the 17-byte
 * ECMA-119 8.4.26.1 format; otherwise the 7-byte 9.1.5 format.
 */
import { readDate17, readDate7, writeDate7, type DecodedDate } from '../../bytes/index.js';
import type { Findings } from '../../errors/index.js';
import { writeSuspHeader, type SuspEntry } from './susp.js';
import { FindingCode } from '../../errors/index.js';

export const TfFlag = {
  CREATION: 1,
  MODIFY: 2,
  ACCESS: 4,
  ATTRIBUTES: 8,
  BACKUP: 16,
  EXPIRATION: 32,
  EFFECTIVE: 64,
  LONG_FORM: 128,
} as const;

export interface RripTf {
  readonly creationMs?: number;
  readonly modifyMs?: number;
  readonly accessMs?: number;
  readonly attributesMs?: number;
  readonly backupMs?: number;
  readonly expirationMs?: number;
  readonly effectiveMs?: number;
}

const ORDER = [
  [TfFlag.CREATION, 'creationMs'],
  [TfFlag.MODIFY, 'modifyMs'],
  [TfFlag.ACCESS, 'accessMs'],
  [TfFlag.ATTRIBUTES, 'attributesMs'],
  [TfFlag.BACKUP, 'backupMs'],
  [TfFlag.EXPIRATION, 'expirationMs'],
  [TfFlag.EFFECTIVE, 'effectiveMs'],
] as const;

/** Reads the 7-byte dates of TF entries; a reader may cache (most records share their dates). */
export interface Date7Source {
  read(b: Uint8Array, o: number): DecodedDate;
}
const plainDates: Date7Source = { read: readDate7 };

/**
 * The times of a TF entry with payload b[p, p + n) into `out` (CREATION → creationMs, …); only the stamps
 * whose flag is in `keep` are decoded (the others are still checked, so findings do not depend on `keep`).
 * False (a finding) when the entry has no flags byte.
 */
export function readTF(b: Uint8Array, p: number, n: number, at: number, findings: Findings, out: { -readonly [K in keyof RripTf]: RripTf[K] }, keep = 0x7f, dates: Date7Source = plainDates): boolean {
  if (n < 1) {
    findings.warn(FindingCode.RR_BAD_TF, 'TF entry without flags byte', at, 'RockRidge TF');
    return false;
  }
  const flags = b[p] as number;
  const long = flags >= TfFlag.LONG_FORM;
  const size = long ? 17 : 7;
  let q = p + 1;
  let badOffset = false;
  for (let i = 0; i < ORDER.length; i++) {
    const bit = 1 << i;
    if ((flags & bit) === 0) continue;
    if (q + size > p + n) {
      findings.warn(FindingCode.RR_BAD_TF, `TF entry of ${n + 4} bytes is too short for the time stamps its flags announce`, at, 'RockRidge TF');
      break;
    }
    if (!long && !(keep & bit)) {
      // a stamp not kept: only whether its GMT offset is valid (no date, no object)
      if (!date7OffsetValid(b, q)) badOffset = true;
      q += size;
      continue;
    }
    const t = long ? readDate17(b, q) : dates.read(b, q);
    if (!t.offsetValid) badOffset = true;
    if (t.ms !== undefined && (keep & bit)) {
      // the usual stamp without a keyed store
      if (bit === TfFlag.MODIFY) out.modifyMs = t.ms;
      else out[(ORDER[i] as (typeof ORDER)[number])[1]] = t.ms;
    }
    q += size;
  }
  if (badOffset) findings.info(FindingCode.RR_BAD_GMT_OFFSET, 'TF time stamp GMT offset outside -48..+52 quarter hours (treated as 0)', at, 'RockRidge TF');
  return true;
}

/** Only whether a 7-byte date's GMT offset is valid (a date that is not kept need not be computed). */
function date7OffsetValid(b: Uint8Array, o: number): boolean {
  const off = (b[o + 6] as number) >= 128 ? (b[o + 6] as number) - 256 : (b[o + 6] as number);
  if (off >= -48 && off <= 52) return true;
  for (let i = 0; i < 6; i++) if (b[o + i] !== 0) return false;
  return true;
}

export function parseTF(e: SuspEntry, findings: Findings): RripTf | undefined {
  const out: { -readonly [K in keyof RripTf]: RripTf[K] } = {};
  return readTF(e.data, 0, e.data.length, e.byteOffset, findings, out) ? out : undefined;
}

const isStamp = (ms: number | undefined): ms is number => ms !== undefined && Number.isFinite(ms);

/** Byte length of the short-form TF entry for these times (0: no entry, no time is given). */
export function sizeOfTF(tf: RripTf): number {
  let n = 0;
  for (const [, key] of ORDER) if (isStamp(tf[key])) n++;
  return n ? 5 + 7 * n : 0;
}

/**
 * Write a short-form TF entry (like xorriso and genisoimage: whole seconds, UTC, years 1900-2155) at b[at];
 * returns the offset after it (`at` itself when no time is given).
 */
export function writeTF(b: Uint8Array, at: number, tf: RripTf): number {
  const len = sizeOfTF(tf);
  if (!len) return at;
  writeSuspHeader(b, at, 'TF', len);
  let flags = 0;
  let q = at + 5;
  for (const [bit, key] of ORDER) {
    const ms = tf[key];
    if (!isStamp(ms)) continue;
    flags += bit;
    writeDate7(b, q, ms, 0);
    q += 7;
  }
  b[at + 4] = flags;
  return q;
}

/** Short-form TF entry, or undefined when no time is given. */
export function serializeTF(tf: RripTf): Uint8Array | undefined {
  const len = sizeOfTF(tf);
  if (!len) return undefined;
  const out = new Uint8Array(len);
  writeTF(out, 0, tf);
  return out;
}
