/**
 * A faster way to read a Content during emit than its stream: positional reads straight into the output
 * chunk (one copy), offered by contents that can do it (node file contents). `close()` reports whether the
 * source changed since it was planned (size or modification time), so emit can say so.
 */
import type { Content } from '../model/index.js';

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
