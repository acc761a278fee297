/**
 * RRIP 4.1.5 directory relocation: CL "child link" (in the placeholder file: where the relocated directory
 * is), PL "parent link" (in the relocated directory's ".." record: its original parent), RE "relocated"
 * (in the relocated directory's record inside the relocation directory, e.g. rr_moved). CL/PL: BP5-12
 * location of the directory's extent (both-endian 32-bit); RE has no data.
 */
import { readU32Both, writeU32Both } from '../../bytes/index.js';
import type { Findings } from '../../errors/index.js';
import { checkU32Field, serializeSuspEntry, type SuspEntry } from './susp.js';
import { FindingCode } from '../../errors/index.js';

const badLinkCode: Record<string, FindingCode> = { CL: FindingCode.RR_BAD_CL, PL: FindingCode.RR_BAD_PL, RE: FindingCode.RR_BAD_RE };

export function parseLinkLba(e: SuspEntry, findings: Findings): number | undefined {
  const structure = `RockRidge ${e.signature}`;
  if (e.data.length < 8) {
    findings.warn(badLinkCode[e.signature] ?? FindingCode.RR_BAD_ENTRY, `${e.signature} entry is ${e.data.length + 4} bytes, expected 12`, e.byteOffset, structure);
    return undefined;
  }
  const v = readU32Both(e.data, 0);
  if (v.mismatch) findings.warn(FindingCode.RR_ENDIAN_MISMATCH, `${e.signature} both-endian fields disagree`, e.byteOffset, structure);
  return v.value;
}

function serializeLink(signature: 'CL' | 'PL', lba: number): Uint8Array {
  const p = new Uint8Array(8);
  writeU32Both(p, 0, checkU32Field(lba, `${signature} location`, `RockRidge ${signature}`));
  return serializeSuspEntry(signature, 1, p);
}
export const serializeCL = (lba: number): Uint8Array => serializeLink('CL', lba);
export const serializePL = (lba: number): Uint8Array => serializeLink('PL', lba);
export const serializeRE = (): Uint8Array => serializeSuspEntry('RE', 1);
