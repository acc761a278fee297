/**
 * emitImage: layout → the image's bytes, strictly in ascending order (never seeks), so one emit feeds a file,
 * stdout, a hash or a browser download. The engine checks that each region yields exactly its planned bytes and
 * that the total equals the plan. Sources that changed since planning are padded/cut to the plan and reported
 * through `onFileChanged` (or fail the build with `strict`). Boot hook patches are applied on the way.
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';
import type { Progress } from '../io/index.js';
import { chunkWriterFor, emitLayout, type ChunkOptions, type FileDataSource, type Patch } from './engine/index.js';
import type { FileChange, ImageEmitContext, ImageLayout } from './types.js';

export interface EmitOptions extends ChunkOptions {
  signal?: AbortSignal;
  /** a changed source file fails the build (IO error) instead of being padded/cut and reported */
  strict?: boolean;
  onFileChanged?: (change: FileChange) => void;
  /** produces the file-data region's bytes ahead (node: worker threads reading the source files) */
  fileData?: FileDataSource;
  /** called after every chunk with bytes so far, total bytes and files written */
  onProgress?: (p: Progress) => void;
}

/** The boot hook's content patches as absolute byte ranges of the image. */
export function imagePatches(layout: ImageLayout): Patch[] {
  const out: Patch[] = [];
  for (const p of layout.options.boot?.patches?.(layout) ?? []) {
    const d = layout.tree.byNode.get(p.node)?.data;
    if (!d || p.byteOffset < 0 || p.byteOffset + p.bytes.length > d.byteLength) {
      throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `content patch at byte ${p.byteOffset} (+${p.bytes.length}) does not fit in ${p.node.name}`);
    }
    out.push({ byteOffset: d.lba * layout.blockSize + p.byteOffset, bytes: p.bytes, what: p.node.name });
  }
  return out;
}

export async function* emitImage(layout: ImageLayout, opts: EmitOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const out = chunkWriterFor(layout, opts);
  const patches = imagePatches(layout);
  const data = layout.storedData;
  // started before the first region, so that the file data is read while the directories are serialized
  const fileData = data.length ? opts.fileData?.(data, opts.signal ? { signal: opts.signal } : {}) : undefined;
  let files = 0;
  const totalFiles = data.length;
  const ctx: ImageEmitContext = {
    layout,
    ...(opts.signal ? { signal: opts.signal } : {}),
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
  const progress = opts.onProgress ? (bytes: number) => opts.onProgress?.({ phase: 'write', bytes, totalBytes: layout.byteLength, files, totalFiles }) : undefined;
  try {
    yield* emitLayout(layout, out, ctx, patches, progress);
  } finally {
    await fileData?.close();
  }
}
