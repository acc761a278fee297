/**
 * Every option of mkisofs / genisoimage / `xorriso -as mkisofs` that isokit knows, with its argument count
 * (taken from xorriso 1.5.4's `Xorriso_genisofs_count_args`, so that even an unsupported option consumes
 * the right arguments and is reported by name) and what isokit does with it:
 *
 * - `applied`: turned into the request (see types.ts).
 * - `no-effect`: accepted; has no effect on isokit's output (the reason says why). Listed under --help.
 * - `ignored`: accepted with a warning: the feature is not produced (HFS+ for Macs, MD5 tags, ACLs…), the
 *   rest of the image is unaffected. grub-mkrescue, for one, always passes the HFS+ options.
 * - `unsupported`: refused with a one-line error naming the option (exit 1).
 *
 * Spellings: the first name is canonical. Like xorriso, `--name` is accepted for `-name` and vice versa,
 * and options with one argument also take it attached as `-name=VALUE` / `--name=VALUE`.
 */

export type OptionEffect = 'applied' | 'no-effect' | 'ignored' | 'unsupported';

export interface OptionSpec {
  /** spellings, canonical first (with the dashes mkisofs/xorriso document) */
  readonly names: readonly string[];
  /** number of arguments that follow */
  readonly args: 0 | 1 | 2 | 3;
  readonly effect: OptionEffect;
  /** argument names for --help (applied options) */
  readonly argNames?: string;
  /** what it does (applied) or why it has no effect / is ignored / is refused */
  readonly text: string;
}

const A = 'applied' as const;
const N = 'no-effect' as const;
const I = 'ignored' as const;
const U = 'unsupported' as const;

function o(names: string | readonly string[], args: 0 | 1 | 2 | 3, effect: OptionEffect, text: string, argNames?: string): OptionSpec {
  return { names: typeof names === 'string' ? [names] : names, args, effect, text, ...(argNames ? { argNames } : {}) };
}

const HFS_OLD = 'HFS (the old Apple file system) is not supported';
const HFSPLUS = 'HFS+ is not written (Macs booting from CD need it); BIOS/UEFI boot and the ISO trees are unaffected';
const JIGDO = 'jigdo output is not supported';
const MULTI = 'multi-session (appending to an existing image) is not supported; use isokit remaster';
const OTHER_ARCH = 'boot blocks for this architecture are not supported (only x86 BIOS and UEFI)';
const NAMES = 'isokit writes conforming ISO 9660 names; the Rock Ridge and Joliet names (what systems show) are unaffected';

/** The table. Order = the order --help lists them in within each effect. */
export const OPTION_SPECS: readonly OptionSpec[] = [
  // ---- output, input, selection
  o(['-o', '-output'], 1, A, 'write the image to FILE (default: standard output)', 'FILE'),
  o('-graft-points', 0, A, 'allow DEST=SRC path specs (\\= and \\\\ escape = and \\ in them)'),
  o('-path-list', 1, A, 'read path specs from FILE, one per line', 'FILE'),
  o(['-m', '-exclude', '-x', '-old-exclude'], 1, A, 'leave out files matching GLOB (no "/": any name; with "/": a disk path)', 'GLOB'),
  o('-exclude-list', 1, A, 'read -m patterns from FILE, one per line', 'FILE'),
  o('-hide', 1, A, 'hide matching files from the ISO 9660/Rock Ridge tree (e.g. -hide boot.catalog)', 'GLOB'),
  o('-hide-list', 1, A, 'read -hide patterns from FILE', 'FILE'),
  o('-hide-joliet', 1, A, 'hide matching files from the Joliet tree', 'GLOB'),
  o('-hide-joliet-list', 1, A, 'read -hide-joliet patterns from FILE', 'FILE'),
  o(['-f', '-follow-links'], 0, A, 'store what symbolic links point to'),
  o('-posix-L', 0, A, 'same as -f'),
  o('-print-size', 0, A, 'print the image size in 2 KiB blocks and exit'),
  o('-pad', 0, A, 'append 300 KiB of zeros (default)'),
  o('-no-pad', 0, A, 'no trailing padding'),
  o('-quiet', 0, A, 'no progress output'),
  o(['-v', '-verbose'], 0, A, 'more messages'),
  o('-help', 0, A, 'print this help'),
  o('-version', 0, A, 'print the version'),
  // ---- namespaces and names
  o('-iso-level', 1, A, 'ISO 9660 level 1 (8.3 names, default), 2, 3 (files ≥ 4 GiB), 4 (ISO 9660:1999)', 'N'),
  o(['-l', '-full-iso9660-filenames'], 0, A, 'ISO 9660 names up to 31 characters (level 2 names)'),
  o(['-R', '-rock'], 0, A, 'Rock Ridge: POSIX names, modes, owners, times, links'),
  o(['-r', '-rational-rock'], 0, A, 'Rock Ridge with owner 0:0, read for all, no write bits'),
  o('--norock', 0, A, 'no Rock Ridge'),
  o('-rrip110', 0, A, 'Rock Ridge 1.10 (PX without inode numbers)'),
  o('-rrip112', 0, A, 'Rock Ridge 1.12 (default)'),
  o(['-J', '-joliet'], 0, A, 'Joliet tree (Windows names, 64 characters)'),
  o('-joliet-long', 0, A, 'Joliet names up to 103 characters'),
  o('-joliet-utf16', 0, A, 'Joliet names in UTF-16 (characters outside the BMP kept; default UCS-2 with _)'),
  o(['-D', '-disable-deep-relocation'], 0, A, 'keep directories deeper than 8 levels in place (the default here, as xorriso)'),
  o('-uid', 1, A, 'owner of every file', 'UID'),
  o('-gid', 1, A, 'group of every file', 'GID'),
  o('-file-mode', 1, A, 'permissions of every file (octal)', 'MODE'),
  o('-dir-mode', 1, A, 'permissions of every directory (octal)', 'MODE'),
  // ---- volume metadata
  o(['-V', '-volid'], 1, A, 'volume label (32 characters)', 'ID'),
  o('-volset', 1, A, 'volume set id', 'ID'),
  o(['-A', '-appid'], 1, A, 'application id', 'TEXT'),
  o(['-P', '-publisher'], 1, A, 'publisher id', 'TEXT'),
  o(['-p', '-preparer'], 1, A, 'data preparer id', 'TEXT'),
  o('-sysid', 1, A, 'system id', 'ID'),
  o('-copyright', 1, A, 'copyright file id', 'FILE'),
  o('-abstract', 1, A, 'abstract file id', 'FILE'),
  o('-biblio', 1, A, 'bibliographic file id', 'FILE'),
  o('--modification-date=', 0, A, 'volume dates, YYYYMMDDhhmmsscc (UTC)', 'DATE'),
  // ---- El Torito
  o(['-b', '-eltorito-boot'], 1, A, 'BIOS boot image (path in the image) of the current El Torito entry', 'PATH'),
  o('-e', 1, A, 'EFI boot image of the current entry; PATH or --interval:appended_partition_N:all::', 'PATH'),
  o('--efi-boot', 1, A, 'a separate EFI entry for PATH (no emulation)', 'PATH'),
  o('-eltorito-alt-boot', 0, A, 'close the current El Torito entry and start a new one'),
  o('-eltorito-platform', 1, A, 'platform of the next -b: x86, PPC, Mac, efi or a number', 'ID'),
  o('-no-emul-boot', 0, A, 'the current entry is not emulating a floppy or disk (what every boot loader needs)'),
  o('-hard-disk-boot', 0, A, 'the current entry emulates a hard disk'),
  o('-no-boot', 0, A, 'the current entry is not bootable'),
  o('-boot-load-size', 1, A, '512-byte sectors the BIOS loads (4 for ISOLINUX/GRUB), or "full"', 'N'),
  o('-boot-load-seg', 1, A, 'real-mode load segment of the current entry (default 0x07C0)', 'SEG'),
  o('-boot-info-table', 0, A, 'patch the boot info table into the current boot image'),
  o('--grub2-boot-info', 0, A, 'patch the image address into a GRUB2 boot image at byte 2548'),
  o(['-c', '-eltorito-catalog'], 1, A, 'path of the boot catalog (default /boot.catalog)', 'PATH'),
  o('--boot-catalog-hide', 0, A, 'keep the boot catalog out of the directory trees'),
  o('-eltorito-id', 1, A, 'section id string of the current entry', 'TEXT'),
  o('-eltorito-selcrit', 1, A, 'selection criteria (hex) of the current entry', 'HEX'),
  // ---- system area, partitions
  o(['-G', '-generic-boot', '--embedded-boot'], 1, A, 'copy up to 32 KiB of FILE into the system area', 'FILE'),
  o('-isohybrid-mbr', 1, A, 'ISOLINUX isohybrid MBR (isohdpfx.bin): boots the -b image from USB/disk', 'FILE'),
  o('--grub2-mbr', 1, A, 'GRUB2 hybrid MBR (boot_hybrid.img): boots the -b image from USB/disk', 'FILE'),
  o('--protective-msdos-label', 0, A, 'MBR partition 1 covering the image from sector 1'),
  o('--mbr-force-bootable', 0, A, 'an MBR partition flagged bootable even with GPT'),
  o('-isohybrid-gpt-basdat', 0, A, 'list the current boot image in a (hybrid) GPT as basic data'),
  o('-isohybrid-gpt-hfsplus', 0, A, 'list the current boot image in a (hybrid) GPT as HFS+'),
  o('-part_like_isohybrid', 0, A, 'apply -isohybrid-gpt-* even without -isohybrid-mbr'),
  o('-iso_mbr_part_type', 1, A, 'type of the partition holding the ISO: 0xNN, a GUID, or default', 'TYPE'),
  o('-partition_offset', 1, A, 'start the ISO partition at this 2 KiB block (0 or ≥ 16; 16 is usual)', 'N'),
  o('-partition_hd_cyl', 1, A, 'MBR heads per cylinder', 'N'),
  o('-partition_sec_hd', 1, A, 'MBR sectors per head', 'N'),
  o('-partition_cyl_align', 1, A, 'auto|on|off|all: pad the image to whole cylinders', 'MODE'),
  o('-append_partition', 3, A, 'append FILE as partition N (1-8) of TYPE (0xNN, FAT12, FAT16, Linux or a GUID)', 'N TYPE FILE'),
  o('-appended_part_as_gpt', 0, A, 'list appended partitions in a GPT (protective MBR)'),
  o('-appended_part_as_apm', 0, A, 'list appended partitions in an Apple Partition Map too'),
  o('-efi-boot-part', 1, A, 'an EFI system partition in GPT: FILE, or --efi-boot-image (the El Torito EFI image)', 'FILE'),
  o('--gpt_disk_guid', 1, A, 'GPT disk GUID: random, modification-date or a GUID', 'GUID'),
  o('--sort-weight', 2, A, 'data placement weight of PATH (higher = earlier)', 'WEIGHT PATH'),
  o('--sort-weight-list', 1, A, 'read "WEIGHT PATH" lines from FILE', 'FILE'),

  // ---- accepted, no effect on isokit's output
  o(['-cache-inodes', '-no-cache-inodes'], 0, N, 'hard links are always detected (by device and inode)'),
  o('--hardlinks', 0, N, 'hard links are always recorded'),
  o(['-T', '-translation-table'], 0, N, 'no TRANS.TBL files are written (as xorriso)'),
  o('-table-name', 1, N, 'no TRANS.TBL files are written (as xorriso)'),
  o(['-allow-multidot', '-allow-leading-dots', '-ldots', '-allow-lowercase', '-relaxed-filenames', '-d', '-omit-period', '-N', '-omit-version-number', '-U', '-untranslated-filenames', '-no-iso-translate', '-max-iso9660-filenames', '-disallow_dir_id_ext'], 0, N, NAMES),
  o('-untranslated_name_len', 1, N, NAMES),
  o(['-input-charset', '-output-charset', '-jcharset'], 1, N, 'file names are read and written as UTF-8'),
  o(['-L', '-nobak', '-no-bak', '-force-rr', '-no-split-symlink-components', '-no-split-symlink-fields', '-check-oldnames', '-no-limit-pathtables', '-debug', '-gui', '-posix-P'], 0, N, 'ignored by xorriso too'),
  o(['-check-session', '-volset-size', '-volset-seqno', '-sort'], 1, N, 'ignored by xorriso too'),
  o(['--emul-toc', '--no-emul-toc', '--old-empty', '--no_rc'], 0, N, 'only matters to xorriso (multi-session emulation, empty file addresses, startup files)'),
  o(['--stdio_sync', '-log-file'], 1, N, 'isokit syncs the output once at the end; messages go to standard error'),
  o(['-checksum_algorithm_iso', '-checksum_algorithm_template'], 1, N, 'only used with jigdo output'),

  // ---- accepted with a warning: the feature is not produced
  o(['-hfsplus'], 0, I, HFSPLUS),
  o(['-hfsplus-serial-no', '-hfsplus-block-size', '-apm-block-size', '-hfs-bless', '-hide-hfsplus', '-hide-hfsplus-list'], 1, I, HFSPLUS),
  o('-hfs-bless-by', 2, I, HFSPLUS),
  o('-hfsplus-file-creator-type', 3, I, HFSPLUS),
  o(['--md5', '--for_backup'], 0, I, 'no MD5 checksum tags are written (use isokit implant for isomd5sum)'),
  o(['--acl', '--xattr', '--xattr-any'], 0, I, 'ACLs and extended attributes are not recorded'),

  // ---- refused
  o('-isohybrid-apm-hfsplus', 0, U, 'HFS+ and Apple Partition Maps are not supported'),
  o(['-hfs', '-apple', '-probe', '-no-desktop', '-mac-name', '-part', '-icon-position', '-chrp-t', '-hfs-unlock', '--cap', '--netatalk', '--double', '--ethershare', '--ushare', '--exchange', '--sgi', '--xinet', '--macbin', '--single', '--dave', '--sfm', '--osx-double', '--osx-hfs', '-no-mac-files', '-no-hfs'], 0, U, HFS_OLD),
  o(['-map', '-magic', '-hfs-creator', '-hfs-type', '-boot-hfs-file', '-auto', '-cluster-size', '-hide-hfs', '-hide-hfs-list', '-hfs-volid', '-root-info', '-prep-boot', '-input-hfs-charset', '-output-hfs-charset', '-hfs-parms'], 1, U, HFS_OLD),
  o(['-jigdo-jigdo', '-jigdo-template', '-jigdo-min-file-size', '-jigdo-force-md5', '-jigdo-force-checksum', '-md5-list', '-checksum-list', '-jigdo-exclude', '-jigdo-map', '-jigdo-template-compress', '-jigdo-checksum-algorithm'], 1, U, JIGDO),
  o(['-M', '-prev-session', '-dev', '-C', '-cdrecord-params', '-root', '-old-root'], 1, U, MULTI),
  o(['--old-root-no-md5', '--old-root-devno', '--old-root-no-ino'], 0, U, MULTI),
  o(['-z', '-transparent-compression', '--zisofs-version-2', '--zisofs2-susp-z2', '--zisofs2-susp-zf'], 0, U, 'zisofs compression is not written'),
  o(['-udf', '-UDF'], 0, A, 'add a UDF 1.02 file system over the same file data (a bridge image, like genisoimage -udf)'),
  o('-allow-limited-size', 0, A, "files of 4 GiB and more: the full size in UDF, the size's low 32 bits in ISO 9660 (genisoimage); implies -udf"),
  o('-udf-symlinks', 0, A, 'also record symbolic links, devices and FIFOs in UDF (7-Zip then refuses the UDF volume)'),
  o('-no-udf-symlinks', 0, A, 'UDF holds files and directories only (the default)'),
  o('-dvd-video', 0, U, 'DVD-Video layout (VIDEO_TS sorting and padding) is not supported'),
  o(['-hide-udf', '-hide-udf-list'], 1, U, 'UDF is not written'),
  o(['-chrp-boot-part', '-chrp-boot', '-fat'], 0, U, OTHER_ARCH),
  o(['-B', '-sparc-boot', '-sparc-label', '-sunx86-boot', '-sunx86-label', '--grub2-sparc-core', '-mips-boot', '-mipsel-boot', '-alpha-boot', '-hppa-cmdline', '-hppa-kernel-32', '-hppa-kernel-64', '-hppa-bootloader', '-hppa-ramdisk', '-hppa-hdrversion', '-prep-boot-part'], 1, U, OTHER_ARCH),
  o(['-hidden', '-hidden-list'], 1, U, 'the ISO 9660 "existence" (hidden) flag is not written; use -hide'),
  o(['isolinux_mbr=', '-hide-rr-moved', '-split-output', '-XA', '-xa', '-posix-H', '-hide-joliet-trans-tbl'], 0, U, 'not supported'),
  o(['-rr_reloc_dir', '-new-dir-mode', '-file_name_limit', '--set_all_file_dates', '--application_use', '-s', '-sectype', '-ucs-level', '-stream-media-size', '-stream-file-name', '-use-fileversion', '-errctl', '--quoted_path_list', '--sort-weight-patterns'], 1, U, 'not supported'),
  o('--scdbackup_tag', 2, U, 'not supported'),
];

/** Options given by prefix (value attached): `--modification-date=…`, `isolinux_mbr=…`. */
export const PREFIX_OPTIONS: readonly string[] = ['--modification-date=', 'isolinux_mbr='];

const BY_NAME: ReadonlyMap<string, OptionSpec> = (() => {
  const m = new Map<string, OptionSpec>();
  for (const s of OPTION_SPECS) for (const n of s.names) if (!n.endsWith('=')) m.set(n, s);
  return m;
})();

/** Look an option up by any spelling; `--x` finds `-x` and `-x` finds `--x` (xorriso strips a surplus dash). */
export function findOption(token: string): OptionSpec | undefined {
  const exact = BY_NAME.get(token);
  if (exact) return exact;
  if (token.startsWith('--') && token.length > 3) return BY_NAME.get(token.slice(1));
  if (token.startsWith('-') && !token.startsWith('--') && token.length > 2) return BY_NAME.get('-' + token);
  return undefined;
}

/** The option that a spelling belongs to, by canonical name. */
export function canonicalName(spec: OptionSpec): string {
  return spec.names[0] as string;
}

/** Known options starting with `prefix` (for "did you mean"). */
export function optionsStartingWith(prefix: string): string[] {
  const out: string[] = [];
  for (const n of BY_NAME.keys()) if (n.startsWith(prefix) || ('-' + n).startsWith(prefix)) out.push(n);
  return out;
}

/** Letters that may be fused into one argument (`-JR`, `-rJ`, `-lJR`), as xorriso. */
export const FUSABLE_FLAGS = 'dDfJlNRrTUv';

/** Single-letter options with one argument whose value may be attached (`-oOUT.iso`, `-VLABEL`), as getopt allows. */
export const ATTACHABLE_SHORT = new Set(['-o', '-V', '-A', '-P', '-p', '-m', '-x', '-b', '-c', '-e', '-G']);

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const w of text.split(' ')) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines.map((l, i) => (i === 0 ? l : indent + l));
}

/** The --help text. Mentions -graft-points and --grub2-boot-info: grub-mkrescue looks for both. */
export function helpText(program: string): string {
  const out: string[] = [
    `usage: ${program} [options] PATHSPEC…`,
    '',
    'mkisofs / genisoimage / xorriso -as mkisofs compatible: builds an ISO image from the PATHSPECs',
    '(directories are merged at the root, files go to /NAME, DEST=SRC with -graft-points).',
    'Unknown options are errors (exit 2). isokit extensions: --print-request (print the parsed',
    'request as JSON and exit), --json (JSON summary).',
    '',
    'options:',
  ];
  const col = 34;
  for (const s of OPTION_SPECS.filter((x) => x.effect === 'applied')) {
    const head = `  ${s.names.join(', ')}${s.argNames ? ' ' + s.argNames : ''}`;
    const body = wrap(s.text, 100 - col, ' '.repeat(col));
    out.push(head.length < col - 1 ? head.padEnd(col) + body.join('\n') : `${head}\n${' '.repeat(col)}${body.join('\n')}`);
  }
  for (const [effect, title] of [
    ['no-effect', 'accepted, without effect on the image:'],
    ['ignored', 'accepted with a warning (the feature is not produced):'],
    ['unsupported', 'refused (exit 1):'],
  ] as const) {
    out.push('', title);
    for (const s of OPTION_SPECS.filter((x) => x.effect === effect)) {
      out.push(...wrap(`  ${s.names.join(' ')}: ${s.text}`, 100, '      '));
    }
  }
  return out.join('\n') + '\n';
}
