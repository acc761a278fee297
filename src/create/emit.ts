/**
 * emitImage: layout → the image's bytes, strictly in ascending order (never seeks), so one emit feeds a file,
 * stdout, a hash or a browser download. Each region must yield exactly its planned bytes and the total must
 * equal the plan; otherwise IsoKitError INTERNAL. Sources that changed since planning are padded/cut to the
 * plan and reported through `onFileChanged` (or fail the build with `strict`).
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { throwIfAborted, type Progress } from '../io/index.js';
import { ChunkWriter } from './chunk-writer.js';
import type { FileDataSource } from './content-reader.js';
import type { ContentPatch } from './hooks.js';
import { checkRegionBytes, checkTotalBytes } from './invariants.js';
import type { BData } from './tree.js';
import { BLOCK_SIZE, type EmitContext, type FileChange, type ImageLayout } from './types.js';

export interface EmitOptions {
  signal?: AbortSignal;
  /** size of the chunks yielded (default 1 MiB; a chunk may be handed out shorter, e.g. before a small file that would not fit) */
  chunkByteLength?: number;
  /** yield the same buffer again for the next chunk (only for consumers done with a chunk when they pull the next) */
  reuseBuffers?: boolean;
  /**
   * allocates the chunk buffers (default `new Uint8Array`); node passes buffers placed 2 KiB past a page
   * boundary, because kernel copies between the page cache and a buffer at page + 16 bytes hit 4 KiB aliasing
   */
  allocate?: (byteLength: number) => Uint8Array;
  /** a changed source file fails the build (IO error) instead of being padded/cut and reported */
  strict?: boolean;
  onFileChanged?: (change: FileChange) => void;
  /** produces the file-data region's bytes ahead (node: worker threads reading the source files) */
  fileData?: FileDataSource;
  /** called after every chunk with bytes so far, total bytes and files written */
  onProgress?: (p: Progress) => void;
}

function patchMap(layout: ImageLayout): Map<BData, ContentPatch[]> {
  const map = new Map<BData, ContentPatch[]>();
  for (const p of layout.options.boot?.patches?.(layout) ?? []) {
    const d = layout.image.byNode.get(p.node)?.data;
    if (!d || p.byteOffset < 0 || p.byteOffset + p.bytes.length > d.byteLength) {
      throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `content patch at byte ${p.byteOffset} (+${p.bytes.length}) does not fit in ${p.node.name}`);
    }
    const list = map.get(d) ?? [];
    list.push(p);
    map.set(d, list);
  }
  return map;
}

export async function* emitImage(layout: ImageLayout, opts: EmitOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const chunk = opts.chunkByteLength ?? 1 << 20;
  if (!Number.isSafeInteger(chunk) || chunk < BLOCK_SIZE) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `chunk size must be at least ${BLOCK_SIZE}`);
  const out = new ChunkWriter(chunk, opts.reuseBuffers ?? false, opts.allocate);
  const data = layout.image.data;
  // started before the first region, so that the file data is read while the directories are serialized
  const fileData = data.length ? opts.fileData?.(data, opts.signal ? { signal: opts.signal } : {}) : undefined;
  let files = 0;
  const totalFiles = layout.image.data.length;
  const ctx: EmitContext = {
    layout,
    ...(opts.signal ? { signal: opts.signal } : {}),
    patches: patchMap(layout),
    ...(fileData ? { fileData } : {}),
    keepsChunks: !(opts.reuseBuffers ?? false),
    fileChanged: (change) => {
      if (opts.strict) {
        throw new IsoKitError(ErrorCode.IO, `${change.path} changed while the image was written (${change.reason}; planned ${change.plannedByteLength} bytes)`);
      }
      opts.onFileChanged?.(change);
    },
    fileDone: () => {
      files++;
    },
  };
  const progress = (bytes: number) => opts.onProgress?.({ phase: 'write', bytes, totalBytes: layout.byteLength, files, totalFiles });
  try {
    yield* emitRegions(layout, out, ctx, progress, opts.signal);
  } finally {
    await fileData?.close();
  }
}

async function* emitRegions(layout: ImageLayout, out: ChunkWriter, ctx: EmitContext, progress: (bytes: number) => void, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array, void, undefined> {
  let yielded = 0;
  for (let i = 0; i < layout.regionList.length; i++) {
    const region = layout.regionList[i] as EmitContext['layout']['regionList'][number];
    const placed = layout.regions[i] as (typeof layout.regions)[number];
    const start = placed.lba * BLOCK_SIZE;
    throwIfAborted(signal);
    if (out.position !== start) checkRegionBytes(placed.name, placed.lba, out.position - start, 0);
    for await (const c of region.emit(out, ctx)) {
      yielded += c.length;
      yield c;
      progress(yielded);
    }
    checkRegionBytes(placed.name, placed.lba, out.position - start, placed.blockCount * BLOCK_SIZE);
  }
  const last = out.take();
  if (last) {
    yielded += last.length;
    yield last;
    progress(yielded);
  }
  checkTotalBytes(yielded, layout);
}
