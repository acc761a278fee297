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

/**
 * Directories known to be real directories (not symlinks) inside the destination, created or checked by
 * this extraction. `fresh` marks the ones this extraction created itself (they started empty).
 */
export class DirGuard {
  private readonly known = new Map<string, { fresh: boolean }>();
  constructor(readonly root: string) {
    this.known.set(root, { fresh: false });
  }

  isFresh(dir: string): boolean {
    return this.known.get(dir)?.fresh === true;
  }

  /** Forget `path` (something that is not a directory was created there). */
  forget(path: string): void {
    this.known.delete(path);
  }

  /**
   * Make sure `root/parts[0]/…/parts[n-1]` exists as a chain of real directories, creating missing ones
   * with `mode`. Returns the absolute path and whether the last component was created now.
   */
  ensure(parts: readonly string[], mode = 0o700): { path: string; created: boolean } {
    let cur = this.root;
    let created = false;
    for (const p of parts) {
      const next = `${cur}/${p}`;
      if (this.known.has(next)) {
        cur = next;
        created = false;
        continue;
      }
      created = this.mkdirOne(next, mode);
      cur = next;
    }
    return { path: cur, created };
  }

  private mkdirOne(path: string, mode: number): boolean {
    // A child of a directory we created ourselves cannot exist yet unless the image names it twice.
    try {
      mkdirSync(path, mode);
      this.known.set(path, { fresh: true });
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
    this.known.set(path, { fresh: false });
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
