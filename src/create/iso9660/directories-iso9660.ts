/**
 * The ISO 9660 directory extents, in path table order (ECMA-119 6.8), each followed by the blocks holding
 * its records' Rock Ridge continuation areas (see rr-continuation.ts for why they are interleaved).
 */
import type { ChunkWriter } from '../engine/index.js';
import { pathOf } from '../tree.js';
import { BLOCK_SIZE, type Extent, type ImageRegion } from '../types.js';
import { measureDirectory, serializeDirectory } from './directory-records.js';
import { placeContinuationAreas, serializeContinuationAreas } from './rr-continuation.js';
import { sameLba, type IsoState, type LbaMap } from './state.js';

/** The directories and their continuation blocks as placed, with addresses written through `map`. */
export async function* emitIsoDirectories(s: IsoState, out: ChunkWriter, map: LbaMap = sameLba): AsyncGenerator<Uint8Array, void, undefined> {
  for (const d of s.isoDirs) {
    yield* out.put(serializeDirectory(s, d, 'iso9660', map));
    const n = s.ceBlocks.get(d);
    const v = s.dir(d);
    if (n) yield* out.put(serializeContinuationAreas(s, d, v.isoLba + v.isoByteLength / BLOCK_SIZE, n, map));
  }
}

export function iso9660DirectoriesRegion(s: IsoState): ImageRegion {
  const ceBlocks = s.ceBlocks;
  return {
    name: 'directories-iso9660',
    plan(startLba) {
      let lba = startLba;
      for (const d of s.isoDirs) {
        const v = s.dir(d);
        v.isoByteLength = measureDirectory(s, d, 'iso9660');
        v.isoLba = lba;
        lba += v.isoByteLength / BLOCK_SIZE;
        const n = s.options.rockRidge ? placeContinuationAreas(s, d, lba) : 0;
        if (n) ceBlocks.set(d, n);
        lba += n;
      }
      return lba - startLba;
    },
    *extents(): Generator<Extent> {
      for (const d of s.isoDirs) {
        const v = s.dir(d);
        const end = v.isoLba + v.isoByteLength / BLOCK_SIZE;
        yield { lba: v.isoLba, blockCount: v.isoByteLength / BLOCK_SIZE, what: () => `ISO 9660 directory ${pathOf(d)}` };
        const n = ceBlocks.get(d);
        if (n) yield { lba: end, blockCount: n, what: () => `Rock Ridge continuation areas of ${pathOf(d)}` };
      }
    },
    emit: (out: ChunkWriter) => emitIsoDirectories(s, out),
  };
}
