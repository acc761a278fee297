/**
 * BootSpec: what makes an image bootable, at library level (browser-safe). It mirrors the normalised
 * mkisofs boot plan (`src/cli/mkisofs/types.ts` BootPlan) but holds no disk paths: boot images are paths in
 * the image tree; the system-area template and appended partitions are bytes or `Content` the caller loaded
 * (`src/node/boot-files.ts` does it from disk).
 *
 * Structures: El Torito 1.0 (boot record at LBA 17, catalog: validation entry, default entry, sections),
 * the boot info table (mkisofs -boot-info-table), GRUB2 boot info (xorriso --grub2-boot-info), an MBR in the
 * system area (isohybrid / GRUB2 hybrid / protective / plain), a GPT (UEFI 2.x 5.3), appended partitions and
 * xorriso's -partition_offset (a second superblock and directory trees with partition-relative addresses).
 */
import type { Content } from '../../model/index.js';

export type BootPlatform = 'bios' | 'efi' | 'other';
export type BootEmulation = 'none' | 'floppy' | 'hard-disk';

/** A boot image: a file in the tree, or (part of) an appended partition (`--interval:appended_partition_N:all::`). */
export type BootImageSpec =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'appended-partition'; readonly partition: number; readonly range?: { readonly startByte: number; readonly endByte: number } };

/** One El Torito catalog entry; the first is the default entry, the rest go into sections by platform. */
export interface BootEntrySpec {
  /** 'bios' = platform 0x00, 'efi' = 0xEF, 'other' = `platformId` */
  readonly platform: BootPlatform;
  /** the platform byte (default 0x00 for bios, 0xEF for efi; required for 'other') */
  readonly platformId?: number;
  readonly image: BootImageSpec;
  /** default 'none' (no emulation) */
  readonly emulation?: BootEmulation;
  /**
   * 512-byte sectors the firmware loads. Default: 4 for BIOS no-emulation entries, the whole image for every
   * other no-emulation entry, 1 for emulated ones. 'full' = the whole image (rounded up to 2 KiB blocks,
   * capped at 65535). EFI entries always load the whole image (xorriso ignores -boot-load-size there).
   */
  readonly loadSize?: number | 'full';
  /** real-mode load segment; 0 / undefined = 0x07C0 */
  readonly loadSegment?: number;
  /** boot indicator 0x88 (default) or 0x00 (-no-boot) */
  readonly bootable?: boolean;
  /** patch the 56-byte boot info table at offset 8 of the image's copy (-boot-info-table) */
  readonly bootInfoTable?: boolean;
  /** patch the image's 512-byte address + 5 at offset 2548 of its copy (--grub2-boot-info) */
  readonly grub2BootInfo?: boolean;
  /** list this image in an isohybrid GPT (-isohybrid-gpt-basdat / -isohybrid-gpt-hfsplus) */
  readonly isohybridGpt?: 'basdat' | 'hfsplus';
  /** section header id string (-eltorito-id), 28 bytes at most */
  readonly idString?: string;
  /** selection criteria bytes as hex (-eltorito-selcrit), 19 bytes at most */
  readonly selectionCriteria?: string;
}

export interface BootCatalogSpec {
  /** path of the catalog file in the tree (default '/boot.catalog', as xorriso) */
  readonly path?: string;
  /** no file: the catalog occupies a block no directory record names (--boot-catalog-hide) */
  readonly hidden?: boolean;
  /** hidden from the Joliet tree only: not supported by the writer (a warning; the file stays visible) */
  readonly hiddenJoliet?: boolean;
}

/** Bytes known up front, or a Content (streamed at emit time). */
export type BootBytes = Uint8Array | Content;

export interface AppendedPartitionSpec {
  /** MBR / GPT slot, 1…8 (MBR only has 1…4) */
  readonly number: number;
  /** MBR partition type byte */
  readonly mbrType: number;
  /** GPT type GUID (default: ESP for 0xEF, else basic data) */
  readonly gptType?: string;
  readonly content: BootBytes;
}

export type MbrTemplateKind = 'generic' | 'isohybrid' | 'grub2';
export type CylinderAlign = 'auto' | 'on' | 'off' | 'all';

export interface SystemAreaSpec {
  /**
   * Bytes for the system area (-G / -isohybrid-mbr / --grub2-mbr), already cut by any interval reader. For
   * 'isohybrid' and 'grub2' the first 432 bytes are the MBR boot code; 'generic' is copied as is (≤ 32 KiB).
   */
  readonly template?: Uint8Array;
  readonly kind?: MbrTemplateKind;
  /** --protective-msdos-label: partition 1 (0xCD, bootable) covers the image from sector 1 */
  readonly protectiveMsdosLabel?: boolean;
  /** --mbr-force-bootable: some MBR entry gets status 0x80 (a dummy one next to a 0xEE entry) */
  readonly mbrForceBootable?: boolean;
  /** -partition_offset, in 2 KiB blocks: 0 or ≥ 16. The ISO is also readable from this offset. */
  readonly partitionOffset?: number;
  readonly headsPerCylinder?: number;
  readonly sectorsPerHead?: number;
  /** cylinder alignment of the image size ('auto': on for isohybrid MBRs) */
  readonly cylinderAlign?: CylinderAlign;
  /** MBR type of the partition that covers the ISO (-iso_mbr_part_type), a byte */
  readonly isoMbrPartType?: number;
  /** GPT disk GUID: 'modification-date' (default, reproducible: xorriso's volume_date_uuid) or a GUID */
  readonly gptDiskGuid?: string;
  /**
   * A GPT in any case (isokit create --gpt): isohybrid-style (ISO + marked boot images as basic data) with an
   * isohybrid MBR, else protective MBR + GPT. Implied by `isohybridGpt` marks, `appendedPartAsGpt` and `efiBootPart`.
   */
  readonly gpt?: boolean;
  /** -efi-boot-part: an ESP in the GPT: appended bytes, or the first El Torito EFI image of the tree */
  readonly efiBootPart?: { readonly kind: 'content'; readonly content: BootBytes } | { readonly kind: 'el-torito-efi-image' };
  /** -appended_part_as_gpt: appended partitions go into a GPT behind a protective MBR */
  readonly appendedPartAsGpt?: boolean;
  /** -appended_part_as_apm: not supported (UNSUPPORTED) */
  readonly appendedPartAsApm?: boolean;
  /** -part_like_isohybrid: isohybrid-style MBR partitions without an isohybrid template */
  readonly partLikeIsohybrid?: boolean;
  readonly appendedPartitions?: readonly AppendedPartitionSpec[];
}

export interface BootSpec {
  readonly entries: readonly BootEntrySpec[];
  /** present (or defaulted) when there are entries */
  readonly catalog?: BootCatalogSpec;
  readonly systemArea?: SystemAreaSpec;
}

export interface BootHookOptions {
  /**
   * The build date in ms (BuildOptions.dateMs): seeds the GPT disk/partition GUIDs (xorriso's volume_date_uuid)
   * and the MBR disk signature, so a build with SOURCE_DATE_EPOCH is reproducible. Default: 0.
   */
  readonly dateMs?: number;
  /** the volume id, mixed into the MBR disk signature seed */
  readonly volumeId?: string;
  readonly signal?: AbortSignal;
}
