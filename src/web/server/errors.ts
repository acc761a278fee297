/**
 * Errors as the page shows them: one readable sentence (the library's message) and what to do about it.
 * Never a stack trace; anything that is not an IsoKitError is reported as a bug in isokit.
 */
import { ErrorCode, IsoKitError } from '../../node/index.js';

export interface UserError {
  readonly code: string;
  readonly message: string;
  /** what to do, when the message does not say it already */
  readonly hint?: string;
  /** HTTP status for API answers */
  readonly status: number;
}

/** An API refusal with its HTTP status (bad request fields, paths outside the allowed folders…). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const HINTS: Partial<Record<string, string>> = {
  [ErrorCode.PERMISSION]: 'isokit lacks the rights for this: check the file permissions, or write devices as described on the Write page',
  [ErrorCode.NOT_FOUND]: 'check the name and choose the file again',
  [ErrorCode.NO_SPACE]: 'free some space or choose a folder on another disk',
  [ErrorCode.EXISTS]: 'choose another name, or allow replacing existing files',
  [ErrorCode.NOT_ISO]: 'this file is not a disc image isokit can read: check that the download is complete (verify it against its checksum)',
  [ErrorCode.CORRUPT]: 'the image is damaged: download it again and verify it against its checksum',
  [ErrorCode.TRUNCATED]: 'the image is shorter than it says: the download or copy was probably cut off; fetch it again',
  [ErrorCode.IO]: 'check that the disk or device is still connected and try again',
  [ErrorCode.VERIFY_FAILED]: 'do not use this image or medium: fetch the image again, or try another stick or disc',
  [ErrorCode.INTERNAL]: 'this is a bug in isokit: please report it with what you were doing',
};

const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.INVALID_ARGUMENT]: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.EXISTS]: 409,
  [ErrorCode.UNSAFE_PATH]: 403,
  [ErrorCode.PERMISSION]: 403,
  [ErrorCode.UNSUPPORTED]: 422,
  [ErrorCode.NOT_ISO]: 422,
  [ErrorCode.CORRUPT]: 422,
  [ErrorCode.TRUNCATED]: 422,
  [ErrorCode.INTERNAL]: 500,
};

/** The first line of a message, without a trailing full stop (the page adds its own punctuation). */
const firstLine = (s: string): string => s.split('\n')[0]?.trim().replace(/\.$/, '') ?? '';

export function userError(e: unknown): UserError {
  if (e instanceof ApiError) return { code: e.code, message: e.message, status: e.status, ...(e.hint ? { hint: e.hint } : {}) };
  if (e instanceof IsoKitError) {
    const hint = HINTS[e.code];
    return { code: e.code, message: firstLine(e.message), status: STATUS[e.code] ?? 500, ...(hint ? { hint } : {}) };
  }
  const err = e as NodeJS.ErrnoException | undefined;
  if (err?.code === 'ENOENT') return { code: ErrorCode.NOT_FOUND, message: `${err.path ?? 'the file'} does not exist`, hint: HINTS[ErrorCode.NOT_FOUND] as string, status: 404 };
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return { code: ErrorCode.PERMISSION, message: `no permission to use ${err.path ?? 'this file'}`, hint: HINTS[ErrorCode.PERMISSION] as string, status: 403 };
  return { code: ErrorCode.INTERNAL, message: `something went wrong inside isokit (${firstLine(err?.message ?? String(e))})`, hint: HINTS[ErrorCode.INTERNAL] as string, status: 500 };
}
