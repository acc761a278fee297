/**
 * Runs extraction batches (extract-batch.ts) on worker threads: the calling thread walks the image and
 * makes directories while the workers create and fill files, each with synchronous system calls. On this
 * kind of work (per-file kernel cost: open, write, futimes, close) two workers nearly halve the wall time
 * of one thread. Each worker has at most `depth` batches queued; `submit` waits for room.
 */
import type { BatchResult, FileBatch } from './extract-batch.js';
import type { OutputEnv } from './extract-file-io.js';
import { WorkerPool } from './worker-pool.js';

interface Slot {
  /** batches sent and not answered */
  queued: number;
  /** bytes of those batches */
  bytes: number;
}

/** What an extraction worker starts with (extract-worker.ts). */
export interface ExtractWorkerInit {
  env: OutputEnv;
  bufferByteLength: number;
  /** [0] != 0: stop between files */
  stop: SharedArrayBuffer;
}

export class ExtractPool {
  private readonly pool: WorkerPool<BatchResult>;
  private readonly slots: Slot[];
  private readonly stopFlag: Int32Array;
  private failure: unknown;
  private closing = false;
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
    this.slots = Array.from({ length: count }, () => ({ queued: 0, bytes: 0 }));
    const workerData: ExtractWorkerInit = { env, bufferByteLength, stop };
    this.pool = new WorkerPool<BatchResult>('extract-worker', count, { workerData: () => workerData, label: 'extraction worker' }, {
      onMessage: (r, i) => this.answered(this.slots[i] as Slot, r),
      onFailure: (e) => this.fail(e),
      // a worker ends when told to (close); any other exit loses the batches it was given
      expectExit: () => this.closing,
      onExit: (_code, i) => {
        (this.slots[i] as Slot).queued = 0;
        this.wake();
      },
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
        this.pool.post(this.slots.indexOf(best), b, [b.nums.buffer as ArrayBuffer, b.ranges.buffer as ArrayBuffer]);
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
    this.closing = true;
    for (let i = 0; i < this.pool.size; i++) this.pool.post(i, null);
    await this.pool.exited();
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
