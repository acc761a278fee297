/**
 * Worker threads for the node layer, started one way: each worker is an ordinary TypeScript module in
 * src/node (`*-worker.ts`: type-checked and linted like the rest), compiled next to this file in dist/. Under
 * the TypeScript sources (tests run through tsx) the worker loads the .ts module through tsx's hook.
 *
 * `WorkerPool` owns the threads of one job: it routes their messages, turns an uncaught worker error or an
 * exit the job did not expect into one failure, and ends them all (`terminate`) once. What the threads
 * exchange (messages, or shared rings whose layouts live in worker-protocols.ts) is the job's own.
 */
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { ErrorCode, IsoKitError } from '../errors/index.js';

/** The worker modules (src/node/<name>.ts). */
export type WorkerModule = 'extract-worker' | 'hash-worker' | 'read-worker';

export interface StartWorkerOptions {
  readonly resourceLimits?: ResourceLimits;
}

/** Start one worker thread running `module` with `workerData`. */
export function startWorker(module: WorkerModule, workerData: unknown, opts: StartWorkerOptions = {}): Worker {
  const here = import.meta.url;
  const limits = opts.resourceLimits ? { resourceLimits: opts.resourceLimits } : {};
  if (here.endsWith('.ts')) {
    const file = fileURLToPath(new URL(`./${module}.ts`, here));
    return new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(file)});`, { eval: true, workerData, ...limits });
  }
  return new Worker(new URL(`./${module}.js`, here), { workerData, ...limits });
}

export interface WorkerPoolHandlers<M> {
  /** a message from worker `index` */
  onMessage(message: M, index: number): void;
  /** the pool's first failure: an uncaught error in a worker, or an exit `expectExit` did not allow */
  onFailure(error: IsoKitError): void;
  /** whether worker `index` may exit now with `code` (default: only after `terminate`) */
  expectExit?(code: number, index: number): boolean;
  /** worker `index` has exited (after the failure, if the exit was one) */
  onExit?(code: number, index: number): void;
}

export interface WorkerPoolOptions extends StartWorkerOptions {
  /** the data each worker starts with (`index`: which worker) */
  readonly workerData: (index: number) => unknown;
  /** what the job calls its threads in messages ("hash worker") */
  readonly label: string;
}

/** `count` threads of one worker module for one job. */
export class WorkerPool<M> {
  private readonly workers: Worker[];
  private readonly exits: Promise<void>[];
  private terminating: Promise<void> | undefined;
  private failed = false;

  constructor(module: WorkerModule, count: number, opts: WorkerPoolOptions, private readonly handlers: WorkerPoolHandlers<M>) {
    const limits = opts.resourceLimits ? { resourceLimits: opts.resourceLimits } : {};
    this.workers = Array.from({ length: count }, (_, i) => startWorker(module, opts.workerData(i), limits));
    this.exits = this.workers.map(
      (w, i) =>
        new Promise<void>((resolve) => {
          w.on('message', (m: M) => this.handlers.onMessage(m, i));
          w.on('error', (e: Error) => this.fail(new IsoKitError(ErrorCode.INTERNAL, `${opts.label} ${i + 1} failed: ${e.message}`, { cause: e })));
          w.once('exit', (code: number) => {
            if (!this.terminating && !(this.handlers.expectExit?.(code, i) ?? false)) this.fail(new IsoKitError(ErrorCode.INTERNAL, `${opts.label} ${i + 1} stopped (exit code ${code}) before its work was done`));
            this.handlers.onExit?.(code, i);
            resolve();
          });
        }),
    );
  }

  get size(): number {
    return this.workers.length;
  }

  /** Send worker `index` a message (transferring `transfer`). */
  post(index: number, message: unknown, transfer: readonly ArrayBuffer[] = []): void {
    (this.workers[index] as Worker).postMessage(message, transfer as ArrayBuffer[]);
  }

  /** Call `fn` once each thread is up (threads already running count at once). */
  onOnline(fn: () => void): void {
    for (const w of this.workers) w.once('online', fn);
  }

  /** Resolves when every thread has exited (by itself or through `terminate`). */
  exited(): Promise<void> {
    return Promise.all(this.exits).then(() => undefined);
  }

  /** End every thread now (idempotent); resolves when they are gone. */
  terminate(): Promise<void> {
    this.terminating ??= Promise.all(this.workers.map((w) => w.terminate())).then(() => this.exited());
    return this.terminating;
  }

  private fail(e: IsoKitError): void {
    if (this.failed) return;
    this.failed = true;
    this.handlers.onFailure(e);
  }
}

type AtomicsWithWaitAsync = { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string } };

/** Wait, without blocking the event loop, until `ctrl[index]` is no longer `value` (Atomics.waitAsync: Node 16+). */
export async function waitWhileEqual(ctrl: Int32Array, index: number, value: number): Promise<void> {
  const r = (Atomics as unknown as AtomicsWithWaitAsync).waitAsync(ctrl, index, value);
  if (r.async) await r.value;
}
