/**
 * Master Boot Record (the classic PC partition table, as in UEFI 2.x 5.2.1 "Legacy MBR"):
 * bytes 0–439 boot code (for isohybrid images 432–439 hold the boot image's 512-byte address), 440–443 disk
 * signature, 444–445 reserved, 446–509 four 16-byte partition entries (status, CHS start, type, CHS end,
 * LBA start, sector count; LE), 510–511 signature 0x55 0xAA.
 */
import { crc32, encodeUtf8, isZero, readU16LE, readU32LE, readU64LE, writeU16LE, writeU32LE, writeU64LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError, type Findings, FindingCode } from '../../errors/index.js';
import { HYBRID_GEOMETRY, lbaToChs, parseChs, writeChs, type Chs, type DiskGeometry } from './chs.js';

export const MBR_BYTE_LENGTH = 512;
export const MBR_PARTITION_TABLE_OFFSET = 446;
export const MBR_ISOHYBRID_LBA_OFFSET = 432;
export const MBR_PROTECTIVE_TYPE = 0xee;
export const MBR_EFI_SYSTEM_TYPE = 0xef;

const TYPE_NAMES: Readonly<Record<number, string>> = {
  0x00: 'empty', 0x01: 'FAT12', 0x04: 'FAT16 <32M', 0x05: 'extended', 0x06: 'FAT16', 0x07: 'NTFS/exFAT/HPFS',
  0x0b: 'FAT32', 0x0c: 'FAT32 (LBA)', 0x0e: 'FAT16 (LBA)', 0x0f: 'extended (LBA)', 0x17: 'hidden NTFS/IFS (isohybrid)',
  0x1c: 'hidden FAT32 (LBA)', 0x41: 'PReP boot', 0x82: 'Linux swap', 0x83: 'Linux', 0x85: 'Linux extended',
  0x8e: 'Linux LVM', 0x96: 'ISO 9660 (CHRP)', 0xa5: 'FreeBSD', 0xa6: 'OpenBSD', 0xa9: 'NetBSD', 0xaf: 'HFS/HFS+',
  0xcd: 'CD-ROM (isohybrid)', 0xda: 'non-FS data', 0xee: 'GPT protective', 0xef: 'EFI System', 0xfd: 'Linux RAID',
};
export const mbrTypeName = (type: number): string => TYPE_NAMES[type] ?? 'unknown';
export const isExtendedType = (type: number): boolean => type === 0x05 || type === 0x0f || type === 0x85;

export interface MbrPartitionInit {
  /** Status byte; default 0x80 when `bootable`, else 0x00. */
  readonly status?: number;
  readonly bootable?: boolean;
  readonly type: number;
  /** First 512-byte sector. */
  readonly startLba: number;
  readonly sectorCount: number;
  /** Computed from the LBA and geometry when absent. */
  readonly chsStart?: Chs;
  readonly chsEnd?: Chs;
}
export interface MbrPartitionEntry extends MbrPartitionInit {
  /** 1–4 for primary entries, 5… for logical partitions. */
  readonly index: number;
  readonly status: number;
  readonly bootable: boolean;
  readonly typeName: string;
  readonly chsStart: Chs;
  readonly chsEnd: Chs;
  /** Byte offset of the 16-byte entry in the source. */
  readonly byteOffset: number;
  /** startLba × 512 and sectorCount × 512. */
  readonly startByteOffset: number;
  readonly byteLength: number;
  /** True when all 16 bytes are zero. */
  readonly empty: boolean;
}

export type MbrBootCodeKind = 'isolinux-isohybrid' | 'grub2' | 'empty' | 'unknown';

export interface MbrInit {
  /** Boot code for bytes 0–439 (shorter is zero-padded; at most 440 bytes). */
  readonly bootCode?: Uint8Array;
  /** isohybrid: the boot image's 512-byte address, written as a 64-bit LE value at 432–439 (over bootCode). */
  readonly isohybridBootImage512Lba?: number;
  readonly diskSignature?: number;
  /** Bytes 444–445 (0, or 0x5A5A for "copy protected"). */
  readonly reserved444?: number;
  /** Up to four entries; `undefined` leaves a slot empty. */
  readonly partitions: readonly (MbrPartitionInit | undefined)[];
  /** For computed CHS values; default 64 heads × 32 sectors. */
  readonly geometry?: DiskGeometry;
}
export interface Mbr extends MbrInit {
  readonly bootCode: Uint8Array;
  readonly diskSignature: number;
  readonly reserved444: number;
  /** All four primary entries, empty ones included (so serialize(parse(x)) == x). */
  readonly partitions: readonly MbrPartitionEntry[];
  readonly signatureOk: boolean;
  readonly bootCodeKind: MbrBootCodeKind;
  /** The 64-bit value at 432–439 when the boot code is a known isohybrid loader. */
  readonly isohybridBootImage512Lba?: number;
  /** True when one entry is type 0xEE (protective MBR for a GPT). */
  readonly protective: boolean;
  readonly byteOffset: number;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const ISOLINUX_MSG = ascii('isolinux.bin missing or corrupt');
const GRUB_MSG = ascii('GRUB ');

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Which boot code occupies bytes 0–431: isohdp*x.bin (ISOLINUX isohybrid), GRUB's boot(_hybrid).img, nothing, other. */
export function classifyMbrBootCode(mbr: Uint8Array): MbrBootCodeKind {
  const code = mbr.subarray(0, MBR_ISOHYBRID_LBA_OFFSET);
  if (isZero(code)) return 'empty';
  if (contains(code, ISOLINUX_MSG)) return 'isolinux-isohybrid';
  if (mbr[0] === 0xeb && contains(code, GRUB_MSG)) return 'grub2';
  return 'unknown';
}

function parseEntry(b: Uint8Array, o: number, index: number, byteOffset: number): MbrPartitionEntry {
  const status = b[o] ?? 0;
  const type = b[o + 4] ?? 0;
  const startLba = readU32LE(b, o + 8);
  const sectorCount = readU32LE(b, o + 12);
  return {
    index,
    status,
    bootable: status === 0x80,
    type,
    typeName: mbrTypeName(type),
    chsStart: parseChs(b, o + 1),
    chsEnd: parseChs(b, o + 5),
    startLba,
    sectorCount,
    byteOffset: byteOffset + o,
    startByteOffset: startLba * 512,
    byteLength: sectorCount * 512,
    empty: isZero(b, o, o + 16),
  };
}

/** Parse the four primary entries of a 512-byte sector (also used for extended boot records). */
export function parseMbrEntries(sector: Uint8Array, byteOffset: number, firstIndex = 1): MbrPartitionEntry[] {
  const out: MbrPartitionEntry[] = [];
  for (let i = 0; i < 4; i++) out.push(parseEntry(sector, MBR_PARTITION_TABLE_OFFSET + 16 * i, firstIndex + i, byteOffset));
  return out;
}

/**
 * Parse an MBR. Returns undefined when the 0x55AA signature is missing (not an MBR). Entries with a status byte
 * other than 0x00/0x80, or ranges past `sourceSectorCount` when given, become findings.
 */
export function parseMbr(sector: Uint8Array, byteOffset: number, findings: Findings, sourceSectorCount?: number): Mbr | undefined {
  if (sector.length < MBR_BYTE_LENGTH) return undefined;
  const signatureOk = sector[510] === 0x55 && sector[511] === 0xaa;
  if (!signatureOk) return undefined;
  const partitions = parseMbrEntries(sector, byteOffset);
  for (const p of partitions) {
    if (p.empty) continue;
    if (p.status !== 0 && p.status !== 0x80) {
      findings.warn(FindingCode.MBR_STATUS, `partition ${p.index} status byte is 0x${p.status.toString(16)} (expected 0x00 or 0x80)`, p.byteOffset, 'MbrPartitionEntry');
    }
    if (sourceSectorCount !== undefined && p.type !== MBR_PROTECTIVE_TYPE && p.startLba + p.sectorCount > sourceSectorCount) {
      findings.info(FindingCode.MBR_PAST_END, `partition ${p.index} (sectors ${p.startLba}+${p.sectorCount}) ends past the end of the image (${sourceSectorCount} sectors)`, p.byteOffset + 8, 'MbrPartitionEntry');
    }
  }
  const bootCodeKind = classifyMbrBootCode(sector);
  const hybridLba = readU64LE(sector, MBR_ISOHYBRID_LBA_OFFSET);
  return {
    bootCode: sector.slice(0, 440),
    diskSignature: readU32LE(sector, 440),
    reserved444: readU16LE(sector, 444),
    partitions,
    signatureOk,
    bootCodeKind,
    ...((bootCodeKind === 'isolinux-isohybrid' || bootCodeKind === 'grub2') && hybridLba > 0 ? { isohybridBootImage512Lba: hybridLba } : {}),
    protective: partitions.some((p) => p.type === MBR_PROTECTIVE_TYPE),
    byteOffset,
  };
}

function writeEntry(b: Uint8Array, o: number, p: MbrPartitionInit, g: DiskGeometry): void {
  for (const [name, v] of [['startLba', p.startLba], ['sectorCount', p.sectorCount]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `MBR partition ${name} ${v} does not fit 32 bits (use GPT beyond 2 TiB)`);
    }
  }
  b[o] = p.status ?? (p.bootable ? 0x80 : 0x00);
  const last = p.sectorCount > 0 ? p.startLba + p.sectorCount - 1 : p.startLba;
  writeChs(b, o + 1, p.chsStart ?? lbaToChs(p.startLba, g));
  b[o + 4] = p.type;
  writeChs(b, o + 5, p.chsEnd ?? lbaToChs(last, g));
  writeU32LE(b, o + 8, p.startLba);
  writeU32LE(b, o + 12, p.sectorCount);
}

/** Serialize a 512-byte MBR. Empty parsed entries (all zero) stay all zero. */
export function serializeMbr(init: MbrInit): Uint8Array {
  const b = new Uint8Array(MBR_BYTE_LENGTH);
  if (init.bootCode) {
    if (init.bootCode.length > 440) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `MBR boot code is ${init.bootCode.length} bytes, at most 440 fit`);
    b.set(init.bootCode, 0);
  }
  if (init.isohybridBootImage512Lba !== undefined) writeU64LE(b, MBR_ISOHYBRID_LBA_OFFSET, init.isohybridBootImage512Lba);
  writeU32LE(b, 440, init.diskSignature ?? 0);
  writeU16LE(b, 444, init.reserved444 ?? 0);
  if (init.partitions.length > 4) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `an MBR holds 4 primary partitions, got ${init.partitions.length}`);
  init.partitions.forEach((p, i) => {
    if (!p || (p as Partial<MbrPartitionEntry>).empty) return;
    writeEntry(b, MBR_PARTITION_TABLE_OFFSET + 16 * i, p, init.geometry ?? HYBRID_GEOMETRY);
  });
  b[510] = 0x55;
  b[511] = 0xaa;
  return b;
}

/**
 * A protective MBR for a GPT disk (UEFI 2.x 5.2.3): one 0xEE entry from LBA 1 over the rest of the disk
 * (capped at 0xFFFFFFFF sectors). `extra` entries go into slots 2–4 (xorriso's `--mbr-force-bootable` adds a
 * bootable type-0 dummy entry), `bootCode` keeps a hybrid loader working from BIOS.
 */
export function protectiveMbr(diskSectorCount: number, opts: Omit<MbrInit, 'partitions'> & { extra?: readonly MbrPartitionInit[] } = {}): Uint8Array {
  const sectorCount = Math.min(0xffffffff, Math.max(1, diskSectorCount - 1));
  const { extra, ...rest } = opts;
  return serializeMbr({ ...rest, partitions: [{ status: 0, type: MBR_PROTECTIVE_TYPE, startLba: 1, sectorCount }, ...(extra ?? [])] });
}

/**
 * A reproducible 32-bit disk signature from a seed text (e.g. SOURCE_DATE_EPOCH + volume id): CRC-32 of its UTF-8
 * bytes, never 0 (random signatures break reproducible builds: ipxe PR #252).
 */
export function diskSignatureFromSeed(seed: string): number {
  const v = crc32(encodeUtf8(seed));
  return v === 0 ? 1 : v;
}

/** CHS 1023/254/63 (bytes FE FF FF): what syslinux isohybrid.c and xorriso write for an ESP nested inside the ISO. */
const CHS_MAX: Chs = { cylinder: 1023, head: 254, sector: 63 };

export interface IsohybridMbrInit {
  /** isohdpfx.bin (ISOLINUX) or boot_hybrid.img (GRUB2): the first 432 bytes are used. */
  readonly bootCode: Uint8Array;
  /**
   * Value for bytes 432–439: ISOLINUX wants the 512-byte address of isolinux.bin (2048-byte LBA × 4), GRUB2's
   * boot_hybrid.img that address + 4 (the image then also needs `patchGrub2BootInfo`).
   */
  readonly bootImage512Lba: number;
  /** 512-byte sectors of partition 1, which starts at sector 0 and covers the ISO (cylinder-aligned image size). */
  readonly isoSectorCount: number;
  readonly diskSignature: number;
  /** Partition 1 type: 0x17 like isohybrid (default), 0x00 when a GPT follows (`-isohybrid-gpt-basdat`), 0xCD… */
  readonly isoPartitionType?: number;
  /**
   * An EFI System Partition (type 0xEF) in slot 2. `nested: true` for an ESP image that is a file inside the ISO:
   * its CHS fields are then FE FF FF as isohybrid.c writes them; an appended ESP gets computed CHS values.
   */
  readonly efiPartition?: { readonly startLba: number; readonly sectorCount: number; readonly nested?: boolean };
  /** Further entries (appended partitions) for the remaining slots. */
  readonly extra?: readonly MbrPartitionInit[];
  readonly geometry?: DiskGeometry;
}

/**
 * The MBR of an isohybrid image as xorriso `-isohybrid-mbr` / syslinux `isohybrid` write it (libisofs
 * doc/boot_sectors.txt): boot code, boot image address at 432, disk signature, partition 1 bootable from sector 0
 * over the ISO, optionally an ESP entry and appended partitions.
 */
export function isohybridMbr(init: IsohybridMbrInit): Uint8Array {
  if (init.bootCode.length < MBR_ISOHYBRID_LBA_OFFSET) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `hybrid MBR boot code must have at least 432 bytes, it has ${init.bootCode.length}`);
  }
  const partitions: MbrPartitionInit[] = [{ status: 0x80, type: init.isoPartitionType ?? 0x17, startLba: 0, sectorCount: init.isoSectorCount }];
  const efi = init.efiPartition;
  if (efi) {
    partitions.push({
      status: 0,
      type: MBR_EFI_SYSTEM_TYPE,
      startLba: efi.startLba,
      sectorCount: efi.sectorCount,
      ...(efi.nested ? { chsStart: CHS_MAX, chsEnd: CHS_MAX } : {}),
    });
  }
  partitions.push(...(init.extra ?? []));
  return serializeMbr({
    bootCode: init.bootCode.subarray(0, MBR_ISOHYBRID_LBA_OFFSET),
    isohybridBootImage512Lba: init.bootImage512Lba,
    diskSignature: init.diskSignature,
    partitions,
    ...(init.geometry ? { geometry: init.geometry } : {}),
  });
}
