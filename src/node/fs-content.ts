/**
 * Content of a file on disk, as planned: path, size and mtime seen when the tree was scanned. Nothing is read
 * until the image is emitted. `openReader` gives emit positional synchronous reads straight into its output
 * chunk (one copy, no thread-pool round trip per file) and reports whether the file changed since the scan.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ContentReader, ReadableContent } from '../build/index.js';
import { throwIfAborted, type ByteStream, type ReadOptions } from '../io/index.js';
import { ioError } from './errors.js';

export class FileContent implements ReadableContent {
  constructor(
    readonly path: string,
    readonly byteLength: number,
    readonly mtimeMs: number,
  ) {}

  openReader(): ContentReader {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { read: () => 0, close: () => 'it was removed' };
      throw ioError(e, this.path);
    }
    let changed: string | undefined;
    try {
      const st = fstatSync(fd);
      if (st.size !== this.byteLength) changed = `its size changed from ${this.byteLength} to ${st.size} bytes`;
      else if (st.mtimeMs !== this.mtimeMs) changed = 'it was modified';
    } catch (e) {
      closeSync(fd);
      throw ioError(e, this.path);
    }
    const path = this.path;
    return {
      read(dest, destOffset, byteLength, position) {
        try {
          return readSync(fd, dest, destOffset, byteLength, position);
        } catch (e) {
          throw ioError(e, path, position);
        }
      },
      close() {
        closeSync(fd);
        return changed;
      },
    };
  }

  async *stream(opts?: ReadOptions & { chunkSize?: number }): ByteStream {
    const reader = this.openReader();
    try {
      const chunk = opts?.chunkSize ?? 1 << 20;
      let done = 0;
      while (done < this.byteLength) {
        throwIfAborted(opts?.signal);
        const buf = new Uint8Array(Math.min(chunk, this.byteLength - done));
        const got = reader.read(buf, 0, buf.length, done) as number;
        if (got === 0) return;
        yield got === buf.length ? buf : buf.subarray(0, got);
        done += got;
      }
    } finally {
      reader.close();
    }
  }
}
