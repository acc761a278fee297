/**
 * One source, several targets (etcher-sdk multi-destination habits): the image is read once into a pool
 * of aligned chunks; every chunk goes to every live target in parallel (async writes run on libuv's
 * thread pool); a failing target is dropped and reported while the others go on. The first MiB is zeroed
 * at the start and the image's own first MiB written last, after the digest of a streamed source checked
 * out, so a half-written or corrupt stick never carries a valid partition table. Then fsync; then the
 * read-back (write/readback.ts).
 */
import { createHash } from 'node:crypto';
import { ErrorCode, IsoKitError, asIsoKitError } from '../../errors/index.js';
import { DeviceSink, withByteOffset, type DeviceSinkOptions } from '../device-sink.js';
import { AlignedPool, alignedBuffer, alignDown } from './aligned.js';
import { errorSummary, TargetMeter, type TargetResult, type WriteProgressCallback } from './progress.js';
import { verifyTargets, type ReadbackTarget } from './readback.js';
import { targetPieces, type ImageReader } from './source.js';

export const DEFAULT_CHUNK = 4 << 20;
export const HOLD_BACK = 1 << 20;
/** granularity of the per-block digests used to verify streamed sources */
export const DIGEST_BLOCK = 1 << 20;

export interface WriteTargetsOptions {
  verify?: boolean;
  signal?: AbortSignal;
  onProgress?: WriteProgressCallback;
  chunkByteLength?: number;
  sinkOptions?: DeviceSinkOptions;
  /** called when a target has been written and flushed (e.g. to re-read partitions); returns notes */
  afterFlush?: (path: string) => Promise<string | undefined>;
  /** called once after every target is flushed, before the read-back (tests inject damage here) */
  beforeVerify?: () => Promise<void>;
}

interface Live {
  path: string;
  sink?: DeviceSink;
  tail: Promise<void>;
  error?: IsoKitError;
  phase: TargetResult['phase'];
  written: number;
  meter?: TargetMeter;
  notes: string[];
  t0: number;
  writeMs?: number;
}

/** Per-block SHA-256 of a streamed image, so the read-back can name the first differing block. */
class BlockDigests {
  readonly list: Uint8Array[] = [];
  private hash = createHash('sha256');
  private inBlock = 0;
  add(bytes: Uint8Array): void {
    let o = 0;
    while (o < bytes.length) {
      const n = Math.min(bytes.length - o, DIGEST_BLOCK - this.inBlock);
      this.hash.update(bytes.subarray(o, o + n));
      this.inBlock += n;
      o += n;
      if (this.inBlock === DIGEST_BLOCK) this.close();
    }
  }
  close(): void {
    if (this.inBlock === 0) return;
    this.list.push(this.hash.digest());
    this.hash = createHash('sha256');
    this.inBlock = 0;
  }
}

function fail(t: Live, e: unknown, phase: TargetResult['phase']): void {
  if (t.error) return;
  t.error = asIsoKitError(e);
  t.phase = phase;
  void t.sink?.abort();
}

/** Queue a write on one target; the chunk's reference is dropped when it is done (or skipped). */
function queueWrite(t: Live, byteOffset: number, bytes: Uint8Array, release: () => void, imageEnd = byteOffset + bytes.length): void {
  t.tail = t.tail.then(async () => {
    try {
      if (t.error || !t.sink || bytes.length === 0) return;
      const direct = alignDown(bytes.length, 4096);
      if (direct) await t.sink.writeAt(byteOffset, bytes.subarray(0, direct));
      if (direct < bytes.length) await t.sink.writeAt(byteOffset + direct, bytes.subarray(direct));
      t.written = Math.max(t.written, imageEnd);
      t.meter?.update(t.written);
    } catch (e) {
      fail(t, e, 'writing');
    } finally {
      release();
    }
  });
}

/** Open every target; one that cannot be opened fails alone. */
function openTargets(paths: string[], opts: WriteTargetsOptions, totalBytes: number | undefined): Live[] {
  return paths.map((path) => {
    const t: Live = { path, tail: Promise.resolve(), phase: 'writing', written: 0, notes: [], t0: Date.now() };
    try {
      t.sink = DeviceSink.open(path, opts.sinkOptions);
      t.meter = new TargetMeter(path, 'writing', totalBytes, opts.onProgress);
    } catch (e) {
      fail(t, e, 'writing');
    }
    return t;
  });
}

interface SourceChunk {
  readonly data: Uint8Array;
  /** call when every target is done with it */
  readonly done: () => void;
  /** no more chunks after this one */
  readonly last: boolean;
}

/**
 * The image's chunks: filled into the pool's buffers, or — a reader that makes its own buffers (`nextChunk`) —
 * taken as they come, at most `limit` in flight (the pool's backpressure).
 */
function chunkSource(reader: ImageReader, pool: AlignedPool, limit: number): () => Promise<SourceChunk | undefined> {
  if (reader.nextChunk) {
    const nextChunk = reader.nextChunk.bind(reader);
    let inFlight = 0;
    let wake: (() => void) | undefined;
    const release = reader.releaseChunk?.bind(reader);
    return async () => {
      while (inFlight >= limit) await new Promise<void>((r) => (wake = r));
      const data = await nextChunk();
      if (!data) return undefined;
      inFlight++;
      const done = () => {
        inFlight--;
        release?.(data);
        wake?.();
        wake = undefined;
      };
      return { data, done, last: false };
    };
  }
  return async () => {
    const buf = await pool.acquire();
    let n: number;
    try {
      n = await reader.fill(buf.subarray(0, pool.chunkByteLength));
    } catch (e) {
      pool.release(buf);
      throw e;
    }
    if (n === 0) {
      pool.release(buf);
      return undefined;
    }
    return { data: buf.subarray(0, n), done: () => pool.release(buf), last: n < pool.chunkByteLength };
  };
}

/** Stream the image to every target. */
async function writePhase(reader: ImageReader, targets: Live[], opts: WriteTargetsOptions, digests: BlockDigests | undefined): Promise<number> {
  const chunk = opts.chunkByteLength ?? DEFAULT_CHUNK;
  const pool = new AlignedPool(chunk, 4 + 2 * targets.length);
  const held = alignedBuffer(HOLD_BACK);
  let heldLength = 0;
  // Zero the first MiB first: an interrupted write leaves no stale partition table behind.
  const zeros = alignedBuffer(Math.min(HOLD_BACK, reader.info.byteLength ?? HOLD_BACK));
  for (const t of targets) queueWrite(t, 0, zeros, () => undefined);
  let offset = 0;
  const next = chunkSource(reader, pool, 4 + 2 * targets.length);
  while (true) {
    if (opts.signal?.aborted) throw new IsoKitError(ErrorCode.ABORTED, 'aborted', { cause: opts.signal.reason });
    if (targets.every((t) => t.error)) break;
    const got = await next();
    if (!got) break;
    const { data, done, last } = got;
    const n = data.length;
    digests?.add(data);
    let start = 0;
    if (offset < HOLD_BACK) {
      start = Math.min(n, HOLD_BACK - offset);
      held.set(data.subarray(0, start), offset);
      heldLength = offset + start;
    }
    const pieces = targetPieces(reader.disk?.segments, offset + start, n - start);
    let refs = targets.length * pieces.length;
    const release = () => {
      if (--refs === 0) done();
    };
    if (!refs) done();
    for (const [at, from, len] of pieces) for (const t of targets) queueWrite(t, at, data.subarray(start + from, start + from + len), release, offset + start + from + len);
    offset += n;
    if (last) break;
  }
  await Promise.all(targets.map((t) => t.tail));
  digests?.close();
  // A streamed source with a known digest is checked before the first MiB goes out.
  try {
    reader.finish();
  } catch (e) {
    for (const t of targets) fail(t, e, 'writing');
    throw e;
  }
  for (const t of targets) queueWrite(t, 0, held.subarray(0, heldLength), () => undefined);
  await Promise.all(targets.map((t) => t.tail));
  return offset;
}

async function flushPhase(t: Live, reader: ImageReader, imageByteLength: number, opts: WriteTargetsOptions): Promise<void> {
  if (t.error || !t.sink) return;
  t.phase = 'flushing';
  try {
    opts.onProgress?.({ phase: 'flushing', target: t.path, bytes: t.written, totalBytes: imageByteLength });
    await t.sink.truncate(reader.disk?.byteLength ?? imageByteLength);
    await t.sink.close();
    if (!t.sink.direct) t.notes.push('O_DIRECT not supported by this target: buffered writes, then fsync');
    if (t.sink.retriesUsed) t.notes.push(`${t.sink.retriesUsed} transient write error(s) retried`);
    t.writeMs = Date.now() - t.t0;
    const note = await opts.afterFlush?.(t.path);
    if (note) t.notes.push(note);
  } catch (e) {
    fail(t, e, 'flushing');
  }
}

/**
 * Write the image from `reader` to every path in `paths` (devices or files), then (by default) read each
 * back and compare. Never throws for a target's failure: failures come back in the results. Throws for
 * the source's own failure (read error, corrupt compressed data, interrupted download, digest mismatch).
 */
export async function writeToTargets(reader: ImageReader, paths: string[], opts: WriteTargetsOptions = {}): Promise<{ results: TargetResult[]; imageByteLength: number }> {
  const total = reader.info.byteLength;
  const targets = openTargets(paths, opts, total);
  const digests = reader.info.rereadable || opts.verify === false ? undefined : new BlockDigests();
  let imageByteLength: number;
  try {
    imageByteLength = await writePhase(reader, targets, opts, digests);
  } catch (e) {
    for (const t of targets) {
      await t.tail.catch(() => undefined);
      fail(t, e, 'writing');
    }
    throw e;
  }
  await Promise.all(targets.map((t) => flushPhase(t, reader, imageByteLength, opts)));
  const verifyOk = targets.filter((t) => !t.error);
  let verified = new Map<string, Pick<TargetResult, 'verified' | 'mismatch' | 'verifyMethod' | 'verifyMs'> & { error?: IsoKitError }>();
  await opts.beforeVerify?.();
  if (opts.verify !== false && verifyOk.length) {
    const rb: ReadbackTarget[] = verifyOk.map((t) => ({ path: t.path }));
    verified = await verifyTargets(rb, { reader, imageByteLength, ...(reader.disk ? { segments: reader.disk.segments } : {}), ...(digests ? { digests: digests.list, digestBlock: DIGEST_BLOCK } : {}), ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  }
  const results = targets.map((t): TargetResult => {
    const v = verified.get(t.path);
    if (v?.error) fail(t, v.error, 'verifying');
    if (v?.verified === false && v.mismatch && !t.error) {
      const { byteOffset, byteLength } = v.mismatch;
      t.error = withByteOffset(
        new IsoKitError(ErrorCode.VERIFY_FAILED, `${t.path}: read-back differs from the image at bytes ${byteOffset}–${byteOffset + byteLength - 1} (${byteLength} bytes${v.verifyMethod === 'digest' ? `, SHA-256 of ${DIGEST_BLOCK / 1048576} MiB blocks` : ''})`),
        byteOffset,
      );
      t.phase = 'verifying';
    }
    const ok = !t.error && v?.verified !== false;
    const r: TargetResult = {
      path: t.path,
      ok,
      phase: ok ? 'done' : t.error ? t.phase : 'verifying',
      ...(t.error ? { error: errorSummary(t.error) } : {}),
      bytesWritten: t.written,
      direct: t.sink?.direct ?? false,
      ...(v && !v.error ? { verified: v.verified, verifyMethod: v.verifyMethod, verifyMs: v.verifyMs, ...(v.mismatch ? { mismatch: v.mismatch } : {}) } : {}),
      ...(t.writeMs !== undefined ? { writeMs: t.writeMs } : {}),
      notes: t.notes,
    };
    opts.onProgress?.({ phase: ok ? 'done' : 'failed', target: t.path, bytes: t.written, totalBytes: imageByteLength });
    return r;
  });
  return { results, imageByteLength };
}
