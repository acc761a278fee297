/**
 * The system area (LBA 0–15) of a bootable image: an MBR (isohybrid: ISOLINUX isohdpfx.bin with the boot
 * image's 512-byte address at 432; GRUB2 hybrid: boot_hybrid.img with that address + 4; protective 0xEE for a
 * GPT; --protective-msdos-label; -partition_offset; appended partitions) and a GPT (UEFI 2.x 5.3: header at
 * sector 1, 248 entries in sectors 2–63 like xorriso, backup at the end). Which entries appear follows what
 * xorriso 1.5 writes for the same options (observed with `xorriso -report_system_area plain`):
 *
 * - isohybrid GPT (-isohybrid-gpt-basdat): MBR partition 1 from 0 over the ISO with type 0x00, partition 2
 *   0xEF over the EFI boot image; GPT "ISOHybrid" over the ISO and "ISOHybrid1"… over the marked boot images,
 *   basic data, overlapping (formally invalid, accepted by firmware; no 0xEE entry, so UEFI boots via El Torito).
 * - protective GPT (-appended_part_as_gpt, -efi-boot-part, --gpt without isohybrid): MBR 0xEE from sector 1;
 *   GPT "ISO9660" (with a partition offset) or "Gap0" over the ISO from sector 64, appended partitions at
 *   their numbers ("AppendedN"), "GapN" entries over what is left uncovered.
 * - no GPT: partition 1 over the ISO (0x17 isohybrid, 0xCD otherwise), appended partitions at their numbers.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { derivedPartitionGuid, serializeGpt, type GptPartitionInit } from '../../formats/gpt/index.js';
import { MBR_ISOHYBRID_LBA_OFFSET, serializeMbr, type DiskGeometry, type MbrPartitionInit } from '../../formats/mbr/index.js';
import { GUID, type ResolvedPartition } from './resolve.js';
import type { MbrTemplateKind } from './spec.js';

export type GptMode = 'none' | 'isohybrid' | 'protective';

/** Decided before planning (they change which regions exist). */
export interface SystemAreaConfig {
  readonly template?: Uint8Array;
  readonly kind?: MbrTemplateKind;
  readonly gptMode: GptMode;
  readonly offsetBlocks: number;
  readonly protectiveMsdosLabel: boolean;
  readonly forceBootable: boolean;
  readonly isoMbrPartType?: number;
  readonly partLikeIsohybrid: boolean;
  readonly diskGuid: Uint8Array;
  readonly diskSignature: number;
}

export interface PlacedRange {
  readonly startSector: number;
  readonly sectorCount: number;
}

/** Known once the layout is final (512-byte sectors throughout). */
export interface DiskFacts {
  readonly totalSectors: number;
  /** end of the ISO part: the first appended partition, or the end of the image */
  readonly isoEndSector: number;
  /** first sector of the 64-sector backup GPT group at the end (GPT only) */
  readonly backupStartSector?: number;
  readonly geometry: DiskGeometry;
  /** 512-byte address of the first BIOS boot image (MBR bytes 432–439) */
  readonly biosImage512?: number;
  readonly partitions: readonly (PlacedRange & { readonly p: ResolvedPartition })[];
  /** El Torito images marked for an isohybrid GPT, in catalog order */
  readonly marked: readonly (PlacedRange & { readonly type: 'basdat' | 'hfsplus'; readonly efi: boolean; readonly nested: boolean; readonly partition?: number })[];
  /** -efi-boot-part --efi-boot-image: the El Torito EFI image file */
  readonly efiBootImage?: PlacedRange;
}

export interface SystemAreaBytes {
  /** bytes for the start of the system area (≤ 32 KiB) */
  readonly head: Uint8Array;
  /** the backup GPT (array + header) for the last 63 sectors of the image */
  readonly gptBackup?: Uint8Array;
}

const FIRST_USABLE = 64;
const GPT_ENTRIES = 248;
const READ_ONLY_REQUIRED = '0x1000000000000001';
const CHS_MAX = { cylinder: 1023, head: 254, sector: 63 };
const clampSectors = (n: number): number => Math.min(0xffffffff, Math.max(0, n));

function isoPartitionEntry(cfg: SystemAreaConfig, f: DiskFacts): MbrPartitionInit | undefined {
  const isohybrid = cfg.kind === 'isohybrid' || cfg.partLikeIsohybrid;
  if (!isohybrid && !cfg.protectiveMsdosLabel && cfg.offsetBlocks === 0) return undefined;
  const start = cfg.offsetBlocks > 0 ? cfg.offsetBlocks * 4 : cfg.protectiveMsdosLabel ? 1 : 0;
  const type = cfg.isoMbrPartType ?? (isohybrid ? (cfg.gptMode === 'isohybrid' ? 0x00 : 0x17) : 0xcd);
  const bootable = isohybrid || cfg.protectiveMsdosLabel || cfg.kind === 'grub2';
  return { status: bootable ? 0x80 : 0x00, type, startLba: start, sectorCount: clampSectors(f.isoEndSector - start) };
}

function mbrSlots(cfg: SystemAreaConfig, f: DiskFacts): (MbrPartitionInit | undefined)[] {
  const slots: (MbrPartitionInit | undefined)[] = [undefined, undefined, undefined, undefined];
  if (cfg.gptMode === 'protective') {
    slots[0] = { status: 0, type: 0xee, startLba: 1, sectorCount: clampSectors(f.totalSectors - 1) };
    if (cfg.forceBootable) slots[1] = { status: 0x80, type: 0x00, startLba: 0, sectorCount: 1 };
    return slots;
  }
  slots[0] = isoPartitionEntry(cfg, f);
  if (cfg.gptMode === 'isohybrid') {
    const efi = f.marked.find((m) => m.efi);
    if (efi) slots[1] = { status: 0, type: 0xef, startLba: efi.startSector, sectorCount: efi.sectorCount, ...(efi.nested ? { chsStart: CHS_MAX, chsEnd: CHS_MAX } : {}) };
  }
  for (const part of f.partitions) {
    const i = part.p.number - 1;
    if (i > 3) continue;
    if (slots[i] && !(cfg.gptMode === 'isohybrid' && i === 1 && slots[1]?.startLba === part.startSector)) {
      throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `appended partition ${part.p.number}: MBR slot ${i + 1} is already used`);
    }
    slots[i] = { status: 0, type: part.p.mbrType, startLba: part.startSector, sectorCount: clampSectors(part.sectorCount) };
  }
  if (cfg.forceBootable && !slots.some((s) => s && s.status === 0x80)) {
    const i = slots.findIndex((s) => s !== undefined);
    if (i >= 0) slots[i] = { ...(slots[i] as MbrPartitionInit), status: 0x80 };
    else slots[0] = { status: 0x80, type: 0x00, startLba: 0, sectorCount: 1 };
  }
  return slots;
}

function buildMbr(cfg: SystemAreaConfig, f: DiskFacts): Uint8Array | undefined {
  const slots = mbrSlots(cfg, f);
  const hybrid = cfg.kind === 'isohybrid' || cfg.kind === 'grub2';
  if (!hybrid && !slots.some(Boolean)) return undefined;
  let address: number | undefined;
  if (hybrid) {
    if (f.biosImage512 === undefined) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `a ${cfg.kind === 'grub2' ? 'GRUB2' : 'isohybrid'} MBR needs a BIOS El Torito boot image`);
    address = cfg.kind === 'grub2' ? f.biosImage512 + 4 : f.biosImage512;
  }
  const code = cfg.template && hybrid ? cfg.template.subarray(0, MBR_ISOHYBRID_LBA_OFFSET) : undefined;
  if (hybrid && (!code || code.length < MBR_ISOHYBRID_LBA_OFFSET)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'the hybrid MBR template must have at least 432 bytes');
  return serializeMbr({
    ...(code ? { bootCode: code } : {}),
    ...(address !== undefined ? { isohybridBootImage512Lba: address } : {}),
    diskSignature: cfg.kind === 'isohybrid' ? cfg.diskSignature : 0,
    partitions: slots,
    geometry: f.geometry,
  });
}

interface GptEntryPlan {
  slot?: number;
  init: Omit<GptPartitionInit, 'uniqueGuid'>;
}

function isohybridGptEntries(f: DiskFacts, isoEnd: number): GptEntryPlan[] {
  const out: GptEntryPlan[] = [{ init: { typeGuid: GUID.BASIC_DATA, firstLba: 0, lastLba: isoEnd - 1, attributes: READ_ONLY_REQUIRED, name: 'ISOHybrid' } }];
  const listed = new Set<number>();
  f.marked.forEach((m, i) => {
    if (m.partition !== undefined) listed.add(m.partition);
    out.push({ init: { typeGuid: m.type === 'hfsplus' ? GUID.HFS_PLUS : GUID.BASIC_DATA, firstLba: m.startSector, lastLba: m.startSector + m.sectorCount - 1, attributes: READ_ONLY_REQUIRED, name: `ISOHybrid${i + 1}` } });
  });
  for (const part of f.partitions) {
    if (listed.has(part.p.number)) continue;
    out.push({ init: { typeGuid: part.p.gptType, firstLba: part.startSector, lastLba: part.startSector + part.sectorCount - 1, attributes: part.p.gptAttributes, name: part.p.gptName } });
  }
  return out;
}

function protectiveGptEntries(cfg: SystemAreaConfig, f: DiskFacts, isoEnd: number, lastFree: number): GptEntryPlan[] {
  const out: GptEntryPlan[] = [];
  const start = Math.max(FIRST_USABLE, cfg.offsetBlocks * 4);
  if (f.efiBootImage) {
    out.push({ init: { typeGuid: GUID.ESP, firstLba: f.efiBootImage.startSector, lastLba: f.efiBootImage.startSector + f.efiBootImage.sectorCount - 1, attributes: READ_ONLY_REQUIRED, name: 'EFI boot partition' } });
  }
  for (const part of f.partitions) {
    out.push({ slot: part.p.number, init: { typeGuid: part.p.gptType, firstLba: part.startSector, lastLba: part.startSector + part.sectorCount - 1, attributes: part.p.gptAttributes, name: part.p.gptName } });
  }
  // the rest (the ISO around nested entries, the padding after appended partitions) gets "GapN" entries;
  // the first is "ISO9660" when the ISO starts at a partition offset
  const sorted = out.map((e) => e.init).sort((a, b) => a.firstLba - b.firstLba);
  let at = start;
  let gap = 0;
  for (const p of [...sorted, { firstLba: lastFree + 1, lastLba: lastFree }]) {
    if (p.firstLba > at) {
      const name = gap === 0 && cfg.offsetBlocks > 0 ? 'ISO9660' : `Gap${gap}`;
      out.push({ init: { typeGuid: GUID.BASIC_DATA, firstLba: at, lastLba: p.firstLba - 1, attributes: READ_ONLY_REQUIRED, name } });
      gap++;
    }
    at = Math.max(at, p.lastLba + 1);
  }
  if (isoEnd <= start) throw new IsoKitError(ErrorCode.INTERNAL, 'the ISO ends before the first usable GPT sector');
  return out;
}

/** Give every entry a slot: fixed ones (appended partitions) first, the rest the lowest free slots in start order. */
function assignSlots(plans: GptEntryPlan[], diskGuid: Uint8Array): GptPartitionInit[] {
  const used = new Set<number>();
  for (const p of plans) {
    if (p.slot === undefined) continue;
    if (used.has(p.slot)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `GPT slot ${p.slot} is used twice`);
    used.add(p.slot);
  }
  let next = 1;
  const free = () => {
    while (used.has(next)) next++;
    used.add(next);
    return next;
  };
  const fixedFirst = plans.map((p) => ({ ...p })).sort((a, b) => a.init.firstLba - b.init.firstLba);
  for (const p of fixedFirst) if (p.slot === undefined) p.slot = free();
  return fixedFirst
    .sort((a, b) => (a.slot as number) - (b.slot as number))
    .map((p) => ({ ...p.init, index: p.slot, uniqueGuid: derivedPartitionGuid(diskGuid, p.slot as number) }) as GptPartitionInit);
}

function buildGpt(cfg: SystemAreaConfig, f: DiskFacts): { primary: Uint8Array; backup: Uint8Array } {
  const backupStart = f.backupStartSector;
  if (backupStart === undefined) throw new IsoKitError(ErrorCode.INTERNAL, 'GPT without a backup area');
  const isoEnd = Math.min(f.isoEndSector, backupStart);
  const lastFree = backupStart - 1;
  const plans = cfg.gptMode === 'isohybrid' ? isohybridGptEntries(f, isoEnd) : protectiveGptEntries(cfg, f, isoEnd, lastFree);
  const partitions = assignSlots(plans, cfg.diskGuid);
  const gpt = serializeGpt({
    diskGuid: cfg.diskGuid,
    diskSectorCount: f.totalSectors,
    partitions,
    partitionEntryCount: GPT_ENTRIES,
    firstUsableLba: FIRST_USABLE,
    allowOverlap: cfg.gptMode === 'isohybrid',
  });
  if (gpt.backupByteOffset !== (backupStart + 1) * 512) throw new IsoKitError(ErrorCode.INTERNAL, 'backup GPT does not land in its area');
  return { primary: gpt.primary, backup: gpt.backup };
}

/** The system area bytes and the backup GPT for a finished layout. */
export function buildSystemArea(cfg: SystemAreaConfig, f: DiskFacts): SystemAreaBytes {
  const head = new Uint8Array(32768);
  let used = 0;
  if (cfg.kind === 'generic' && cfg.template) {
    head.set(cfg.template.subarray(0, head.length));
    used = Math.min(cfg.template.length, head.length);
  }
  const mbr = buildMbr(cfg, f);
  if (mbr) {
    if (cfg.kind === 'generic') head.set(mbr.subarray(446), 446); // keep the template's code, write the table
    else head.set(mbr);
    used = Math.max(used, 512);
  }
  let gptBackup: Uint8Array | undefined;
  if (cfg.gptMode !== 'none') {
    const g = buildGpt(cfg, f);
    head.set(g.primary, 512);
    used = Math.max(used, 512 + g.primary.length);
    gptBackup = g.backup;
  }
  return { head: head.subarray(0, used), ...(gptBackup ? { gptBackup } : {}) };
}
