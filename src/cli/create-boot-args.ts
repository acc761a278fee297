/**
 * `isokit create` boot flags: taken out of the command line before the create options are parsed (they include
 * a three-value option, --append-partition N TYPE FILE), then turned into a library BootSpec
 * (src/create/boot/spec.ts), loading templates and appended partitions from disk.
 */
import * as path from 'node:path';
import type { AppendedPartitionSpec, BootEntrySpec, BootSpec } from '../create/boot/spec.js';
import { UsageError } from './context.js';

export const BOOT_USAGE = `
bootable images (El Torito, hybrid MBR/GPT; see README "create: bootable images"):
  -b, --boot-bios IMG        BIOS El Torito boot image (a path in the image, e.g. isolinux/isolinux.bin)
      --boot-load-size N     512-byte sectors the BIOS loads (default 4)
      --boot-info-table      patch the boot info table into the image's copy (ISOLINUX, GRUB)
      --grub2-boot-info      patch GRUB2 boot info (bios.img of grub-mkrescue)
      --no-emul-boot (default) | --floppy-emul | --hard-disk-emul
  -e, --boot-efi IMG         UEFI El Torito boot image: a FAT image in the image, or appended:N
  -c, --boot-catalog PATH    where the catalog goes (default /boot.catalog)
      --hide-boot-catalog    no file for the catalog
      --isohybrid-mbr FILE   isohybrid MBR (isohdpfx.bin): boots from USB sticks with BIOS
      --grub2-mbr FILE       GRUB2 hybrid MBR (boot_hybrid.img)
      --gpt                  add a GPT (with --isohybrid-mbr: isohybrid GPT; else protective MBR + GPT)
      --protective-msdos-label   MBR partition 1 covers the image from sector 1
      --mbr-force-bootable   mark an MBR partition bootable
      --append-partition N TYPE FILE   append FILE as partition N (TYPE: MBR byte like 0xef, or a GPT GUID)
      --appended-part-as-gpt appended partitions go into a GPT behind a protective MBR
      --partition-offset N   the ISO also starts at block N (≥ 16; 2 KiB blocks), like -partition_offset
`;

export interface BootArgs {
  bios?: string;
  efi?: string;
  catalog?: string;
  hideCatalog: boolean;
  loadSize?: number;
  bootInfoTable: boolean;
  grub2BootInfo: boolean;
  emulation: 'none' | 'floppy' | 'hard-disk';
  isohybridMbr?: string;
  grub2Mbr?: string;
  gpt: boolean;
  protectiveMsdosLabel: boolean;
  mbrForceBootable: boolean;
  appended: { number: number; type: string; file: string }[];
  appendedPartAsGpt: boolean;
  partitionOffset?: number;
  /** the boot flags seen, for messages */
  seen: string[];
}

const VALUE = new Map<string, keyof BootArgs>([
  ['-b', 'bios'], ['--boot-bios', 'bios'], ['-e', 'efi'], ['--boot-efi', 'efi'], ['-c', 'catalog'], ['--boot-catalog', 'catalog'],
  ['--boot-load-size', 'loadSize'], ['--isohybrid-mbr', 'isohybridMbr'], ['--grub2-mbr', 'grub2Mbr'], ['--partition-offset', 'partitionOffset'],
]);
const FLAG = new Map<string, (b: BootArgs) => void>([
  ['--boot-info-table', (b) => (b.bootInfoTable = true)],
  ['--grub2-boot-info', (b) => (b.grub2BootInfo = true)],
  ['--no-emul-boot', (b) => (b.emulation = 'none')],
  ['--floppy-emul', (b) => (b.emulation = 'floppy')],
  ['--hard-disk-emul', (b) => (b.emulation = 'hard-disk')],
  ['--gpt', (b) => (b.gpt = true)],
  ['--protective-msdos-label', (b) => (b.protectiveMsdosLabel = true)],
  ['--mbr-force-bootable', (b) => (b.mbrForceBootable = true)],
  ['--appended-part-as-gpt', (b) => (b.appendedPartAsGpt = true)],
  ['--hide-boot-catalog', (b) => (b.hideCatalog = true)],
]);
/** create's own options that take a value (their values are never boot flags) */
const CREATE_VALUE_OPTIONS = new Set(['-o', '--output', '-V', '--volume-id', '--volset', '--publisher', '--preparer', '--application', '--system-id', '--iso-level', '--rrip', '--exclude', '--date']);

function wholeNumber(v: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`${name} needs a whole number, got "${v}"`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** Take the boot flags out of `argv`; `boot` is undefined when there were none. */
export function splitBootArgs(argv: readonly string[]): { argv: string[]; boot?: BootArgs } {
  const b: BootArgs = { hideCatalog: false, bootInfoTable: false, grub2BootInfo: false, emulation: 'none', gpt: false, protectiveMsdosLabel: false, mbrForceBootable: false, appended: [], appendedPartAsGpt: false, seen: [] };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const take = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (CREATE_VALUE_OPTIONS.has(name)) {
      rest.push(a);
      if (inline === undefined && i + 1 < argv.length) rest.push(argv[++i] as string);
      continue;
    }
    const key = VALUE.get(name);
    const flag = FLAG.get(name);
    if (key) {
      const v = take();
      b.seen.push(name);
      if (key === 'loadSize') b.loadSize = wholeNumber(v, name, 1, 65535);
      else if (key === 'partitionOffset') b.partitionOffset = wholeNumber(v, name, 0, 0xffffffff);
      else (b as unknown as Record<string, string>)[key] = v;
    } else if (flag) {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      b.seen.push(name);
      flag(b);
    } else if (name === '--append-partition') {
      if (inline !== undefined || i + 3 >= argv.length) throw new UsageError('--append-partition needs three values: N TYPE FILE');
      b.seen.push(name);
      b.appended.push({ number: wholeNumber(argv[i + 1] as string, '--append-partition N', 1, 8), type: argv[i + 2] as string, file: argv[i + 3] as string });
      i += 3;
    } else rest.push(a);
  }
  return { argv: rest, ...(b.seen.length ? { boot: b } : {}) };
}

const ESP_GUID = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';

function partitionType(t: string): { mbrType: number; gptType?: string } {
  if (/^(0x)?[0-9a-f]{1,2}$/i.test(t)) return { mbrType: parseInt(t.replace(/^0x/i, ''), 16) };
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t)) {
    const g = t.toUpperCase();
    return { mbrType: g === ESP_GUID ? 0xef : 0x83, gptType: g };
  }
  throw new UsageError(`--append-partition TYPE must be an MBR type byte (0xef) or a GPT type GUID, got "${t}"`);
}

function checkArgs(b: BootArgs): void {
  const entryFlags = b.loadSize !== undefined || b.bootInfoTable || b.grub2BootInfo || b.emulation !== 'none';
  if (entryFlags && !b.bios) throw new UsageError('--boot-load-size, --boot-info-table, --grub2-boot-info and the emulation flags need --boot-bios');
  if ((b.catalog !== undefined || b.hideCatalog) && !b.bios && !b.efi) throw new UsageError('--boot-catalog / --hide-boot-catalog need --boot-bios or --boot-efi');
  if (b.isohybridMbr && b.grub2Mbr) throw new UsageError('--isohybrid-mbr and --grub2-mbr exclude each other');
  if ((b.isohybridMbr || b.grub2Mbr) && !b.bios) throw new UsageError(`${b.isohybridMbr ? '--isohybrid-mbr' : '--grub2-mbr'} needs --boot-bios (the MBR code loads the BIOS boot image)`);
  if (b.partitionOffset !== undefined && b.partitionOffset !== 0 && b.partitionOffset < 16) throw new UsageError('--partition-offset must be 0 or at least 16');
  if (b.appendedPartAsGpt && !b.appended.length) throw new UsageError('--appended-part-as-gpt needs --append-partition');
}

/** The BootSpec for parsed boot flags; files given on the command line are resolved against `cwd`. */
export async function bootSpecFromArgs(b: BootArgs, cwd: string): Promise<BootSpec> {
  checkArgs(b);
  const { readTemplateFile, diskFileContent } = await import('../node/boot-files.js');
  const entries: BootEntrySpec[] = [];
  if (b.bios) {
    entries.push({
      platform: 'bios', image: { kind: 'file', path: b.bios }, emulation: b.emulation,
      ...(b.loadSize !== undefined ? { loadSize: b.loadSize } : {}),
      bootInfoTable: b.bootInfoTable, grub2BootInfo: b.grub2BootInfo,
    });
  }
  if (b.efi) {
    const m = /^appended:(\d)$/.exec(b.efi);
    entries.push({
      platform: 'efi',
      image: m ? { kind: 'appended-partition', partition: Number(m[1]) } : { kind: 'file', path: b.efi },
      ...(b.gpt && b.isohybridMbr ? { isohybridGpt: 'basdat' as const } : {}),
    });
  }
  const template = b.isohybridMbr ?? b.grub2Mbr;
  const appendedPartitions: AppendedPartitionSpec[] = b.appended.map((p) => ({ number: p.number, ...partitionType(p.type), content: diskFileContent(path.resolve(cwd, p.file)) }));
  return {
    entries,
    ...(entries.length ? { catalog: { path: b.catalog ?? '/boot.catalog', hidden: b.hideCatalog } } : {}),
    systemArea: {
      ...(template ? { template: await readTemplateFile(path.resolve(cwd, template)), kind: b.isohybridMbr ? 'isohybrid' as const : 'grub2' as const } : {}),
      gpt: b.gpt,
      protectiveMsdosLabel: b.protectiveMsdosLabel,
      mbrForceBootable: b.mbrForceBootable,
      ...(b.partitionOffset ? { partitionOffset: b.partitionOffset } : {}),
      appendedPartAsGpt: b.appendedPartAsGpt,
      // --gpt without an isohybrid MBR: protective MBR + GPT, with an ESP entry over the EFI image file
      ...(b.gpt && !b.isohybridMbr && b.efi && !b.efi.startsWith('appended:') ? { efiBootPart: { kind: 'el-torito-efi-image' as const } } : {}),
      appendedPartitions,
    },
  };
}
