/**
 * File data (ECMA-119 6.5): each stored content once (hard links and deduplicated files share it), each
 * starting on a block boundary and padded with zeros to the next. Ordered by sort weight (higher first),
 * then by the breadth-first order of the tree. A source that changed since planning is padded with zeros or
 * cut to its planned length and reported (libisofs filesrc.c does the same).
 */
import { throwIfAborted } from '../../io/index.js';
import type { ChunkWriter, DataRegionChunk, EmitContext, Extent, Region } from '../engine/index.js';
import { copyContent } from './copy-content.js';
import { pathOf, type BData } from '../tree.js';

/** The stored data of a layout, in layout order (hard links and deduplicated files share an item). */
export interface DataStore {
  readonly data: BData[];
}

/** The file-data region of any layout in `blockSize` blocks (ISO images: 2048). */
export function fileDataRegion(store: DataStore, blockSize: number): Region {
  return {
    name: 'file-data',
    plan(startLba) {
      let lba = startLba;
      for (const d of store.data) {
        d.lba = lba;
        lba += Math.ceil(d.byteLength / blockSize);
      }
      return lba - startLba;
    },
    *extents(): Generator<Extent> {
      for (const d of store.data) yield { lba: d.lba, blockCount: Math.ceil(d.byteLength / blockSize), what: () => `data of ${pathOf(d.first)}` };
    },
    async *emit(out: ChunkWriter, ctx: EmitContext) {
      const data = store.data;
      if (ctx.fileData) {
        yield* emitFromSource(ctx.fileData, data, out, ctx);
        return;
      }
      for (const d of data) {
        throwIfAborted(ctx.signal);
        yield* emitData(d, out, ctx, blockSize);
        ctx.fileDone();
      }
    },
  };
}

async function* emitData(d: BData, out: ChunkWriter, ctx: EmitContext, blockSize: number): AsyncGenerator<Uint8Array, void, undefined> {
  const outcome = yield* copyContent(d.content, d.byteLength, out, ctx.signal);
  if (outcome.problem) {
    ctx.fileChanged({ path: pathOf(d.first), plannedByteLength: d.byteLength, ...(outcome.actualByteLength !== undefined ? { actualByteLength: outcome.actualByteLength } : {}), reason: outcome.problem });
  }
  // zeros up to the block boundary
  yield* out.zeros(Math.ceil(d.byteLength / blockSize) * blockSize - d.byteLength);
}

/** The region from a FileDataSource: its chunks are handed out as they are (copied if the consumer keeps chunks). */
async function* emitFromSource(source: AsyncIterable<DataRegionChunk>, data: readonly BData[], out: ChunkWriter, ctx: EmitContext): AsyncGenerator<Uint8Array, void, undefined> {
  const pending = out.take();
  if (pending) yield pending;
  let done = 0;
  for await (const chunk of source) {
    throwIfAborted(ctx.signal);
    for (const c of chunk.changes) {
      const d = data[c.index] as BData;
      ctx.fileChanged({ path: pathOf(d.first), plannedByteLength: d.byteLength, ...(c.actualByteLength !== undefined ? { actualByteLength: c.actualByteLength } : {}), reason: c.reason });
    }
    const bytes = ctx.keepsChunks ? chunk.bytes.slice() : chunk.bytes;
    for (; done < chunk.itemsDone; done++) ctx.fileDone();
    out.passed(bytes.length);
    yield bytes;
  }
}
