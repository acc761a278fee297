/**
 * The Burn and Rip pages, through backends.ts (the library's `listOpticalDrives`, `burnImage`, `ripImage`).
 * A burn needs the typed confirmation naming the drive; `stdio:PATH` pseudo-drives (a file written through
 * libburn, as `isokit burn --drive stdio:FILE`) must lie inside the allowed folders.
 */
import path from 'node:path';
import type { App } from './app.js';
import { burnImage, listOpticalDrives, ripImage } from './backends.js';
import { ApiError } from './errors.js';
import type { Router } from './http.js';
import { resolveExisting, resolveNew } from './roots.js';

/** A drive address the page may burn to: /dev/srN, or stdio:FILE inside the allowed folders. */
function driveAddress(app: App, drive: string): string {
  if (drive.startsWith('stdio:')) return `stdio:${resolveNew(app.roots, drive.slice('stdio:'.length))}`;
  if (!/^\/dev\/sr\d+$/.test(drive)) throw new ApiError(400, 'BAD_FIELD', `${drive} is not an optical drive`, 'choose a drive from the list');
  return drive;
}

export function opticalRoutes(router: Router, app: App): void {
  router.get('/api/optical/drives', async () => ({ drives: await listOpticalDrives() }));

  router.post('/api/burn/start', async ({ fields }) => {
    const image = resolveExisting(app.roots, fields.str('image'));
    const drive = driveAddress(app, fields.str('drive'));
    const name = path.basename(drive.replace(/^stdio:/, ''));
    const typed = (fields.optStr('confirm') ?? '').trim();
    if (typed !== name && typed !== drive) throw new ApiError(400, 'NOT_CONFIRMED', `type ${name} to confirm that this disc will be written`);
    const speed = fields.optStr('speed') ?? 'safe';
    const blank = fields.oneOf('blank', ['as-needed', 'fast', 'full'] as const, 'as-needed');
    const verify = fields.bool('verify', true);
    return {
      job: app.hub.start('burn', (job) =>
        burnImage({ image, drive, speed, blank, verify, yes: true, signal: job.signal, onProgress: (p) => job.progress(p), onMessage: (l, t) => job.message(l, t) })),
    };
  });

  router.post('/api/rip/start', async ({ fields }) => {
    const raw = fields.str('source');
    const source = /^\/dev\/sr\d+$/.test(raw) ? raw : resolveExisting(app.roots, raw);
    const output = resolveNew(app.roots, fields.str('output'));
    const sums = fields.optStr('sums');
    return {
      job: app.hub.start('rip', (job) =>
        ripImage({
          source, output, ...(sums ? { sums: resolveExisting(app.roots, sums) } : {}), verify: fields.bool('verify', true),
          signal: job.signal, onProgress: (p) => job.progress(p), onMessage: (l, t) => job.message(l, t),
        })),
    };
  });
}
