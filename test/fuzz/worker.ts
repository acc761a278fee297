/**
 * The fuzz harness's worker thread (see harness.ts): runs one case at a time — a seed image mutated by a
 * seed, or saved bytes — with a registered reader, and answers with the outcome. The main thread terminates
 * the worker when a case overruns its time limit.
 */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { ErrorCode, IsoKitError } from '../../src/errors/index.js';
import { MemorySource } from '../../src/io/index.js';
import { rng } from './mutate.js';
import { mutateCase, readerNamed, type FuzzReader } from './readers.js';
import type { CaseOutcome, CaseRequest } from './harness.js';

interface Seed {
  bytes: Uint8Array;
  /** what the mutators prepared from it (mutateCase) */
  prepared: Map<string, Promise<unknown>>;
}
const seeds = new Map<string, Seed>();

function seedFor(path: string): Seed {
  let s = seeds.get(path);
  if (!s) {
    const bytes = new Uint8Array(readFileSync(path));
    s = { bytes, prepared: new Map() };
    seeds.set(path, s);
  }
  return s;
}

/** Offsets a reader reported that do not lie inside the input (0 ≤ offset < byteLength). */
function outside(offsets: readonly (number | undefined)[], byteLength: number): number[] {
  return offsets.filter((o): o is number => o !== undefined && !(Number.isInteger(o) && o >= 0 && o < byteLength));
}

async function runCase(reader: FuzzReader, bytes: Uint8Array, r: () => number): Promise<Omit<CaseOutcome, 'id' | 'mutation' | 'ms'>> {
  try {
    const res = await reader.read(new MemorySource(bytes, 'fuzz'), r);
    const bad = outside([...(res.findings ?? []).map((f) => f.byteOffset), ...(res.offsets ?? [])], bytes.length);
    if (bad.length) {
      const f = (res.findings ?? []).find((x) => x.byteOffset !== undefined && bad.includes(x.byteOffset));
      return { ok: false, kind: 'offset', message: `offset ${bad[0]} outside the ${bytes.length}-byte image${f ? `: ${f.code} ${f.structure ?? ''}: ${f.message}` : ''}` };
    }
    return { ok: true };
  } catch (e) {
    if (e instanceof IsoKitError && e.code !== ErrorCode.INTERNAL) {
      const bad = outside([e.byteOffset], bytes.length);
      return bad.length ? { ok: false, kind: 'offset', message: `thrown ${e.code} at offset ${bad[0]} outside the ${bytes.length}-byte image: ${e.message}` } : { ok: true };
    }
    const err = e instanceof Error ? e : new Error(String(e));
    return { ok: false, kind: 'crash', message: `${err.name}: ${err.message}`, stack: err.stack ?? '' };
  }
}

// loaded: the harness starts the clock of the first case only now
parentPort?.postMessage({ ready: true });

parentPort?.on('message', (req: CaseRequest) => {
  void (async () => {
    const t0 = performance.now();
    const reader = readerNamed(req.reader);
    let out: Omit<CaseOutcome, 'id' | 'ms'>;
    if (req.bytes) out = await runCase(reader, req.bytes, rng(req.seed));
    else {
      const seed = seedFor(req.seedPath as string);
      const r = rng(req.seed);
      const m = await mutateCase(reader, seed.bytes, r, seed.prepared);
      try {
        out = { ...(await runCase(reader, seed.bytes.subarray(0, m.byteLength), r)), mutation: m.kind };
      } finally {
        m.revert();
      }
    }
    parentPort?.postMessage({ ...out, id: req.id, ms: performance.now() - t0 } satisfies CaseOutcome);
  })();
});
