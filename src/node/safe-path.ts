/**
 * Path safety for extraction: names taken from an image are untrusted. A name may never climb out of the
 * destination (`..`, `/`), be empty or carry NUL, and nothing is ever written through a symbolic link:
 * directories are created one component at a time and each existing component is checked with lstat.
 *
 * What this defends against: hostile or damaged images. It does not defend against another local process
 * that rewrites the destination folder while the extraction runs (Node has no openat/O_BENEATH); tar,
 * bsdtar and xorriso make the same assumption.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { ErrorCode, IsoKitError } from '../errors/index.js';

/** Why a name from an image cannot be used as a file name, or undefined when it can. */
export function unsafeNameReason(name: string): string | undefined {
  if (name.length === 0) return 'empty name';
  if (name === '.' || name === '..') return `"${name}" is not allowed as a name`;
  if (name.includes('/')) return 'name contains "/"';
  if (name.includes('\0')) return 'name contains NUL';
  return undefined;
}

/** Throw UNSAFE_PATH when `name` is not a safe single path component. `where` is the image path for the message. */
export function checkEntryName(name: string, where: string): void {
  const why = unsafeNameReason(name);
  if (why) throw new IsoKitError(ErrorCode.UNSAFE_PATH, `refusing to extract "${printable(where)}": ${why}`, { structure: 'DirectoryRecord' });
}

/** A path with control characters made visible (names from images go into one-line messages). */
export function printable(s: string): string {
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A directory inside the destination known to be real (not a symlink): its absolute path, and whether this
 * extraction created it (then it started empty and only this extraction writes into it). */
export interface DirState {
  readonly abs: string;
  readonly fresh: boolean;
}

/**
 * Directories known to be real directories inside the destination, created or checked by this extraction,
 * keyed by their path relative to the destination ('' = the destination itself).
 */
export class DirGuard {
  private readonly known = new Map<string, DirState>();
  constructor(readonly root: string) {
    this.known.set('', { abs: root, fresh: false });
  }

  /** The state of an already ensured directory. */
  get(rel: string): DirState | undefined {
    return this.known.get(rel);
  }

  /** Forget `rel` (something that is not a directory was created there). */
  forget(rel: string): void {
    this.known.delete(rel);
  }

  /**
   * Make sure `root/rel` exists as a chain of real directories, creating missing ones (one component at a
   * time) with `mode`; an existing component that is a symlink or not a directory is refused.
   */
  ensure(rel: string, mode = 0o700): DirState {
    const hit = this.known.get(rel);
    if (hit) return hit;
    const i = rel.lastIndexOf('/');
    const parent = this.ensure(i < 0 ? '' : rel.slice(0, i), mode);
    const abs = `${parent.abs}/${rel.slice(i + 1)}`;
    const state = { abs, fresh: this.mkdirOne(abs, mode) };
    this.known.set(rel, state);
    return state;
  }

  private mkdirOne(path: string, mode: number): boolean {
    try {
      mkdirSync(path, mode);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fsError(e, path);
    }
    const st = lstatSync(path);
    if (st.isSymbolicLink()) {
      throw new IsoKitError(ErrorCode.UNSAFE_PATH, `refusing to write through the symbolic link ${printable(path)}`);
    }
    if (!st.isDirectory()) {
      throw new IsoKitError(ErrorCode.EXISTS, `${printable(path)} exists and is not a directory`);
    }
    return false;
  }
}

/** Node errno → IsoKitError, naming the path. */
export function fsError(e: unknown, path: string): IsoKitError {
  if (e instanceof IsoKitError) return e;
  const err = e as NodeJS.ErrnoException;
  const p = printable(path);
  switch (err?.code) {
    case 'EEXIST':
      return new IsoKitError(ErrorCode.EXISTS, `${p} already exists (use --overwrite to replace it)`, { cause: e });
    case 'ELOOP':
      return new IsoKitError(ErrorCode.UNSAFE_PATH, `refusing to write through the symbolic link ${p}`, { cause: e });
    case 'ENOENT':
      return new IsoKitError(ErrorCode.NOT_FOUND, `${p}: no such file or directory`, { cause: e });
    case 'EACCES':
    case 'EPERM':
      return new IsoKitError(ErrorCode.PERMISSION, `${p}: permission denied`, { cause: e });
    case 'ENOSPC':
      return new IsoKitError(ErrorCode.NO_SPACE, `${p}: no space left on the device`, { cause: e });
    case 'ENOTDIR':
      return new IsoKitError(ErrorCode.EXISTS, `${p}: a component of the path exists and is not a directory`, { cause: e });
    case 'EISDIR':
      return new IsoKitError(ErrorCode.EXISTS, `${p} exists and is a directory`, { cause: e });
    default:
      return new IsoKitError(ErrorCode.IO, `${p}: ${err?.message ?? String(e)}`, { cause: e });
  }
}
