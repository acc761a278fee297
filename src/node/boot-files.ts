/**
 * Disk files for a BootSpec: system-area templates (isohdpfx.bin, boot_hybrid.img, -G files) read into memory,
 * appended partitions as streamed file contents (read at emit time), both optionally cut to an inclusive byte
 * range (xorriso's --interval:local_fs:START-END::PATH).
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import type { Content } from '../model/index.js';
import { ioError } from './errors.js';
import { FileContent } from './fs-content.js';

export interface ByteRange {
  readonly startByte: number;
  readonly endByte: number;
}

/** A system-area template (at most 32 KiB are used; bigger files are refused). */
export async function readTemplateFile(path: string, range?: ByteRange): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw ioError(e, path);
  }
  if (range) bytes = bytes.subarray(range.startByte, range.endByte + 1);
  if (bytes.length === 0) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path} is empty`);
  if (bytes.length > 32768) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path} is ${bytes.length} bytes: a system area template holds at most 32768`);
  return bytes;
}

/** A file's bytes as Content (for appended partitions): sized now, read when the image is written. */
export function diskFileContent(path: string, range?: ByteRange): Content {
  let size: number, mtimeMs: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path} is not a regular file`);
    size = st.size;
    mtimeMs = st.mtimeMs;
  } catch (e) {
    if (e instanceof IsoKitError) throw e;
    throw ioError(e, path);
  }
  const whole = new FileContent(path, size, mtimeMs);
  if (!range) return whole;
  if (range.startByte < 0 || range.endByte < range.startByte || range.endByte >= size) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path}: byte range ${range.startByte}-${range.endByte} lies outside its ${size} bytes`);
  }
  const byteLength = range.endByte - range.startByte + 1;
  return {
    byteLength,
    async *stream(opts) {
      let pos = 0;
      for await (const chunk of whole.stream(opts)) {
        const from = Math.max(0, range.startByte - pos);
        const to = Math.min(chunk.length, range.endByte + 1 - pos);
        if (to > from) yield chunk.subarray(from, to);
        pos += chunk.length;
        if (pos > range.endByte) break;
      }
    },
  };
}
