/**
 * Fast hashing of files and block devices with node:crypto (OpenSSL).
 * - One digest: reads overlap hashing (`fileScanner`: the thread pool preads the next chunks while the
 *   calling thread hashes), so wall time ≈ hash time alone.
 * - Several digests: the calling thread reads into a SharedArrayBuffer ring and hashes the lightest group
 *   of algorithms; worker threads hash the other groups (balanced by cost), so all four use both cores.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync } from 'node:fs';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { ProgressMeter, type ProgressCallback } from '../io/index.js';
import type { ChunkTap, Digests, HashAlgorithm, Hasher, HasherFactory } from '../verify/index.js';
import { fileScanner, readFullSync, skewedBuffers } from './chunk-reader.js';
import { openImageFileSync } from './file-source.js';
import { WorkerPool, waitWhileEqual } from './worker-pool.js';
import { hashRingWords } from './worker-protocols.js';

class NodeHasher implements Hasher {
  constructor(
    readonly algorithm: HashAlgorithm,
    private readonly h: Hash = createHash(algorithm),
  ) {}
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  digest(): Uint8Array {
    return new Uint8Array(this.h.digest());
  }
  clone(): Hasher {
    return new NodeHasher(this.algorithm, this.h.copy());
  }
}

/** node:crypto hashers behind the core's Hasher interface (clone = hash.copy()). */
export const createNodeHasher: HasherFactory = (algorithm) => new NodeHasher(algorithm);

/** Relative CPU cost per byte (openssl speed on the reference VM), used to balance worker groups. */
const COST: Record<HashAlgorithm, number> = { md5: 1.53, sha1: 0.66, sha256: 0.67, sha512: 1.72 };

export interface HashFileOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** hash only the first `byteLength` bytes (default: the whole file or device) */
  byteLength?: number;
  /** worker threads for several digests: 'auto' (default: when > 64 MiB), true (always), false (never) */
  workers?: boolean | 'auto';
  /** read size for one digest (default 2 MiB) */
  chunkByteLength?: number;
  /** sees every chunk in order on the calling thread (another check in the same read pass, e.g. isomd5sum) */
  tap?: ChunkTap;
}

const groupCost = (g: readonly HashAlgorithm[]): number => g.reduce((c, a) => c + COST[a], 0);

/** Split algorithms into at most `groups` sets with balanced cost (longest-processing-time first). */
export function balanceAlgorithms(algorithms: readonly HashAlgorithm[], groups: number): HashAlgorithm[][] {
  const bins: { cost: number; algos: HashAlgorithm[] }[] = Array.from({ length: Math.min(groups, algorithms.length) }, () => ({ cost: 0, algos: [] }));
  for (const a of [...algorithms].sort((x, y) => COST[y] - COST[x])) {
    const bin = bins.reduce((m, b) => (b.cost < m.cost ? b : m));
    bin.algos.push(a);
    bin.cost += COST[a];
  }
  return bins.map((b) => b.algos);
}

function hashOnThread(fd: number, path: string, total: number, algorithms: readonly HashAlgorithm[], opts: HashFileOptions): Promise<Digests> {
  const hashes = algorithms.map((a) => createHash(a));
  const meter = opts.onProgress ? new ProgressMeter('hashing', total) : undefined;
  const scan = fileScanner(fd, path, opts.chunkByteLength ? { chunkByteLength: opts.chunkByteLength } : {});
  let lastReport = 0;
  return scan(
    0,
    total,
    (view, at) => {
      for (const h of hashes) h.update(view);
      opts.tap?.(view, at);
      const done = at + view.length;
      if (meter && opts.onProgress && (done - lastReport >= 64 << 20 || done === total)) {
        lastReport = done;
        opts.onProgress(meter.update(done));
      }
    },
    opts.signal ? { signal: opts.signal } : {},
  ).then((done) => {
    if (done < total) throw new IsoKitError(ErrorCode.TRUNCATED, `${path} ended after ${done} of ${total} bytes`, { byteOffset: done });
    const out: Digests = {};
    hashes.forEach((h, i) => (out[algorithms[i] as HashAlgorithm] = h.digest('hex')));
    return out;
  });
}

const SLOTS = 8;
const SLOT_BYTES = 4 << 20;
const { SEQ, LEN, PENDING } = hashRingWords(SLOTS);

/** What a hashing thread starts with (hash-worker.ts). */
export interface HashWorkerInit {
  algorithms: HashAlgorithm[];
  data: SharedArrayBuffer;
  /** byte offset of slot 0 in `data` (slots are skewed off page alignment, see chunk-reader.ts) */
  base: number;
  control: SharedArrayBuffer;
  slots: number;
  slotBytes: number;
}

async function waitUntilFree(ctrl: Int32Array, slot: number): Promise<void> {
  for (let v = Atomics.load(ctrl, PENDING + slot); v > 0; v = Atomics.load(ctrl, PENDING + slot)) await waitWhileEqual(ctrl, PENDING + slot, v);
}

/** One hashing thread per group of algorithms; `digests` resolves once each has posted its own. */
function startHashers(groups: readonly HashAlgorithm[][], ring: Omit<HashWorkerInit, 'algorithms'>): { pool: WorkerPool<Digests>; digests: Promise<Digests> } {
  const got: (Digests | undefined)[] = groups.map(() => undefined);
  let settle!: { resolve: (d: Digests) => void; reject: (e: unknown) => void };
  const digests = new Promise<Digests>((resolve, reject) => (settle = { resolve, reject }));
  digests.catch(() => undefined);
  const workerData = (i: number): HashWorkerInit => ({ ...ring, algorithms: groups[i] as HashAlgorithm[] });
  const pool = new WorkerPool<Digests>('hash-worker', groups.length, { workerData, label: 'hash worker' }, {
    onMessage: (d, i) => {
      got[i] = d;
      if (got.every((g) => g !== undefined)) settle.resolve(Object.assign({}, ...got) as Digests);
    },
    onFailure: (e) => settle.reject(e),
    // a hasher ends by itself once it has posted its digests
    expectExit: (code, i) => code === 0 && got[i] !== undefined,
  });
  return { pool, digests };
}

async function hashWithWorkers(fd: number, path: string, total: number, algorithms: readonly HashAlgorithm[], opts: HashFileOptions): Promise<Digests> {
  // the calling thread reads and hashes the lightest group (or feeds the tap); workers take the others
  const groups = balanceAlgorithms(algorithms, Math.min(opts.tap ? 2 : 3, algorithms.length)).sort((a, b) => groupCost(b) - groupCost(a));
  const ownAlgorithms = opts.tap ? [] : (groups.pop() as HashAlgorithm[]);
  const own = ownAlgorithms.map((a) => createHash(a));
  const slots = skewedBuffers(SLOTS, SLOT_BYTES, true);
  const first = slots[0] as Uint8Array;
  const ctrl = new Int32Array(new SharedArrayBuffer(hashRingWords(SLOTS).words * 4));
  const { pool, digests } = startHashers(groups, { data: first.buffer as SharedArrayBuffer, base: first.byteOffset, control: ctrl.buffer as SharedArrayBuffer, slots: SLOTS, slotBytes: SLOT_BYTES });
  const meter = opts.onProgress ? new ProgressMeter('hashing', total) : undefined;
  let lastReport = 0;
  try {
    let done = 0;
    for (let s = 0; ; s++) {
      const slot = s % SLOTS;
      await waitUntilFree(ctrl, slot);
      const aborted = opts.signal?.aborted;
      const buf = slots[slot] as Uint8Array;
      const n = done < total && !aborted ? readFullSync(fd, path, buf, done, Math.min(SLOT_BYTES, total - done)) : 0;
      const end = n === 0;
      Atomics.store(ctrl, LEN + slot, end ? -1 : n);
      Atomics.store(ctrl, PENDING + slot, end ? 0 : pool.size);
      Atomics.store(ctrl, SEQ + slot, s + 1);
      Atomics.notify(ctrl, SEQ + slot);
      if (aborted) throw new IsoKitError(ErrorCode.ABORTED, 'aborted');
      if (end) break;
      const view = n === SLOT_BYTES ? buf : buf.subarray(0, n);
      for (const h of own) h.update(view);
      opts.tap?.(view, done);
      done += n;
      if (meter && opts.onProgress && (done - lastReport >= 64 << 20 || done === total)) {
        lastReport = done;
        opts.onProgress(meter.update(done));
      }
    }
    if (done < total) throw new IsoKitError(ErrorCode.TRUNCATED, `${path} ended after ${done} of ${total} bytes`, { byteOffset: done });
    const theirs = await digests;
    const mine: Digests = {};
    own.forEach((h, i) => (mine[ownAlgorithms[i] as HashAlgorithm] = h.digest('hex')));
    return { ...mine, ...theirs };
  } finally {
    void pool.terminate();
  }
}

/** Digest a file or block device (or its first `byteLength` bytes) with one or more algorithms in one read pass. */
export async function hashFile(path: string, algorithms: readonly HashAlgorithm[], opts: HashFileOptions = {}): Promise<Digests> {
  const { fd, byteLength: size } = openImageFileSync(path, 'a file');
  try {
    const total = opts.byteLength !== undefined ? Math.min(opts.byteLength, size) : size;
    const mode = opts.workers ?? 'auto';
    const useWorkers = (algorithms.length > 1 || opts.tap !== undefined) && (mode === true || (mode === 'auto' && total > 64 << 20));
    return useWorkers ? await hashWithWorkers(fd, path, total, algorithms, opts) : await hashOnThread(fd, path, total, algorithms, opts);
  } finally {
    closeSync(fd);
  }
}
