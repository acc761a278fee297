/** The Joliet directory extents (own tree, own path tables; file data shared with ISO 9660). */
import type { ChunkWriter } from '../engine/index.js';
import { pathOf } from '../tree.js';
import { BLOCK_SIZE, type Extent, type ImageRegion } from '../types.js';
import { measureDirectory, serializeDirectory } from './directory-records.js';
import { sameLba, type IsoState, type LbaMap } from './state.js';

/** The Joliet directories as placed, with addresses written through `map`. */
export async function* emitJolietDirectories(s: IsoState, out: ChunkWriter, map: LbaMap = sameLba): AsyncGenerator<Uint8Array, void, undefined> {
  for (const d of s.jolietDirs) yield* out.put(serializeDirectory(s, d, 'joliet', map));
}

export function jolietDirectoriesRegion(s: IsoState): ImageRegion {
  return {
    name: 'directories-joliet',
    plan(startLba) {
      let lba = startLba;
      for (const d of s.jolietDirs) {
        const v = s.dir(d);
        v.jolietByteLength = measureDirectory(s, d, 'joliet');
        v.jolietLba = lba;
        lba += v.jolietByteLength / BLOCK_SIZE;
      }
      return lba - startLba;
    },
    *extents(): Generator<Extent> {
      for (const d of s.jolietDirs) {
        const v = s.dir(d);
        yield { lba: v.jolietLba, blockCount: v.jolietByteLength / BLOCK_SIZE, what: () => `Joliet directory ${pathOf(d)}` };
      }
    },
    emit: (out: ChunkWriter) => emitJolietDirectories(s, out),
  };
}
