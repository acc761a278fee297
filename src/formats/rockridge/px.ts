/**
 * RRIP 4.1.1 PX "POSIX file attributes".
 *
 * ```
 * BP5-12  st_mode   BP13-20 st_nlink   BP21-28 st_uid   BP29-36 st_gid   (both-endian 32-bit)
 * BP37-44 st_ino    (RRIP 1.12 only: the entry is 44 bytes; RRIP 1.09/1.10 writes 36 bytes)
 * ```
 */
import { writeU32Both } from '../../bytes/index.js';
import type { Findings } from '../../errors/index.js';
import { checkU32Field, writeSuspHeader, type SuspEntry } from './susp.js';
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

/** Little-endian 32-bit (bitwise, so V8 keeps it an integer: a small one is stored without a heap number). */
const u32le = (b: Uint8Array, o: number): number =>
  ((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16) | ((b[o + 3] as number) << 24)) >>> 0;
/** The both-endian field at b[o] agrees (its big-endian half equals the little-endian one). */
const agrees = (b: Uint8Array, o: number): boolean =>
  b[o] === b[o + 7] && b[o + 1] === b[o + 6] && b[o + 2] === b[o + 5] && b[o + 3] === b[o + 4];

/**
 * PX from its payload b[p, p + n) (the entry's `at` for findings) into `out`; false (a finding) when too
 * short. `ino` is set only by the 44-byte RRIP 1.12 form.
 */
export function readPX(b: Uint8Array, p: number, n: number, at: number, findings: Findings, out: { -readonly [K in keyof RripPx]?: RripPx[K] }): boolean {
  if (n < 32) {
    findings.warn(FindingCode.RR_BAD_PX, `PX entry is ${n + 4} bytes, expected 36 or 44`, at, 'RockRidge PX');
    return false;
  }
  if (n !== 32 && n !== 40) findings.warn(FindingCode.RR_BAD_PX, `PX entry is ${n + 4} bytes, expected 36 or 44 (first fields used)`, at, 'RockRidge PX');
  const withIno = n >= 40;
  if (!agrees(b, p) || !agrees(b, p + 8) || !agrees(b, p + 16) || !agrees(b, p + 24) || (withIno && !agrees(b, p + 32))) {
    findings.warn(FindingCode.RR_ENDIAN_MISMATCH, 'PX both-endian fields disagree (little-endian halves used)', at, 'RockRidge PX');
  }
  out.mode = u32le(b, p);
  out.nlink = u32le(b, p + 8);
  out.uid = u32le(b, p + 16);
  out.gid = u32le(b, p + 24);
  if (withIno) out.ino = u32le(b, p + 32);
  return true;
}

export function parsePX(e: SuspEntry, findings: Findings): RripPx | undefined {
  const out: { -readonly [K in keyof RripPx]?: RripPx[K] } = {};
  return readPX(e.data, 0, e.data.length, e.byteOffset, findings, out) ? (out as RripPx) : undefined;
}

export const sizeOfPX = (rripVersion: RripVersion): number => (rripVersion === '1.12' ? PX_LENGTH_1_12 : PX_LENGTH_1_10);

/** Write a PX entry at b[at] (sizeOfPX bytes); values that do not fit 32 bits are an INVALID_ARGUMENT error. */
export function writePX(b: Uint8Array, at: number, px: RripPx, rripVersion: RripVersion): number {
  const s = 'RockRidge PX';
  const mode = checkU32Field(px.mode, 'mode', s), nlink = checkU32Field(px.nlink, 'nlink', s);
  const uid = checkU32Field(px.uid, 'uid', s), gid = checkU32Field(px.gid, 'gid', s);
  const len = sizeOfPX(rripVersion);
  writeSuspHeader(b, at, 'PX', len);
  writeU32Both(b, at + 4, mode);
  writeU32Both(b, at + 12, nlink);
  writeU32Both(b, at + 20, uid);
  writeU32Both(b, at + 28, gid);
  if (len === PX_LENGTH_1_12) writeU32Both(b, at + 36, checkU32Field(px.ino ?? 0, 'ino', s));
  return at + len;
}

export function serializePX(px: RripPx, rripVersion: RripVersion): Uint8Array {
  const out = new Uint8Array(sizeOfPX(rripVersion));
  writePX(out, 0, px, rripVersion);
  return out;
}
