/** File previews (the web UI shows the start of a text file). */

/** The bytes read for a preview: the first 64 KiB. */
export const PREVIEW_BYTE_LENGTH = 64 * 1024;

/**
 * The start of a file as text, when it is UTF-8 without NUL bytes (a multi-byte character cut off at the end of
 * the preview is dropped); undefined for anything else (binary data).
 */
export function previewText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  for (let cut = 0; cut < 4 && cut <= bytes.length; cut++) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, bytes.length - cut));
    } catch {
      /* a character may be cut at the end: try a shorter prefix */
    }
  }
  return undefined;
}
