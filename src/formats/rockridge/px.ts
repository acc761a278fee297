/**
 * RRIP 4.1.1 PX "POSIX file attributes".
 *
 * ```
 * BP5-12  st_mode   BP13-20 st_nlink   BP21-28 st_uid   BP29-36 st_gid   (both-endian 32-bit)
 * BP37-44 st_ino    (RRIP 1.12 only: the entry is 44 bytes; RRIP 1.09/1.10 writes 36 bytes)
 * ```
 */
import { readU32Both, writeU32Both } from '../../bytes/index.js';
import type { Findings } from '../../errors/index.js';
import { checkU32Field, serializeSuspEntry, type SuspEntry } from './susp.js';
import type { RripVersion } from './er.js';
import { FindingCode } from '../../errors/index.js';

export interface RripPx {
  readonly mode: number;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
  /** RRIP 1.12 file serial number (absent in the 36-byte 1.10 form) */
  readonly ino?: number;
}

export const PX_LENGTH_1_10 = 36;
export const PX_LENGTH_1_12 = 44;

export function parsePX(e: SuspEntry, findings: Findings): RripPx | undefined {
  const d = e.data;
  if (d.length < 32) {
    findings.warn(FindingCode.RR_BAD_PX, `PX entry is ${d.length + 4} bytes, expected 36 or 44`, e.byteOffset, 'RockRidge PX');
    return undefined;
  }
  if (d.length !== 32 && d.length !== 40) {
    findings.warn(FindingCode.RR_BAD_PX, `PX entry is ${d.length + 4} bytes, expected 36 or 44 (first fields used)`, e.byteOffset, 'RockRidge PX');
  }
  const f = [0, 8, 16, 24, ...(d.length >= 40 ? [32] : [])].map((o) => readU32Both(d, o));
  if (f.some((x) => x.mismatch)) {
    findings.warn(FindingCode.RR_ENDIAN_MISMATCH, 'PX both-endian fields disagree (little-endian halves used)', e.byteOffset, 'RockRidge PX');
  }
  const [mode, nlink, uid, gid, ino] = f.map((x) => x.value) as [number, number, number, number, number | undefined];
  return ino === undefined ? { mode, nlink, uid, gid } : { mode, nlink, uid, gid, ino };
}

export function serializePX(px: RripPx, rripVersion: RripVersion): Uint8Array {
  const p = new Uint8Array(rripVersion === '1.12' ? 40 : 32);
  writeU32Both(p, 0, checkU32Field(px.mode, 'mode', 'RockRidge PX'));
  writeU32Both(p, 8, checkU32Field(px.nlink, 'nlink', 'RockRidge PX'));
  writeU32Both(p, 16, checkU32Field(px.uid, 'uid', 'RockRidge PX'));
  writeU32Both(p, 24, checkU32Field(px.gid, 'gid', 'RockRidge PX'));
  if (rripVersion === '1.12') writeU32Both(p, 32, checkU32Field(px.ino ?? 0, 'ino', 'RockRidge PX'));
  return serializeSuspEntry('PX', 1, p);
}
