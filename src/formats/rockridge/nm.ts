/**
 * RRIP 4.1.4 NM "alternate name". BP5 flags, BP6- name bytes (no charset; UTF-8 in practice).
 * A name longer than one entry continues in the next NM entry when CONTINUE is set.
 */
import { encodeUtf8 } from '../../bytes/index.js';
import type { Findings } from '../../errors/index.js';
import { MAX_SUSP_ENTRY_LENGTH, serializeSuspEntry, type SuspEntry } from './susp.js';
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

/** One or more NM entries; every entry but the last carries CONTINUE. `flags` adds CURRENT/PARENT. */
export function serializeNM(name: string | Uint8Array, flags = 0): Uint8Array[] {
  const bytes = typeof name === 'string' ? encodeUtf8(name) : name;
  const out: Uint8Array[] = [];
  let o = 0;
  do {
    const n = Math.min(NM_MAX_NAME_BYTES_PER_ENTRY, bytes.length - o);
    const more = o + n < bytes.length;
    const p = new Uint8Array(1 + n);
    p[0] = (flags & ~NmFlag.CONTINUE) | (more ? NmFlag.CONTINUE : 0);
    p.set(bytes.subarray(o, o + n), 1);
    out.push(serializeSuspEntry('NM', 1, p));
    o += n;
  } while (o < bytes.length);
  return out;
}
