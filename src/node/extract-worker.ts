/**
 * An extraction worker thread: writes the batches of files it is sent (extract-batch.ts) with synchronous
 * system calls, so that two cores create, fill and close files at once. Started by extract-pool.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { skewedBuffer } from './chunk-reader.js';
import { runBatch, SourceFds, type FileBatch } from './extract-batch.js';
import type { OutputEnv } from './extract-file-io.js';

interface WorkerInit {
  env: OutputEnv;
  bufferByteLength: number;
  /** [0] != 0: stop between files */
  stop: SharedArrayBuffer;
}

const init = workerData as WorkerInit;
const buf = skewedBuffer(init.bufferByteLength); // off the 4 KiB alias (see chunk-reader.ts)
const stop = new Int32Array(init.stop);
const fds = new SourceFds();

parentPort?.on('message', (b: FileBatch | null) => {
  if (b === null) {
    fds.close();
    parentPort?.close();
    return;
  }
  parentPort?.postMessage(runBatch(b, init.env, buf, fds, stop));
});
