/**
 * File data (ECMA-119 6.5): each stored content once (hard links and deduplicated files share it), each
 * starting on a block boundary and padded with zeros to the next. Ordered by sort weight (higher first),
 * then by the breadth-first order of the tree. A source that changed since planning is padded with zeros or
 * cut to its planned length and reported (libisofs filesrc.c does the same).
 */
import { throwIfAborted } from '../../io/index.js';
import { hasReader, type ChunkWriter, type DataRegionChunk, type EmitContext, type Extent, type Region } from '../engine/index.js';
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
  const want = d.byteLength;
  const content = d.content;
  let done = 0;
  let problem: string | undefined;
  let actual: number | undefined;
  const small = content && hasReader(content) && content.readOnce && want > 0 && want < out.chunkByteLength / 2;
  // a small file that does not fit in what is left of the chunk starts a new chunk (chunks may be handed out short)
  if (small && want >= out.space().length) {
    const c = out.take();
    if (c) yield c;
  }
  if (small && content.readOnce && want < out.space().length) {
    // small file: one read of want + 1 bytes into the chunk (the extra byte, if any, is zeroed below)
    const space = out.space();
    const got = content.readOnce(space.subarray(0, want + 1));
    if (got === undefined) problem = 'it was removed';
    else if (got > want) problem = 'it became longer';
    else if (got < want) {
      problem = 'it became shorter';
      actual = got;
    }
    done = Math.min(got ?? 0, want);
    out.advance(done);
  } else if (content && hasReader(content)) {
    const reader = content.openReader(ctx.signal ? { signal: ctx.signal } : {});
    try {
      while (done < want) {
        if (out.isFull) yield out.take() as Uint8Array;
        const space = out.space();
        const n = Math.min(space.length, want - done);
        const r = reader.read(space, 0, n, done);
        const got = typeof r === 'number' ? r : await r;
        if (got <= 0) {
          problem = 'it became shorter';
          actual = done;
          break;
        }
        out.advance(got);
        done += got;
      }
    } finally {
      const changed = reader.close();
      if (changed && !problem) problem = changed;
    }
  } else if (content) {
    for await (const chunk of content.stream({ ...(ctx.signal ? { signal: ctx.signal } : {}), chunkSize: 1 << 20 })) {
      if (done + chunk.length > want) {
        problem = 'it became longer';
        actual = done + chunk.length;
      }
      const use = chunk.subarray(0, Math.min(chunk.length, want - done));
      yield* out.put(use);
      done += use.length;
      if (done >= want) break;
    }
    if (done < want && !problem) {
      problem = 'it became shorter';
      actual = done;
    }
  }
  if (problem) {
    ctx.fileChanged({ path: pathOf(d.first), plannedByteLength: want, ...(actual !== undefined ? { actualByteLength: actual } : {}), reason: problem });
  }
  // zeros for a short source, then up to the block boundary
  yield* out.zeros(Math.ceil(want / blockSize) * blockSize - done);
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
