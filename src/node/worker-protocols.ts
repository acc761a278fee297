/**
 * The shared-memory layouts the calling thread and its worker threads agree on (imported by both sides, so
 * this module stays free of imports: a worker starts without loading the rest of isokit).
 */

/**
 * Hash ring (hash-file.ts ↔ hash-worker.ts): the calling thread reads a file into `slots` shared buffers in
 * turn; every worker hashes every chunk with its own algorithms. Control words, per slot: the chunk number + 1
 * now in it (SEQ), its length (LEN, -1: the end), the workers that have not hashed it yet (PENDING).
 */
export function hashRingWords(slots: number): { readonly SEQ: number; readonly LEN: number; readonly PENDING: number; readonly words: number } {
  return { SEQ: 0, LEN: slots, PENDING: 2 * slots, words: 3 * slots };
}

/**
 * Read ring (create-data.ts ↔ read-worker.ts): workers claim slots of the file-data region with an atomic
 * counter (NEXT), fill them, and never get more than the ring ahead of the writer (CONSUMED: slots the writer
 * has taken). FAILED: any side stops everything. Per slot: the sequence number + 1 it holds (STATE) and how
 * many problems its worker posted for it (PROBS). STARTED: threads that are up.
 */
export function readRingWords(slots: number): {
  readonly NEXT: number; readonly CONSUMED: number; readonly FAILED: number; readonly STATE: number; readonly PROBS: number; readonly STARTED: number; readonly words: number;
} {
  return { NEXT: 0, CONSUMED: 1, FAILED: 2, STATE: 3, PROBS: 3 + slots, STARTED: 3 + 2 * slots, words: 4 + 2 * slots };
}

/** Piece flags of the read ring's packing: a small file whole in one slot, a file's first / last piece. */
export const PieceFlag = { SMALL: 1, FIRST: 2, LAST: 4 } as const;
