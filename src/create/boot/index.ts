/**
 * Bootable images (browser-safe): `createBootHook(spec, tree, options)` turns a BootSpec into the writer's
 * BootHook — El Torito boot record at LBA 17 (right after the PVD: SeaBIOS reads exactly sector 17), boot
 * catalog (a file, or hidden), boot-info-table / GRUB2 boot info patched into the output copies only, and the
 * system area (isohybrid / GRUB2 / protective MBR, GPT, partition offset, appended partitions).
 *
 * The visible catalog is a file node inserted into `tree` (replacing a file at that path): pass the same tree
 * to planImage. Build date and volume id seed the GUIDs and the disk signature, so equal inputs give equal bytes.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { serializeElToritoBootRecord, hasIsohybridSignature } from '../../formats/eltorito/index.js';
import { diskSignatureFromSeed } from '../../formats/mbr/index.js';
import { parseGuid, volumeDateGuid } from '../../formats/gpt/index.js';
import type { TreeNode } from '../../model/index.js';
import type { BootHook, ContentPatch, RegionSlot } from '../hooks.js';
import type { ImageLayout } from '../types.js';
import { bootImagePatches, buildCatalog, type ImagePlace } from './eltorito.js';
import { appendedPartitionRegion, endRegion, geometryFor, hiddenCatalogRegion, isoAlignmentRegion, GPT_BACKUP_BLOCKS, type DiskState } from './regions.js';
import { insertCatalogNode, resolveEntries, resolvePartitions, type ResolvedEntry, type ResolvedPartition } from './resolve.js';
import type { BootHookOptions, BootSpec, SystemAreaSpec } from './spec.js';
import { buildSystemArea, type DiskFacts, type GptMode, type SystemAreaConfig, type SystemAreaBytes } from './system-area.js';

export type * from './spec.js';
export { findNode } from './resolve.js';

/** The writer's hook plus what the caller should tell the user. */
export interface BootSetup extends BootHook {
  readonly warnings: readonly string[];
}

const PVD_LBA = 16;

/** "YYYYMMDDhhmmsscc" of a UTC time (the volume modification date xorriso derives GUIDs from). */
export function volumeDate16(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}${p(Math.floor(d.getUTCMilliseconds() / 10))}`;
}

function gptModeOf(sa: SystemAreaSpec, spec: BootSpec): GptMode {
  const marked = spec.entries.some((e) => e.isohybridGpt);
  if (!sa.gpt && !marked && !sa.appendedPartAsGpt && !sa.efiBootPart) return 'none';
  const isohybrid = (sa.kind === 'isohybrid' && sa.template) || sa.partLikeIsohybrid;
  if (sa.appendedPartAsGpt || (sa.efiBootPart && !isohybrid)) return 'protective';
  return isohybrid ? 'isohybrid' : 'protective';
}

function checkSystemArea(sa: SystemAreaSpec): void {
  const off = sa.partitionOffset ?? 0;
  if (!Number.isInteger(off) || (off !== 0 && off < 16) || off > 0xffffffff) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `partition offset must be 0 or at least 16 blocks, got ${off}`);
  if (sa.appendedPartAsApm) throw new IsoKitError(ErrorCode.UNSUPPORTED, 'appended partitions in an Apple Partition Map (-appended_part_as_apm) are not supported');
  if ((sa.kind === 'isohybrid' || sa.kind === 'grub2') && !sa.template) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `a ${sa.kind} MBR needs its template bytes`);
  if (sa.template && sa.template.length > 32768) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `a system area template holds at most 32768 bytes, got ${sa.template.length}`);
  for (const [n, v] of [['heads per cylinder', sa.headsPerCylinder, 255], ['sectors per head', sa.sectorsPerHead, 63]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > (n === 'heads per cylinder' ? 255 : 63))) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${n} out of range: ${v}`);
  }
}

function diskGuidOf(sa: SystemAreaSpec, o: BootHookOptions): Uint8Array {
  const g = sa.gptDiskGuid;
  if (g && g !== 'modification-date' && g !== 'volume-date') return parseGuid(g);
  return volumeDateGuid(volumeDate16(o.dateMs ?? 0));
}

interface Built {
  entries: ResolvedEntry[];
  partitions: Map<number, ResolvedPartition>;
  catalogNode?: TreeNode;
  cfg: SystemAreaConfig;
  align: boolean;
  alignAll: boolean;
  /** -efi-boot-part --efi-boot-image: a GPT ESP entry over the El Torito EFI image file */
  efiBootImage: boolean;
  state: DiskState;
}

function placeOf(b: Built, layout: ImageLayout, e: ResolvedEntry): ImagePlace {
  if (e.node) {
    const loc = layout.locate(e.node);
    if (!loc || loc.byteLength === 0) throw new IsoKitError(ErrorCode.INTERNAL, `boot image ${e.node.name} has no data extent`);
    return loc;
  }
  const n = e.partition as number;
  const r = layout.regions.find((x) => x.name === `boot:appended-partition-${n}`);
  const p = b.partitions.get(n);
  if (!r || !p) throw new IsoKitError(ErrorCode.INTERNAL, `appended partition ${n} was not placed`);
  const range = e.spec.image.kind === 'appended-partition' ? e.spec.image.range : undefined;
  if (!range) return { lba: r.lba, byteLength: p.byteLength };
  if (range.startByte % 2048 !== 0 || range.endByte < range.startByte || range.endByte >= r.blockCount * 2048) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `boot image range ${range.startByte}-${range.endByte} of appended partition ${n} must start on a 2 KiB boundary inside it`);
  }
  return { lba: r.lba + range.startByte / 2048, byteLength: range.endByte - range.startByte + 1 };
}

function isoEndBlocks(layout: ImageLayout): number {
  const first = layout.regions.find((r) => r.name.startsWith('boot:appended-partition-'));
  return first ? first.lba : layout.blockCount;
}

function diskFacts(b: Built, layout: ImageLayout): DiskFacts {
  const total = layout.blockCount * 4;
  const bios = b.entries.find((e) => e.platformId === 0x00);
  const efi = b.entries.find((e) => e.platformId === 0xef);
  const sectorsOf = (byteLength: number) => Math.ceil(byteLength / 2048) * 4;
  return {
    totalSectors: total,
    isoEndSector: isoEndBlocks(layout) * 4,
    ...(b.cfg.gptMode !== 'none' ? { backupStartSector: (layout.blockCount - GPT_BACKUP_BLOCKS) * 4 } : {}),
    geometry: geometryFor(b.state, total),
    ...(bios ? { biosImage512: placeOf(b, layout, bios).lba * 4 } : {}),
    partitions: [...b.partitions.values()].map((p) => {
      const r = layout.regions.find((x) => x.name === `boot:appended-partition-${p.number}`);
      if (!r) throw new IsoKitError(ErrorCode.INTERNAL, `appended partition ${p.number} was not placed`);
      return { p, startSector: r.lba * 4, sectorCount: r.blockCount * 4 };
    }),
    marked: b.entries.filter((e) => e.spec.isohybridGpt).map((e) => {
      const at = placeOf(b, layout, e);
      return {
        startSector: at.lba * 4, sectorCount: sectorsOf(at.byteLength), type: e.spec.isohybridGpt as 'basdat' | 'hfsplus',
        efi: e.platformId === 0xef, nested: e.node !== undefined, ...(e.partition !== undefined ? { partition: e.partition } : {}),
      };
    }),
    ...(b.cfg.gptMode !== 'none' && efi?.node && b.efiBootImage
      ? { efiBootImage: { startSector: placeOf(b, layout, efi).lba * 4, sectorCount: sectorsOf(placeOf(b, layout, efi).byteLength) } }
      : {}),
  };
}

function makeRegions(b: Built, catalogBlocks: number, catalogBytes: (l: ImageLayout) => Uint8Array, systemArea: (l: ImageLayout) => SystemAreaBytes): RegionSlot[] {
  const out: RegionSlot[] = [];
  if (b.entries.length && !b.catalogNode) out.push({ before: 'file-data', region: hiddenCatalogRegion(catalogBlocks, catalogBytes) });
  const parts = [...b.partitions.values()].sort((x, y) => x.number - y.number);
  if (parts.length) {
    let extra = 0;
    for (const p of parts) extra += Math.ceil(p.byteLength / 2048) * 4;
    if (b.align) out.push({ before: 'padding', region: isoAlignmentRegion(b.state, extra) });
    for (const p of parts) out.push({ before: 'padding', region: appendedPartitionRegion(p, b.state, b.alignAll) });
  }
  const gpt = b.cfg.gptMode !== 'none';
  const alignEnd = b.align && parts.length === 0;
  if (gpt || alignEnd) out.push({ before: 'end', region: endRegion(b.state, { align: alignEnd, gpt, gptBackup: (l) => systemArea(l).gptBackup }) });
  return out;
}

/** xorriso records the whole image in the first superblock when the ISO also starts at a partition offset. */
const vssOf = (layout: ImageLayout, offset = 0): number => (offset > 0 ? layout.blockCount : isoEndBlocks(layout));

/**
 * Resolve `spec` against `tree` (boot images must be files in it; the visible catalog is inserted into it) and
 * return the writer hook. Reads the boot images that get patched (they are small) — hence async.
 */
export async function createBootHook(spec: BootSpec, tree: TreeNode, options: BootHookOptions = {}): Promise<BootSetup> {
  const sa = spec.systemArea ?? {};
  checkSystemArea(sa);
  const warnings: string[] = [];
  const efiPartBytes = sa.efiBootPart?.kind === 'content' ? sa.efiBootPart.content : undefined;
  const partitions = resolvePartitions(sa.appendedPartitions ?? [], efiPartBytes);
  const entries = await resolveEntries(tree, spec, partitions, options.signal);
  if (!entries.length && (spec.catalog || sa.kind === 'isohybrid' || sa.kind === 'grub2')) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, sa.kind === 'isohybrid' || sa.kind === 'grub2' ? `a ${sa.kind} MBR needs a BIOS El Torito boot image` : 'a boot catalog needs at least one boot image');
  }
  const gptMode = gptModeOf(sa, spec);
  const kind = sa.kind ?? (sa.template ? 'generic' : undefined);
  const isohybridKind = kind === 'isohybrid';
  const alignSetting = sa.cylinderAlign ?? 'auto';
  const align = alignSetting === 'on' || alignSetting === 'all' || (alignSetting === 'auto' && isohybridKind);
  const cfg: SystemAreaConfig = {
    ...(sa.template ? { template: sa.template } : {}),
    ...(kind ? { kind } : {}),
    gptMode,
    offsetBlocks: sa.partitionOffset ?? 0,
    protectiveMsdosLabel: !!sa.protectiveMsdosLabel,
    forceBootable: !!sa.mbrForceBootable,
    ...(sa.isoMbrPartType !== undefined ? { isoMbrPartType: sa.isoMbrPartType } : {}),
    partLikeIsohybrid: !!sa.partLikeIsohybrid,
    diskGuid: diskGuidOf(sa, options),
    diskSignature: diskSignatureFromSeed(`isokit:${options.dateMs ?? 0}:${options.volumeId ?? ''}`),
  };
  const fixed = sa.headsPerCylinder || sa.sectorsPerHead ? { heads: sa.headsPerCylinder ?? 64, sectorsPerTrack: sa.sectorsPerHead ?? 32 } : undefined;
  const efiBootImage = sa.efiBootPart?.kind === 'el-torito-efi-image';
  if (efiBootImage && !entries.some((e) => e.platformId === 0xef && e.node)) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, '-efi-boot-part --efi-boot-image needs an El Torito EFI boot image file');
  }
  const b: Built = {
    entries, partitions, cfg, align, alignAll: align && (alignSetting === 'all' || alignSetting === 'auto'), efiBootImage,
    state: fixed ? { fixedGeometry: fixed } : {},
  };
  if (isohybridKind) {
    const bios = entries.find((e) => e.platformId === 0x00);
    if (bios?.bytes && !hasIsohybridSignature(bios.bytes)) warnings.push(`${bios.node?.name ?? 'the BIOS boot image'} has no isohybrid signature (0x7078C0FB at byte 0x40): the hybrid MBR may not find it`);
  }
  if (spec.catalog?.hiddenJoliet && !spec.catalog.hidden) warnings.push('hiding the boot catalog from Joliet only is not supported: it stays visible there');

  // catalog size depends only on the entries: build it once with dummy places
  const catalogSize = entries.length ? buildCatalog(entries, () => ({ lba: 0, byteLength: 2048 })).length : 0;
  if (entries.length && !spec.catalog?.hidden) b.catalogNode = insertCatalogNode(tree, spec.catalog?.path ?? '/boot.catalog', catalogSize);

  const catalogCache = new WeakMap<ImageLayout, Uint8Array>();
  const catalogBytes = (layout: ImageLayout): Uint8Array => {
    let c = catalogCache.get(layout);
    if (!c) catalogCache.set(layout, (c = buildCatalog(entries, (e) => placeOf(b, layout, e))));
    return c;
  };
  const saCache = new WeakMap<ImageLayout, SystemAreaBytes>();
  const systemArea = (layout: ImageLayout): SystemAreaBytes => {
    let s = saCache.get(layout);
    if (!s) saCache.set(layout, (s = buildSystemArea(cfg, diskFacts(b, layout))));
    return s;
  };
  const catalogLba = (layout: ImageLayout): number => {
    if (b.catalogNode) return (layout.locate(b.catalogNode) as { lba: number }).lba;
    const r = layout.regions.find((x) => x.name === 'boot:catalog');
    if (!r) throw new IsoKitError(ErrorCode.INTERNAL, 'boot catalog region missing');
    return r.lba;
  };
  const needsSystemArea = !!(kind || gptMode !== 'none' || cfg.protectiveMsdosLabel || cfg.offsetBlocks || partitions.size || cfg.forceBootable);
  return {
    warnings,
    ...(needsSystemArea ? { systemArea: (layout: ImageLayout) => systemArea(layout).head } : {}),
    ...(entries.length ? { descriptors: [(layout: ImageLayout) => serializeElToritoBootRecord(catalogLba(layout))] } : {}),
    regions: () => makeRegions(b, Math.max(1, catalogSize / 2048), catalogBytes, systemArea),
    patches: (layout: ImageLayout): ContentPatch[] => {
      const out: ContentPatch[] = [];
      for (const e of entries) if (e.node) out.push(...bootImagePatches(e, placeOf(b, layout, e), PVD_LBA));
      if (b.catalogNode) out.push({ node: b.catalogNode, byteOffset: 0, bytes: catalogBytes(layout) });
      return out;
    },
    volumeSpaceBlockCount: (layout: ImageLayout) => vssOf(layout, cfg.offsetBlocks),
    ...(cfg.offsetBlocks > 0 ? { partitionOffset: { blockCount: cfg.offsetBlocks, volumeSpaceBlockCount: isoEndBlocks } } : {}),
  };
}
