import { ErrorCode, IsoKitError } from '../errors/index.js';

/** Turn a Node system error (ENOENT, EACCES, ENOSPC…) into a one-line IsoKitError. */
export function ioError(e: unknown, path: string, byteOffset?: number): IsoKitError {
  if (e instanceof IsoKitError) return e;
  const err = e as NodeJS.ErrnoException;
  const at = byteOffset !== undefined ? { byteOffset } : {};
  switch (err?.code) {
    case 'ENOENT':
      return new IsoKitError(ErrorCode.NOT_FOUND, `${path}: no such file or directory`, { cause: e });
    case 'EACCES':
    case 'EPERM':
      return new IsoKitError(ErrorCode.PERMISSION, `${path}: permission denied`, { cause: e });
    case 'ENOSPC':
      return new IsoKitError(ErrorCode.NO_SPACE, `${path}: no space left on the device`, { ...at, cause: e });
    case 'EISDIR':
      return new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path} is a directory`, { cause: e });
    case 'EEXIST':
      return new IsoKitError(ErrorCode.EXISTS, `${path} already exists`, { cause: e });
    case 'EROFS':
      return new IsoKitError(ErrorCode.PERMISSION, `${path}: read-only file system`, { cause: e });
    default:
      return new IsoKitError(ErrorCode.IO, `${path}: ${err?.message ?? String(e)}`, { ...at, cause: e });
  }
}
