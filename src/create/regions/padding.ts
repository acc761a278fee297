/** Trailing zero blocks (xorriso and genisoimage pad 300 KiB so that read-ahead past the end never fails). */
import type { ChunkWriter } from '../chunk-writer.js';
import { BLOCK_SIZE, type EmitContext, type Region } from '../types.js';

export function paddingRegion(): Region {
  let blocks = 0;
  return {
    name: 'padding',
    plan(_startLba, ctx) {
      blocks = ctx.options.paddingBlockCount;
      return blocks;
    },
    async *emit(out: ChunkWriter, _ctx: EmitContext) {
      yield* out.zeros(blocks * BLOCK_SIZE);
    },
  };
}
