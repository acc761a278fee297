/**
 * A faster way to read a Content during emit than its stream: positional reads straight into the output
 * chunk (one copy), offered by contents that can do it (node file contents). `close()` reports whether the
 * source changed since it was planned (size or modification time), so emit can say so.
 */
import type { Content } from '../../model/index.js';

export interface ContentReader {
  /** Read up to `byteLength` bytes at `position` of the content into `dest[destOffset…]`; 0 at the end. */
  read(dest: Uint8Array, destOffset: number, byteLength: number, position: number): number | Promise<number>;
  /** Release the source; returns why the content no longer matches the plan, if it does not. */
  close(): string | undefined;
}

export interface ReadableContent extends Content {
  openReader(opts?: { signal?: AbortSignal }): ContentReader;
  /**
   * Optional fast path for small contents: read up to `dest.length` bytes from the start in one go (open, read,
   * close). Emit asks for one byte more than planned, so a grown or shrunk source shows in the count without a
   * stat. Returns undefined when the source is gone.
   */
  readOnce?(dest: Uint8Array): number | undefined;
}

export const hasReader = (c: Content): c is ReadableContent => typeof (c as Partial<ReadableContent>).openReader === 'function';

/** One stored copy of file data, as a FileDataSource sees it (in image order). */
export interface DataItem {
  readonly content: Content | undefined;
  /** planned byte length (the region holds exactly this many bytes of it, then zeros to `blockCount` blocks) */
  readonly byteLength: number;
  readonly blockCount: number;
}

/** A piece of the file-data region produced by a FileDataSource. */
export interface DataRegionChunk {
  /** the region's next bytes: each item's data zero-padded to its blocks, a source that changed padded/cut to plan */
  readonly bytes: Uint8Array;
  /** how many items are complete once these bytes are out (cumulative) */
  readonly itemsDone: number;
  /** items that no longer match the plan, reported once each when their last bytes are in a chunk */
  readonly changes: readonly { readonly index: number; readonly reason: string; readonly actualByteLength?: number }[];
}

/** The file-data region's chunks, being produced from the moment the source was started. */
export interface DataRegionChunks extends AsyncIterable<DataRegionChunk> {
  /** stop producing and release everything (called once emit is over, whether the chunks were read or not) */
  close(): Promise<void>;
}

/**
 * An alternative producer of the whole file-data region (node: worker threads reading the files ahead while the
 * directories are serialized and earlier chunks are written). emit starts it before the first region, so it can
 * work ahead. Returns undefined when it cannot produce these items (then emit reads them itself). `bytes` of a
 * chunk stay valid until the next chunk is asked for.
 */
export type FileDataSource = (items: readonly DataItem[], opts: { signal?: AbortSignal }) => DataRegionChunks | undefined;
