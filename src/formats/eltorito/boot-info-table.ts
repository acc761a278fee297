/**
 * Boot info table and GRUB2 boot info: values patched into the image's copy of a boot image once the layout is final.
 *
 * Boot info table (mkisofs `-boot-info-table`; libisofs doc/boot_sectors.txt): 56 bytes at offset 8 of the boot
 * image: PVD LBA (u32 LE), the image's own LBA, the image's byte length, checksum = 32-bit sum of the LE words from
 * byte 64 to the end of the image, then 40 reserved zero bytes.
 *
 * GRUB2 boot info (xorriso `--grub2-boot-info`): the 64-bit LE value at bytes 2548–2555 of the boot image is the
 * image's 512-byte sector address + 5 (where the rest of GRUB's core follows the first 2560 bytes).
 * Patch GRUB2 boot info first, then the boot info table: xorriso's checksum covers the GRUB2 value.
 */
import { readU32LE, readU64LE, writeU32LE, writeU64LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';

export const BOOT_INFO_TABLE_OFFSET = 8;
export const BOOT_INFO_TABLE_BYTE_LENGTH = 56;
export const GRUB2_BOOT_INFO_OFFSET = 2548;

export interface BootInfoTable {
  readonly pvdLba: number;
  readonly imageLba: number;
  readonly imageByteLength: number;
  readonly checksum: number;
}

/** The boot info table checksum: sum of LE 32-bit words from byte 64 to the end (a short last word is zero-padded). */
export function bootInfoChecksum(image: Uint8Array): number {
  let sum = 0;
  for (let i = 64; i < image.length; i += 4) {
    sum = (sum + readU32LE(image, i)) % 0x100000000;
  }
  return sum;
}

/** Read the 56-byte table at offset 8 (no plausibility check; see `looksLikeBootInfoTable`). */
export function parseBootInfoTable(image: Uint8Array): BootInfoTable | undefined {
  if (image.length < 64) return undefined;
  return {
    pvdLba: readU32LE(image, 8),
    imageLba: readU32LE(image, 12),
    imageByteLength: readU32LE(image, 16),
    checksum: readU32LE(image, 20),
  };
}

/**
 * True when bytes 8..63 hold a plausible patched table: PVD LBA ≥ 16 and below the image, the image's own LBA,
 * a length > 0 not above `maxByteLength`, and 40 zero bytes.
 */
export function looksLikeBootInfoTable(image: Uint8Array, imageLba: number, maxByteLength: number): boolean {
  const t = parseBootInfoTable(image);
  if (!t) return false;
  if (t.imageLba !== imageLba || t.pvdLba < 16 || t.pvdLba >= imageLba) return false;
  if (t.imageByteLength === 0 || t.imageByteLength > maxByteLength) return false;
  for (let i = 24; i < 64; i++) if (image[i] !== 0) return false;
  return true;
}

/**
 * Patch the boot info table into `imageCopy` (the copy that goes into the output; never the source file).
 * `imageByteLength` defaults to the copy's length; the checksum covers the copy from byte 64 to its end.
 */
export function patchBootInfoTable(imageCopy: Uint8Array, p: { pvdLba: number; imageLba: number; imageByteLength?: number }): Uint8Array {
  if (imageCopy.length < 64) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `a boot image needs at least 64 bytes for a boot info table, it has ${imageCopy.length}`);
  }
  writeU32LE(imageCopy, 8, p.pvdLba);
  writeU32LE(imageCopy, 12, p.imageLba);
  writeU32LE(imageCopy, 16, p.imageByteLength ?? imageCopy.length);
  imageCopy.fill(0, 24, 64);
  writeU32LE(imageCopy, 20, bootInfoChecksum(imageCopy));
  return imageCopy;
}

/** Value GRUB2 boot info holds for an image at `imageLba` (2048-byte LBA): its 512-byte address + 5. */
export const grub2BootInfoValue = (imageLba: number): number => imageLba * 4 + 5;

/** The 64-bit value at bytes 2548–2555, or undefined when the image is shorter. */
export function readGrub2BootInfo(image: Uint8Array): number | undefined {
  return image.length >= GRUB2_BOOT_INFO_OFFSET + 8 ? readU64LE(image, GRUB2_BOOT_INFO_OFFSET) : undefined;
}

/**
 * Patch GRUB2 boot info into `imageCopy`: bytes 2548–2555 = bootImage512Lba + 5, where bootImage512Lba is the
 * image's address in 512-byte sectors (2048-byte LBA × 4). Call before `patchBootInfoTable`.
 */
export function patchGrub2BootInfo(imageCopy: Uint8Array, bootImage512Lba: number): Uint8Array {
  if (imageCopy.length < GRUB2_BOOT_INFO_OFFSET + 8) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `GRUB2 boot info needs a boot image of at least 2556 bytes, it has ${imageCopy.length}`);
  }
  writeU64LE(imageCopy, GRUB2_BOOT_INFO_OFFSET, bootImage512Lba + 5);
  return imageCopy;
}

/** ISOLINUX marks isohybrid-capable images with 0x7078C0FB at byte 0x40 (syslinux isohybrid.c). */
export const ISOHYBRID_SIGNATURE = 0x7078c0fb;
export const hasIsohybridSignature = (image: Uint8Array): boolean => image.length >= 0x44 && readU32LE(image, 0x40) === ISOHYBRID_SIGNATURE;
