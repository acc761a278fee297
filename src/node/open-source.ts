import { openHttpSource, type ByteSource } from '../io/index.js';
import { openFileSource } from './file-source.js';

/** Open IMAGE given on a command line: an http(s) URL (read by ranges) or a local path. */
export async function openSource(pathOrUrl: string, opts: { signal?: AbortSignal } = {}): Promise<ByteSource> {
  if (/^https?:\/\//i.test(pathOrUrl)) return openHttpSource(pathOrUrl, opts.signal ? { signal: opts.signal } : {});
  return openFileSource(pathOrUrl);
}
