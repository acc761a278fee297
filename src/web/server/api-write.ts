/**
 * The Write page: the sticks on offer (`listDrives`, system disks never), the plan (`writeImage` run as a dry
 * run: the image inspected, its checksum files checked, every target checked — nothing written), then the
 * write itself in the one-shot writer process, after the typed confirmation has been checked here too.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode, IsoKitError, inspectImageHead, writeImage, type WritePlan } from '../../node/index.js';
import type { App } from './app.js';
import { ApiError } from './errors.js';
import type { Router } from './http.js';
import { resolveExisting } from './roots.js';
import { checkRequestedTargets, offeredDrives, type TargetIdentity } from './targets.js';
import { runWriter } from './writer.js';

/** The name to type for a target: the device name (sdb) or the file name. */
export const confirmName = (t: Pick<TargetIdentity, 'path'>): string => path.basename(t.path);

/** The confirmation must name every target (any order), or be "yes" — as the CLI's prompt accepts. */
export function confirmationMatches(text: string, ids: readonly TargetIdentity[]): boolean {
  const words = text.trim().split(/\s+/).filter(Boolean).sort().join(' ');
  return words === ids.map(confirmName).sort().join(' ') || words === ids.map((t) => t.path).sort().join(' ');
}

function planJson(plan: WritePlan) {
  return {
    source: plan.source,
    inspection: plan.inspection,
    integrity: { status: plan.integrity.status, blocking: plan.integrity.blocking, message: plan.integrity.message, referenceFiles: plan.integrity.referenceFiles.map((f) => path.basename(f)) },
    targets: plan.targets.map((t) => ({ path: t.path, kind: t.kind, description: t.description, confirmName: confirmName(t) })),
    needsRoot: false,
  };
}

function head(file: string): Uint8Array {
  const b = new Uint8Array(1 << 20);
  const fd = openSync(file, 'r');
  try {
    return b.subarray(0, readSync(fd, b, 0, b.length, 0));
  } finally {
    closeSync(fd);
  }
}

export function writeRoutes(router: Router, app: App): void {
  router.get('/api/drives', () => {
    const drives = offeredDrives(app.drives).map((d) => ({
      path: d.path, name: d.name, byteLength: d.byteLength, vendor: d.vendor, model: d.model, serial: d.serial, bus: d.bus,
      removable: d.removable, readOnly: d.readOnly, backingFile: d.backingFile, mountpoints: d.mountpoints, explanation: d.explanation,
    }));
    return { drives };
  });

  router.post('/api/write/plan', async ({ fields }) => {
    const image = resolveExisting(app.roots, fields.str('image'));
    const ids = checkRequestedTargets(fields.raw('targets'), app.roots, app.drives);
    return {
      job: app.hub.start('write-plan', async (job) => {
        let captured: WritePlan | undefined;
        try {
          await writeImage({
            image, targets: ids.map((t) => t.path), mode: 'auto', dryRun: true, drives: app.drives, signal: job.signal,
            confirm: async (plan) => ((captured = plan), true),
            onProgress: (p) => job.progress({ ...p }),
            onMessage: (level, text) => job.message(level, text),
          });
        } catch (e) {
          // targets that only root may write: the writer process will be elevated; the plan says so
          const needsRoot = e instanceof IsoKitError && e.code === ErrorCode.PERMISSION && (e.data as { needsRoot?: boolean } | undefined)?.needsRoot;
          if (!needsRoot) throw e;
          return {
            source: { name: image }, inspection: await inspectImageHead(head(image)),
            integrity: { status: 'unchecked', blocking: false, message: 'the checksum files are checked by the writer, once you have given the administrator password', referenceFiles: [] },
            targets: ids.map((t) => ({ path: t.path, kind: t.kind, description: t.path, confirmName: confirmName(t) })),
            needsRoot: true,
          };
        }
        if (!captured) throw new IsoKitError(ErrorCode.INTERNAL, 'the write plan was not made');
        return planJson(captured);
      }),
    };
  });

  router.post('/api/write/start', async ({ fields }) => {
    const image = resolveExisting(app.roots, fields.str('image'));
    const ids = checkRequestedTargets(fields.raw('targets'), app.roots, app.drives);
    if (!confirmationMatches(fields.optStr('confirm') ?? '', ids)) {
      throw new ApiError(400, 'NOT_CONFIRMED', `type ${ids.map(confirmName).join(' ')} to confirm that everything on ${ids.length > 1 ? 'these targets' : 'this target'} may be erased`);
    }
    const verify = fields.bool('verify', true);
    return { job: app.hub.start('write', (job) => runWriter({ image, targets: ids, verify }, job)) };
  });
}
