/**
 * The El Torito / system area part of the mkisofs grammar, modelled on xorriso 1.5.4's delayed boot
 * options (emulators.c, `Xorriso_genisofs`):
 *
 * - Per-entry settings (-no-emul-boot, -hard-disk-boot, -boot-load-size, -boot-info-table,
 *   --grub2-boot-info, -isohybrid-gpt-*, -eltorito-id/-selcrit) apply to the *current* entry, whether they
 *   come before or after its -b/-e (live-build puts them first).
 * - -b / -e name the current entry's image; a second -b/-e without -eltorito-alt-boot replaces it.
 * - -eltorito-alt-boot closes the current entry (if it has an image) and resets every per-entry setting
 *   (emulation back to floppy, load size back to the default).
 * - --efi-boot closes the current entry, adds an EFI no-emulation entry and closes it too.
 * - -eltorito-platform sets the platform of later -b options; changing it closes the current entry.
 * - The catalog defaults to /boot.catalog.
 * - The system area file is the last of -G / -isohybrid-mbr / --grub2-mbr; -isohybrid-mbr and --grub2-mbr
 *   and --protective-msdos-label switch the MBR treatment as xorriso's system_area_options bits do.
 */
import { UsageError } from '../context.js';
import { parseBootImage, parseDiskSource } from './interval.js';
import type { AppendedPartition, BootImageRef, BootPlan, DiskSource, ElToritoEntry, Emulation, SystemAreaKind, SystemAreaPlan } from './types.js';

export const GUID_EFI_SYSTEM = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
export const GUID_BASIC_DATA = 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7';

/** A GUID as 32 hex digits in on-disk byte order (xorriso's plain form) or as RFC 4122 text → canonical upper-case text. */
export function parseGuid(text: string): string | undefined {
  const t = text.trim();
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t)) return t.toUpperCase();
  if (!/^[0-9a-f]{32}$/i.test(t)) return undefined;
  const b = t.toUpperCase().match(/../g) as string[];
  const rev = (a: string[]) => a.slice().reverse().join('');
  return `${rev(b.slice(0, 4))}-${rev(b.slice(4, 6))}-${rev(b.slice(6, 8))}-${b.slice(8, 10).join('')}-${b.slice(10).join('')}`;
}

/** -eltorito-platform: x86, PPC, Mac, efi, 0xNN or a decimal 0-255. */
export function parsePlatform(text: string): number {
  const named: Record<string, number> = { x86: 0, PPC: 1, Mac: 2, efi: 0xef };
  if (text in named) return named[text] as number;
  const n = /^0x[0-9a-f]{1,2}$/i.test(text) ? parseInt(text.slice(2), 16) : /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= 255)) throw new UsageError(`-eltorito-platform: unknown platform "${text}" (use x86, PPC, Mac, efi, 0x00-0xff or 0-255)`);
  return n;
}

/** -append_partition TYPE: FAT12, FAT16, Linux, a hex byte (0xEF or EF) or a GUID. */
export function parsePartitionType(text: string): { mbrType: number; gptType: string; typeIsGuid: boolean } {
  const named: Record<string, number> = { FAT12: 0x01, FAT16: 0x06, Linux: 0x83 };
  const guid = parseGuid(text);
  if (guid) return { mbrType: guid === GUID_EFI_SYSTEM ? 0xef : 0x83, gptType: guid, typeIsGuid: true };
  let mbrType = named[text];
  if (mbrType === undefined && /^(0x)?[0-9a-f]{1,2}$/i.test(text)) mbrType = parseInt(text.replace(/^0x/i, ''), 16);
  if (mbrType === undefined) throw new UsageError(`-append_partition: unknown partition type "${text}" (use 0x00-0xff, FAT12, FAT16, Linux or a type GUID)`);
  return { mbrType, gptType: mbrType === 0xef ? GUID_EFI_SYSTEM : GUID_BASIC_DATA, typeIsGuid: false };
}

function parseInt0(text: string, option: string, min: number, max: number): number {
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text.slice(2), 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${option} needs a number from ${min} to ${max}, got "${text}"`);
  return n;
}

interface Current {
  image?: BootImageRef;
  fromOption?: string;
  platformId: number;
  efiDefault: boolean;
  emulation: Emulation;
  emulationGiven: boolean;
  loadSize?: number | 'full';
  loadSegment?: number;
  bootable: boolean;
  bootInfoTable: boolean;
  grub2BootInfo: boolean;
  isohybridGpt?: 'basdat' | 'hfsplus';
  idString?: string;
  selectionCriteria?: string;
}

function fresh(): Current {
  return { platformId: 0, efiDefault: false, emulation: 'floppy', emulationGiven: false, bootable: true, bootInfoTable: false, grub2BootInfo: false };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Collects the boot options of one command line, in order. */
export class BootBuilder {
  private readonly entries: ElToritoEntry[] = [];
  private cur: Current = fresh();
  /** platform for -b (from -eltorito-platform); persists across entries, as in xorriso */
  private bPlatform = 0;
  private catalogPath?: string;
  private catalogHide = false;
  private readonly options: string[] = [];
  private readonly sa: Mutable<Omit<SystemAreaPlan, 'appendedPartitions'>> = {
    protectiveMsdosLabel: false, mbrForceBootable: false, appendedPartAsGpt: false, appendedPartAsApm: false, partLikeIsohybrid: false,
  };
  private saFile?: DiskSource;
  private saKind?: SystemAreaKind;
  private readonly appended = new Map<number, AppendedPartition>();
  readonly warnings: string[] = [];
  /** true once any per-entry option was given after the last entry was closed */
  private pendingSettings = false;

  /** Apply one boot option (canonical name) with its arguments. */
  apply(name: string, spelled: string, args: readonly string[]): void {
    this.options.push(spelled);
    const a0 = args[0] as string;
    const c = this.cur;
    switch (name) {
      case '-b':
      case '-e':
        this.setImage(parseBootImage(a0, spelled), spelled, name === '-e' ? 0xef : this.bPlatform);
        break;
      case '--efi-boot':
        this.close();
        this.cur.efiDefault = true;
        this.cur.emulation = 'none';
        this.cur.emulationGiven = true;
        this.setImage(parseBootImage(a0, spelled), spelled, 0xef);
        this.close();
        break;
      case '-eltorito-alt-boot':
        this.close();
        break;
      case '-eltorito-platform': {
        const id = parsePlatform(a0);
        if (id !== this.bPlatform && this.cur.image) this.close();
        this.bPlatform = id;
        break;
      }
      case '-no-emul-boot': c.emulation = 'none'; c.emulationGiven = true; this.pendingSettings = true; break;
      case '-hard-disk-boot': c.emulation = 'hard-disk'; c.emulationGiven = true; this.pendingSettings = true; break;
      case '-no-boot': c.bootable = false; this.pendingSettings = true; break;
      case '-boot-load-size':
        c.loadSize = a0 === 'full' ? 'full' : parseInt0(a0, spelled, 1, 65535);
        this.pendingSettings = true;
        break;
      case '-boot-load-seg': c.loadSegment = parseInt0(a0, spelled, 0, 0xffff); this.pendingSettings = true; break;
      case '-boot-info-table': c.bootInfoTable = true; this.pendingSettings = true; break;
      case '--grub2-boot-info': c.grub2BootInfo = true; this.pendingSettings = true; break;
      case '-isohybrid-gpt-basdat': c.isohybridGpt = 'basdat'; this.pendingSettings = true; break;
      case '-isohybrid-gpt-hfsplus': c.isohybridGpt = 'hfsplus'; this.pendingSettings = true; break;
      case '-eltorito-id': c.idString = a0; this.pendingSettings = true; break;
      case '-eltorito-selcrit':
        if (!/^[0-9a-f]{0,40}$/i.test(a0)) throw new UsageError(`${spelled} needs up to 40 hex digits, got "${a0}"`);
        c.selectionCriteria = a0;
        this.pendingSettings = true;
        break;
      case '-c':
        this.catalogPath = a0.startsWith('/') ? a0 : '/' + a0;
        break;
      case '--boot-catalog-hide': this.catalogHide = true; break;
      default:
        this.applySystemArea(name, spelled, args);
    }
  }

  private applySystemArea(name: string, spelled: string, args: readonly string[]): void {
    const a0 = args[0] as string;
    const sa = this.sa;
    switch (name) {
      case '-G':
      case '-isohybrid-mbr':
      case '--grub2-mbr':
        if (a0 === '.') this.saFile = undefined;
        else this.saFile = parseDiskSource(a0, spelled);
        if (name === '-isohybrid-mbr') {
          this.saKind = 'isohybrid';
          sa.protectiveMsdosLabel = false;
        } else if (name === '--grub2-mbr') this.saKind = 'grub2';
        else if (this.saKind === undefined) this.saKind = 'generic';
        break;
      case '--protective-msdos-label':
        sa.protectiveMsdosLabel = true;
        if (this.saKind === 'isohybrid') this.saKind = this.saFile ? 'generic' : undefined;
        break;
      case '--mbr-force-bootable': sa.mbrForceBootable = true; break;
      case '-partition_offset': {
        const n = parseInt0(a0, spelled, 0, 0x7fffffff);
        if (n !== 0 && n < 16) throw new UsageError(`${spelled} must be 0 or at least 16 (2 KiB blocks), got ${n}`);
        sa.partitionOffset = n;
        break;
      }
      case '-partition_hd_cyl': sa.partitionHeadsPerCylinder = parseInt0(a0, spelled, 0, 255); break;
      case '-partition_sec_hd': sa.partitionSectorsPerHead = parseInt0(a0, spelled, 0, 63); break;
      case '-partition_cyl_align':
        if (!['auto', 'on', 'off', 'all'].includes(a0)) throw new UsageError(`${spelled} must be auto, on, off or all, got "${a0}"`);
        sa.partitionCylinderAlign = a0 as 'auto' | 'on' | 'off' | 'all';
        break;
      case '-iso_mbr_part_type': {
        const guid = parseGuid(a0);
        if (a0 !== 'default' && !guid && !/^0x[0-9a-f]{1,2}$/i.test(a0)) throw new UsageError(`${spelled} must be default, 0x00-0xff or a type GUID, got "${a0}"`);
        sa.isoMbrPartType = guid ?? a0.toLowerCase();
        break;
      }
      case '--gpt_disk_guid': {
        const guid = parseGuid(a0);
        if (a0 !== 'random' && a0 !== 'modification-date' && !guid) throw new UsageError(`${spelled} must be random, modification-date or a GUID, got "${a0}"`);
        sa.gptDiskGuid = guid ?? a0;
        break;
      }
      case '-append_partition': {
        const number = parseInt0(a0, spelled, 1, 8);
        const type = parsePartitionType(args[1] as string);
        this.appended.set(number, { number, ...type, source: parseDiskSource(args[2] as string, spelled) });
        break;
      }
      case '-appended_part_as_gpt': sa.appendedPartAsGpt = true; break;
      case '-appended_part_as_apm': sa.appendedPartAsApm = true; break;
      case '-part_like_isohybrid': sa.partLikeIsohybrid = true; break;
      case '-efi-boot-part':
        sa.efiBootPart = a0 === '--efi-boot-image' ? { kind: 'el-torito-efi-image' } : { kind: 'file', source: parseDiskSource(a0, spelled) };
        break;
      default:
        throw new Error(`BootBuilder: unhandled option ${name}`);
    }
  }

  private setImage(image: BootImageRef, option: string, platformId: number): void {
    const c = this.cur;
    c.image = image;
    c.fromOption = option;
    c.platformId = platformId;
  }

  /** -eltorito-alt-boot: commit the current entry (when it has an image) and reset the per-entry settings. */
  private close(): void {
    const c = this.cur;
    if (c.image) {
      const platformId = c.efiDefault ? 0xef : c.platformId;
      const platform = platformId === 0 ? 'bios' : platformId === 0xef ? 'efi' : 'other';
      const emulation = c.emulationGiven ? c.emulation : 'floppy';
      // xorriso: a no-emulation entry without -boot-load-size loads the whole image; EFI entries always do
      const loadSize = emulation === 'none' && (c.loadSize === undefined || platformId === 0xef) ? 'full' : c.loadSize;
      if (this.entries.length >= 32) throw new UsageError('at most 32 El Torito boot entries are possible');
      const e: ElToritoEntry = {
        platform, platformId, image: c.image, emulation, bootable: c.bootable, bootInfoTable: c.bootInfoTable, grub2BootInfo: c.grub2BootInfo,
        fromOption: c.fromOption as string,
        ...(loadSize !== undefined ? { loadSize } : {}),
        ...(c.loadSegment !== undefined ? { loadSegment: c.loadSegment } : {}),
        ...(c.isohybridGpt ? { isohybridGpt: c.isohybridGpt } : {}),
        ...(c.idString !== undefined ? { idString: c.idString } : {}),
        ...(c.selectionCriteria !== undefined ? { selectionCriteria: c.selectionCriteria } : {}),
      };
      this.entries.push(e);
    }
    this.cur = fresh();
    this.pendingSettings = false;
  }

  /**
   * Close the last entry and produce the plan (undefined when no boot option was given).
   * `isHidden(path, joliet)` tells whether a -hide / -hide-joliet pattern matches the catalog's ISO path.
   */
  finish(isHidden: (isoPath: string, joliet: boolean) => boolean): BootPlan | undefined {
    if (!this.cur.image && this.pendingSettings) this.warnings.push('El Torito options after the last boot image (-b/-e) have no effect');
    this.close();
    if (!this.options.length) return undefined;
    const sa: SystemAreaPlan = {
      ...this.sa,
      ...(this.saFile ? { file: this.saFile } : {}),
      ...(this.saKind && this.saFile ? { kind: this.saKind } : {}),
      appendedPartitions: [...this.appended.values()].sort((a, b) => a.number - b.number),
    };
    for (const e of this.entries) {
      if (e.image.kind === 'appended-partition' && !this.appended.has(e.image.partition)) {
        throw new UsageError(`${e.fromOption} ${describe(e.image)}: there is no -append_partition ${e.image.partition}`);
      }
    }
    if (this.saKind && this.saKind !== 'generic' && this.saFile && !this.entries.some((e) => e.platform === 'bios')) {
      this.warnings.push(`${this.saKind === 'isohybrid' ? '-isohybrid-mbr' : '--grub2-mbr'} has no BIOS boot image (-b) to point at`);
    }
    const gptMarked = this.entries.filter((e) => e.isohybridGpt);
    if (gptMarked.length && this.saKind !== 'isohybrid' && !sa.partLikeIsohybrid) {
      this.warnings.push(`-isohybrid-gpt-${gptMarked[0]?.isohybridGpt} has no effect without -isohybrid-mbr (or -part_like_isohybrid), as in xorriso`);
    }
    if (sa.efiBootPart?.kind === 'el-torito-efi-image' && !this.entries.some((e) => e.platform === 'efi')) {
      this.warnings.push('-efi-boot-part --efi-boot-image has no EFI boot image (-e / --efi-boot) to expose');
    }
    if (this.catalogPath && !this.entries.length) this.warnings.push(`-c ${this.catalogPath} has no effect without a boot image`);
    const catalogPath = this.catalogPath ?? '/boot.catalog';
    return {
      entries: this.entries,
      ...(this.entries.length ? { catalog: { path: catalogPath, hidden: this.catalogHide || isHidden(catalogPath, false), hiddenJoliet: this.catalogHide || isHidden(catalogPath, true) } } : {}),
      systemArea: sa,
      options: this.options,
    };
  }
}

export function describe(image: BootImageRef): string {
  return image.kind === 'file' ? image.path : `--interval:appended_partition_${image.partition}:all::`;
}
