import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { clampRead, throwIfAborted, type ReadOptions, type SyncByteSource } from '../io/index.js';
import { ioError } from './errors.js';
import { skewedBuffer } from './chunk-reader.js';
import { blockDeviceSize } from './block-size.js';

/**
 * A ByteSource over a local file or block device. Reads are synchronous `pread`s: for the metadata-heavy
 * access pattern of an ISO reader they are several times cheaper than thread-pool round trips.
 */
export class FileSource implements SyncByteSource {
  private fd: number | undefined;
  constructor(
    fd: number,
    readonly byteLength: number,
    readonly name: string,
  ) {
    this.fd = fd;
  }
  async read(byteOffset: number, byteLength: number, opts?: ReadOptions): Promise<Uint8Array> {
    return this.readSync(byteOffset, byteLength, opts);
  }
  readSync(byteOffset: number, byteLength: number, opts?: ReadOptions): Uint8Array {
    throwIfAborted(opts?.signal);
    const n = clampRead(this, byteOffset, byteLength);
    const out = n > 131072 ? skewedBuffer(n) : new Uint8Array(n); // large reads: off the 4 KiB alias
    if (this.fd === undefined) throw new IsoKitError(ErrorCode.IO, `${this.name} is closed`);
    let done = 0;
    while (done < n) {
      let got: number;
      try {
        got = readSync(this.fd, out, done, n - done, byteOffset + done);
      } catch (e) {
        throw ioError(e, this.name, byteOffset + done);
      }
      if (got === 0) return out.subarray(0, done);
      done += got;
    }
    return out;
  }
  /** pread into `target` (no allocation); returns the bytes read (fewer only at the end of the source). */
  readIntoSync(byteOffset: number, target: Uint8Array): number {
    const n = clampRead(this, byteOffset, target.length);
    if (this.fd === undefined) throw new IsoKitError(ErrorCode.IO, `${this.name} is closed`);
    let done = 0;
    while (done < n) {
      let got: number;
      try {
        got = readSync(this.fd, target, done, n - done, byteOffset + done);
      } catch (e) {
        throw ioError(e, this.name, byteOffset + done);
      }
      if (got === 0) break;
      done += got;
    }
    return done;
  }
  async close(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** An open read-only descriptor on an image file or block device, with its real byte length. */
export interface OpenedImageFile {
  fd: number;
  byteLength: number;
  isBlockDevice: boolean;
}

/**
 * Open a file or block device for reading: a directory is refused with one line, a block device reports
 * its size from sysfs (fstat says 0). Shared by the reader, the hasher and the write pipeline.
 */
export function openImageFileSync(path: string, what = 'an image'): OpenedImageFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw ioError(e, path);
  }
  const st = fstatSync(fd);
  if (st.isDirectory()) {
    closeSync(fd);
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path} is a directory, not ${what}`);
  }
  const isBlockDevice = st.isBlockDevice();
  return { fd, byteLength: isBlockDevice ? blockDeviceSize(fd, path) : st.size, isBlockDevice };
}

/** Open a file or block device for reading as a ByteSource. Block devices report their real size. */
export async function openFileSource(path: string): Promise<FileSource> {
  const { fd, byteLength } = openImageFileSync(path);
  return new FileSource(fd, byteLength, path);
}
