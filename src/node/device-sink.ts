/**
 * A positional writer for block devices and disk-image files (etcher-sdk block-write-stream.ts habits):
 * exclusive open of block devices (O_EXCL: the kernel refuses while anything is mounted from the disk),
 * O_DIRECT with aligned buffers where the target supports it (falls back to buffered I/O on EINVAL),
 * retries of transient errors with back-off, the failing byte offset on a hard error, fsync on close.
 *
 * Buffers handed to `writeAt` in direct mode must come from `AlignedPool`/`alignedBuffer` (write/aligned.ts);
 * a length or offset that is not a multiple of the logical block size goes through a second, buffered
 * descriptor (the image's last partial sector).
 */
import { closeSync, constants, fstatSync, fsync, ftruncate, openSync, write as fsWrite } from 'node:fs';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import type { ByteSink } from '../io/index.js';
import { blockDeviceSize } from './block-size.js';

export interface DeviceSinkOptions {
  /** try O_DIRECT (default true) */
  direct?: boolean;
  /** block devices: O_EXCL (default true) */
  exclusive?: boolean;
  /** regular files: create when missing (default true) */
  create?: boolean;
  /** attempts after the first for EAGAIN/EIO/EINTR/EBUSY/ETIMEDOUT (default 3) */
  retries?: number;
  /** first back-off in ms, tripled per retry (default 100) */
  retryDelayMs?: number;
  /** alignment used for O_DIRECT decisions (default 4096) */
  alignment?: number;
}

const TRANSIENT = new Set(['EAGAIN', 'EIO', 'EINTR', 'EBUSY', 'ETIMEDOUT', 'EWOULDBLOCK']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function writeAsync(fd: number, buf: Uint8Array, off: number, len: number, pos: number): Promise<number> {
  return new Promise((resolve, reject) => fsWrite(fd, buf, off, len, pos, (err, n) => (err ? reject(err) : resolve(n))));
}
const fsyncAsync = (fd: number) => new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));

/** Describe an errno error for a one-line message. */
export const errnoText = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code} (${(err.message ?? '').replace(/^[A-Z]+: /, '').replace(/, \w+ .*$/, '')})` : String((e as Error)?.message ?? e);
};

export class DeviceSink implements ByteSink {
  private directFd: number | undefined;
  private bufferedFd: number | undefined;
  private position = 0;
  private closed = false;
  /** whether writes currently use O_DIRECT */
  direct: boolean;
  /** bytes written in total (for `write`), or the highest end offset written */
  highWater = 0;
  /** retries that succeeded, for the report */
  retriesUsed = 0;

  private constructor(
    readonly path: string,
    readonly isBlockDevice: boolean,
    /** device size in bytes; undefined for regular files */
    readonly deviceByteLength: number | undefined,
    fd: number,
    direct: boolean,
    private readonly flags: number,
    private readonly opts: Required<Pick<DeviceSinkOptions, 'retries' | 'retryDelayMs' | 'alignment'>>,
  ) {
    this.direct = direct;
    if (direct) this.directFd = fd;
    else this.bufferedFd = fd;
  }

  static open(path: string, opts: DeviceSinkOptions = {}): DeviceSink {
    const { O_WRONLY, O_CREAT, O_DIRECT, O_EXCL } = constants;
    const want = opts.direct ?? true;
    let base = O_WRONLY;
    let fd: number;
    let direct = want && O_DIRECT !== undefined;
    // Probe the kind first: O_EXCL means "exclusive" for a block device but "must not exist" for a file.
    let isBlock = false;
    try {
      const probe = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      isBlock = fstatSync(probe).isBlockDevice();
      closeSync(probe);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || opts.create === false) throw openError(e, path);
    }
    if (isBlock && (opts.exclusive ?? true)) base |= O_EXCL;
    if (!isBlock && (opts.create ?? true)) base |= O_CREAT;
    try {
      fd = openSync(path, direct ? base | (O_DIRECT as number) : base, 0o644);
    } catch (e) {
      if (!direct || (e as NodeJS.ErrnoException).code !== 'EINVAL') throw openError(e, path);
      direct = false;
      try {
        fd = openSync(path, base, 0o644);
      } catch (e2) {
        throw openError(e2, path);
      }
    }
    const size = isBlock ? blockDeviceSize(fd, path) : undefined;
    return new DeviceSink(path, isBlock, size, fd, direct, base & ~O_EXCL, {
      retries: opts.retries ?? 3,
      retryDelayMs: opts.retryDelayMs ?? 100,
      alignment: opts.alignment ?? 4096,
    });
  }

  private buffered(): number {
    if (this.bufferedFd === undefined) {
      try {
        this.bufferedFd = openSync(this.path, this.flags & ~constants.O_CREAT);
      } catch (e) {
        throw openError(e, this.path);
      }
    }
    return this.bufferedFd;
  }

  /** Sequential write at the current position. */
  async write(chunk: Uint8Array): Promise<void> {
    await this.writeAt(this.position, chunk);
    this.position += chunk.length;
  }

  async writeAt(byteOffset: number, chunk: Uint8Array): Promise<void> {
    if (this.closed) throw new IsoKitError(ErrorCode.IO, `${this.path} is closed`);
    if (this.deviceByteLength !== undefined && byteOffset + chunk.length > this.deviceByteLength) {
      const err = new IsoKitError(
        ErrorCode.NO_SPACE,
        `${this.path}: the image does not fit: it continues past the device's end (${this.deviceByteLength} bytes) at byte ${byteOffset + chunk.length}`,
      );
      throw withByteOffset(err, Math.max(byteOffset, this.deviceByteLength));
    }
    const a = this.opts.alignment;
    const aligned = byteOffset % a === 0 && chunk.length % a === 0 && chunk.byteOffset % a === 0;
    let useDirect = this.direct && aligned;
    let done = 0;
    let attempt = 0;
    while (done < chunk.length) {
      const fd = useDirect ? (this.directFd as number) : this.buffered();
      try {
        const n = await writeAsync(fd, chunk, done, chunk.length - done, byteOffset + done);
        if (n === 0) throw Object.assign(new Error('wrote 0 bytes'), { code: 'EIO' });
        done += n;
        attempt = 0;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        if (useDirect && code === 'EINVAL') {
          // The target (or this buffer) cannot do O_DIRECT after all: continue buffered.
          this.direct = false;
          useDirect = false;
          continue;
        }
        if (TRANSIENT.has(code) && attempt < this.opts.retries) {
          await sleep(this.opts.retryDelayMs * 3 ** attempt);
          attempt++;
          this.retriesUsed++;
          continue;
        }
        throw writeError(e, this.path, byteOffset + done, attempt);
      }
    }
    this.highWater = Math.max(this.highWater, byteOffset + chunk.length);
  }

  /** Regular files: set the final length (a disk-image file ends where the image ends). */
  async truncate(byteLength: number): Promise<void> {
    if (this.isBlockDevice) return;
    const fd = this.directFd ?? this.buffered();
    await new Promise<void>((resolve, reject) => ftruncate(fd, byteLength, (e) => (e ? reject(writeError(e, this.path, byteLength, 0)) : resolve())));
  }

  /** fsync every descriptor: the data is on the medium when this resolves. */
  async sync(): Promise<void> {
    for (const fd of [this.directFd, this.bufferedFd]) {
      if (fd === undefined) continue;
      try {
        await fsyncAsync(fd);
      } catch (e) {
        throw new IsoKitError(ErrorCode.IO, `${this.path}: flushing to the medium failed: ${errnoText(e)} (some data written earlier did not reach the device)`, { cause: e });
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.sync();
    } finally {
      this.release();
    }
  }

  async abort(): Promise<void> {
    this.release();
  }

  private release(): void {
    this.closed = true;
    for (const fd of [this.directFd, this.bufferedFd]) {
      if (fd === undefined) continue;
      try {
        closeSync(fd);
      } catch {
        /* already closed */
      }
    }
    this.directFd = this.bufferedFd = undefined;
  }
}

function openError(e: unknown, path: string): IsoKitError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EBUSY') return new IsoKitError(ErrorCode.IO, `${path} is busy: something has it open or mounted (unmount it, or pass --unmount)`, { cause: e });
  if (code === 'EACCES' || code === 'EPERM') return new IsoKitError(ErrorCode.PERMISSION, `${path}: permission denied`, { cause: e });
  if (code === 'EROFS') return new IsoKitError(ErrorCode.PERMISSION, `${path} is read-only`, { cause: e });
  if (code === 'ENOENT') return new IsoKitError(ErrorCode.NOT_FOUND, `${path}: no such file or directory`, { cause: e });
  return new IsoKitError(ErrorCode.IO, `${path}: cannot open for writing: ${errnoText(e)}`, { cause: e });
}

function writeError(e: unknown, path: string, byteOffset: number, retries: number): IsoKitError {
  const code = (e as NodeJS.ErrnoException).code;
  const tail = retries ? ` (after ${retries} retries)` : '';
  const err = new IsoKitError(code === 'ENOSPC' ? ErrorCode.NO_SPACE : ErrorCode.IO, `${path}: write failed at byte ${byteOffset}: ${errnoText(e)}${tail}`, {
    data: { errno: code },
    cause: e,
  });
  return withByteOffset(err, byteOffset);
}

/**
 * Attach a byte offset to an error without the ISO-style "at byte 0x… (LBA n)" prefix (LBAs of 2048
 * bytes mean nothing on a disk); the message already names the offset in decimal.
 */
export function withByteOffset(err: IsoKitError, byteOffset: number): IsoKitError {
  (err as { byteOffset?: number }).byteOffset = byteOffset;
  return err;
}
