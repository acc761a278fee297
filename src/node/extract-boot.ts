/** Save the El Torito boot images of an opened image as files (`isokit extract --boot-images DIR`). */
import { lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { readRange } from '../io/index.js';
import type { IsoImage } from '../read/index.js';
import { AtomicFileSink } from './atomic-file.js';
import { fsError } from './safe-path.js';

export interface SavedBootImage {
  path: string;
  index: number;
  platform: string;
  emulation: string;
  lba: number;
  byteLength: number;
  /** how the length was found (file in the tree, boot info table, FAT, MBR partition, floppy size, load size) */
  lengthSource: string;
}

/**
 * Write each boot image of `image`'s catalog to DIR/boot-<n>-<platform>.img at its real length (as far as
 * the catalog reader could infer it). No catalog: an empty list. Existing files need `overwrite`.
 */
export async function saveBootImages(image: IsoImage, dir: string, opts: { overwrite?: boolean; signal?: AbortSignal } = {}): Promise<SavedBootImage[]> {
  const images = image.bootCatalog?.images ?? [];
  if (!images.length) return [];
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw fsError(e, dir);
  }
  const out: SavedBootImage[] = [];
  for (const b of images) {
    const path = join(dir, `boot-${b.index}-${b.platform}.img`);
    if (!opts.overwrite && exists(path)) throw new IsoKitError(ErrorCode.EXISTS, `${path} already exists (use --overwrite to replace it)`);
    const end = Math.min(image.source.byteLength, b.byteOffset + b.byteLength);
    const byteLength = Math.max(0, end - b.byteOffset);
    const sink = new AtomicFileSink(path, { mode: 0o644 });
    try {
      for await (const chunk of readRange(image.source, b.byteOffset, byteLength, 1 << 20, opts.signal ? { signal: opts.signal } : {})) await sink.write(chunk);
      if (sink.bytesWritten !== byteLength) throw new IsoKitError(ErrorCode.TRUNCATED, `boot image ${b.index}: the image ends before its ${b.byteLength} bytes`, { byteOffset: b.byteOffset });
      await sink.close();
    } catch (e) {
      await sink.abort();
      throw e;
    }
    out.push({ path, index: b.index, platform: b.platform, emulation: b.emulation, lba: b.lba, byteLength, lengthSource: b.lengthSource });
  }
  return out;
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
