/**
 * Content of a file on disk, as planned: path, size and mtime seen when the tree was scanned. Nothing is read
 * until the image is emitted. `openReader` gives emit positional synchronous reads straight into its output
 * chunk (one copy, no thread-pool round trip per file) and reports whether the file changed since the scan;
 * `readOnce` reads a small file with open + one read + close (no fstat: a size change shows in the count).
 *
 * The path is kept as the parent directory's path (one string shared by its files) plus the name, which keeps
 * 100,000 scanned files small.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ContentReader, ReadableContent } from '../create/index.js';
import { throwIfAborted, type ByteStream, type ReadOptions } from '../io/index.js';
import { ioError } from './errors.js';
import { skewedBuffer } from './chunk-reader.js';

export class FileContent implements ReadableContent {
  /** the parent directory's path (shared by its files), or the whole path when `name` is '' */
  readonly dir: string;
  /** the file name inside `dir` ('' when `dir` is the whole path) */
  readonly name: string;

  /**
   * @param path the file (or, with `name`, its directory)
   * @param name the file name inside `path` (optional)
   */
  constructor(
    path: string,
    readonly byteLength: number,
    readonly mtimeMs: number,
    name?: string,
  ) {
    this.dir = path;
    this.name = name ?? '';
  }

  get path(): string {
    return this.name ? `${this.dir}/${this.name}` : this.dir;
  }

  private open(): number | undefined {
    const p = this.path;
    try {
      return openSync(p, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw ioError(e, p);
    }
  }

  /** Open, read up to `dest.length` bytes from the start, close. Returns the count, or undefined if the file is gone. */
  readOnce(dest: Uint8Array): number | undefined {
    const fd = this.open();
    if (fd === undefined) return undefined;
    try {
      let done = 0;
      while (done < dest.length) {
        const n = readSync(fd, dest, done, dest.length - done, done);
        if (n === 0) break;
        done += n;
      }
      return done;
    } catch (e) {
      throw ioError(e, this.path);
    } finally {
      closeSync(fd);
    }
  }

  openReader(): ContentReader {
    const fd = this.open();
    if (fd === undefined) return { read: () => 0, close: () => 'it was removed' };
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
        const buf = skewedBuffer(Math.min(chunk, this.byteLength - done));
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
