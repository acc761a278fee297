/**
 * RRIP 4.1.4 NM "alternate name". BP5 flags, BP6- name bytes (no charset; UTF-8 in practice).
 * A name longer than one entry continues in the next NM entry when CONTINUE is set.
 */
import { encodeUtf8 } from '../../bytes/index.js';
import type { Findings } from '../../errors/index.js';
import { MAX_SUSP_ENTRY_LENGTH, writeSuspHeader, type SuspEntry } from './susp.js';
import { FindingCode } from '../../errors/index.js';

export const NmFlag = {
  CONTINUE: 1,
  /** the name refers to the current directory (".") */
  CURRENT: 2,
  /** the name refers to the parent directory ("..") */
  PARENT: 4,
  /** the name is the local host name (RRIP 1.09/1.10 only) */
  HOST: 32,
} as const;

/** Name bytes that fit in one NM entry. */
export const NM_MAX_NAME_BYTES_PER_ENTRY = MAX_SUSP_ENTRY_LENGTH - 5;

export interface RripNm {
  readonly flags: number;
  readonly nameBytes: Uint8Array;
}

export function parseNM(e: SuspEntry, findings: Findings): RripNm | undefined {
  if (e.data.length < 1) {
    findings.warn(FindingCode.RR_BAD_NM, 'NM entry without flags byte', e.byteOffset, 'RockRidge NM');
    return undefined;
  }
  return { flags: e.data[0] as number, nameBytes: e.data.subarray(1) };
}

/**
 * Write the NM entry holding name bytes [from, from + n) at b[at] (5 + n bytes): `more` sets CONTINUE, `flags`
 * adds CURRENT/PARENT. `name` is the name's UTF-8 bytes, or a string of ASCII characters (written as they are).
 */
export function writeNM(b: Uint8Array, at: number, name: Uint8Array | string, from: number, n: number, more: boolean, flags = 0): number {
  writeSuspHeader(b, at, 'NM', 5 + n);
  b[at + 4] = (flags & ~NmFlag.CONTINUE) | (more ? NmFlag.CONTINUE : 0);
  if (typeof name === 'string') for (let i = 0; i < n; i++) b[at + 5 + i] = name.charCodeAt(from + i);
  else b.set(name.subarray(from, from + n), at + 5);
  return at + 5 + n;
}

/** One or more NM entries; every entry but the last carries CONTINUE. `flags` adds CURRENT/PARENT. */
export function serializeNM(name: string | Uint8Array, flags = 0): Uint8Array[] {
  const bytes = typeof name === 'string' ? encodeUtf8(name) : name;
  const out: Uint8Array[] = [];
  let o = 0;
  do {
    const n = Math.min(NM_MAX_NAME_BYTES_PER_ENTRY, bytes.length - o);
    const entry = new Uint8Array(5 + n);
    writeNM(entry, 0, bytes, o, n, o + n < bytes.length, flags);
    out.push(entry);
    o += n;
  } while (o < bytes.length);
  return out;
}
