/** The ISO 9660 directory extents, in path table order (ECMA-119 6.8). */
import { pathOf } from '../tree.js';
import { BLOCK_SIZE, type EmitContext, type Extent, type PlanContext, type Region } from '../types.js';
import type { ChunkWriter } from '../chunk-writer.js';
import { measureDirectory, serializeDirectory } from './directory-records.js';

export function iso9660DirectoriesRegion(): Region {
  let ctxRef: PlanContext | undefined;
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
      }
      return lba - startLba;
    },
    *extents(): Generator<Extent> {
      for (const d of ctxRef?.image.isoDirs ?? []) yield { lba: d.dir.isoLba, blockCount: d.dir.isoByteLength / BLOCK_SIZE, what: `ISO 9660 directory ${pathOf(d)}` };
    },
    async *emit(out: ChunkWriter, ctx: EmitContext) {
      const { image, options } = ctx.layout;
      for (const d of image.isoDirs) yield* out.put(serializeDirectory(d, 'iso9660', options, image.root));
    },
  };
}
