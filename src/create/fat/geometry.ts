/**
 * FAT32 volume geometry: cluster size, FAT size and reserved area for a partition of a given size.
 *
 * - Cluster size: Windows' defaults (KB140365) as Rufus codes them, with Rufus's "large FAT32" 32 KiB above
 *   32 GiB (Windows' own format refuses FAT32 there): < 64 MiB 512 B, < 128 MiB 1 KiB, < 256 MiB 2 KiB,
 *   < 8 GiB 4 KiB, < 16 GiB 8 KiB, < 32 GiB 16 KiB, else 32 KiB.
 * - FAT size: fat32format's exact formula (Rufus `GetFATSizeSectors`), for 32 reserved sectors and 2 FATs.
 * - Reserved area: 32 sectors, grown so that cluster 2 starts on a 1 MiB boundary of the disk (the partition's
 *   start, `hiddenSectors`, counted), which keeps every cluster inside one flash erase block. When that would
 *   leave fewer than 65,525 clusters (volumes near the 33 MiB minimum) the data area is aligned to the cluster
 *   size instead.
 * - At least 65,525 clusters (fewer reads as FAT16 by the cluster count rule), at most 0x0FFFFFF5, and fewer
 *   than 2³² sectors.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { FAT32_MAX_CLUSTERS, FAT32_MIN_CLUSTERS } from '../../formats/fat/index.js';

export const FAT_SECTOR_BYTES = 512;
const MIB = 1 << 20;
const GIB = 1 << 30;
const MIN_RESERVED_SECTORS = 32;
const FAT_COUNT = 2;

/** Windows' default FAT32 cluster size for a volume of `volumeByteLength` bytes (Rufus above 32 GiB). */
export function defaultFatClusterByteLength(volumeByteLength: number): number {
  if (volumeByteLength < 64 * MIB) return 512;
  if (volumeByteLength < 128 * MIB) return 1024;
  if (volumeByteLength < 256 * MIB) return 2048;
  if (volumeByteLength < 8 * GIB) return 4096;
  if (volumeByteLength < 16 * GIB) return 8192;
  if (volumeByteLength < 32 * GIB) return 16384;
  return 32768;
}

export interface Fat32Geometry {
  readonly sectorCount: number;
  readonly sectorsPerCluster: number;
  readonly clusterByteLength: number;
  readonly reservedSectorCount: number;
  readonly sectorsPerFat: number;
  readonly fatCount: number;
  /** first sector of cluster 2, from the volume's start */
  readonly dataSector: number;
  readonly clusterCount: number;
}

/** Rufus / fat32format: FATSz = (TotSec − Rsvd + 2·SPC) / (SPC·BPS/4 + NumFATs) + 1. */
function fatSectors(sectorCount: number, reserved: number, spc: number): number {
  return Math.floor((sectorCount - reserved + 2 * spc) / ((spc * FAT_SECTOR_BYTES) / 4 + FAT_COUNT)) + 1;
}

/** The geometry of a FAT32 volume of `sectorCount` 512-byte sectors starting at disk sector `hiddenSectors`. */
export function planFat32Geometry(sectorCount: number, hiddenSectors: number, clusterByteLength?: number): Fat32Geometry {
  if (!Number.isSafeInteger(sectorCount) || sectorCount <= 0 || sectorCount > 0xffffffff) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `FAT32 volume of ${sectorCount} sectors: the sector count must be 1 … 2³² − 1`);
  }
  if (!Number.isSafeInteger(hiddenSectors) || hiddenSectors < 0 || hiddenSectors > 0xffffffff) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `hidden sectors ${hiddenSectors}: must be 0 … 2³² − 1`);
  }
  const clusterBytes = clusterByteLength ?? defaultFatClusterByteLength(sectorCount * FAT_SECTOR_BYTES);
  const spc = clusterBytes / FAT_SECTOR_BYTES;
  if (!Number.isInteger(spc) || spc < 1 || spc > 128 || (spc & (spc - 1)) !== 0) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `cluster size ${clusterBytes}: must be 512 … 65536 bytes, a power of two`);
  }
  const sectorsPerFat = fatSectors(sectorCount, MIN_RESERVED_SECTORS, spc);
  const metadata = MIN_RESERVED_SECTORS + FAT_COUNT * sectorsPerFat;
  const aligned = (unit: number) => Math.ceil((hiddenSectors + metadata) / unit) * unit - hiddenSectors;
  const clustersFor = (dataSector: number) => Math.floor((sectorCount - dataSector) / spc);
  let dataSector = aligned(MIB / FAT_SECTOR_BYTES);
  if (clustersFor(dataSector) < FAT32_MIN_CLUSTERS) dataSector = aligned(spc);
  const clusterCount = clustersFor(dataSector);
  const what = `a FAT32 volume of ${sectorCount} sectors (${sectorCount * FAT_SECTOR_BYTES} bytes) with ${clusterBytes}-byte clusters`;
  if (clusterCount < FAT32_MIN_CLUSTERS) {
    const hint = clusterByteLength !== undefined && clusterBytes > 512 ? 'use smaller clusters or a larger volume' : 'FAT32 needs about 33 MiB at least';
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${what} has ${Math.max(0, clusterCount)} clusters, fewer than FAT32's ${FAT32_MIN_CLUSTERS}: ${hint}`);
  }
  if (clusterCount > FAT32_MAX_CLUSTERS) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${what} has ${clusterCount} clusters, more than FAT32's ${FAT32_MAX_CLUSTERS}: use larger clusters`);
  }
  const reservedSectorCount = dataSector - FAT_COUNT * sectorsPerFat;
  if (reservedSectorCount > 0xffff || sectorsPerFat * (FAT_SECTOR_BYTES / 4) < clusterCount + 2) {
    throw new IsoKitError(ErrorCode.INTERNAL, `${what}: FAT geometry does not add up (reserved ${reservedSectorCount}, FAT ${sectorsPerFat} sectors, ${clusterCount} clusters)`);
  }
  return { sectorCount, sectorsPerCluster: spc, clusterByteLength: clusterBytes, reservedSectorCount, sectorsPerFat, fatCount: FAT_COUNT, dataSector, clusterCount };
}
