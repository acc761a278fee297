/** The Joliet directory extents (own tree, own path tables; file data shared with ISO 9660). */
import { pathOf } from '../tree.js';
import { BLOCK_SIZE, type EmitContext, type Extent, type PlanContext, type Region } from '../types.js';
import type { ChunkWriter } from '../chunk-writer.js';
import { measureDirectory, serializeDirectory } from './directory-records.js';

export function jolietDirectoriesRegion(): Region {
  let ctxRef: PlanContext | undefined;
  return {
    name: 'directories-joliet',
    plan(startLba, ctx) {
      ctxRef = ctx;
      const { image, options } = ctx;
      let lba = startLba;
      for (const d of image.jolietDirs) {
        d.dir.jolietByteLength = measureDirectory(d, 'joliet', options, image.root);
        d.dir.jolietLba = lba;
        lba += d.dir.jolietByteLength / BLOCK_SIZE;
      }
      return lba - startLba;
    },
    *extents(): Generator<Extent> {
      for (const d of ctxRef?.image.jolietDirs ?? []) yield { lba: d.dir.jolietLba, blockCount: d.dir.jolietByteLength / BLOCK_SIZE, what: () => `Joliet directory ${pathOf(d)}` };
    },
    async *emit(out: ChunkWriter, ctx: EmitContext) {
      const { image, options } = ctx.layout;
      for (const d of image.jolietDirs) yield* out.put(serializeDirectory(d, 'joliet', options, image.root));
    },
  };
}
