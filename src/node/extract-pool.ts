/**
 * Runs extraction batches (extract-batch.ts) on worker threads: the calling thread walks the image and
 * makes directories while the workers create and fill files, each with synchronous system calls. On this
 * kind of work (per-file kernel cost: open, write, futimes, close) two workers nearly halve the wall time
 * of one thread. Each worker has at most `depth` batches queued; `submit` waits for room.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import type { BatchResult, FileBatch } from './extract-batch.js';
import type { OutputEnv } from './extract-file-io.js';

interface Slot {
  readonly worker: Worker;
  /** batches sent and not answered */
  queued: number;
  /** bytes of those batches */
  bytes: number;
  readonly exited: Promise<void>;
}

function startWorker(workerData: unknown): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // Running from the TypeScript sources (tests under tsx): load the worker module through tsx's hook.
    const file = fileURLToPath(new URL('./extract-worker.ts', here));
    return new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(file)});`, { eval: true, workerData });
  }
  return new Worker(new URL('./extract-worker.js', here), { workerData });
}

export class ExtractPool {
  private readonly slots: Slot[];
  private readonly stopFlag: Int32Array;
  private failure: unknown;
  private readonly waiters: (() => void)[] = [];
  private readonly batchBytes = new Map<number, number>();

  constructor(
    count: number,
    env: OutputEnv,
    bufferByteLength: number,
    private readonly onResult: (r: BatchResult) => void,
    private readonly depth = 2,
  ) {
    const stop = new SharedArrayBuffer(4);
    this.stopFlag = new Int32Array(stop);
    this.slots = Array.from({ length: count }, () => {
      const worker = startWorker({ env, bufferByteLength, stop });
      const exited = new Promise<void>((resolve) => worker.once('exit', (code) => {
        if (slot.queued > 0) this.fail(new IsoKitError(ErrorCode.INTERNAL, `an extraction worker stopped (exit code ${code}) with work queued`));
        slot.queued = 0;
        this.wake();
        resolve();
      }));
      const slot: Slot = { worker, queued: 0, bytes: 0, exited };
      worker.on('message', (r: BatchResult) => this.answered(slot, r));
      worker.on('error', (e) => this.fail(e));
      return slot;
    });
  }

  /** Queue a batch on the least loaded worker (waits while every worker has `depth` batches). */
  async submit(b: FileBatch): Promise<void> {
    for (;;) {
      this.throwIfFailed();
      let best: Slot | undefined;
      for (const s of this.slots) if (s.queued < this.depth && (!best || s.bytes < best.bytes)) best = s;
      if (best) {
        best.queued++;
        best.bytes += b.byteLength;
        this.batchBytes.set(b.id, b.byteLength);
        best.worker.postMessage(b, [b.nums.buffer, b.ranges.buffer]);
        return;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Wait until every queued batch is answered. */
  async drain(): Promise<void> {
    while (this.slots.some((s) => s.queued > 0)) {
      this.throwIfFailed();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.throwIfFailed();
  }

  /** Ask the workers to stop between files, wait for what they are writing, and end them. */
  async close(stopNow = false): Promise<void> {
    if (stopNow) Atomics.store(this.stopFlag, 0, 1);
    // answers still arrive (and are recorded) while the workers finish what they were given
    while (this.slots.some((s) => s.queued > 0)) await new Promise<void>((resolve) => this.waiters.push(resolve));
    for (const s of this.slots) s.worker.postMessage(null);
    await Promise.all(this.slots.map((s) => s.exited));
  }

  private answered(slot: Slot, r: BatchResult): void {
    slot.queued--;
    slot.bytes -= this.batchBytes.get(r.id) ?? 0;
    this.batchBytes.delete(r.id);
    try {
      this.onResult(r);
    } catch (e) {
      this.fail(e);
    }
    this.wake();
  }

  private fail(e: unknown): void {
    this.failure ??= e;
    Atomics.store(this.stopFlag, 0, 1);
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
