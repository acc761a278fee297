/**
 * ZF "zisofs" entry (libisofs doc/zisofs_format.txt; not part of RRIP proper).
 *
 * Version 1 (zisofs): `ZF`, length 16, version 1, BP5-6 algorithm "pz", BP7 header size / 4, BP8 log2 of the
 * block size, BP9-16 uncompressed size (both-endian 32-bit).
 * Version 2 (zisofs2, doc/zisofs2_format.txt): `ZF` or `Z2`, version 2, algorithm "PZ" (zlib), "XZ", "L4",
 * "ZD", "B2", BP9-16 uncompressed size as 64-bit little-endian.
 */
import { readU32Both, readU64LE, writeU32Both, writeU64LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError, type Findings, FindingCode } from '../../errors/index.js';
import { serializeSuspEntry, type SuspEntry } from './susp.js';

export interface RripZf {
  /** "pz" (zisofs) or a zisofs2 algorithm ("PZ", "XZ", "L4", "ZD", "B2") */
  readonly algorithm: string;
  /** header size in 4-byte words (4 for zisofs, 6 for zisofs2) */
  readonly headerSizeLog4: number;
  readonly blockSizeLog2: number;
  readonly uncompressedSize: number;
  /** 1 = zisofs, 2 = zisofs2 */
  readonly formatVersion?: number;
}

export function parseZF(e: SuspEntry, findings: Findings): RripZf | undefined {
  const d = e.data;
  const structure = `RockRidge ${e.signature}`;
  if (d.length < 12) {
    findings.warn(FindingCode.RR_BAD_ZF, `${e.signature} entry is ${d.length + 4} bytes, expected 16`, e.byteOffset, structure);
    return undefined;
  }
  const algorithm = String.fromCharCode(d[0] as number, d[1] as number);
  const headerSizeLog4 = d[2] as number, blockSizeLog2 = d[3] as number;
  if (e.version >= 2 || e.signature === 'Z2') {
    return { algorithm, headerSizeLog4, blockSizeLog2, uncompressedSize: readU64LE(d, 4), formatVersion: 2 };
  }
  const size = readU32Both(d, 4);
  if (size.mismatch) findings.warn(FindingCode.RR_ENDIAN_MISMATCH, 'ZF uncompressed size both-endian halves disagree', e.byteOffset, structure);
  return { algorithm, headerSizeLog4, blockSizeLog2, uncompressedSize: size.value, formatVersion: 1 };
}

/** A version-1 ZF entry (algorithm "pz") unless `formatVersion` is 2 (then a zisofs2 `ZF` version 2 entry). */
export function serializeZF(zf: RripZf): Uint8Array {
  const v2 = (zf.formatVersion ?? (zf.algorithm === 'pz' ? 1 : 2)) === 2;
  if (zf.algorithm.length !== 2) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `zisofs algorithm "${zf.algorithm}" must be 2 characters`, { structure: 'RockRidge ZF' });
  const p = new Uint8Array(12);
  p[0] = zf.algorithm.charCodeAt(0);
  p[1] = zf.algorithm.charCodeAt(1);
  p[2] = zf.headerSizeLog4;
  p[3] = zf.blockSizeLog2;
  if (v2) writeU64LE(p, 4, zf.uncompressedSize);
  else if (zf.uncompressedSize > 0xffffffff) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'zisofs (version 1) files must be smaller than 4 GiB', { structure: 'RockRidge ZF' });
  else writeU32Both(p, 4, zf.uncompressedSize);
  return serializeSuspEntry('ZF', v2 ? 2 : 1, p);
}
