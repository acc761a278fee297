/**
 * The ISO 9660 directory extents, in path table order (ECMA-119 6.8), each followed by the blocks holding
 * its records' Rock Ridge continuation areas (see rr-continuation.ts for why they are interleaved).
 */
import { pathOf, type BDir } from '../tree.js';
import { BLOCK_SIZE, type EmitContext, type Extent, type PlanContext, type Region } from '../types.js';
import type { ChunkWriter } from '../chunk-writer.js';
import { measureDirectory, serializeDirectory } from './directory-records.js';
import { placeContinuationAreas, serializeContinuationAreas } from './rr-continuation.js';

export function iso9660DirectoriesRegion(): Region {
  let ctxRef: PlanContext | undefined;
  const ceBlocks = new Map<BDir, number>();
  return {
    name: 'directories-iso9660',
    plan(startLba, ctx) {
      ctxRef = ctx;
      const { image, options } = ctx;
      let lba = startLba;
      for (const d of image.isoDirs) {
        d.dir.isoByteLength = measureDirectory(d, 'iso9660', options, image.root);
        d.dir.isoLba = lba;
        lba += d.dir.isoByteLength / BLOCK_SIZE;
        const n = options.rockRidge ? placeContinuationAreas(d, lba) : 0;
        if (n) ceBlocks.set(d, n);
        lba += n;
      }
      return lba - startLba;
    },
    *extents(): Generator<Extent> {
      for (const d of ctxRef?.image.isoDirs ?? []) {
        const end = d.dir.isoLba + d.dir.isoByteLength / BLOCK_SIZE;
        yield { lba: d.dir.isoLba, blockCount: d.dir.isoByteLength / BLOCK_SIZE, what: () => `ISO 9660 directory ${pathOf(d)}` };
        const n = ceBlocks.get(d);
        if (n) yield { lba: end, blockCount: n, what: () => `Rock Ridge continuation areas of ${pathOf(d)}` };
      }
    },
    async *emit(out: ChunkWriter, ctx: EmitContext) {
      const { image, options } = ctx.layout;
      for (const d of image.isoDirs) {
        yield* out.put(serializeDirectory(d, 'iso9660', options, image.root));
        const n = ceBlocks.get(d);
        if (n) yield* out.put(serializeContinuationAreas(d, d.dir.isoLba + d.dir.isoByteLength / BLOCK_SIZE, n, options, image.root));
      }
    },
  };
}
