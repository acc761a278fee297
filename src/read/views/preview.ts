/** File previews (the web UI shows the start of a text file). */
import type { Content } from '../../model/index.js';

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

/** What a preview shows of a file: its first 64 KiB as text, or that it is not text. */
export interface FilePreview {
  readonly byteLength: number;
  /** more than the preview holds */
  readonly truncated: boolean;
  readonly text?: string;
  readonly binary?: true;
}

/** Read the start of a content (at most PREVIEW_BYTE_LENGTH bytes) and decide whether it is text. */
export async function previewContent(content: Content, opts: { signal?: AbortSignal } = {}): Promise<FilePreview> {
  const bytes = new Uint8Array(Math.min(PREVIEW_BYTE_LENGTH, content.byteLength));
  let n = 0;
  for await (const c of content.stream({ chunkSize: PREVIEW_BYTE_LENGTH, ...(opts.signal ? { signal: opts.signal } : {}) })) {
    const take = Math.min(c.length, bytes.length - n);
    bytes.set(c.subarray(0, take), n);
    n += take;
    if (n >= bytes.length) break;
  }
  const text = previewText(bytes.subarray(0, n));
  return { byteLength: content.byteLength, truncated: content.byteLength > n, ...(text !== undefined ? { text } : { binary: true as const }) };
}
