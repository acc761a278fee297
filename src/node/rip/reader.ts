/**
 * Reading a rip source — an optical drive, any block device or a file — the way ddrescue -d does: O_DIRECT
 * with aligned buffers, so every read reaches the medium and a bad block costs only itself (buffered reads
 * go through the page cache in 4 KiB pages: a bad 2048-byte block also fails its neighbour, and the
 * kernel's read-ahead fails whole windows; research notes §2.4, §3.1). Where O_DIRECT is refused (tmpfs)
 * reads are buffered, and the rip says so.
 *
 * Errors are sorted into two kinds: a **read failure** (EIO and its cousins: the block is bad, the rescue
 * goes on) and a **fatal** error (no medium, device gone, permission), which stops the rip with the map saved.
 */
import { closeSync, constants, fstatSync, openSync, read as fsRead, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { blockDeviceSize } from '../block-size.js';
import { errnoText } from '../device-sink.js';
import { ioError } from '../errors.js';

export type RipSourceKind = 'file' | 'block-device' | 'optical-drive';

/** errno codes that mean "this block could not be read" (the medium, not the setup). */
const READ_FAILURES = new Set(['EIO', 'ENODATA', 'EILSEQ', 'EBADMSG', 'ETIMEDOUT', 'EREMOTEIO', 'ENOTRECOVERABLE', 'EPROTO']);

/** A block that could not be read: the rescue records it and goes on. */
export class ReadFailure extends Error {
  constructor(
    readonly byteOffset: number,
    readonly errno: string,
  ) {
    super(`read failed at byte ${byteOffset}: ${errno}`);
    this.name = 'ReadFailure';
  }
}

export interface RipReader {
  readonly path: string;
  readonly kind: RipSourceKind;
  /** the kernel's size of the device or file */
  readonly byteLength: number;
  /** logical block size of the device (2048 for optical drives, 512 for most disks, 512 for files) */
  readonly logicalBlockSize: number;
  /** reads bypass the page cache */
  readonly direct: boolean;
  /** sysfs name (sr0, sdb, loop3) for block devices */
  readonly deviceName?: string;
  /**
   * Read up to `byteLength` bytes at `byteOffset` into `buf` (aligned, from an AlignedPool, for O_DIRECT).
   * Resolves the count read (0 at the end); rejects with ReadFailure for a bad block, IsoKitError otherwise.
   */
  read(buf: Uint8Array, byteOffset: number, byteLength: number): Promise<number>;
  close(): void;
}

const preadAsync = (fd: number, buf: Uint8Array, off: number, len: number, pos: number) =>
  new Promise<number>((resolve, reject) => fsRead(fd, buf, off, len, pos, (e, n) => (e ? reject(e) : resolve(n))));

/** The sysfs name of a block device node (follows /dev/cdrom → sr0). */
export function blockDeviceName(path: string): string | undefined {
  try {
    const real = realpathSync(path);
    const rdev = statSync(real).rdev;
    const major = (rdev >>> 8) & 0xfff;
    const minor = (rdev & 0xff) | ((rdev >>> 12) & 0xfff00);
    return basename(realpathSync(`/sys/dev/block/${major}:${minor}`));
  } catch {
    return undefined;
  }
}

/** An optical drive: the sr driver (SCSI type 5, MMC), by its sysfs name or device type. */
export function isOpticalDeviceName(name: string | undefined): boolean {
  if (!name) return false;
  if (/^sr\d+$/.test(name)) return true;
  try {
    return readFileSync(`/sys/block/${name}/device/type`, 'utf8').trim() === '5';
  } catch {
    return false;
  }
}

function sysfsNumber(name: string, file: string, fallback: number): number {
  try {
    const v = Number(readFileSync(`/sys/block/${name}/${file}`, 'utf8').trim());
    return Number.isFinite(v) && v > 0 ? v : fallback;
  } catch {
    return fallback;
  }
}

class FdReader implements RipReader {
  constructor(
    readonly path: string,
    private fd: number,
    readonly kind: RipSourceKind,
    readonly byteLength: number,
    readonly logicalBlockSize: number,
    public direct: boolean,
    readonly deviceName: string | undefined,
  ) {}

  async read(buf: Uint8Array, byteOffset: number, byteLength: number): Promise<number> {
    let done = 0;
    while (done < byteLength) {
      let n: number;
      try {
        n = await preadAsync(this.fd, buf, done, byteLength - done, byteOffset + done);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        if (READ_FAILURES.has(code)) throw new ReadFailure(byteOffset + done, code);
        if (code === 'EINVAL' && this.direct) {
          // this file system refuses O_DIRECT reads after all: go on buffered
          this.reopenBuffered();
          continue;
        }
        if (code === 'ENOMEDIUM') throw new IsoKitError(ErrorCode.IO, `${this.path}: no medium in the drive`, { cause: e });
        throw new IsoKitError(ErrorCode.IO, `${this.path}: read at byte ${byteOffset + done} failed: ${errnoText(e)}`, { byteOffset: byteOffset + done, cause: e });
      }
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  private reopenBuffered(): void {
    const fd = openSync(this.path, constants.O_RDONLY);
    closeSync(this.fd);
    this.fd = fd;
    this.direct = false;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* closed */
    }
  }
}

/** Open a rip source read-only, with O_DIRECT where the kernel allows it. */
export function openRipReader(path: string, opts: { direct?: boolean } = {}): RipReader {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOMEDIUM') throw new IsoKitError(ErrorCode.IO, `${path}: no medium in the drive`, { cause: e });
    throw ioError(e, path);
  }
  const st = fstatSync(fd);
  if (st.isDirectory()) {
    closeSync(fd);
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path} is a directory: rip reads an optical drive, a block device or a file`);
  }
  const isBlock = st.isBlockDevice();
  const name = isBlock ? blockDeviceName(path) : undefined;
  const kind: RipSourceKind = !isBlock ? 'file' : isOpticalDeviceName(name) ? 'optical-drive' : 'block-device';
  const byteLength = isBlock ? blockDeviceSize(fd, path) : st.size;
  const logicalBlockSize = name ? sysfsNumber(name, 'queue/logical_block_size', kind === 'optical-drive' ? 2048 : 512) : 512;
  let direct = false;
  if (opts.direct !== false && constants.O_DIRECT !== undefined) {
    try {
      const dfd = openSync(path, constants.O_RDONLY | constants.O_DIRECT);
      closeSync(fd);
      fd = dfd;
      direct = true;
    } catch {
      /* O_DIRECT refused at open (tmpfs): buffered */
    }
  }
  return new FdReader(path, fd, kind, byteLength, logicalBlockSize, direct, name);
}
