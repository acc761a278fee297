/**
 * Content of a file stored in an image: its extents, concatenated (multi-extent files, ECMA-119 6.5.1).
 * Streams exactly `byteLength` bytes or throws TRUNCATED when an extent runs past the end of the source
 * (the reader already reported that as a finding; extraction must not silently produce a short file).
 * A class (not a closure per file) so that listing 100,000 files allocates little.
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';
import type { ByteSource, ByteStream, ReadOptions } from '../io/index.js';
import type { Content, ImageExtent, SourceRange } from '../model/index.js';
import { SECTOR_SIZE } from '../formats/iso9660/index.js';

class ExtentsContent implements Content {
  readonly byteLength: number;
  constructor(
    private readonly source: ByteSource,
    private readonly extents: readonly ImageExtent[],
    readonly identity?: string,
  ) {
    let n = 0;
    for (const e of extents) n += e.byteLength;
    this.byteLength = n;
  }
  /** Made on each call, not kept: extracting 100,000 files asks once per file, and memory counts there. */
  get ranges(): readonly SourceRange[] {
    return this.extents.map((e) => ({ source: this.source, byteOffset: e.lba * SECTOR_SIZE, byteLength: e.byteLength }));
  }
  async *stream(opts?: ReadOptions & { chunkSize?: number }): ByteStream {
    const chunk = Math.max(SECTOR_SIZE, opts?.chunkSize ?? 1 << 20);
    const readOpts = opts?.signal ? { signal: opts.signal } : undefined;
    const source = this.source;
    for (const r of this.ranges) {
      for (let done = 0; done < r.byteLength;) {
        const want = Math.min(chunk, r.byteLength - done);
        const b = await source.read(r.byteOffset + done, want, readOpts);
        if (b.length < want) {
          throw new IsoKitError(ErrorCode.TRUNCATED, `file extent needs bytes up to ${r.byteOffset + r.byteLength} but ${source.name} ends at ${source.byteLength}`, {
            byteOffset: r.byteOffset + done + b.length,
            structure: 'FileExtent',
          });
        }
        yield b;
        done += want;
      }
    }
  }
}

/** Content made of image extents (read lazily from `source`). */
export function extentsContent(source: ByteSource, extents: readonly ImageExtent[], identity?: string): Content {
  return new ExtentsContent(source, extents, identity);
}
