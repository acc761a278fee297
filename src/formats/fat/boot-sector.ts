/**
 * FAT boot sector and BIOS Parameter Block (Microsoft "FAT: General Overview of On-Disk Format" 1.03, §3).
 *
 * ```
 * byte  len  field                     clause
 * 0     3    BS_jmpBoot (EB xx 90)      3.1
 * 3     8    BS_OEMName                 3.1
 * 11    2    BPB_BytsPerSec             3.1
 * 13    1    BPB_SecPerClus             3.1
 * 14    2    BPB_RsvdSecCnt             3.1
 * 16    1    BPB_NumFATs                3.1
 * 17    2    BPB_RootEntCnt (FAT32: 0)  3.1
 * 19    2    BPB_TotSec16               3.1
 * 21    1    BPB_Media                  3.1
 * 22    2    BPB_FATSz16 (FAT32: 0)     3.1
 * 24    2    BPB_SecPerTrk              3.1
 * 26    2    BPB_NumHeads               3.1
 * 28    4    BPB_HiddSec                3.1
 * 32    4    BPB_TotSec32               3.1
 * FAT12/16 (3.2)                FAT32 (3.3)
 * 36 1  BS_DrvNum               36 4  BPB_FATSz32
 * 37 1  BS_Reserved1            40 2  BPB_ExtFlags
 * 38 1  BS_BootSig (0x29)       42 2  BPB_FSVer
 * 39 4  BS_VolID                44 4  BPB_RootClus
 * 43 11 BS_VolLab               48 2  BPB_FSInfo
 * 54 8  BS_FilSysType           50 2  BPB_BkBootSec
 * 62 448 boot code              52 12 BPB_Reserved
 *                               64 1  BS_DrvNum, 65 BS_Reserved1, 66 BS_BootSig
 *                               67 4  BS_VolID, 71 11 BS_VolLab, 82 8 BS_FilSysType
 *                               90 420 boot code
 * 510   2    signature 55 AA (also at the sector's end when it is longer than 512 bytes)
 * ```
 * The FAT type follows from the count of data clusters alone (§3.5): < 4085 FAT12, < 65525 FAT16, else FAT32.
 */
import { readStrA, readU16LE, readU32LE, writeStrA, writeU16LE, writeU32LE } from '../../bytes/index.js';

export type FatType = 'FAT12' | 'FAT16' | 'FAT32';

/** FAT32 fields of the BPB (§3.3). */
export interface Fat32Fields {
  readonly extFlags: number;
  readonly fsVersion: number;
  readonly rootCluster: number;
  readonly fsInfoSector: number;
  readonly backupBootSector: number;
}

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
  readonly fatType: FatType;
  readonly volumeLabel?: string;
  /** totalSectors × bytesPerSector. */
  readonly byteLength: number;
  readonly jump: Uint8Array;
  readonly sectorsPerTrack: number;
  readonly headCount: number;
  readonly hiddenSectors: number;
  /** present when BPB_FATSz16 is 0 (the FAT32 layout of bytes 36–89) */
  readonly fat32?: Fat32Fields;
  readonly driveNumber: number;
  /** BS_BootSig: 0x29 when volume id, label and file-system type follow */
  readonly bootSignature: number;
  readonly volumeId?: number;
  readonly fileSystemType?: string;
  /** the boot code area (a view into the input) */
  readonly bootCode: Uint8Array;
  /** bytes 510–511 are 55 AA */
  readonly hasSignature: boolean;
  /** data clusters (clusters 2 … clusterCount + 1) */
  readonly clusterCount: number;
}

/** FAT32 BPB fields start differing at byte 36; the extended boot signature block is at 64 (FAT32) or 36. */
const FAT32_EXT_AT = 64;
const FAT16_EXT_AT = 36;
export const FAT32_BOOT_CODE_AT = 90;
export const FAT16_BOOT_CODE_AT = 62;
export const BOOT_SIGNATURE_AT = 510;
/** BS_BootSig value announcing BS_VolID, BS_VolLab and BS_FilSysType. */
export const EXTENDED_BOOT_SIGNATURE = 0x29;
/** Clusters below this count make a FAT12 volume, below FAT16_MIN_CLUSTERS… (§3.5). */
export const FAT16_MIN_CLUSTERS = 4085;
export const FAT32_MIN_CLUSTERS = 65525;
/** Highest count of data clusters FAT32 can address (cluster numbers up to 0x0FFFFFF6). */
export const FAT32_MAX_CLUSTERS = 0x0ffffff5;

const isPow2 = (n: number, min: number, max: number): boolean => {
  for (let v = min; v <= max; v *= 2) if (v === n) return true;
  return false;
};

export const fatTypeOfClusterCount = (clusters: number): FatType =>
  clusters < FAT16_MIN_CLUSTERS ? 'FAT12' : clusters < FAT32_MIN_CLUSTERS ? 'FAT16' : 'FAT32';

/** Why bytes are not a usable FAT boot sector, or undefined when the BPB is plausible. */
export function fatBootSectorProblem(b: Uint8Array): string | undefined {
  if (b.length < 512) return 'shorter than 512 bytes';
  if (!(b[0] === 0xe9 || b[0] === 0xeb)) return `no jump instruction at byte 0 (0x${(b[0] ?? 0).toString(16)})`;
  const bytesPerSector = readU16LE(b, 11);
  if (!isPow2(bytesPerSector, 512, 4096)) return `bytes per sector ${bytesPerSector} (512–4096, a power of two)`;
  if (!isPow2(b[13] ?? 0, 1, 128)) return `sectors per cluster ${b[13] ?? 0} (1–128, a power of two)`;
  if (readU16LE(b, 14) === 0) return 'no reserved sectors';
  const fats = b[16] ?? 0;
  if (fats === 0 || fats > 4) return `${fats} FATs`;
  const media = b[21] ?? 0;
  if (media !== 0xf0 && media < 0xf8) return `media descriptor 0x${media.toString(16)}`;
  const totalSectors = readU16LE(b, 19) || readU32LE(b, 32);
  const sectorsPerFat = readU16LE(b, 22) || readU32LE(b, 36);
  if (totalSectors === 0) return 'total sector count 0';
  if (sectorsPerFat === 0) return 'sectors per FAT 0';
  const rootSectors = Math.ceil((readU16LE(b, 17) * 32) / bytesPerSector);
  if (totalSectors - readU16LE(b, 14) - fats * sectorsPerFat - rootSectors < (b[13] ?? 1)) return 'no room for data clusters';
  return undefined;
}

/** Parse a FAT boot sector (≥ 512 bytes); undefined when the BPB is not plausible (see `fatBootSectorProblem`). */
export function parseFatBootSector(b: Uint8Array): FatBootSector | undefined {
  if (fatBootSectorProblem(b) !== undefined) return undefined;
  const bytesPerSector = readU16LE(b, 11);
  const sectorsPerCluster = b[13] as number;
  const reservedSectorCount = readU16LE(b, 14);
  const fatCount = b[16] as number;
  const rootEntryCount = readU16LE(b, 17);
  const fat16Size = readU16LE(b, 22);
  const totalSectors = readU16LE(b, 19) || readU32LE(b, 32);
  const isFat32Layout = fat16Size === 0;
  const sectorsPerFat = isFat32Layout ? readU32LE(b, 36) : fat16Size;
  const rootSectors = Math.ceil((rootEntryCount * 32) / bytesPerSector);
  const dataSectors = totalSectors - reservedSectorCount - fatCount * sectorsPerFat - rootSectors;
  const clusterCount = Math.floor(dataSectors / sectorsPerCluster);
  const fatType = fatTypeOfClusterCount(clusterCount);
  const ext = isFat32Layout ? FAT32_EXT_AT : FAT16_EXT_AT;
  const bootSignature = b[ext + 2] as number;
  const extended = bootSignature === EXTENDED_BOOT_SIGNATURE;
  const volumeLabel = extended ? readStrA(b, ext + 7, 11) : undefined;
  return {
    jump: b.subarray(0, 3),
    oemName: readStrA(b, 3, 8),
    bytesPerSector,
    sectorsPerCluster,
    reservedSectorCount,
    fatCount,
    rootEntryCount,
    totalSectors,
    mediaDescriptor: b[21] as number,
    sectorsPerFat,
    sectorsPerTrack: readU16LE(b, 24),
    headCount: readU16LE(b, 26),
    hiddenSectors: readU32LE(b, 28),
    ...(isFat32Layout
      ? { fat32: { extFlags: readU16LE(b, 40), fsVersion: readU16LE(b, 42), rootCluster: readU32LE(b, 44), fsInfoSector: readU16LE(b, 48), backupBootSector: readU16LE(b, 50) } }
      : {}),
    driveNumber: b[ext] as number,
    bootSignature,
    ...(extended ? { volumeId: readU32LE(b, ext + 3), fileSystemType: readStrA(b, ext + 18, 8) } : {}),
    ...(volumeLabel !== undefined ? { volumeLabel } : {}),
    bootCode: b.subarray(isFat32Layout ? FAT32_BOOT_CODE_AT : FAT16_BOOT_CODE_AT, BOOT_SIGNATURE_AT),
    hasSignature: b[510] === 0x55 && b[511] === 0xaa,
    fatType,
    clusterCount,
    byteLength: totalSectors * bytesPerSector,
  };
}

/** What `serializeFat32BootSector` needs: the FAT32 BPB (§3.1, §3.3). */
export interface Fat32BootSectorInit {
  readonly oemName: string;
  readonly bytesPerSector: number;
  readonly sectorsPerCluster: number;
  readonly reservedSectorCount: number;
  readonly fatCount: number;
  readonly totalSectors: number;
  readonly sectorsPerFat: number;
  readonly hiddenSectors: number;
  readonly volumeId: number;
  /** up to 11 characters; 'NO NAME' when there is no label */
  readonly volumeLabel: string;
  readonly mediaDescriptor?: number;
  readonly sectorsPerTrack?: number;
  readonly headCount?: number;
  readonly driveNumber?: number;
  readonly rootCluster?: number;
  readonly fsInfoSector?: number;
  readonly backupBootSector?: number;
  readonly extFlags?: number;
  /** 420 bytes at 90; default: a message that the volume has no BIOS boot code (`FAT32_NO_BOOT_CODE`) */
  readonly bootCode?: Uint8Array;
}

/**
 * x86 real-mode code placed at byte 90 (the jump EB 58 90 lands on it): prints the message below through the
 * BIOS teletype (int 10h/0Eh), waits for a key (int 16h), then asks the BIOS for the next boot device (int 19h).
 * Written here byte by byte; the message sits at 0x77, i.e. 0x7C77 once the BIOS loaded the sector at 0:7C00.
 */
export const FAT32_NO_BOOT_CODE: Uint8Array = (() => {
  const code = [
    0x0e, 0x1f, // push cs; pop ds
    0xbe, 0x77, 0x7c, // mov si, 0x7C77
    0xac, // lodsb
    0x22, 0xc0, // and al, al
    0x74, 0x0b, // jz +11 (to xor ah, ah)
    0x56, 0xb4, 0x0e, 0xbb, 0x07, 0x00, 0xcd, 0x10, 0x5e, // push si; mov ah, 0Eh; mov bx, 7; int 10h; pop si
    0xeb, 0xf0, // jmp lodsb
    0x32, 0xe4, 0xcd, 0x16, 0xcd, 0x19, // xor ah, ah; int 16h; int 19h
    0xeb, 0xfe, // jmp $
  ];
  const message = 'This FAT32 volume has no BIOS boot code: start it through UEFI.\r\nPress a key to try the next boot device.\r\n';
  const out = new Uint8Array(BOOT_SIGNATURE_AT - FAT32_BOOT_CODE_AT);
  out.set(code);
  for (let i = 0; i < message.length; i++) out[code.length + i] = message.charCodeAt(i);
  return out;
})();

/** A FAT32 boot sector of `bytesPerSector` bytes (§3.1, §3.3; signature at 510 and at the end of the sector). */
export function serializeFat32BootSector(s: Fat32BootSectorInit): Uint8Array {
  const b = new Uint8Array(s.bytesPerSector);
  b.set([0xeb, 0x58, 0x90], 0);
  writeStrA(b, 3, 8, s.oemName);
  writeU16LE(b, 11, s.bytesPerSector);
  b[13] = s.sectorsPerCluster;
  writeU16LE(b, 14, s.reservedSectorCount);
  b[16] = s.fatCount;
  // root entry count, 16-bit total sectors and 16-bit FAT size stay 0 on FAT32
  b[21] = s.mediaDescriptor ?? 0xf8;
  writeU16LE(b, 24, s.sectorsPerTrack ?? 63);
  writeU16LE(b, 26, s.headCount ?? 255);
  writeU32LE(b, 28, s.hiddenSectors);
  writeU32LE(b, 32, s.totalSectors);
  writeU32LE(b, 36, s.sectorsPerFat);
  writeU16LE(b, 40, s.extFlags ?? 0);
  writeU32LE(b, 44, s.rootCluster ?? 2);
  writeU16LE(b, 48, s.fsInfoSector ?? 1);
  writeU16LE(b, 50, s.backupBootSector ?? 6);
  b[64] = s.driveNumber ?? 0x80;
  b[66] = EXTENDED_BOOT_SIGNATURE;
  writeU32LE(b, 67, s.volumeId >>> 0);
  writeStrA(b, 71, 11, s.volumeLabel || 'NO NAME');
  writeStrA(b, 82, 8, 'FAT32');
  b.set((s.bootCode ?? FAT32_NO_BOOT_CODE).subarray(0, BOOT_SIGNATURE_AT - FAT32_BOOT_CODE_AT), FAT32_BOOT_CODE_AT);
  b[510] = 0x55;
  b[511] = 0xaa;
  if (s.bytesPerSector > 512) {
    b[s.bytesPerSector - 2] = 0x55;
    b[s.bytesPerSector - 1] = 0xaa;
  }
  return b;
}

/** Where the areas of a FAT volume lie, in bytes from the volume's start (§3.5, §4). */
export interface FatGeometry {
  readonly fatType: FatType;
  readonly bytesPerSector: number;
  readonly clusterByteLength: number;
  readonly clusterCount: number;
  /** FAT n starts at fatByteOffset + n × fatByteLength */
  readonly fatByteOffset: number;
  readonly fatByteLength: number;
  /** FAT12/16: the fixed root directory area (FAT32: length 0, the root is a cluster chain) */
  readonly rootDirByteOffset: number;
  readonly rootDirByteLength: number;
  /** cluster 2 starts here */
  readonly dataByteOffset: number;
  readonly byteLength: number;
}

export function fatGeometry(bs: FatBootSector): FatGeometry {
  const fatByteOffset = bs.reservedSectorCount * bs.bytesPerSector;
  const fatByteLength = bs.sectorsPerFat * bs.bytesPerSector;
  const rootDirByteOffset = fatByteOffset + bs.fatCount * fatByteLength;
  const rootDirByteLength = Math.ceil((bs.rootEntryCount * 32) / bs.bytesPerSector) * bs.bytesPerSector;
  return {
    fatType: bs.fatType,
    bytesPerSector: bs.bytesPerSector,
    clusterByteLength: bs.sectorsPerCluster * bs.bytesPerSector,
    clusterCount: bs.clusterCount,
    fatByteOffset,
    fatByteLength,
    rootDirByteOffset,
    rootDirByteLength,
    dataByteOffset: rootDirByteOffset + rootDirByteLength,
    byteLength: bs.byteLength,
  };
}
