/**
 * The server-side file browser and the folders it may touch. The page never names a path outside the allowed
 * roots (default: the home folder, the working directory, and the usual mount places /media, /run/media, /mnt):
 * every path the API receives is resolved with realpath — symbolic links followed — and refused unless it
 * lies inside a root. A path that does not exist yet (an output file) is checked through its parent folder.
 * Devices (/dev/…) are never paths here: targets come from the drive list.
 */
import { existsSync, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from './errors.js';

export interface Roots {
  readonly list: readonly string[];
}

/** The default roots that exist on this machine (realpaths, without duplicates or roots inside others). */
export function defaultRoots(cwd = process.cwd()): string[] {
  const user = os.userInfo().username;
  const candidates = [os.homedir(), cwd, '/media', `/run/media/${user}`, '/mnt'];
  return normaliseRoots(candidates.filter((p) => existsSync(p)));
}

export function normaliseRoots(paths: readonly string[]): string[] {
  const real = [...new Set(paths.map((p) => realpathSync(path.resolve(p))))];
  return real.filter((r) => !real.some((o) => o !== r && inside(r, o))).sort();
}

const inside = (p: string, root: string): boolean => p === root || p.startsWith(root === path.sep ? root : root + path.sep);

function outside(p: string): ApiError {
  return new ApiError(403, 'OUTSIDE_ROOTS', `${p} is outside the folders this page may use`, 'choose a file inside one of the folders listed on the left (start isokit ui with --root DIR to add one)');
}

/**
 * The real path of an existing file or folder inside the roots (symbolic links followed); 403 outside,
 * 404 when missing.
 */
export function resolveExisting(roots: Roots, p: unknown): string {
  if (typeof p !== 'string' || !path.isAbsolute(p) || p.includes('\0')) throw new ApiError(400, 'BAD_PATH', 'a full path is needed (starting with /)');
  const abs = path.resolve(p);
  if (!roots.list.some((r) => inside(abs, r))) throw outside(abs);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    throw new ApiError(404, 'NOT_FOUND', `${abs} does not exist`, 'choose the file again');
  }
  if (!roots.list.some((r) => inside(real, r))) throw outside(abs);
  return real;
}

/** A path for a new file: its folder must exist inside the roots; the name must not lead elsewhere. */
export function resolveNew(roots: Roots, p: unknown): string {
  if (typeof p !== 'string' || !path.isAbsolute(p) || p.includes('\0')) throw new ApiError(400, 'BAD_PATH', 'a full path is needed (starting with /)');
  const abs = path.resolve(p);
  const name = path.basename(abs);
  if (!name || name === '.' || name === '..') throw new ApiError(400, 'BAD_PATH', `${abs} is not a file name`);
  const parent = resolveExisting(roots, path.dirname(abs));
  const out = path.join(parent, name);
  try {
    if (lstatSync(out).isSymbolicLink()) throw new ApiError(403, 'OUTSIDE_ROOTS', `${out} is a symbolic link`, 'choose another name');
  } catch (e) {
    if (e instanceof ApiError) throw e;
  }
  return out;
}

export interface FsEntry {
  readonly name: string;
  readonly kind: 'dir' | 'file' | 'other';
  readonly size: number;
  readonly mtime: string;
}

export interface FsListing {
  readonly path: string;
  /** the folder above, when it is still inside the roots */
  readonly parent?: string;
  readonly entries: FsEntry[];
}

/** One folder of the file browser (symbolic links shown as what they point to; broken ones left out). */
export function listFolder(roots: Roots, p: unknown): FsListing {
  const dir = resolveExisting(roots, p);
  if (!statSync(dir).isDirectory()) throw new ApiError(400, 'NOT_A_FOLDER', `${dir} is not a folder`);
  const entries: FsEntry[] = [];
  for (const name of readdirSync(dir)) {
    try {
      const st = statSync(path.join(dir, name));
      entries.push({ name, kind: st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other', size: st.isFile() ? st.size : 0, mtime: st.mtime.toISOString() });
    } catch {
      /* broken link or vanished */
    }
  }
  entries.sort((a, b) => (a.kind === 'dir') !== (b.kind === 'dir') ? (a.kind === 'dir' ? -1 : 1) : a.name.localeCompare(b.name));
  const up = path.dirname(dir);
  return { path: dir, ...(up !== dir && roots.list.some((r) => inside(up, r)) ? { parent: up } : {}), entries };
}
