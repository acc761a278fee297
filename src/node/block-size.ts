import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ErrorCode, IsoKitError } from '../errors/index.js';

/** Size of a block device in bytes, from sysfs (/sys/class/block/NAME/size counts 512-byte sectors). */
export function blockDeviceSize(_fd: number, path: string): number {
  try {
    const real = realpathSync(path);
    const st = statSync(real);
    const rdev = st.rdev;
    const major = (rdev >>> 8) & 0xfff;
    const minor = (rdev & 0xff) | ((rdev >>> 12) & 0xfff00);
    const majmin = `${major}:${minor}`;
    let name = basename(real);
    try {
      const dev = readFileSync(`/sys/class/block/${name}/dev`, 'utf8').trim();
      if (dev !== majmin) name = basename(realpathSync(`/sys/dev/block/${majmin}`));
    } catch {
      name = basename(realpathSync(`/sys/dev/block/${majmin}`));
    }
    const sectors = Number(readFileSync(`/sys/class/block/${name}/size`, 'utf8').trim());
    return sectors * 512;
  } catch (e) {
    throw new IsoKitError(ErrorCode.IO, `cannot find the size of block device ${path}: ${(e as Error).message}`, { cause: e });
  }
}
