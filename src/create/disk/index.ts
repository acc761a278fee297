/**
 * A partitioned disk laid out by the engine in 512-byte blocks: an MBR (protective, for GPT) at LBA 0, the
 * primary GPT (header + 128-entry array) at LBA 1–33, each partition's content pinned at its first LBA, and the
 * backup GPT placed from the end of the disk (UEFI 2.x 5.3). Partition contents are regions of their own
 * (a FAT volume for a Windows stick); everything is planned before the first byte, so the disk streams to a
 * device, a file or a download like an image.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { GptType, gptArraySectorCount, guidFromSeed, serializeGpt, type SerializedGpt } from '../../formats/gpt/index.js';
import { MBR_PROTECTIVE_TYPE, serializeMbr, type DiskGeometry } from '../../formats/mbr/index.js';
import type { Progress } from '../../io/index.js';
import { chunkWriterFor, emitLayout, planLayout, type ChunkOptions, type EmitContext, type FileChange, type Layout, type Region } from '../engine/index.js';

export const DISK_BLOCK_SIZE = 512;
/** 1 MiB in 512-byte sectors: where Windows, Rufus and parted start the first partition. */
export const MIB_SECTORS = 2048;

export interface DiskPartitionSpec {
  /** GPT partition name (UTF-16, 36 units at most) */
  readonly name: string;
  /** GPT partition type GUID (default: Microsoft basic data) */
  readonly gptType?: string;
  /** MBR partition type byte (MBR scheme) */
  readonly mbrType: number;
  /** MBR active flag (MBR scheme) */
  readonly bootable?: boolean;
  /** first 512-byte sector (pinned) */
  readonly firstLba: number;
  /** sectors, or 'rest': to the end of the usable area, rounded down to a multiple of `align` sectors */
  readonly sectorCount: number | 'rest';
  /** (default 2048: whole MiB, as Windows sizes partitions) */
  readonly align?: number;
  /** the partition's content for its final size; it may plan fewer blocks (the rest of the partition is zeros) */
  readonly content: (sectorCount: number) => Region;
}

export interface DiskSpec {
  /** the whole disk in 512-byte sectors */
  readonly sectorCount: number;
  readonly scheme: 'gpt' | 'mbr';
  readonly partitions: readonly DiskPartitionSpec[];
  /** seeds the disk and partition GUIDs and the MBR disk signature (reproducible: the same seed, the same bytes) */
  readonly seed: string;
  /** MBR boot code (bytes 0–439); default none */
  readonly bootCode?: Uint8Array;
}

export interface DiskPartition {
  readonly index: number;
  readonly name: string;
  readonly firstLba: number;
  readonly sectorCount: number;
}

export interface DiskLayout extends Layout {
  readonly scheme: 'gpt' | 'mbr';
  readonly partitions: readonly DiskPartition[];
  /** @internal the serialized GPT (undefined for MBR) */
  readonly gpt: SerializedGpt | undefined;
}

const ENTRY_COUNT = 128;
/** A huge disk gets no CHS values: LBA only (0xFE 0xFF 0xFF, as fdisk writes past 8 GiB). */
const GEOMETRY: DiskGeometry = { heads: 255, sectorsPerTrack: 63 };

function partitionSizes(spec: DiskSpec): DiskPartition[] {
  const arraySectors = gptArraySectorCount(ENTRY_COUNT);
  const lastUsable = spec.scheme === 'gpt' ? spec.sectorCount - 1 - arraySectors - 1 : spec.sectorCount - 1;
  return spec.partitions.map((p, i) => {
    const align = p.align ?? MIB_SECTORS;
    let count = p.sectorCount;
    if (count === 'rest') count = Math.floor((lastUsable + 1 - p.firstLba) / align) * align;
    if (!Number.isSafeInteger(count) || count <= 0 || p.firstLba + count - 1 > lastUsable) {
      throw new IsoKitError(ErrorCode.NO_SPACE, `partition ${i + 1} (${p.name}) does not fit a disk of ${spec.sectorCount} sectors`);
    }
    return { index: i + 1, name: p.name, firstLba: p.firstLba, sectorCount: count };
  });
}

function fixedRegion(name: string, bytes: () => Uint8Array, blockCount: number, placement?: Region['placement']): Region {
  return {
    name,
    ...(placement ? { placement } : {}),
    plan: () => blockCount,
    async *emit(out) {
      const b = bytes();
      if (b.length !== blockCount * DISK_BLOCK_SIZE) throw new IsoKitError(ErrorCode.INTERNAL, `${name}: ${b.length} bytes for ${blockCount} blocks`);
      yield* out.put(b);
    },
  };
}

/** A partition's content padded to the partition's size (the content may plan fewer blocks). */
function partitionRegion(p: DiskPartition, content: Region): Region {
  let used = 0;
  return {
    name: `partition-${p.index}`,
    placement: { at: p.firstLba },
    plan(startLba, ctx) {
      used = content.plan(startLba, ctx);
      if (used > p.sectorCount) throw new IsoKitError(ErrorCode.NO_SPACE, `the content of partition ${p.index} (${p.name}) needs ${used} sectors; the partition has ${p.sectorCount}`);
      return p.sectorCount;
    },
    ...(content.extents ? { extents: content.extents.bind(content) } : {}),
    async *emit(out, ctx) {
      yield* content.emit(out, ctx);
      yield* out.zeros((p.sectorCount - used) * DISK_BLOCK_SIZE);
    },
  };
}

/** Plan a disk: sizes, GUIDs and both partition tables are final before the first byte. */
export function planDisk(spec: DiskSpec): DiskLayout {
  if (!Number.isSafeInteger(spec.sectorCount) || spec.sectorCount < 4096) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `a disk of ${spec.sectorCount} sectors is too small`);
  if (spec.scheme === 'mbr' && spec.partitions.length > 4) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'an MBR holds 4 primary partitions');
  const parts = partitionSizes(spec);
  const gpt = spec.scheme === 'gpt'
    ? serializeGpt({
      diskGuid: guidFromSeed(`${spec.seed}:disk`),
      diskSectorCount: spec.sectorCount,
      partitionEntryCount: ENTRY_COUNT,
      partitions: parts.map((p, i) => ({
        typeGuid: spec.partitions[i]?.gptType ?? GptType.BASIC_DATA,
        uniqueGuid: guidFromSeed(`${spec.seed}:partition`, p.index),
        firstLba: p.firstLba,
        lastLba: p.firstLba + p.sectorCount - 1,
        name: p.name,
      })),
    })
    : undefined;
  const mbr = serializeMbr({
    ...(spec.bootCode ? { bootCode: spec.bootCode } : {}),
    diskSignature: new DataView(guidFromSeed(`${spec.seed}:signature`).buffer).getUint32(0, true),
    geometry: GEOMETRY,
    partitions: gpt
      ? [{ type: MBR_PROTECTIVE_TYPE, startLba: 1, sectorCount: Math.min(spec.sectorCount - 1, 0xffffffff) }]
      : parts.map((p, i) => ({ type: spec.partitions[i]?.mbrType ?? 0x0c, bootable: spec.partitions[i]?.bootable ?? false, startLba: p.firstLba, sectorCount: p.sectorCount })),
  });
  const regions: Region[] = [fixedRegion('mbr', () => mbr, 1)];
  if (gpt) regions.push(fixedRegion('gpt-primary', () => gpt.primary, gpt.primary.length / DISK_BLOCK_SIZE));
  parts.forEach((p, i) => regions.push(partitionRegion(p, (spec.partitions[i] as DiskPartitionSpec).content(p.sectorCount))));
  if (gpt) regions.push(fixedRegion('gpt-backup', () => gpt.backup, gpt.backup.length / DISK_BLOCK_SIZE, { fromEnd: true }));
  const layout = planLayout(regions, { blockSize: DISK_BLOCK_SIZE, totalBlocks: spec.sectorCount });
  return { ...layout, scheme: spec.scheme, partitions: parts, gpt };
}

export interface EmitDiskOptions extends ChunkOptions {
  signal?: AbortSignal;
  /** a source file whose bytes changed since planning fails the write instead of being padded/cut and reported */
  strict?: boolean;
  onFileChanged?: (change: FileChange) => void;
  onProgress?: (p: Progress) => void;
}

/** The disk's bytes in ascending order (exactly `layout.byteLength`). */
export async function* emitDisk(layout: DiskLayout, opts: EmitDiskOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  let files = 0;
  const ctx: EmitContext = {
    layout,
    ...(opts.signal ? { signal: opts.signal } : {}),
    keepsChunks: !(opts.reuseBuffers ?? false),
    fileChanged: (change) => {
      if (opts.strict) throw new IsoKitError(ErrorCode.IO, `${change.path} changed while the disk was written (${change.reason}; planned ${change.plannedByteLength} bytes)`);
      opts.onFileChanged?.(change);
    },
    fileDone: () => {
      files++;
    },
  };
  const progress = opts.onProgress ? (bytes: number) => opts.onProgress?.({ phase: 'write', bytes, totalBytes: layout.byteLength, files }) : undefined;
  yield* emitLayout(layout, chunkWriterFor(layout, opts), ctx, [], progress);
}
