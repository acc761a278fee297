/**
 * The system area, LBA 0-15 (ECMA-119 6.2.1): zeros, or what `BootHook.systemArea` computes from the final
 * layout (an isohybrid MBR, a GPT, an APM).
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import type { ChunkWriter } from '../engine/index.js';
import { BLOCK_SIZE, type ImageEmitContext, type ImageRegion } from '../types.js';

export const SYSTEM_AREA_BLOCK_COUNT = 16;

export function systemAreaRegion(): ImageRegion {
  return {
    name: 'system-area',
    plan: () => SYSTEM_AREA_BLOCK_COUNT,
    *extents() {
      yield { lba: 0, blockCount: SYSTEM_AREA_BLOCK_COUNT, what: 'system area' };
    },
    async *emit(out: ChunkWriter, ctx: ImageEmitContext) {
      const bytes = ctx.layout.options.boot?.systemArea?.(ctx.layout);
      const total = SYSTEM_AREA_BLOCK_COUNT * BLOCK_SIZE;
      if (bytes && bytes.length > total) {
        throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `system area of ${bytes.length} bytes exceeds ${total}`, { structure: 'SystemArea' });
      }
      if (bytes) yield* out.put(bytes);
      yield* out.zeros(total - (bytes?.length ?? 0));
    },
  };
}
