/** Digest a ByteSource (or a range of it) with several algorithms in one read pass. */
import { toHex } from '../bytes/index.js';
import { ProgressMeter, throwIfAborted, type ByteSource, type ProgressCallback } from '../io/index.js';
import { createJsHasher, type HashAlgorithm, type HasherFactory } from './hash/index.js';

export type Digests = Partial<Record<HashAlgorithm, string>>;

/**
 * Sequential bulk reader: calls `consume(chunk, chunkByteOffset)` for [byteOffset, byteOffset + byteLength)
 * in order and resolves to the bytes delivered (fewer at the end of the source). A chunk is only valid
 * during the call (implementations reuse buffers); `consume` returns true to stop early. The Node layer
 * supplies one that overlaps reading with hashing (src/node/chunk-reader.ts).
 */
export type RangeScanner = (
  byteOffset: number,
  byteLength: number,
  consume: (chunk: Uint8Array, chunkByteOffset: number) => boolean | void,
  opts?: { signal?: AbortSignal },
) => Promise<number>;

/** A RangeScanner over any ByteSource: `source.read` in `chunkByteLength` pieces (default 4 MiB). */
export function sourceScanner(source: ByteSource, chunkByteLength = 4 << 20): RangeScanner {
  return async (byteOffset, byteLength, consume, opts = {}) => {
    let done = 0;
    while (done < byteLength) {
      throwIfAborted(opts.signal);
      const b = await source.read(byteOffset + done, Math.min(chunkByteLength, byteLength - done), opts.signal ? { signal: opts.signal } : {});
      if (!b.length) break;
      const stop = consume(b, byteOffset + done) === true;
      done += b.length;
      if (stop) break;
    }
    return done;
  };
}

/** Sees every chunk of a digest pass, in order, on the hashing thread (to run another check in the same read). */
export type ChunkTap = (chunk: Uint8Array, byteOffset: number) => void;

export interface HashSourceOptions {
  factory?: HasherFactory;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  byteOffset?: number;
  /** default: to the end of the source */
  byteLength?: number;
  chunkByteLength?: number;
  /** how to read (default: `sourceScanner(source, chunkByteLength)`) */
  scan?: RangeScanner;
  tap?: ChunkTap;
}

export async function hashSource(source: ByteSource, algorithms: readonly HashAlgorithm[], opts: HashSourceOptions = {}): Promise<Digests> {
  const factory = opts.factory ?? createJsHasher;
  const hashers = algorithms.map((a) => factory(a));
  const start = opts.byteOffset ?? 0;
  const total = opts.byteLength ?? Math.max(0, source.byteLength - start);
  const scan = opts.scan ?? sourceScanner(source, opts.chunkByteLength);
  const meter = opts.onProgress ? new ProgressMeter('hashing', total) : undefined;
  await scan(
    start,
    total,
    (b, at) => {
      for (const h of hashers) h.update(b);
      opts.tap?.(b, at);
      if (meter && opts.onProgress) opts.onProgress(meter.update(at + b.length - start));
    },
    opts.signal ? { signal: opts.signal } : {},
  );
  const out: Digests = {};
  hashers.forEach((h, i) => (out[algorithms[i] as HashAlgorithm] = toHex(h.digest())));
  return out;
}
