/**
 * Writing one extracted file, synchronously: create it (final name in a directory this extraction made,
 * else a temporary name), write its content, restore owner / mode / times, close it and move it into place.
 * Shared by the calling thread and the extraction workers (extract-worker.ts), so it imports nothing heavy.
 *
 * Also the batch format the workers consume: files as columns of numbers (a Float64Array) plus one string
 * of names, so that handing 100,000 files to a worker costs a few copies of flat arrays, not 100,000
 * structured-clone objects.
 */
import { closeSync, constants, fchmodSync, fchownSync, futimesSync, linkSync, lstatSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { fsError, printable } from './safe-path.js';

export const O_CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const TMP_SUFFIX = '.isokit-tmp';

/** What every file of one extraction shares. */
export interface OutputEnv {
  readonly overwrite: boolean;
  readonly permissions: boolean;
  readonly owners: boolean;
  readonly umask: number;
  readonly euid: number;
  readonly egid: number;
}

/** One file to write: where, and the Rock Ridge metadata to restore. */
export interface FileTarget {
  /** absolute path of the (checked, real) directory */
  readonly dir: string;
  readonly name: string;
  /** image path, for messages */
  readonly rel: string;
  /** the directory was created by this extraction (empty at first, only we write there) */
  readonly fresh: boolean;
  readonly mode?: number | undefined;
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
  readonly atimeMs?: number | undefined;
  readonly mtimeMs?: number | undefined;
}

/** An output file being written. */
export interface OpenOutput {
  readonly fd: number;
  /** the name written to (final, or a temporary to commit) */
  readonly target: string;
  readonly fresh: boolean;
  readonly mode: number;
}

let tmpSeq = 0;

/** A temporary name next to `dir/name` (a stale one from an interrupted run is removed first). */
export function tempPathFor(dir: string, name: string): string {
  const tmp = name.length <= 80 || new TextEncoder().encode(name).length <= 240
    ? `${dir}/.${name}${TMP_SUFFIX}`
    : `${dir}/.isokit-${process.pid}-${process.hrtime.bigint()}-${++tmpSeq}${TMP_SUFFIX}`;
  try {
    unlinkSync(tmp); // unlink never follows links
  } catch {
    /* none */
  }
  return tmp;
}

/** Refuse early when the final name exists and overwriting was not asked for. */
export function checkFree(path: string, fresh: boolean, env: OutputEnv): void {
  if (fresh || env.overwrite) return;
  let exists = true;
  try {
    lstatSync(path);
  } catch {
    exists = false;
  }
  if (exists) throw new IsoKitError(ErrorCode.EXISTS, `${printable(path)} already exists (use --overwrite to replace it)`);
}

/** Move a finished temporary into place: link (no clobber) or rename (overwrite). */
export function commitTemp(tmp: string, path: string, overwrite: boolean): void {
  try {
    if (overwrite) {
      renameSync(tmp, path);
      // rename() between two links of one inode does nothing: drop the temporary name then.
      try {
        unlinkSync(tmp);
      } catch {
        /* renamed */
      }
    } else {
      linkSync(tmp, path);
      unlinkSync(tmp);
    }
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* gone */
    }
    throw fsError(e, path);
  }
}

/** Create the output file (O_EXCL, O_NOFOLLOW: never through a link). */
export function openOutput(t: FileTarget, env: OutputEnv): OpenOutput {
  const mode = env.permissions && t.mode !== undefined ? t.mode & 0o7777 : 0o666;
  const path = `${t.dir}/${t.name}`;
  checkFree(path, t.fresh, env);
  if (t.fresh) {
    try {
      return { fd: openSync(path, O_CREATE_NEW, mode), target: path, fresh: true, mode };
    } catch (e) {
      // A name given twice in the image, inside a new directory: with overwrite the later one wins.
      if (!(env.overwrite && (e as NodeJS.ErrnoException).code === 'EEXIST')) throw fsError(e, path);
    }
  }
  const target = tempPathFor(t.dir, t.name);
  try {
    return { fd: openSync(target, O_CREATE_NEW, mode), target, fresh: false, mode };
  } catch (e) {
    throw fsError(e, target);
  }
}

/** Restore owner, exact mode bits and times on the open file. */
function restoreMetadata(out: OpenOutput, t: FileTarget, env: OutputEnv): void {
  let chowned = false;
  // A new file already belongs to us; in a directory we created (no set-gid bit yet) also to our group.
  if (env.owners && t.uid !== undefined && t.gid !== undefined && !(out.fresh && t.uid === env.euid && t.gid === env.egid)) {
    fchownSync(out.fd, t.uid, t.gid);
    chowned = true;
  }
  const mode = out.mode;
  // open() applied the umask; chown() cleared set-id bits: put the exact bits back when needed.
  if (env.permissions && t.mode !== undefined && ((mode & env.umask) !== 0 || (chowned && (mode & 0o6000) !== 0))) fchmodSync(out.fd, mode);
  if (t.mtimeMs !== undefined) futimesSync(out.fd, (t.atimeMs ?? t.mtimeMs) / 1000, t.mtimeMs / 1000);
}

/**
 * The tail every written file shares: metadata, close, commit of a temporary. On failure the descriptor is
 * closed and the error (named after the final path) thrown; the caller removes `out.target`.
 */
export function finishOutput(out: OpenOutput, t: FileTarget, env: OutputEnv): void {
  const path = `${t.dir}/${t.name}`;
  try {
    restoreMetadata(out, t, env);
  } catch (e) {
    closeSync(out.fd);
    throw fsError(e, path);
  }
  closeSync(out.fd);
  if (!out.fresh) commitTemp(out.target, path, env.overwrite);
}

/** Remove a half-written file (after a failure). */
export function discard(path: string | undefined): void {
  if (path === undefined) return;
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

/** pwrite all of `chunk[0, length)` at `position`. */
export function writeAll(fd: number, chunk: Uint8Array, length: number, position: number): void {
  let off = 0;
  while (off < length) off += writeSync(fd, chunk, off, length - off, position + off);
}

/** pread until `want` bytes or the end of the source; returns the bytes read. */
export function preadFull(fd: number, buf: Uint8Array, want: number, position: number): number {
  let got = 0;
  while (got < want) {
    const n = readSync(fd, buf, got, want - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

export function truncatedError(path: string, detail: string): IsoKitError {
  return new IsoKitError(ErrorCode.TRUNCATED, `${printable(path)}: ${detail}`);
}

/** TRUNCATED / CORRUPT content: that file fails, the extraction goes on. */
export const isContentError = (e: unknown): e is IsoKitError =>
  e instanceof IsoKitError && (e.code === ErrorCode.TRUNCATED || e.code === ErrorCode.CORRUPT);
