/**
 * Making the partition views of a logical volume: type-1 and sparable maps from their Partition
 * Descriptors (and sparing tables), then the metadata maps (the metadata file, else its mirror: UDF 2.2.13)
 * and the virtual maps (the Virtual Allocation Table in the last recorded block: UDF 2.2.11, 6.12).
 */
import { FindingCode } from '../../errors/index.js';
import {
  AccessType, EntityIdentifier, FileType, SPARING_ENTRY_DEFECTIVE, TagIdentifier, attributeIdentifier, isVat15, parseExtendedAttributes, parseSparingTable,
  parseVat15, parseVat20, parseVatLvExtension, type LogicalVolumeDescriptor, type MetadataPartitionMap, type PartitionDescriptor, type PartitionMap,
  type SparablePartitionMap, type SparingTable,
} from '../../formats/udf/index.js';
import { partitionRanges, usableTag, type PartitionView, type UdfContext } from './context.js';
import { fileDataOf, isProblem, readFileBytes, readFileEntry, type Piece, type ReadEntry } from './icb.js';
import { extendedAttributesOf } from './nodes.js';
import { MetadataView, PhysicalView, SparableView, VirtualView, type MetadataExtent } from './partitions.js';

/** Facts about the partitions gathered while setting them up (for the volume info). */
export interface PartitionSetup {
  /** what the VAT says about the volume (2.xx header, or a 1.50 LVExtension attribute), when there is one */
  vat?: VatSummary;
  /** a metadata partition whose metadata file was unusable and whose mirror is used */
  metadataMirrorUsed?: boolean;
  /** views made from the mirror files, to try when reading through the metadata file fails (by reference) */
  readonly mirrors: Map<number, () => Promise<MetadataView | undefined>>;
}

/** The volume facts a Virtual Allocation Table carries (they supersede the LVID's on write-once media). */
export interface VatSummary {
  readonly logicalVolumeIdentifier?: string;
  readonly fileCount?: number;
  readonly directoryCount?: number;
  readonly minUdfReadRevision?: number;
  readonly minUdfWriteRevision?: number;
  readonly maxUdfWriteRevision?: number;
}

/** Largest sparing table or VAT read. */
const MAX_TABLE_BYTES = 64 * 1024 * 1024;
/** Blocks before the end of the recorded area searched for the VAT ICB. */
const VAT_SEARCH_BLOCKS = 32;

/** Build `ctx.partitions` from the LVD's maps; problems become findings (a map that cannot be used gets no view). */
export async function setUpPartitions(ctx: UdfContext, lvd: LogicalVolumeDescriptor, pds: ReadonlyMap<number, PartitionDescriptor>): Promise<PartitionSetup> {
  const setup: PartitionSetup = { mirrors: new Map() };
  const maps = lvd.partitionMaps;
  const physicalOf = new Map<number, PartitionView>();
  for (const [ref, map] of maps.entries()) {
    if (map.kind !== 'type1' && map.kind !== 'sparable') continue;
    const pd = descriptorFor(ctx, pds, map.partitionNumber, ref);
    if (!pd) continue;
    const view = map.kind === 'type1' ? physicalView(ctx, ref, pd) : await sparableView(ctx, ref, pd, map);
    ctx.partitions[ref] = view;
    if (!physicalOf.has(pd.partitionNumber)) physicalOf.set(pd.partitionNumber, view);
  }
  // metadata and virtual maps read through the physical partition they share a number with
  const physical = (ref: number, number: number): PartitionView | undefined => {
    const have = physicalOf.get(number);
    if (have) return have;
    const pd = descriptorFor(ctx, pds, number, ref);
    if (!pd) return undefined;
    const view = physicalView(ctx, maps.length + physicalOf.size, pd);
    ctx.partitions[view.ref] = view;
    physicalOf.set(number, view);
    return view;
  };
  for (const [ref, map] of maps.entries()) {
    if (map.kind === 'metadata') {
      const phys = physical(ref, map.partitionNumber);
      if (phys) await metadataView(ctx, setup, ref, map, phys);
    } else if (map.kind === 'virtual') {
      const phys = physical(ref, map.partitionNumber);
      const pd = pds.get(map.partitionNumber);
      if (phys && pd) await virtualView(ctx, setup, ref, map.partitionNumber, phys, pd);
    } else if (map.kind === 'other' || map.kind === 'unknown') {
      ctx.findings.error(FindingCode.UDF_PARTITION, `partition map ${ref} (${describeMap(map)}) is not supported; files in it cannot be read`, undefined, 'PartitionMap');
    }
  }
  return setup;
}

const describeMap = (m: PartitionMap): string => (m.kind === 'unknown' ? `type ${m.type}` : m.kind === 'other' ? `"${m.identifier.identifier}"` : m.kind);

function descriptorFor(ctx: UdfContext, pds: ReadonlyMap<number, PartitionDescriptor>, number: number, ref: number): PartitionDescriptor | undefined {
  const pd = pds.get(number);
  if (!pd) ctx.findings.error(FindingCode.UDF_PARTITION, `partition map ${ref} names partition ${number}, which has no Partition Descriptor`, undefined, 'PartitionMap');
  return pd;
}

function physicalView(ctx: UdfContext, ref: number, pd: PartitionDescriptor): PhysicalView {
  const bs = ctx.blockSize;
  const end = (pd.startSector + pd.blockCount) * bs;
  if (end > ctx.source.byteLength) {
    // write-once media (a VAT) record their partition from the start on: the unrecorded rest is normal
    ctx.findings[pd.accessType === AccessType.WRITE_ONCE ? 'info' : 'warn'](FindingCode.UDF_PARTITION, `partition ${pd.partitionNumber} (sectors ${pd.startSector}-${pd.startSector + pd.blockCount - 1}) runs past the end of the image (${ctx.source.byteLength} bytes)`, pd.tag.location * bs + 188, 'PartitionDescriptor');
  }
  return new PhysicalView(ref, pd.partitionNumber, pd.startSector * bs, pd.blockCount, bs);
}

/** A sparable map's view: the first sound sparing table (of the highest sequence number) says which packets moved. */
async function sparableView(ctx: UdfContext, ref: number, pd: PartitionDescriptor, map: SparablePartitionMap): Promise<PartitionView> {
  const bs = ctx.blockSize;
  let best: SparingTable | undefined;
  for (const sector of map.sparingTableSectors) {
    const at = sector * bs;
    const b = await ctx.source.read(at, Math.min(Math.max(map.sparingTableByteLength, 56), MAX_TABLE_BYTES), ctx.readOptions);
    if (b.length < 56 || !usableTag(ctx, b, 0, { identifier: TagIdentifier.SPARING_TABLE, location: sector }, at, 'SparingTable')) continue;
    try {
      const t = parseSparingTable(b, at);
      if (t.identifier.identifier === EntityIdentifier.SPARING_TABLE && (!best || t.sequenceNumber > best.sequenceNumber)) best = t;
    } catch {
      // a table that does not fit what was read: try the next copy
    }
  }
  const moved = new Map<number, number>();
  if (!best) {
    ctx.findings.error(FindingCode.UDF_SPARING_TABLE, `no sound sparing table among ${map.sparingTableSectors.length} copies; moved packets are read from their original place`, (map.sparingTableSectors[0] ?? 0) * bs, 'SparingTable');
  } else {
    const packet = Math.max(1, map.packetLength);
    for (const e of best.entries) if (e.originalLocation < SPARING_ENTRY_DEFECTIVE && e.originalLocation % packet === 0) moved.set(e.originalLocation, e.mappedLocation);
  }
  const base = physicalView(ctx, ref, pd);
  return new SparableView(ref, pd.partitionNumber, base.startByteOffset, pd.blockCount, bs, Math.max(1, map.packetLength), moved);
}

/** The metadata file's pieces as metadata extents (undefined when a piece is not recorded or leaves the partition). */
function metadataExtents(ctx: UdfContext, pieces: readonly Piece[]): MetadataExtent[] | undefined {
  const bs = ctx.blockSize;
  const out: MetadataExtent[] = [];
  let firstBlock = 0;
  for (const p of pieces) {
    const ranges = p.extentType === 0 ? partitionRanges(ctx, p.partitionRef, p.blockNumber, p.byteLength) : undefined;
    if (!ranges) return undefined;
    for (const r of ranges) {
      const blocks = Math.ceil(r.byteLength / bs);
      out.push({ firstBlock, blockCount: blocks, byteOffset: r.byteOffset });
      firstBlock += blocks;
    }
  }
  return out;
}

/** The view through the metadata (or mirror) file at `blockNumber` of the physical partition; a string says why not. */
async function viewThroughFile(ctx: UdfContext, ref: number, map: MetadataPartitionMap, phys: PartitionView, blockNumber: number, fileType: number): Promise<MetadataView | string> {
  const read = await readFileEntry(ctx, { partitionRef: phys.ref, blockNumber });
  if (isProblem(read)) return read.problem;
  if (read.fe.fileType !== fileType) return `the entry at block ${blockNumber} has file type ${read.fe.fileType}, not ${fileType}`;
  const data = await fileDataOf(ctx, read);
  const extents = data.embedded ? undefined : metadataExtents(ctx, data.pieces);
  if (!extents) return 'its extents are not recorded in the partition';
  return new MetadataView(ref, map.partitionNumber, extents, ctx.blockSize);
}

async function metadataView(ctx: UdfContext, setup: PartitionSetup, ref: number, map: MetadataPartitionMap, phys: PartitionView): Promise<void> {
  const at = (block: number) => phys.blockOffset(block);
  const mirror = () => viewThroughFile(ctx, ref, map, phys, map.mirrorFileBlock, FileType.METADATA_MIRROR_FILE);
  const main = await viewThroughFile(ctx, ref, map, phys, map.metadataFileBlock, FileType.METADATA_FILE);
  if (typeof main !== 'string') {
    ctx.partitions[ref] = main;
    setup.mirrors.set(ref, async () => {
      const m = await mirror();
      return typeof m === 'string' ? undefined : m;
    });
    return;
  }
  const m = await mirror();
  if (typeof m === 'string') {
    ctx.findings.error(FindingCode.UDF_METADATA_FILE, `metadata partition unusable: the metadata file (${main}) and its mirror (${m}) are both damaged`, at(map.metadataFileBlock), 'MetadataFile');
    return;
  }
  ctx.findings.warn(FindingCode.UDF_METADATA_FILE, `the metadata file is damaged (${main}); reading through its mirror`, at(map.metadataFileBlock), 'MetadataFile');
  setup.metadataMirrorUsed = true;
  ctx.partitions[ref] = m;
}

/** The VAT ICB: the last File Entry of type 248 (or a 1.50 VAT) in the last blocks of the image. */
async function findVat(ctx: UdfContext, phys: PartitionView, pd: PartitionDescriptor): Promise<{ entry: ReadEntry; bytes: Uint8Array } | undefined> {
  const bs = ctx.blockSize;
  const lastSector = Math.min(Math.floor(ctx.source.byteLength / bs), pd.startSector + pd.blockCount) - 1;
  for (let s = lastSector; s >= Math.max(pd.startSector, lastSector - VAT_SEARCH_BLOCKS); s--) {
    const head = await ctx.source.read(s * bs, 2, ctx.readOptions);
    const id = (head[0] ?? 0) + (head[1] ?? 0) * 256;
    if (id !== TagIdentifier.FILE_ENTRY && id !== TagIdentifier.EXTENDED_FILE_ENTRY) continue;
    const read = await readFileEntry(ctx, { partitionRef: phys.ref, blockNumber: s - pd.startSector });
    if (isProblem(read)) continue;
    const type = read.fe.fileType;
    if (type !== FileType.VAT && type !== FileType.UNSPECIFIED) continue;
    const bytes = await readFileBytes(ctx, read, await fileDataOf(ctx, read), MAX_TABLE_BYTES);
    if (bytes && (type === FileType.VAT || isVat15(bytes))) return { entry: read, bytes };
  }
  return undefined;
}

async function virtualView(ctx: UdfContext, setup: PartitionSetup, ref: number, number: number, phys: PartitionView, pd: PartitionDescriptor): Promise<void> {
  const found = await findVat(ctx, phys, pd);
  if (!found) {
    ctx.findings.error(FindingCode.UDF_VAT, `no Virtual Allocation Table in the last ${VAT_SEARCH_BLOCKS} blocks of partition ${number}; its files cannot be read`, undefined, 'VirtualAllocationTable');
    return;
  }
  try {
    let entries: readonly number[];
    if (found.entry.fe.fileType === FileType.VAT) {
      const vat = parseVat20(found.bytes, found.entry.byteOffset);
      setup.vat = vat;
      entries = vat.entries;
    } else {
      entries = parseVat15(found.bytes, found.entry.byteOffset).entries;
      setup.vat = lvExtensionOf(ctx, found.entry) ?? {};
    }
    ctx.partitions[ref] = new VirtualView(ref, number, phys, entries, ctx.blockSize);
  } catch (e) {
    ctx.findings.error(FindingCode.UDF_VAT, `the Virtual Allocation Table is damaged: ${e instanceof Error ? e.message : String(e)}`, found.entry.byteOffset, 'VirtualAllocationTable');
  }
}

/** The "*UDF VAT LVExtension" attribute of a 1.50 VAT ICB, when it is there and matches the ICB (UDF 1.50 3.3.4.5.1.3). */
function lvExtensionOf(ctx: UdfContext, entry: ReadEntry): VatSummary | undefined {
  for (const a of parseExtendedAttributes(extendedAttributesOf(entry)).attributes) {
    if (attributeIdentifier(a) !== EntityIdentifier.VAT_LV_EXTENSION) continue;
    try {
      const x = parseVatLvExtension(a.data.subarray(36), entry.byteOffset);
      if (x.verificationId !== entry.fe.uniqueId) {
        ctx.findings.warn(FindingCode.UDF_VAT, 'the VAT LVExtension attribute is stale (its verification id is not the VAT\'s unique id)', entry.byteOffset, 'VatLvExtension');
        return undefined;
      }
      return { logicalVolumeIdentifier: x.logicalVolumeIdentifier, fileCount: x.fileCount, directoryCount: x.directoryCount };
    } catch (e) {
      ctx.findings.warn(FindingCode.UDF_VAT, e instanceof Error ? e.message : String(e), entry.byteOffset, 'VatLvExtension');
    }
  }
  return undefined;
}
