/**
 * Content of a file stored in an image: its extents, concatenated (multi-extent files, ECMA-119 6.5.1).
 * Streams exactly `byteLength` bytes or throws TRUNCATED when an extent runs past the end of the source
 * (the reader already reported that as a finding; extraction must not silently produce a short file).
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';
import type { ByteSource } from '../io/index.js';
import type { Content, ImageExtent, SourceRange } from '../model/index.js';
import { SECTOR_SIZE } from '../formats/iso9660/index.js';

export function extentsContent(source: ByteSource, extents: readonly ImageExtent[], identity?: string): Content {
  const ranges: SourceRange[] = extents.map((e) => ({ source, byteOffset: e.lba * SECTOR_SIZE, byteLength: e.byteLength }));
  let byteLength = 0;
  for (const r of ranges) byteLength += r.byteLength;
  return {
    byteLength,
    ranges,
    ...(identity !== undefined ? { identity } : {}),
    async *stream(opts) {
      const chunk = Math.max(SECTOR_SIZE, opts?.chunkSize ?? 1 << 20);
      const readOpts = opts?.signal ? { signal: opts.signal } : undefined;
      for (const r of ranges) {
        for (let done = 0; done < r.byteLength;) {
          const want = Math.min(chunk, r.byteLength - done);
          const b = await r.source.read(r.byteOffset + done, want, readOpts);
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
    },
  };
}
