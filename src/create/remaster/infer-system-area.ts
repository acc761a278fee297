/**
 * The original system area (LBA 0–15), replayed as a SystemAreaSpec: the MBR boot code (bytes 0–431 of an
 * ISOLINUX isohybrid or GRUB2 hybrid MBR, recognised by the BIOS boot image address at bytes 432–439: the
 * image's 512-byte address, or that + 4 for GRUB2), and the partition table style — isohybrid partition 1
 * over the ISO from sector 0, --protective-msdos-label (0xCD from sector 1), a protective MBR (0xEE) + GPT,
 * an isohybrid GPT (-isohybrid-gpt-basdat: no 0xEE entry, El Torito images listed as basic data),
 * -partition_offset (a second superblock at the ISO partition's start), --mbr-force-bootable and appended
 * partitions. Layout details that depend on sizes (starts, counts, GUIDs, CHS) are recomputed by the writer.
 */
import { isZero, readStrA, readU64LE } from '../../bytes/index.js';
import { MBR_ISOHYBRID_LBA_OFFSET, classifyMbrBootCode, hybridGeometry, sectorsPerCylinder, type MbrPartitionEntry } from '../../formats/mbr/index.js';
import type { IsoImage } from '../../read/index.js';
import type { BootCatalogInfo } from '../../read/boot.js';
import type { AppendedPartitionSpec, CylinderAlign, MbrTemplateKind, SystemAreaSpec } from '../boot/spec.js';
import { rangesContent } from '../../model/index.js';
import type { OriginalPartition } from './appended.js';
import type { RemasterReport, SystemAreaStyle } from './types.js';

const SYSTEM_AREA_BYTES = 32768;
const HFS_PLUS_GUID = '48465300-0000-11AA-AA11-00306543ECAC';

export interface InferredSystemArea {
  readonly spec?: SystemAreaSpec;
  readonly report: RemasterReport['boot']['systemArea'];
  /** catalog index → isohybrid GPT mark */
  readonly marked: Map<number, 'basdat' | 'hfsplus'>;
  readonly warnings: string[];
}

function templateKind(head: Uint8Array, bootCatalog: BootCatalogInfo | undefined, warnings: string[]): { style: SystemAreaStyle; template?: Uint8Array } {
  const code = head.subarray(0, MBR_ISOHYBRID_LBA_OFFSET);
  if (head.length < 512 || isZero(code)) return { style: 'none' };
  const bios = bootCatalog?.images.find((i) => i.platformId === 0x00);
  const address = readU64LE(head, MBR_ISOHYBRID_LBA_OFFSET);
  const classified = classifyMbrBootCode(head);
  let style: SystemAreaStyle = 'generic';
  if (bios && address === bios.lba * 4) style = 'isohybrid';
  else if (bios && address === bios.lba * 4 + 4) style = 'grub2';
  else if (bios && classified === 'isolinux-isohybrid') style = 'isohybrid';
  else if (bios && classified === 'grub2') style = 'grub2';
  if (style === 'isohybrid' || style === 'grub2') return { style, template: head.slice(0, MBR_ISOHYBRID_LBA_OFFSET) };
  if (classified !== 'unknown') warnings.push(`the MBR boot code looks like ${classified} but no BIOS El Torito image matches its address: kept as generic boot code`);
  const template = head.slice(0, 512);
  template.fill(0, 446, 510); // the partition table is re-created
  return { style: 'generic', template };
}

const coversIso = (start: number, byteLength: number) => start <= SYSTEM_AREA_BYTES && start + byteLength > SYSTEM_AREA_BYTES;

/** -partition_offset: a partition over the ISO starting at block k ≥ 16 with a PVD at block k + 16. */
async function partitionOffsetOf(image: IsoImage): Promise<number> {
  const starts = new Set<number>();
  for (const p of image.partitions.mbr?.partitions ?? []) if (!p.empty && p.type !== 0xee && coversIso(p.startByteOffset, p.byteLength)) starts.add(p.startByteOffset);
  for (const p of image.partitions.gpt?.partitions ?? []) if (coversIso(p.startByteOffset, p.byteLength)) starts.add(p.startByteOffset);
  for (const start of starts) {
    if (start % 2048 !== 0 || start / 2048 < 16) continue;
    const pvdAt = start + 16 * 2048;
    if (pvdAt + 2048 > image.source.byteLength) continue;
    const pvd = await image.source.read(pvdAt, 8);
    if (pvd[0] === 1 && readStrA(pvd, 1, 5) === 'CD001') return start / 2048;
  }
  return 0;
}

function marks(image: IsoImage): Map<number, 'basdat' | 'hfsplus'> {
  const out = new Map<number, 'basdat' | 'hfsplus'>();
  const gpt = image.partitions.gpt;
  for (const img of image.bootCatalog?.images ?? []) {
    const p = gpt?.partitions.find((x) => x.startByteOffset === img.byteOffset && !coversIso(x.startByteOffset, x.byteLength));
    if (p) out.set(img.index, p.typeGuid.toUpperCase() === HFS_PLUS_GUID ? 'hfsplus' : 'basdat');
  }
  return out;
}

function appendedSpecs(image: IsoImage, parts: readonly OriginalPartition[]): AppendedPartitionSpec[] {
  return parts.map((p) => ({
    number: p.number,
    mbrType: p.mbrType ?? 0xda,
    ...(p.gptType && !p.isohybridGptName ? { gptType: p.gptType } : {}),
    content: rangesContent([{ source: image.source, byteOffset: p.byteOffset, byteLength: p.byteLength }]),
  }));
}

function cylinderAlignOf(isoPart: MbrPartitionEntry | undefined, hybrid: boolean, totalSectors: number): CylinderAlign {
  if (!hybrid || !isoPart) return 'off';
  const end = isoPart.startLba + isoPart.sectorCount;
  return end % sectorsPerCylinder(hybridGeometry(totalSectors)) === 0 ? 'auto' : 'off';
}

function unreplayed(image: IsoImage, parts: readonly OriginalPartition[], isoPart: MbrPartitionEntry | undefined, warnings: string[]): void {
  const { mbr, apm } = image.partitions;
  if (apm) warnings.push('the Apple Partition Map is not replayed');
  const appended = new Set(parts.map((p) => p.byteOffset));
  for (const p of mbr?.partitions ?? []) {
    if (p.empty || p.type === 0xee || p === isoPart || appended.has(p.startByteOffset) || (p.type === 0 && p.startLba === 0 && p.sectorCount === 1)) continue;
    if (p.type === 0xef) continue; // isohybrid GPT: 0xEF over the marked EFI image, re-created from the mark
    warnings.push(`MBR partition ${p.index} (type 0x${p.type.toString(16).padStart(2, '0')}, sector ${p.startLba}) is neither the ISO partition nor appended: not replayed`);
  }
  if (mbr?.logical.length) warnings.push(`${mbr.logical.length} logical MBR partition(s) are not replayed`);
}

/** Infer the system area; `parts` are the appended partitions (findAppendedPartitions). */
export async function inferSystemArea(image: IsoImage, parts: readonly OriginalPartition[]): Promise<InferredSystemArea> {
  const warnings: string[] = [];
  const head = await image.source.read(0, Math.min(SYSTEM_AREA_BYTES, image.source.byteLength));
  const { mbr, gpt } = image.partitions;
  const { style, template } = templateKind(head, image.bootCatalog, warnings);
  const mbrEntries = (mbr?.partitions ?? []).filter((p) => !p.empty);
  const protective = mbrEntries.some((p) => p.type === 0xee) && !!gpt;
  const isoPart = mbrEntries.find((p) => p.type !== 0xee && coversIso(p.startByteOffset, p.byteLength));
  const partitionOffset = await partitionOffsetOf(image);
  const protectiveMsdosLabel = !protective && isoPart?.startLba === 1;
  const likeIsohybrid = !protective && isoPart?.startLba === 0;
  const gptMode = !gpt ? 'none' : protective ? 'protective' : 'isohybrid';
  const marked = gptMode === 'isohybrid' ? marks(image) : new Map<number, 'basdat' | 'hfsplus'>();
  const appendedInMbr = parts.some((p) => mbrEntries.some((m) => m.startByteOffset === p.byteOffset));
  const kind: MbrTemplateKind | undefined = style === 'none' ? undefined : style;
  const totalSectors = Math.floor(image.source.byteLength / 512);
  const cylinderAlign = cylinderAlignOf(isoPart, likeIsohybrid, totalSectors);
  const forceBootable = protective ? mbrEntries.some((p) => p.status === 0x80) : false;
  unreplayed(image, parts, isoPart, warnings);
  if (gptMode === 'isohybrid' && !likeIsohybrid) warnings.push('a GPT without a protective MBR entry next to a non-isohybrid MBR: written as a protective GPT');
  const spec: SystemAreaSpec = {
    ...(template ? { template } : {}),
    ...(kind ? { kind } : {}),
    ...(protectiveMsdosLabel ? { protectiveMsdosLabel } : {}),
    ...(forceBootable ? { mbrForceBootable: true } : {}),
    ...(partitionOffset ? { partitionOffset } : {}),
    ...(likeIsohybrid && style !== 'isohybrid' ? { partLikeIsohybrid: true } : {}),
    ...(isoPart && !protective ? { isoMbrPartType: isoPart.type } : {}),
    ...(gptMode !== 'none' && parts.length && protective && !appendedInMbr ? { appendedPartAsGpt: true } : {}),
    ...(gptMode !== 'none' && !marked.size ? { gpt: true } : {}),
    cylinderAlign,
    ...(parts.length ? { appendedPartitions: appendedSpecs(image, parts) } : {}),
  };
  const nothing = !template && !mbrEntries.length && !gpt;
  const report: InferredSystemArea['report'] = {
    style,
    templateByteLength: template?.length ?? 0,
    mbr: protective ? 'protective-gpt' : likeIsohybrid ? 'isohybrid' : protectiveMsdosLabel ? 'protective-msdos-label' : mbrEntries.length ? 'plain' : 'none',
    gpt: gptMode,
    partitionOffset,
    cylinderAlign,
    mbrForceBootable: forceBootable,
    appendedPartitions: parts.map((p) => ({ number: p.number, mbrType: p.mbrType ?? 0xda, ...(p.gptType ? { gptType: p.gptType } : {}), byteOffset: p.byteOffset, byteLength: p.byteLength })),
  };
  return { ...(nothing ? {} : { spec }), report, marked, warnings };
}
