/**
 * Which targets the page may write, checked twice: by the server when the write is asked for (the device must be
 * in the drive list it offers — system disks never are — with the same size, model and serial the user saw; a
 * file must be a new or regular file inside the allowed folders), and again by the writer process inside
 * `writeImage`'s confirmation hook, after the library's own checks and right before the first byte is written.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { listDrives, type Drive, type ListDrivesOptions, type WritePlan } from '../../node/index.js';
import { ApiError } from './errors.js';
import { resolveNew, type Roots } from './roots.js';

/** A target as the user chose it: a device with what identifies it, or a disk-image file. */
export interface TargetIdentity {
  readonly kind: 'device' | 'file';
  readonly path: string;
  readonly byteLength?: number;
  readonly model?: string;
  readonly serial?: string;
}

/** Drives the page offers: the default listing (system disks and empty drives left out), never a system disk. */
export function offeredDrives(opts: Omit<ListDrivesOptions, 'all'> = {}): Drive[] {
  return listDrives(opts).drives.filter((d) => !d.system && !d.hidden);
}

/** What differs between a device now and what the user chose, or undefined when it is the same device. */
export function identityProblem(id: TargetIdentity, drive: Pick<Drive, 'byteLength' | 'model' | 'serial' | 'system'> | undefined): string | undefined {
  if (!drive) return `${id.path} is no longer in the drive list`;
  if (drive.system) return `${id.path} is a system disk`;
  if (id.byteLength !== undefined && drive.byteLength !== id.byteLength) return `${id.path} is now ${drive.byteLength} bytes, ${id.byteLength} were shown: another device took its name`;
  if ((id.model ?? '') !== (drive.model ?? '')) return `${id.path} is now "${drive.model ?? ''}", "${id.model ?? ''}" was shown: another device took its name`;
  if ((id.serial ?? '') !== (drive.serial ?? '')) return `${id.path} has another serial number than the one shown: another device took its name`;
  return undefined;
}

/** Parse and check the targets of a write request on the server (before the writer starts). */
export function checkRequestedTargets(raw: unknown, roots: Roots, drives: Omit<ListDrivesOptions, 'all'> = {}): TargetIdentity[] {
  if (!Array.isArray(raw) || !raw.length) throw new ApiError(400, 'BAD_FIELD', 'choose at least one stick or file to write to');
  const offered = offeredDrives(drives);
  const out: TargetIdentity[] = [];
  for (const t of raw as Record<string, unknown>[]) {
    if (typeof t !== 'object' || t === null || typeof t.path !== 'string') throw new ApiError(400, 'BAD_FIELD', 'each target needs a path');
    if (t.kind === 'file') {
      const p = resolveNew(roots, t.path);
      let st;
      try {
        st = statSync(p);
      } catch {
        st = undefined;
      }
      if (st && !st.isFile()) throw new ApiError(400, 'BAD_TARGET', `${p} is not a regular file`, 'choose a new file name, or a device from the drive list');
      out.push({ kind: 'file', path: p });
      continue;
    }
    if (t.kind !== 'device') throw new ApiError(400, 'BAD_FIELD', 'a target is a "device" or a "file"');
    const id: TargetIdentity = {
      kind: 'device',
      path: t.path,
      ...(typeof t.byteLength === 'number' ? { byteLength: t.byteLength } : {}),
      ...(typeof t.model === 'string' ? { model: t.model } : {}),
      ...(typeof t.serial === 'string' ? { serial: t.serial } : {}),
    };
    const problem = identityProblem(id, offered.find((d) => d.path === t.path));
    if (problem) throw new ApiError(409, 'TARGET_CHANGED', `refusing to write: ${problem}`, 'refresh the drive list and choose again');
    out.push(id);
  }
  if (new Set(out.map((t) => t.path)).size !== out.length) throw new ApiError(400, 'BAD_FIELD', 'the same target is chosen twice');
  return out;
}

/** The writer's last check, on the library's own view of each target (called from `writeImage`'s confirm). */
export function revalidateTargets(ids: readonly TargetIdentity[], planned: WritePlan['targets']): void {
  for (const id of ids) {
    const t = planned.find((p) => p.path === id.path);
    if (!t) throw new ApiError(409, 'TARGET_CHANGED', `refusing to write: ${id.path} is not among the planned targets`);
    if (id.kind === 'file') {
      if (t.kind !== 'file') throw new ApiError(409, 'TARGET_CHANGED', `refusing to write: ${id.path} is no longer a regular file`);
      continue;
    }
    const problem = t.kind !== 'device' ? `${id.path} is no longer a device` : identityProblem(id, t.drive);
    if (problem) throw new ApiError(409, 'TARGET_CHANGED', `refusing to write: ${problem}`, 'refresh the drive list and choose again');
  }
}

/** Whether writing these targets needs administrator rights this process does not have. */
export function needsElevation(ids: readonly TargetIdentity[]): boolean {
  if (process.getuid?.() === 0) return false;
  return ids.some((t) => {
    if (t.kind !== 'device') return false;
    try {
      accessSync(t.path, constants.W_OK);
      return false;
    } catch {
      return true;
    }
  });
}
