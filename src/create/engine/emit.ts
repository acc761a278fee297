/**
 * emitLayout: a planned layout → its bytes, strictly in ascending order (never seeks), so one emit feeds a
 * file, stdout, a device, a hash or a browser download. Each region must yield exactly its planned bytes and
 * the total must equal the plan (IsoKitError INTERNAL otherwise). Patches are applied to the chunks as they
 * pass, so a value that depends on the final layout (a boot info table) never touches a source.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { throwIfAborted } from '../../io/index.js';
import { ChunkWriter } from './chunk-writer.js';
import { checkPatches, checkRegionBytes, checkTotalBytes } from './invariants.js';
import type { EmitContext, Layout, Patch } from './types.js';

export interface ChunkOptions {
  /** size of the chunks yielded (default 1 MiB; a chunk may be handed out shorter, e.g. before a small file that would not fit) */
  chunkByteLength?: number;
  /** yield the same buffer again for the next chunk (only for consumers done with a chunk when they pull the next) */
  reuseBuffers?: boolean;
  /**
   * allocates the chunk buffers (default `new Uint8Array`); node passes buffers placed 2 KiB past a page
   * boundary, because kernel copies between the page cache and a buffer at page + 16 bytes hit 4 KiB aliasing
   */
  allocate?: (byteLength: number) => Uint8Array;
}

/** A ChunkWriter for `layout` (chunk size at least one block). */
export function chunkWriterFor(layout: Layout, opts: ChunkOptions): ChunkWriter {
  const chunk = opts.chunkByteLength ?? 1 << 20;
  if (!Number.isSafeInteger(chunk) || chunk < layout.blockSize) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `chunk size must be at least ${layout.blockSize}`);
  return new ChunkWriter(chunk, opts.reuseBuffers ?? false, opts.allocate);
}

/** Applies sorted patches to consecutive chunks of the output (ascending; ranges without patches may be skipped). */
export class Patcher {
  private i = 0;
  constructor(private readonly patches: readonly Patch[]) {}
  apply(chunk: Uint8Array, at: number): void {
    const end = at + chunk.length;
    while (this.i < this.patches.length) {
      const p = this.patches[this.i] as Patch;
      if (p.byteOffset >= end) return;
      const from = Math.max(p.byteOffset, at);
      const to = Math.min(p.byteOffset + p.bytes.length, end);
      if (from < to) chunk.set(p.bytes.subarray(from - p.byteOffset, to - p.byteOffset), from - at);
      if (p.byteOffset + p.bytes.length > end) return; // continues in the next chunk
      this.i++;
    }
  }
}

/**
 * Emit every region of `layout` through `out`, applying `patches`. `onChunk` is told the bytes so far after
 * each chunk (progress).
 */
export async function* emitLayout<L extends Layout>(
  layout: L, out: ChunkWriter, ctx: EmitContext<L>, patches: readonly Patch[] = [], onChunk?: (bytesSoFar: number) => void,
): AsyncGenerator<Uint8Array, void, undefined> {
  const patcher = new Patcher(checkPatches(patches, layout));
  const bs = layout.blockSize;
  let yielded = 0;
  const pass = (c: Uint8Array): Uint8Array => {
    patcher.apply(c, yielded);
    yielded += c.length;
    return c;
  };
  for (let i = 0; i < layout.regionList.length; i++) {
    const region = layout.regionList[i] as Layout['regionList'][number];
    const placed = layout.regions[i] as Layout['regions'][number];
    const start = placed.lba * bs;
    throwIfAborted(ctx.signal);
    if (out.position !== start) checkRegionBytes(placed.name, placed.lba, out.position - start, 0, bs);
    for await (const c of region.emit(out, ctx)) {
      yield pass(c);
      onChunk?.(yielded);
    }
    checkRegionBytes(placed.name, placed.lba, out.position - start, placed.blockCount * bs, bs);
  }
  const last = out.take();
  if (last) {
    yield pass(last);
    onChunk?.(yielded);
  }
  checkTotalBytes(yielded, layout);
}
