/**
 * A Windows install stick planned as one disk layout (src/create/disk): protective MBR + GPT (or an MBR),
 * one partition from 1 MiB to the end of the disk — GPT type Basic Data, never ESP (Windows Setup fails on an
 * ESP-typed data partition, Rufus issue #461); MBR type 0x0C (FAT32 LBA), active — formatted FAT32
 * (src/create/fat) with the ISO's UDF files streamed into it. Everything is planned before the first byte.
 *
 * Segments: a stick is written as two runs of the layout, [0, end of the used clusters rounded up to 1 MiB)
 * and the last MiB of the disk (the backup GPT; stale signatures of an earlier file system there are wiped).
 * The free clusters in between hold zeros in the layout but need not be written: FAT ignores free clusters'
 * contents, so a 64 GB stick takes as long as its files. A regular file gets holes there (a sparse image).
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { GptType } from '../../formats/gpt/index.js';
import type { TreeNode } from '../../model/index.js';
import { MIB_SECTORS, DISK_BLOCK_SIZE, emitDisk, planDisk, type DiskLayout } from '../disk/index.js';
import type { Region } from '../engine/index.js';
import { planFatVolume, type FatVolumeLayout } from '../fat/index.js';
import { planStickTree, type StickSplit, type StickTreeOptions } from './tree.js';

const MIB = 1 << 20;

export interface WindowsStickOptions extends StickTreeOptions {
  /**
   * The disk's size in 512-byte sectors (a stick's capacity). Default: the smallest whole number of MiB
   * that holds the files with `freeByteLength` to spare (for disk-image files).
   */
  sectorCount?: number;
  /** free space left on a default-sized image (default 64 MiB) */
  freeByteLength?: number;
  /** 'gpt' (default) or 'mbr' */
  scheme?: 'gpt' | 'mbr';
  /** the volume id; becomes the FAT label (upper case, 11 characters at most) */
  label?: string;
  /** build time in ms (FAT label entry, default from the files' times); see FatVolumeOptions.dateMs */
  dateMs?: number;
  /** seeds the GPT GUIDs and the MBR disk signature (default: from the label) */
  seed?: string;
}

export interface StickSegment {
  readonly byteOffset: number;
  readonly byteLength: number;
}

export interface WindowsStickLayout {
  readonly scheme: 'gpt' | 'mbr';
  /** the whole disk */
  readonly byteLength: number;
  readonly sectorCount: number;
  readonly disk: DiskLayout;
  readonly fat: FatVolumeLayout;
  /** the stick's files (the UDF tree with install.wim split and autounattend.xml added) */
  readonly tree: TreeNode;
  readonly split: StickSplit | undefined;
  /** the runs of the disk that are written, ascending (module comment) */
  readonly segments: readonly StickSegment[];
  /** bytes written: the segments' total */
  readonly writtenByteLength: number;
  /** the segments' bytes, in order (exactly `writtenByteLength`) */
  emit(opts?: StickEmitOptions): AsyncGenerator<Uint8Array, void, undefined>;
}

export interface StickEmitOptions {
  signal?: AbortSignal;
  /** default 4 MiB */
  chunkByteLength?: number;
  /** reuse chunk buffers (the consumer is done with a chunk when it pulls the next) */
  reuseBuffers?: boolean;
  allocate?: (byteLength: number) => Uint8Array;
  /** told when the emit is done with one of its chunks (after yielding the parts of it inside the segments, if any) */
  chunkDone?: (chunk: Uint8Array) => void;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** The FAT volume as the partition's content: it plans its used part, the disk pads the rest with zeros. */
function fatRegion(fat: FatVolumeLayout): Region {
  return {
    name: 'fat32',
    plan: () => fat.usedByteLength / DISK_BLOCK_SIZE,
    emit: (out, ctx) => fat.emitInto(out, { stopAfterUsed: true, ...(ctx.signal ? { signal: ctx.signal } : {}), onFileChanged: ctx.fileChanged }),
  };
}

function segmentsOf(byteLength: number, usedEnd: number): StickSegment[] {
  const a = alignUp(usedEnd, MIB);
  const b = byteLength - MIB;
  if (a >= b) return [{ byteOffset: 0, byteLength }];
  return [{ byteOffset: 0, byteLength: a }, { byteOffset: b, byteLength: MIB }];
}

interface Built { disk: DiskLayout; fat: FatVolumeLayout }

function build(tree: TreeNode, sectorCount: number, opts: WindowsStickOptions): Built {
  let fat: FatVolumeLayout | undefined;
  const scheme = opts.scheme ?? 'gpt';
  const disk = planDisk({
    sectorCount,
    scheme,
    seed: opts.seed ?? `isokit-windows-stick:${opts.label ?? ''}`,
    partitions: [{
      name: 'Main Data Partition', gptType: GptType.BASIC_DATA, mbrType: 0x0c, bootable: scheme === 'mbr', firstLba: MIB_SECTORS, sectorCount: 'rest',
      content: (n) => {
        fat = planFatVolume(tree, {
          sectorCount: n, hiddenSectors: MIB_SECTORS, ...(opts.label !== undefined ? { label: opts.label } : {}), ...(opts.dateMs !== undefined ? { dateMs: opts.dateMs } : {}),
        });
        return fatRegion(fat);
      },
    }],
  });
  return { disk, fat: fat as FatVolumeLayout };
}

const missingOf = (e: unknown): number | undefined =>
  e instanceof IsoKitError && e.code === ErrorCode.NO_SPACE ? ((e.data as { missingByteLength?: number } | undefined)?.missingByteLength ?? MIB * 64) : undefined;

/** The smallest MiB-sized disk that holds the tree with `free` bytes spare (a few planning rounds). */
function defaultSize(tree: TreeNode, opts: WindowsStickOptions): Built {
  const free = opts.freeByteLength ?? 64 * MIB;
  let bytes = 0;
  const stack = [tree];
  while (stack.length) {
    const n = stack.pop() as TreeNode;
    bytes += n.kind === 'dir' ? 4096 : alignUp(n.content?.byteLength ?? n.size, 4096);
    if (n.children) stack.push(...n.children);
  }
  // FAT32 needs 65,525 clusters: with 512-byte clusters a little over 32 MiB, so no disk below 40 MiB
  let size = Math.max(40 * MIB, alignUp(2 * MIB + bytes * 1.01 + free + bytes / 512, MIB));
  for (let round = 0; round < 8; round++) {
    try {
      const b = build(tree, size / DISK_BLOCK_SIZE, opts);
      const spare = b.fat.stats.freeClusters * b.fat.clusterByteLength;
      if (spare >= free) return b;
      size = alignUp(size + free - spare, MIB);
    } catch (e) {
      const missing = missingOf(e);
      if (missing === undefined) throw e;
      size = alignUp(size + missing + free, MIB);
    }
  }
  throw new IsoKitError(ErrorCode.INTERNAL, 'could not size the stick image');
}

/**
 * Plan a Windows install stick from the ISO's UDF tree (module comment). Refusals (a file FAT32 cannot
 * hold, an install.wim that cannot be split, a disk too small) throw here, before anything is written.
 */
export async function planWindowsStick(udfRoot: TreeNode, opts: WindowsStickOptions = {}): Promise<WindowsStickLayout> {
  const { root, split } = await planStickTree(udfRoot, opts);
  let built: Built;
  if (opts.sectorCount === undefined) built = defaultSize(root, opts);
  else {
    const tooSmall = (cause?: unknown): IsoKitError => {
      const need = defaultSize(root, { ...opts, freeByteLength: 0 }).disk.byteLength;
      return new IsoKitError(ErrorCode.NO_SPACE, `the stick is too small: ${(opts.sectorCount as number) * DISK_BLOCK_SIZE} bytes, the files need a disk of at least ${need} bytes (${Math.ceil(need / MIB)} MiB)`, {
        ...(cause ? { cause } : {}), data: { byteLength: (opts.sectorCount as number) * DISK_BLOCK_SIZE, neededByteLength: need },
      });
    };
    // below 40 MiB FAT32 itself may not fit (65,525 clusters): say "too small", not a geometry error
    if (opts.sectorCount * DISK_BLOCK_SIZE < 40 * MIB) throw tooSmall();
    try {
      built = build(root, opts.sectorCount, opts);
    } catch (e) {
      if (missingOf(e) === undefined) throw e;
      throw tooSmall(e);
    }
  }
  const { disk, fat } = built;
  const partStart = MIB_SECTORS * DISK_BLOCK_SIZE;
  const segments = segmentsOf(disk.byteLength, partStart + fat.usedByteLength);
  const writtenByteLength = segments.reduce((n, s) => n + s.byteLength, 0);
  return {
    scheme: disk.scheme, byteLength: disk.byteLength, sectorCount: disk.blockCount, disk, fat, tree: root, split, segments, writtenByteLength,
    emit: (eo = {}) => emitSegments(disk, segments, eo),
  };
}

/** The disk's emit with the bytes outside the segments dropped (they are zeros). */
async function* emitSegments(disk: DiskLayout, segments: readonly StickSegment[], opts: StickEmitOptions): AsyncGenerator<Uint8Array, void, undefined> {
  let pos = 0;
  let si = 0;
  for await (const c of emitDisk(disk, {
    chunkByteLength: opts.chunkByteLength ?? 4 * MIB, reuseBuffers: opts.reuseBuffers ?? false, ...(opts.allocate ? { allocate: opts.allocate } : {}), ...(opts.signal ? { signal: opts.signal } : {}), strict: true,
  })) {
    const end = pos + c.length;
    while (si < segments.length) {
      const s = segments[si] as StickSegment;
      const from = Math.max(pos, s.byteOffset);
      const to = Math.min(end, s.byteOffset + s.byteLength);
      if (from < to) yield from === pos && to === end ? c : c.subarray(from - pos, to - pos);
      if (s.byteOffset + s.byteLength > end) break;
      si++;
    }
    pos = end;
    opts.chunkDone?.(c);
  }
}
