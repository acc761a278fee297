/**
 * FAT32 FSInfo sector (Microsoft FAT specification 1.03, §5): hints, not truth; a reader checks them.
 *
 * ```
 * byte  len  field
 * 0     4    FSI_LeadSig   0x41615252 ("RRaA")
 * 4     480  FSI_Reserved1 (zeros)
 * 484   4    FSI_StrucSig  0x61417272 ("rrAa")
 * 488   4    FSI_Free_Count  free clusters, 0xFFFFFFFF = unknown
 * 492   4    FSI_Nxt_Free    where to start looking for a free cluster, 0xFFFFFFFF = unknown
 * 496   12   FSI_Reserved2 (zeros)
 * 508   4    FSI_TrailSig  0xAA550000
 * ```
 */
import { readU32LE, writeU32LE } from '../../bytes/index.js';

export const FSINFO_LEAD_SIGNATURE = 0x41615252;
export const FSINFO_STRUCT_SIGNATURE = 0x61417272;
export const FSINFO_TRAIL_SIGNATURE = 0xaa550000;
/** "not known" in the free count and next-free fields */
export const FSINFO_UNKNOWN = 0xffffffff;

export interface FsInfo {
  /** all three signatures in place */
  readonly valid: boolean;
  readonly freeClusterCount: number;
  readonly nextFreeCluster: number;
}

export function parseFsInfo(b: Uint8Array): FsInfo {
  return {
    valid: readU32LE(b, 0) === FSINFO_LEAD_SIGNATURE && readU32LE(b, 484) === FSINFO_STRUCT_SIGNATURE && readU32LE(b, 508) === FSINFO_TRAIL_SIGNATURE,
    freeClusterCount: readU32LE(b, 488),
    nextFreeCluster: readU32LE(b, 492),
  };
}

/** An FSInfo sector of `bytesPerSector` bytes (512 by default). */
export function serializeFsInfo(f: { freeClusterCount: number; nextFreeCluster: number }, bytesPerSector = 512): Uint8Array {
  const b = new Uint8Array(bytesPerSector);
  writeU32LE(b, 0, FSINFO_LEAD_SIGNATURE);
  writeU32LE(b, 484, FSINFO_STRUCT_SIGNATURE);
  writeU32LE(b, 488, f.freeClusterCount);
  writeU32LE(b, 492, f.nextFreeCluster);
  writeU32LE(b, 508, FSINFO_TRAIL_SIGNATURE);
  return b;
}
