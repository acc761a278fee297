/**
 * RRIP 4.1.6 TF "time stamps". BP5 flags, then one timestamp per flag set, in flag order:
 * CREATION, MODIFY, ACCESS, ATTRIBUTES, BACKUP, EXPIRATION, EFFECTIVE. LONG_FORM selects the 17-byte
 * ECMA-119 8.4.26.1 format; otherwise the 7-byte 9.1.5 format.
 */
import { readDate17, readDate7, writeDate7 } from '../../bytes/index.js';
import type { Findings } from '../../errors/index.js';
import { serializeSuspEntry, type SuspEntry } from './susp.js';
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

export function parseTF(e: SuspEntry, findings: Findings): RripTf | undefined {
  const d = e.data;
  if (d.length < 1) {
    findings.warn(FindingCode.RR_BAD_TF, 'TF entry without flags byte', e.byteOffset, 'RockRidge TF');
    return undefined;
  }
  const flags = d[0] as number;
  const long = flags >= TfFlag.LONG_FORM;
  const size = long ? 17 : 7;
  const out: Record<string, number> = {};
  let p = 1;
  let badOffset = false;
  for (const [bit, key] of ORDER) {
    if (Math.floor(flags / bit) % 2 === 0) continue;
    if (p + size > d.length) {
      findings.warn(FindingCode.RR_BAD_TF, `TF entry of ${d.length + 4} bytes is too short for the time stamps its flags announce`, e.byteOffset, 'RockRidge TF');
      break;
    }
    const t = long ? readDate17(d, p) : readDate7(d, p);
    if (!t.offsetValid) badOffset = true;
    if (t.ms !== undefined) out[key] = t.ms;
    p += size;
  }
  if (badOffset) findings.info(FindingCode.RR_BAD_GMT_OFFSET, 'TF time stamp GMT offset outside -48..+52 quarter hours (treated as 0)', e.byteOffset, 'RockRidge TF');
  return out as RripTf;
}

/** Short-form TF (like xorriso and genisoimage): whole seconds, UTC, years 1900-2155. Undefined when no time is given. */
export function serializeTF(tf: RripTf): Uint8Array | undefined {
  let flags = 0;
  const stamps: number[] = [];
  for (const [bit, key] of ORDER) {
    const ms = tf[key];
    if (ms === undefined || !Number.isFinite(ms)) continue;
    flags += bit;
    stamps.push(ms);
  }
  if (!flags) return undefined;
  const p = new Uint8Array(1 + 7 * stamps.length);
  p[0] = flags;
  stamps.forEach((ms, i) => writeDate7(p, 1 + 7 * i, ms, 0));
  return serializeSuspEntry('TF', 1, p);
}
