/** Test images for the optical tests. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { sh } from '../helpers/index.js';

/** An ISO (xorriso -as mkisofs, with `extra` options) holding `kib` KiB of random data in NAME-src/data.bin. */
export function makeIso(dir: string, name: string, kib: number, extra: string[] = []): string {
  const src = path.join(dir, `${name}-src`);
  mkdirSync(src, { recursive: true });
  sh('dd', ['if=/dev/urandom', `of=${path.join(src, 'data.bin')}`, 'bs=1k', `count=${kib}`, 'status=none']);
  const iso = path.join(dir, `${name}.iso`);
  sh('xorriso', ['-as', 'mkisofs', '-quiet', '-V', name.toUpperCase(), ...extra, '-o', iso, src]);
  return iso;
}
