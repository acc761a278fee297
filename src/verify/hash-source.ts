/** Digest a ByteSource (or a range of it) with several algorithms in one read pass. */
import { toHex } from '../bytes/index.js';
import { ProgressMeter, throwIfAborted, type ByteSource, type ProgressCallback } from '../io/index.js';
import { createJsHasher, type HashAlgorithm, type HasherFactory } from './hash/index.js';

export type Digests = Partial<Record<HashAlgorithm, string>>;

export interface HashSourceOptions {
  factory?: HasherFactory;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  byteOffset?: number;
  /** default: to the end of the source */
  byteLength?: number;
  chunkByteLength?: number;
}

export async function hashSource(source: ByteSource, algorithms: readonly HashAlgorithm[], opts: HashSourceOptions = {}): Promise<Digests> {
  const factory = opts.factory ?? createJsHasher;
  const hashers = algorithms.map((a) => factory(a));
  const start = opts.byteOffset ?? 0;
  const total = opts.byteLength ?? Math.max(0, source.byteLength - start);
  const chunk = opts.chunkByteLength ?? 4 << 20;
  const meter = opts.onProgress ? new ProgressMeter('hashing', total) : undefined;
  for (let done = 0; done < total; ) {
    throwIfAborted(opts.signal);
    const b = await source.read(start + done, Math.min(chunk, total - done), opts.signal ? { signal: opts.signal } : {});
    if (!b.length) break;
    for (const h of hashers) h.update(b);
    done += b.length;
    if (meter && opts.onProgress) opts.onProgress(meter.update(done));
  }
  const out: Digests = {};
  hashers.forEach((h, i) => (out[algorithms[i] as HashAlgorithm] = toHex(h.digest())));
  return out;
}
