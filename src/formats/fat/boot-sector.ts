/**
 * Just enough of the FAT boot sector / BIOS Parameter Block (Microsoft FAT specification, "BPB") to tell whether
 * bytes start a FAT file system and how long it is: an EFI System Partition image's real length is
 * total sectors × bytes per sector, whatever the El Torito sector count says.
 */
import { readStrA, readU16LE, readU32LE } from '../../bytes/index.js';

export interface FatBootSector {
  readonly oemName: string;
  readonly bytesPerSector: number;
  readonly sectorsPerCluster: number;
  readonly reservedSectorCount: number;
  readonly fatCount: number;
  readonly rootEntryCount: number;
  readonly totalSectors: number;
  readonly mediaDescriptor: number;
  readonly sectorsPerFat: number;
  /** FAT type from the cluster count (the only correct way, per the specification). */
  readonly fatType: 'FAT12' | 'FAT16' | 'FAT32';
  readonly volumeLabel?: string;
  /** totalSectors × bytesPerSector. */
  readonly byteLength: number;
}

const isPow2 = (n: number, min: number, max: number): boolean => {
  for (let v = min; v <= max; v *= 2) if (v === n) return true;
  return false;
};

/** Parse a FAT boot sector (≥ 512 bytes); undefined when the BPB is not plausible. */
export function parseFatBootSector(b: Uint8Array): FatBootSector | undefined {
  if (b.length < 512) return undefined;
  const jumpOk = (b[0] === 0xeb && b[2] === 0x90) || b[0] === 0xe9 || b[0] === 0xeb;
  if (!jumpOk) return undefined;
  const bytesPerSector = readU16LE(b, 11);
  const sectorsPerCluster = b[13] ?? 0;
  const reservedSectorCount = readU16LE(b, 14);
  const fatCount = b[16] ?? 0;
  const rootEntryCount = readU16LE(b, 17);
  const total16 = readU16LE(b, 19);
  const mediaDescriptor = b[21] ?? 0;
  const fat16 = readU16LE(b, 22);
  const total32 = readU32LE(b, 32);
  if (!isPow2(bytesPerSector, 512, 4096) || !isPow2(sectorsPerCluster, 1, 128)) return undefined;
  if (reservedSectorCount === 0 || fatCount === 0 || fatCount > 4) return undefined;
  if (mediaDescriptor !== 0xf0 && mediaDescriptor < 0xf8) return undefined;
  const totalSectors = total16 !== 0 ? total16 : total32;
  const sectorsPerFat = fat16 !== 0 ? fat16 : readU32LE(b, 36);
  if (totalSectors === 0 || sectorsPerFat === 0) return undefined;
  const rootSectors = Math.ceil((rootEntryCount * 32) / bytesPerSector);
  const dataSectors = totalSectors - reservedSectorCount - fatCount * sectorsPerFat - rootSectors;
  if (dataSectors <= 0) return undefined;
  const clusters = Math.floor(dataSectors / sectorsPerCluster);
  const fatType = clusters < 4085 ? 'FAT12' : clusters < 65525 ? 'FAT16' : 'FAT32';
  const labelAt = fatType === 'FAT32' ? 71 : 43;
  const sigAt = fatType === 'FAT32' ? 66 : 38;
  const volumeLabel = b[sigAt] === 0x29 ? readStrA(b, labelAt, 11) : undefined;
  return {
    oemName: readStrA(b, 3, 8),
    bytesPerSector,
    sectorsPerCluster,
    reservedSectorCount,
    fatCount,
    rootEntryCount,
    totalSectors,
    mediaDescriptor,
    sectorsPerFat,
    fatType,
    ...(volumeLabel !== undefined ? { volumeLabel } : {}),
    byteLength: totalSectors * bytesPerSector,
  };
}
