/**
 * SUSP 5.5 ER "extensions reference" and 5.6 ES "extension selector".
 *
 * ```
 * BP5 LEN_ID  BP6 LEN_DES  BP7 LEN_SRC  BP8 EXT_VER  then EXT_ID, EXT_DES, EXT_SRC
 * ```
 * Rock Ridge identifiers: `RRIP_1991A` (RRIP 1.09/1.10, written by mkisofs/genisoimage and xorriso's default
 * `old_rr`), `IEEE_P1282` (RRIP 1.12 drafts), `IEEE_1282` (RRIP 1.12 as xorriso `-compliance new_rr` writes it).
 */
import { decodeName, encodeUtf8 } from '../../bytes/index.js';
import { ErrorCode, IsoKitError, type Findings, FindingCode } from '../../errors/index.js';
import { serializeSuspEntry, type SuspEntry } from './susp.js';

export interface ExtensionReference {
  readonly id: string;
  readonly descriptor: string;
  readonly source: string;
  readonly version: number;
}

export const RRIP_EXTENSION_IDS = ['RRIP_1991A', 'IEEE_P1282', 'IEEE_1282'] as const;

/** The ER texts the reference tools write (verified against xorriso 1.5.4 and genisoimage 1.1.11 output). */
export const RRIP_ER = {
  '1.10': {
    id: 'RRIP_1991A',
    descriptor: 'THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS',
    source: 'PLEASE CONTACT DISC PUBLISHER FOR SPECIFICATION SOURCE.  SEE PUBLISHER IDENTIFIER IN PRIMARY VOLUME DESCRIPTOR FOR CONTACT INFORMATION.',
    version: 1,
  },
  '1.12': {
    id: 'IEEE_1282',
    descriptor: 'THE IEEE 1282 PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS.',
    source: 'PLEASE CONTACT THE IEEE STANDARDS DEPARTMENT, PISCATAWAY, NJ, USA FOR THE 1282 SPECIFICATION.',
    version: 1,
  },
} as const satisfies Record<string, ExtensionReference>;

export type RripVersion = '1.10' | '1.12';

/** Parse an ER entry; undefined (with a finding) when the lengths overrun the entry. */
export function parseER(e: SuspEntry, findings: Findings): ExtensionReference | undefined {
  const d = e.data;
  if (d.length < 4) {
    findings.warn(FindingCode.RR_BAD_ER, `ER entry too short (${d.length + 4} bytes)`, e.byteOffset, 'SUSP ER');
    return undefined;
  }
  const li = d[0] as number, ld = d[1] as number, ls = d[2] as number;
  if (4 + li + ld + ls > d.length) {
    findings.warn(FindingCode.RR_BAD_ER, `ER lengths ${li}+${ld}+${ls} overrun the ${d.length + 4}-byte entry`, e.byteOffset, 'SUSP ER');
    return undefined;
  }
  return {
    id: decodeName(d.subarray(4, 4 + li)),
    descriptor: decodeName(d.subarray(4 + li, 4 + li + ld)),
    source: decodeName(d.subarray(4 + li + ld, 4 + li + ld + ls)),
    version: d[3] as number,
  };
}

/** Serialize an ER entry for the given Rock Ridge version (or any explicit extension reference). */
export function serializeER(rripVersion: RripVersion | ExtensionReference = '1.10'): Uint8Array {
  const er: ExtensionReference = typeof rripVersion === 'string' ? RRIP_ER[rripVersion] : rripVersion;
  if (!er) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `unknown RRIP version ${String(rripVersion)}`, { structure: 'SUSP ER' });
  const id = encodeUtf8(er.id), des = encodeUtf8(er.descriptor), src = encodeUtf8(er.source);
  if (id.length > 255 || des.length > 255 || src.length > 255) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'ER texts too long', { structure: 'SUSP ER' });
  }
  const p = new Uint8Array(4 + id.length + des.length + src.length);
  p[0] = id.length;
  p[1] = des.length;
  p[2] = src.length;
  p[3] = er.version;
  p.set(id, 4);
  p.set(des, 4 + id.length);
  p.set(src, 4 + id.length + des.length);
  return serializeSuspEntry('ER', 1, p);
}

/** SUSP 5.6 ES: the extension sequence number the following entries belong to. */
export function serializeES(sequence: number): Uint8Array {
  return serializeSuspEntry('ES', 1, [sequence % 256]);
}

/** The RRIP version an ER identifier implies ('1.09/1.10' for RRIP_1991A, '1.12' for IEEE_[P]1282). */
export function rripVersionOfExtension(id: string): '1.10' | '1.12' | undefined {
  if (id === 'RRIP_1991A') return '1.10';
  if (id === 'IEEE_P1282' || id === 'IEEE_1282') return '1.12';
  return undefined;
}
