/** Error codes: what kind of failure an IsoKitError reports (design guide §3). */
export const ErrorCode = {
  // corrupt or unreadable input
  CORRUPT: 'CORRUPT',
  NOT_ISO: 'NOT_ISO',
  TRUNCATED: 'TRUNCATED',
  // the input is fine but uses something isokit does not handle
  UNSUPPORTED: 'UNSUPPORTED',
  // caller mistakes
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  NOT_FOUND: 'NOT_FOUND',
  EXISTS: 'EXISTS',
  UNSAFE_PATH: 'UNSAFE_PATH',
  // environment
  IO: 'IO',
  NO_SPACE: 'NO_SPACE',
  PERMISSION: 'PERMISSION',
  HTTP: 'HTTP',
  RANGE_NOT_SUPPORTED: 'RANGE_NOT_SUPPORTED',
  ABORTED: 'ABORTED',
  /** the user answered no to a confirmation */
  CANCELLED: 'CANCELLED',
  TIMEOUT: 'TIMEOUT',
  // verification outcomes that are errors
  VERIFY_FAILED: 'VERIFY_FAILED',
  // a broken invariant inside isokit: a bug
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
