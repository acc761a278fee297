/**
 * The normalised result of parsing a mkisofs / genisoimage / `xorriso -as mkisofs` command line.
 *
 * Everything the command line said, with the defaults of `xorriso -as mkisofs` filled in and option order
 * resolved (El Torito entries are built the way xorriso builds them: `-eltorito-alt-boot` closes an entry,
 * `-b`/`-e` replace the current entry's image, per-entry settings reset after each entry). Plain data: it
 * serialises to JSON (`isokit mkisofs --print-request`) and carries no file handles.
 */

/** Where a source goes: a directory's contents are merged at `dest` (default: the root), a file becomes `dest` (default: /NAME). */
export interface GraftPoint {
  /** ISO path ('/a/b'), escapes (`\=`, `\\`) already removed; undefined = the mkisofs default placement */
  readonly dest?: string;
  /** disk path as given */
  readonly source: string;
}

/**
 * A file on disk, optionally read through xorriso's interval reader
 * (`--interval:local_fs:START-END:ZEROIZERS:PATH`).
 */
export interface DiskSource {
  readonly path: string;
  /** bytes START to END inclusive (xorriso semantics); undefined = the whole file */
  readonly range?: { readonly startByte: number; readonly endByte: number };
  /** parts of the read bytes to zero: 'zero_mbrpt', 'zero_gpt', 'zero_apm' or an inclusive byte range */
  readonly zeroize?: readonly ('zero_mbrpt' | 'zero_gpt' | 'zero_apm' | { readonly startByte: number; readonly endByte: number })[];
}

/** A boot image: a file in the image, or an appended partition (`--interval:appended_partition_N:all::`). */
export type BootImageRef =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'appended-partition'; readonly partition: number; readonly range?: { readonly startByte: number; readonly endByte: number } };

export type Emulation = 'none' | 'floppy' | 'hard-disk';

/** One El Torito boot catalog entry, in catalog order (the first is the default entry). */
export interface ElToritoEntry {
  /** 'bios' = platform 0x00, 'efi' = 0xEF, 'other' = any other id (PPC 0x01, Mac 0x02, …) */
  readonly platform: 'bios' | 'efi' | 'other';
  readonly platformId: number;
  readonly image: BootImageRef;
  /** default 'floppy' (as mkisofs): every known boot loader needs -no-emul-boot */
  readonly emulation: Emulation;
  /**
   * 512-byte sectors to load. 'full' = the whole image (rounded up to whole 2 KiB blocks): the default for
   * no-emulation entries and always used for EFI entries (xorriso ignores -boot-load-size there). Undefined
   * for emulated entries without -boot-load-size.
   */
  readonly loadSize?: number | 'full';
  /** real-mode load segment (-boot-load-seg); undefined = 0 (the BIOS default 0x07C0) */
  readonly loadSegment?: number;
  /** bootable indicator 0x88; false with -no-boot (0x00) */
  readonly bootable: boolean;
  /** patch the 56-byte boot info table at offset 8 of the image (-boot-info-table) */
  readonly bootInfoTable: boolean;
  /** patch the image's own 512-byte sector address + 5 at offset 2548 (--grub2-boot-info) */
  readonly grub2BootInfo: boolean;
  /** mark this image in the (isohybrid) GPT: -isohybrid-gpt-basdat / -isohybrid-gpt-hfsplus while it was current */
  readonly isohybridGpt?: 'basdat' | 'hfsplus';
  /** -eltorito-id (section id) and -eltorito-selcrit (selection criteria, hex) */
  readonly idString?: string;
  readonly selectionCriteria?: string;
  /** the option that named the image: '-b', '-e', '--efi-boot', '-eltorito-boot' */
  readonly fromOption: string;
}

/** An appended partition (-append_partition N TYPE FILE). */
export interface AppendedPartition {
  /** 1…8 */
  readonly number: number;
  /** MBR partition type byte (a GUID maps to 0xEF for the EFI System Partition GUID, else 0x83, as xorriso) */
  readonly mbrType: number;
  /** GPT type GUID (canonical text, upper case): given, or derived from the MBR type (0xEF → ESP, else basic data) */
  readonly gptType: string;
  /** true when the type was given as a GUID */
  readonly typeIsGuid: boolean;
  readonly source: DiskSource;
}

export type SystemAreaKind = 'generic' | 'isohybrid' | 'grub2';

/** System area (LBA 0-15) and partition tables. */
export interface SystemAreaPlan {
  /** the file copied into the system area (-G / -isohybrid-mbr / --grub2-mbr; the last one wins) */
  readonly file?: DiskSource;
  /**
   * how the MBR is treated: 'isohybrid' (-isohybrid-mbr: ISOLINUX isohdpfx MBR, patched with the BIOS boot
   * image address), 'grub2' (--grub2-mbr: boot image sector + 4 at 0x1B0), 'generic' (-G: copied as is)
   */
  readonly kind?: SystemAreaKind;
  /** --protective-msdos-label: partition 1 covers the image from sector 1 */
  readonly protectiveMsdosLabel: boolean;
  /** --mbr-force-bootable */
  readonly mbrForceBootable: boolean;
  /** -partition_offset, in 2 KiB blocks (0 or ≥ 16) */
  readonly partitionOffset?: number;
  readonly partitionHeadsPerCylinder?: number;
  readonly partitionSectorsPerHead?: number;
  readonly partitionCylinderAlign?: 'auto' | 'on' | 'off' | 'all';
  /** -iso_mbr_part_type: 'default', an MBR byte (as text '0x..'), or a GUID */
  readonly isoMbrPartType?: string;
  /** --gpt_disk_guid: 'random' | 'modification-date' | a GUID */
  readonly gptDiskGuid?: string;
  /** -efi-boot-part: a disk file to append as ESP, or the first El Torito EFI image (--efi-boot-image) */
  readonly efiBootPart?: { readonly kind: 'file'; readonly source: DiskSource } | { readonly kind: 'el-torito-efi-image' };
  /** -appended_part_as_gpt: appended partitions go into a GPT (MBR becomes protective 0xEE) */
  readonly appendedPartAsGpt: boolean;
  readonly appendedPartAsApm: boolean;
  readonly partLikeIsohybrid: boolean;
  readonly appendedPartitions: readonly AppendedPartition[];
}

export interface BootCatalogPlan {
  /** ISO path of the catalog ('/boot.catalog' when no -c was given, as xorriso) */
  readonly path: string;
  /** hidden from the ISO 9660 / Rock Ridge tree (--boot-catalog-hide, or a -hide pattern matching it) */
  readonly hidden: boolean;
  /** hidden from the Joliet tree */
  readonly hiddenJoliet: boolean;
}

export interface BootPlan {
  readonly entries: readonly ElToritoEntry[];
  /** present when there is at least one entry */
  readonly catalog?: BootCatalogPlan;
  readonly systemArea: SystemAreaPlan;
  /** every boot-related option seen, in order (for error messages) */
  readonly options: readonly string[];
}

/** Options accepted but without effect on isokit's output, or ignored with a warning. */
export interface IgnoredOption {
  readonly option: string;
  readonly reason: string;
}

export interface MkisofsRequest {
  /** image path; '-' = standard output (mkisofs writes there without -o) */
  readonly output: string;
  readonly sources: readonly GraftPoint[];
  /** -m/-exclude/-x patterns: without '/' matched against names, with '/' against disk paths */
  readonly excludes: readonly string[];
  /** -hide / -hide-joliet patterns that apply to files (those matching only the boot catalog are folded into boot.catalog) */
  readonly hide: { readonly iso9660: readonly string[]; readonly joliet: readonly string[] };
  readonly followLinks: boolean;

  /** 1…4; mkisofs' default 1, at least 2 with -l / -full-iso9660-filenames */
  readonly isoLevel: 1 | 2 | 3 | 4;
  /** ISO 9660 name relaxations asked for (-U, -N, -d, -allow-lowercase, …): isokit keeps conforming names */
  readonly iso9660Relaxations: readonly string[];
  readonly rockRidge: boolean;
  /** -r / -rational-rock: uid/gid 0, r for all, w for none, x for all if any x, no s/t bits */
  readonly rationalRock: boolean;
  readonly rripVersion?: '1.10' | '1.12';
  /** keep deep directories in place (xorriso's default; -D) */
  readonly relocateDeepDirectories: boolean;
  readonly joliet: boolean;
  readonly jolietLong: boolean;
  /** -joliet-utf16: characters outside the BMP as surrogate pairs (default UCS-2, `_` for each) */
  readonly jolietUtf16: boolean;
  /** -udf: a UDF 1.02 bridge; -allow-limited-size: ISO 9660 records of large files keep the low 32 bits of the size */
  readonly udf: boolean;
  readonly allowLimitedSize: boolean;
  /** -udf-symlinks: symbolic links, devices and FIFOs in UDF too */
  readonly udfSymlinks: boolean;
  readonly uid?: number;
  readonly gid?: number;
  readonly fileMode?: number;
  readonly dirMode?: number;

  readonly volume: {
    readonly volumeId?: string;
    readonly volumeSetId?: string;
    readonly publisherId?: string;
    readonly dataPreparerId?: string;
    readonly applicationId?: string;
    readonly systemId?: string;
    readonly copyrightFile?: string;
    readonly abstractFile?: string;
    readonly bibliographicFile?: string;
  };
  /** --modification-date=YYYYMMDDhhmmsscc: the volume dates, ms since 1970 (UTC) */
  readonly modificationDateMs?: number;

  readonly boot?: BootPlan;
  /** --sort-weight W PATH (ISO paths), in order */
  readonly sortWeights: readonly { readonly weight: number; readonly path: string }[];

  /** -pad (default) / -no-pad: 300 KiB of trailing zeros */
  readonly padding: boolean;
  readonly printSize: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly ignored: readonly IgnoredOption[];
  /** things worth telling the user (ignored HFS+ options, dangling El Torito options, …) */
  readonly warnings: readonly string[];
}

/** What the command line asked for besides a build. */
export type MkisofsInvocation =
  | { readonly action: 'build'; readonly request: MkisofsRequest; readonly printRequest: boolean; readonly json: boolean }
  | { readonly action: 'help' }
  | { readonly action: 'version' };
