/**
 * WIM XML data: a UTF-16LE document with a byte order mark and no XML declaration (`<WIM><IMAGE INDEX="1">…
 * </IMAGE>…<TOTALBYTES>n</TOTALBYTES></WIM>`), stored as an uncompressed resource with flag METADATA.
 *
 * Split parts carry the source's XML unchanged: wimlib writes each part with
 * WIMLIB_WRITE_FLAG_USE_EXISTING_TOTALBYTES (split.c write_split_wim), so the top-level TOTALBYTES keeps the
 * source WIM's value in every part rather than the part's own size. isokit copies the bytes as they are.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';

const BOM = Uint8Array.of(0xff, 0xfe);

/** Whether the XML bytes start with the UTF-16LE byte order mark (wimlib and WIMGAPI write one). */
export const hasXmlBom = (b: Uint8Array): boolean => b[0] === 0xff && b[1] === 0xfe;

/** The XML text (byte order mark removed; an odd trailing byte is ignored). */
export function decodeWimXml(b: Uint8Array): string {
  const body = hasXmlBom(b) ? b.subarray(2) : b;
  return new TextDecoder('utf-16le').decode(body.subarray(0, body.length - (body.length % 2)));
}

/** UTF-16LE with a byte order mark, as wimlib writes it. */
export function encodeWimXml(text: string): Uint8Array {
  const out = new Uint8Array(2 + 2 * text.length);
  out.set(BOM, 0);
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    out[2 + 2 * i] = u & 0xff;
    out[3 + 2 * i] = u >>> 8;
  }
  return out;
}

/** The top-level TOTALBYTES (outside IMAGE elements), if present. */
export function wimXmlTotalBytes(text: string): number | undefined {
  const outside = text.replace(/<IMAGE\b[\s\S]*?<\/IMAGE>/g, '');
  const m = /<TOTALBYTES>\s*(\d+)\s*<\/TOTALBYTES>/.exec(outside);
  if (!m) return undefined;
  const v = Number(m[1]);
  if (!Number.isSafeInteger(v)) throw new IsoKitError(ErrorCode.CORRUPT, `TOTALBYTES ${m[1]} is beyond 2^53`, { structure: 'WimXmlData' });
  return v;
}

/** Number of IMAGE elements. */
export const wimXmlImageCount = (text: string): number => (text.match(/<IMAGE\b/g) ?? []).length;
