/**
 * A hashing thread of hash-file.ts: hashes every chunk the calling thread puts in the shared ring with its
 * own algorithms, and posts the digests (hex) at the end. Imports only node built-ins and the ring layout.
 */
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { HashWorkerInit } from './hash-file.js';
import { hashRingWords } from './worker-protocols.js';

const w = workerData as HashWorkerInit;
const ctrl = new Int32Array(w.control);
const { SEQ, LEN, PENDING } = hashRingWords(w.slots);
const hashes = w.algorithms.map((a) => createHash(a));

for (let s = 0; ; s++) {
  const slot = s % w.slots;
  for (let v = Atomics.load(ctrl, SEQ + slot); v !== s + 1; v = Atomics.load(ctrl, SEQ + slot)) Atomics.wait(ctrl, SEQ + slot, v);
  const n = Atomics.load(ctrl, LEN + slot);
  if (n < 0) break;
  if (n > 0) {
    const view = new Uint8Array(w.data, w.base + slot * w.slotBytes, n);
    for (const h of hashes) h.update(view);
  }
  Atomics.sub(ctrl, PENDING + slot, 1);
  Atomics.notify(ctrl, PENDING + slot);
}
const digests: Record<string, string> = {};
hashes.forEach((h, i) => (digests[w.algorithms[i] as string] = h.digest('hex')));
parentPort?.postMessage(digests);
