/** Trailing zero blocks (xorriso and genisoimage pad 300 KiB so that read-ahead past the end never fails). */
import type { ChunkWriter } from '../engine/index.js';
import { BLOCK_SIZE, type ImageRegion } from '../types.js';

export function paddingRegion(blocks: number): ImageRegion {
  return {
    name: 'padding',
    plan: () => blocks,
    async *emit(out: ChunkWriter) {
      yield* out.zeros(blocks * BLOCK_SIZE);
    },
  };
}
