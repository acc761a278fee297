/**
 * Argument vectors real build tools pass to `xorriso -as mkisofs`, used by the mkisofs parser tests and
 * checked against xorriso itself (mkisofs-xorriso-oracle.test.ts).
 *
 * `p.P` is the payload (ISO root) folder, `p.out` the image, `p.work` a work folder; `p.isohdpfx` and
 * `p.grubMbr` the ISOLINUX / GRUB hybrid MBR templates.
 */
export interface VectorPaths {
  P: string;
  out: string;
  work: string;
  isohdpfx: string;
  grubMbr: string;
}

export interface Vector {
  name: string;
  /** arguments after `xorriso -as mkisofs` */
  argv: (p: VectorPaths) => string[];
  /** extra files (relative to P, or absolute under work) the vector needs beyond the common payload */
  needs?: string[];
}

export const FIXED: VectorPaths = { P: '/src/iso', out: '/out/x.iso', work: '/work', isohdpfx: '/usr/lib/ISOLINUX/isohdpfx.bin', grubMbr: '/usr/lib/grub/i386-pc/boot_hybrid.img' };

/**
 * grub-mkrescue (grub-common 2.06) for i386-pc + x86_64-efi, captured with `--xorriso=WRAPPER` where the
 * wrapper logged "$@" (the ISO root and the date vary per run). grub-mkrescue probes
 * `xorriso -as mkisofs -help` twice first (for "graft-points" and "--grub2-boot-info").
 */
export const GRUB_MKRESCUE: Vector = {
  name: 'grub-mkrescue 2.06 (BIOS + UEFI)',
  argv: (p) => [
    '-graft-points', '--modification-date=2026112321021000',
    '-b', 'boot/grub/i386-pc/eltorito.img', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', '--grub2-boot-info',
    '--grub2-mbr', p.grubMbr,
    '-hfsplus', '-apm-block-size', '2048', '-hfsplus-file-creator-type', 'chrp', 'tbxj', '/System/Library/CoreServices/.disk_label',
    '-hfs-bless-by', 'i', '/System/Library/CoreServices/boot.efi',
    '--efi-boot', 'efi.img', '-efi-boot-part', '--efi-boot-image', '--protective-msdos-label',
    '-o', p.out, '-r', p.P, '--sort-weight', '0', '/', '--sort-weight', '1', '/boot',
  ],
  needs: ['boot/grub/i386-pc/eltorito.img', 'efi.img', 'System/Library/CoreServices/.disk_label', 'System/Library/CoreServices/boot.efi'],
};

const LB_COMMON = ['-R', '-r', '-J', '-joliet-long', '-l', '-cache-inodes', '-iso-level', '3'];
const LB_IDS = [
  '-A', 'Debian Live', '-p', 'live-build 1:20230502; https://salsa.debian.org/live-team/live-build',
  '-publisher', 'Debian Live project; https://wiki.debian.org/DebianLive; debian-live@lists.debian.org',
  '-V', 'Debian bookworm 20230502-10:00', '--modification-date=2023050210000000',
];

/**
 * live-build's binary_iso (scripts/build/binary_iso, 2020s), reconstructed for amd64, image type
 * iso-hybrid, BIOS boot loader syslinux, EFI boot loader grub-efi, no HFS+: the XORRISO_OPTIONS string it
 * writes into binary.sh, as the shell splits it.
 */
export const LIVE_BUILD_SYSLINUX: Vector = {
  name: 'live-build binary_iso (syslinux + grub-efi)',
  argv: (p) => [
    ...LB_COMMON,
    '-isohybrid-mbr', p.isohdpfx, '-partition_offset', '16',
    ...LB_IDS,
    '-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table',
    '-eltorito-alt-boot',
    '-e', 'boot/grub/efi.img', '-no-emul-boot', '-append_partition', '2', '0x01', `${p.P}/boot/grub/efi.img`,
    '-o', p.out, p.P,
  ],
  needs: ['isolinux/isolinux.bin', 'boot/grub/efi.img'],
};

/** The same with BIOS boot loader grub-pc: the El Torito options come before -b, --grub2-boot-info first of all. */
export const LIVE_BUILD_GRUB_PC: Vector = {
  name: 'live-build binary_iso (grub-pc + grub-efi)',
  argv: (p) => [
    ...LB_COMMON,
    '--grub2-boot-info', '--grub2-mbr', p.grubMbr, '-efi-boot-part', '--efi-boot-image',
    ...LB_IDS,
    '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', '-b', 'boot/grub/grub_eltorito',
    '-eltorito-alt-boot',
    '-e', 'boot/grub/efi.img', '-no-emul-boot', '-append_partition', '2', '0x01', `${p.P}/boot/grub/efi.img`,
    '-o', p.out, p.P,
  ],
  needs: ['boot/grub/grub_eltorito', 'boot/grub/efi.img'],
};

const ARCH_HEAD = ['-iso-level', '3', '-full-iso9660-filenames', '-joliet', '-joliet-long', '-rational-rock', '-volid', 'ARCH_202305', '-appid', 'Arch Linux baseline', '-publisher', 'Arch Linux <https://archlinux.org>', '-preparer', 'prepared by mkarchiso'];

/**
 * archiso's mkarchiso `_build_iso_image`, bootmodes bios.syslinux.mbr bios.syslinux.eltorito
 * uefi-x64.systemd-boot.esp uefi-x64.systemd-boot.eltorito (releng): isohybrid MBR, ESP appended as
 * partition 2 with the ESP type GUID, El Torito EFI entry pointing at it, -isohybrid-gpt-basdat after -e.
 * (mkarchiso runs `xorriso -report_about SORRY -as mkisofs …`.)
 */
export const ARCHISO_HYBRID: Vector = {
  name: 'archiso mkarchiso (bios.syslinux + uefi systemd-boot.esp)',
  argv: (p) => [
    ...ARCH_HEAD,
    '-isohybrid-mbr', `${p.P}/syslinux/isohdpfx.bin`, '--mbr-force-bootable', '-partition_offset', '16',
    '-eltorito-boot', 'syslinux/isolinux.bin', '-eltorito-catalog', 'syslinux/boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table',
    '-append_partition', '2', 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B', `${p.work}/efiboot.img`,
    '-eltorito-alt-boot', '-e', '--interval:appended_partition_2:all::', '-no-emul-boot', '-isohybrid-gpt-basdat',
    '-output', p.out, `${p.P}/`,
  ],
  needs: ['syslinux/isohdpfx.bin', 'syslinux/isolinux.bin', '@work/efiboot.img'],
};

/** mkarchiso with UEFI boot modes only: a valid GPT (-appended_part_as_gpt), catalog in EFI/. */
export const ARCHISO_GPT: Vector = {
  name: 'archiso mkarchiso (uefi-only, -appended_part_as_gpt)',
  argv: (p) => [
    ...ARCH_HEAD,
    '-partition_offset', '16', '-append_partition', '2', 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B', `${p.work}/efiboot.img`, '-appended_part_as_gpt',
    '-eltorito-alt-boot', '-e', '--interval:appended_partition_2:all::', '-no-emul-boot', '-eltorito-catalog', 'EFI/boot.cat',
    '-output', p.out, `${p.P}/`,
  ],
  needs: ['@work/efiboot.img'],
};

/** The reference layouts of ../shared/boot/README.md, (a) … (e3), with the payload at P. */
export const REFERENCE: Vector[] = [
  {
    name: '(a) BIOS El Torito, ISOLINUX',
    argv: (p) => ['-R', '-J', '-V', 'ISOKIT_A', '-o', p.out, '-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', p.P],
  },
  {
    name: '(b2) isohybrid in one step',
    argv: (p) => ['-R', '-J', '-V', 'ISOKIT_B2', '-o', p.out, '-isohybrid-mbr', p.isohdpfx, '-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', p.P],
  },
  {
    name: '(c) BIOS El Torito, GRUB',
    argv: (p) => ['-R', '-J', '-V', 'ISOKIT_C', '-o', p.out, '-b', 'boot/grub/bios.img', '-c', 'boot.catalog', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', p.P],
  },
  {
    name: '(d) UEFI El Torito only',
    argv: (p) => ['-R', '-J', '-V', 'ISOKIT_D', '-o', p.out, '-e', 'images/efiboot.img', '-c', 'boot.catalog', '-no-emul-boot', p.P],
  },
  {
    name: '(e1) ISOLINUX hybrid + appended ESP, GPT basic data',
    argv: (p) => [
      '-R', '-J', '-V', 'ISOKIT_E1', '-o', p.out, '-isohybrid-mbr', p.isohdpfx,
      '-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table',
      '-eltorito-alt-boot', '-e', '--interval:appended_partition_2:all::', '-no-emul-boot',
      '-append_partition', '2', '0xef', `${p.P}/images/efiboot.img`, '-isohybrid-gpt-basdat', p.P,
    ],
  },
  {
    name: '(e2) grub-mkrescue way: GRUB hybrid MBR, GPT with appended ESP',
    argv: (p) => [
      '-R', '-J', '-V', 'ISOKIT_E2', '-o', p.out, '--grub2-mbr', p.grubMbr, '-partition_offset', '16', '--mbr-force-bootable',
      '-append_partition', '2', '0xef', `${p.P}/images/efiboot.img`, '-appended_part_as_gpt', '-c', 'boot.catalog',
      '-b', 'boot/grub/bios.img', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', '--grub2-boot-info',
      '-eltorito-alt-boot', '-e', '--interval:appended_partition_2:all::', '-no-emul-boot', p.P,
    ],
  },
  {
    name: '(e3) Debian-installer style, ESP image inside the ISO',
    argv: (p) => [
      '-R', '-J', '-V', 'ISOKIT_E3', '-o', p.out, '-isohybrid-mbr', p.isohdpfx,
      '-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table',
      '-eltorito-alt-boot', '-e', 'images/efiboot.img', '-no-emul-boot', '-isohybrid-gpt-basdat', p.P,
    ],
  },
];

/** Order quirks, checked against xorriso. */
export const QUIRKS: Vector[] = [
  { name: 'options before -b apply to its entry', argv: (p) => ['-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', '-b', 'isolinux/isolinux.bin', '-o', p.out, p.P] },
  { name: '-e after -b without -eltorito-alt-boot replaces the image', argv: (p) => ['-b', 'isolinux/isolinux.bin', '-no-emul-boot', '-boot-load-size', '4', '-e', 'images/efiboot.img', '-no-emul-boot', '-o', p.out, p.P] },
  { name: '-b twice: the last wins', argv: (p) => ['-b', 'isolinux/isolinux.bin', '-no-emul-boot', '-b', 'boot/grub/bios.img', '-o', p.out, p.P] },
  { name: 'settings reset after -eltorito-alt-boot', argv: (p) => ['-b', 'isolinux/isolinux.bin', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', '--grub2-boot-info', '-eltorito-alt-boot', '-b', 'boot/grub/bios.img', '-no-emul-boot', '-o', p.out, p.P] },
  { name: '-eltorito-platform persists across entries', argv: (p) => ['-eltorito-platform', 'efi', '-b', 'images/efiboot.img', '-no-emul-boot', '-eltorito-alt-boot', '-b', 'boot/grub/bios.img', '-no-emul-boot', '-o', p.out, p.P] },
  { name: '--efi-boot is an entry of its own', argv: (p) => ['-b', 'isolinux/isolinux.bin', '-no-emul-boot', '--efi-boot', 'images/efiboot.img', '-boot-load-size', '4', '-o', p.out, p.P] },
  { name: 'a platform change closes the entry', argv: (p) => ['-b', 'isolinux/isolinux.bin', '-no-emul-boot', '-eltorito-platform', 'efi', '-b', 'images/efiboot.img', '-no-emul-boot', '-o', p.out, p.P] },
];
