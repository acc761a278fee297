/** Open an image file or http(s) URL and read it: `openSource` + `openImage` in one call. */
import { openImage } from '../read/open-image.js';
import type { IsoImage, OpenImageOptions } from '../read/types.js';
import { openSource } from './open-source.js';

/**
 * Open IMAGE (a local path, block device, or http(s) URL read by range requests) and parse it.
 * Close it with `image.source.close?.()` when done. The source is closed again when parsing fails.
 */
export async function openImageFile(pathOrUrl: string, opts: OpenImageOptions = {}): Promise<IsoImage> {
  const source = await openSource(pathOrUrl, opts.signal ? { signal: opts.signal } : {});
  try {
    return await openImage(source, opts);
  } catch (e) {
    await source.close?.();
    throw e;
  }
}
