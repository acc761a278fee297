/**
 * The regions a bootable image adds to the writer's layout: the hidden boot catalog, the cylinder alignment
 * of the ISO part, appended partitions (xorriso -append_partition: after the ISO, before the 300 KiB padding,
 * as xorriso places them), and the end of the image (cylinder alignment and the backup GPT).
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { throwIfAborted } from '../../io/index.js';
import { alignToCylinder, hybridGeometry, type DiskGeometry } from '../../formats/mbr/index.js';
import type { ChunkWriter } from '../engine/index.js';
import { BLOCK_SIZE, type ImageEmitContext, type ImageLayout, type ImageRegion } from '../types.js';
import type { ResolvedPartition } from './resolve.js';

/** Sectors of the backup GPT (248 entries = 62 sectors + header) and the blocks reserved for it. */
export const GPT_BACKUP_SECTORS = 63;
export const GPT_BACKUP_BLOCKS = 16;

/** Shared between the regions and the system area: the disk geometry chosen while planning. */
export interface DiskState {
  /** user-given heads / sectors per track, else chosen from the size (xorriso: 64 × 32 up to 1 GiB) */
  readonly fixedGeometry?: DiskGeometry;
  geometry?: DiskGeometry;
}

export function geometryFor(state: DiskState, sectorCount: number): DiskGeometry {
  state.geometry ??= state.fixedGeometry ?? hybridGeometry(sectorCount);
  return state.geometry;
}

/** A catalog no directory names (--boot-catalog-hide). */
export function hiddenCatalogRegion(blockCount: number, bytes: (layout: ImageLayout) => Uint8Array): ImageRegion {
  return {
    name: 'boot:catalog',
    plan: () => blockCount,
    async *emit(out: ChunkWriter, ctx: ImageEmitContext) {
      const b = bytes(ctx.layout);
      if (b.length > blockCount * BLOCK_SIZE) throw new IsoKitError(ErrorCode.INTERNAL, 'boot catalog outgrew its blocks');
      yield* out.put(b);
      yield* out.zeros(blockCount * BLOCK_SIZE - b.length);
    },
  };
}

/** Zeros up to the next cylinder boundary (512-byte sectors, heads × sectors per track). */
export function isoAlignmentRegion(state: DiskState, extraSectors: number): ImageRegion {
  let blocks = 0;
  return {
    name: 'boot:iso-alignment',
    plan(startLba) {
      const g = geometryFor(state, startLba * 4 + extraSectors);
      blocks = alignToCylinder(startLba * 4, g) / 4 - startLba;
      return blocks;
    },
    async *emit(out: ChunkWriter) {
      yield* out.zeros(blocks * BLOCK_SIZE);
    },
  };
}

export function appendedPartitionRegion(p: ResolvedPartition, state: DiskState, alignAll: boolean): ImageRegion {
  let blocks = 0;
  return {
    name: `boot:appended-partition-${p.number}`,
    plan(startLba) {
      blocks = Math.ceil(p.byteLength / BLOCK_SIZE);
      if (alignAll) blocks = alignToCylinder(blocks * 4, geometryFor(state, (startLba + blocks) * 4)) / 4;
      return blocks;
    },
    async *emit(out: ChunkWriter, ctx: ImageEmitContext) {
      let done = 0;
      for await (const chunk of p.content.stream({ ...(ctx.signal ? { signal: ctx.signal } : {}), chunkSize: 1 << 20 })) {
        throwIfAborted(ctx.signal);
        const use = chunk.subarray(0, Math.min(chunk.length, p.byteLength - done));
        yield* out.put(use);
        done += use.length;
        if (done >= p.byteLength) break;
      }
      if (done < p.byteLength) throw new IsoKitError(ErrorCode.IO, `appended partition ${p.number} became shorter while the image was written (${done} of ${p.byteLength} bytes)`);
      yield* out.zeros(blocks * BLOCK_SIZE - done);
    },
  };
}

/**
 * The end of the image: with `align`, zeros up to a whole cylinder (counting the backup GPT); with `gpt`, the
 * last 63 sectors hold the backup partition array and header.
 */
export function endRegion(state: DiskState, opts: { align: boolean; gpt: boolean; gptBackup: (layout: ImageLayout) => Uint8Array | undefined }): ImageRegion {
  let blocks = 0;
  return {
    name: 'boot:end',
    plan(startLba) {
      const gptBlocks = opts.gpt ? GPT_BACKUP_BLOCKS : 0;
      const total = startLba + gptBlocks;
      blocks = opts.align ? alignToCylinder(total * 4, geometryFor(state, total * 4)) / 4 - startLba : gptBlocks;
      return blocks;
    },
    async *emit(out: ChunkWriter, ctx: ImageEmitContext) {
      const backup = opts.gpt ? opts.gptBackup(ctx.layout) : undefined;
      if (opts.gpt && (!backup || backup.length !== GPT_BACKUP_SECTORS * 512)) throw new IsoKitError(ErrorCode.INTERNAL, 'backup GPT missing or of the wrong size');
      yield* out.zeros(blocks * BLOCK_SIZE - (backup?.length ?? 0));
      if (backup) yield* out.put(backup);
    },
  };
}
