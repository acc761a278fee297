/** Names are printed with control characters and backslashes escaped, so one entry is one line. */
export function displayName(s: string): string {
  return s.replace(/[\x00-\x1f\x7f\\]/g, (c) => (c === '\\' ? '\\\\' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
