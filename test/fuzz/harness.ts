/**
 * Fuzz harness: runs cases — a registered reader (readers.ts) on a seed image mutated by a seed — in worker
 * threads, one case at a time per worker, each under a hard time limit: a worker still busy when the time is
 * up is terminated (and replaced), and the case counts as a hang. A case fails when the reader throws anything
 * but an IsoKitError (or an INTERNAL one), reports a byte offset outside the image, hangs, or kills its worker
 * (out of memory). Failing inputs can be saved as regression cases (test/fuzz/regressions/NAME.iso.gz plus
 * NAME.json) that the test suite replays through the same harness.
 *
 * Used by test/fuzz/reader.fuzz.test.ts (CI) and test/fuzz/run.ts (`npm run fuzz -- --cases N --seed S`).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Worker } from 'node:worker_threads';
import { rng } from './mutate.js';
import { mutateCase, READERS, type FuzzReader } from './readers.js';
import { isSeedName, seedImage, type SeedName } from './seeds.js';

export const REGRESSIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'regressions');

export interface CaseRequest {
  id: number;
  reader: string;
  seed: number;
  /** a seed image to mutate with `seed` … */
  seedPath?: string;
  /** … or the exact input (a saved regression case) */
  bytes?: Uint8Array;
}

export interface CaseOutcome {
  id: number;
  ok: boolean;
  kind?: 'crash' | 'offset' | 'hang' | 'worker';
  message?: string;
  stack?: string;
  mutation?: string;
  ms: number;
}

export interface FuzzCase {
  reader: string;
  seedImage?: SeedName;
  seed: number;
  /** replayed input (regression cases) */
  bytes?: Uint8Array;
  /** where it came from, for reports */
  label?: string;
}

export interface FuzzFailure extends FuzzCase {
  kind: NonNullable<CaseOutcome['kind']>;
  message: string;
  stack?: string;
  mutation?: string;
  /** groups failures by cause: kind, error text without numbers, first stack frames */
  signature: string;
  /** the regression file it was saved as */
  savedAs?: string;
}

export interface FuzzSummary {
  cases: number;
  failures: FuzzFailure[];
  /** distinct signatures among the failures (crashes, hangs, bad offsets) */
  signatures: Map<string, FuzzFailure[]>;
  hangs: number;
  crashes: number;
  seconds: number;
  slowestMs: number;
}

export interface FuzzRunOptions {
  /** hard limit per case (default 10 s) */
  timeoutMs?: number;
  /** worker threads (default 1) */
  workers?: number;
  /** save failing inputs under this folder (default: not saved) */
  saveDir?: string;
  /** at most this many saved inputs per distinct failure (default 3; the rest are counted) */
  savePerSignature?: number;
  onProgress?: (done: number, failures: number) => void;
  /** stop after this many failures (default: never) */
  maxFailures?: number;
}

/**
 * A worker, loaded through tsx (the harness always runs from the TypeScript sources), once it has loaded its
 * modules: start-up time never counts against a case's limit.
 */
function startWorker(): Promise<Worker> {
  const worker = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.ts')).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const w = new Worker(`import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(worker)}); })`, {
    eval: true,
    resourceLimits: { maxOldGenerationSizeMb: 768 },
  });
  return new Promise((resolve, reject) => {
    w.once('message', () => resolve(w));
    w.once('error', reject);
  });
}

function signatureOf(kind: string, message: string, stack = ''): string {
  const text = message.split('\n')[0]?.replace(/\d+/g, 'N').replace(/"[^"]*"/g, '"…"') ?? '';
  const frames = stack.split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 2).map((l) => l.trim().replace(/:\d+:\d+\)?$/, ''));
  return [kind, text, ...frames].join(' | ');
}

/** The exact input of a case (the seed image mutated as the worker mutates it). */
async function caseBytes(c: FuzzCase, readers: Map<string, FuzzReader>): Promise<Uint8Array> {
  if (c.bytes) return c.bytes;
  const original = new Uint8Array(readFileSync(await seedImage(c.seedImage as SeedName)));
  const reader = readers.get(c.reader) as FuzzReader;
  const m = await mutateCase(reader, original, rng(c.seed));
  return original.slice(0, m.byteLength);
}

function save(dir: string, f: FuzzFailure, bytes: Uint8Array): string {
  mkdirSync(dir, { recursive: true });
  const name = `${f.reader}-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
  writeFileSync(path.join(dir, `${name}.iso.gz`), gzipSync(bytes, { level: 9 }));
  const meta = { reader: f.reader, seedImage: f.seedImage, seed: f.seed, mutation: f.mutation, kind: f.kind, message: f.message, signature: f.signature, ...(f.label ? { from: f.label } : {}) };
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(meta, null, 2) + '\n');
  return name;
}

/** Run `cases` (an iterable, consumed lazily) and collect the failures. */
export async function runCases(cases: Iterable<FuzzCase>, opts: FuzzRunOptions = {}): Promise<FuzzSummary> {
  const t0 = performance.now();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const readers = new Map(READERS.map((r) => [r.name, r]));
  const seedPaths = new Map<SeedName, string>();
  const failures: FuzzFailure[] = [];
  const signatures = new Map<string, FuzzFailure[]>();
  let done = 0;
  let slowestMs = 0;
  let nextId = 0;
  const it = cases[Symbol.iterator]();
  let exhausted = false;

  const record = async (c: FuzzCase, o: CaseOutcome) => {
    const message = o.message ?? '';
    const f: FuzzFailure = { ...c, kind: o.kind ?? 'crash', message, ...(o.stack ? { stack: o.stack } : {}), ...(o.mutation ? { mutation: o.mutation } : {}), signature: signatureOf(o.kind ?? 'crash', message, o.stack) };
    delete f.bytes;
    const same = signatures.get(f.signature) ?? [];
    same.push(f);
    signatures.set(f.signature, same);
    if (opts.saveDir && same.length <= (opts.savePerSignature ?? 3)) f.savedAs = save(opts.saveDir, f, await caseBytes(c, readers));
    failures.push(f);
  };

  async function lane(): Promise<void> {
    let worker = await startWorker();
    try {
      for (;;) {
        if (opts.maxFailures !== undefined && failures.length >= opts.maxFailures) return;
        const n = exhausted ? undefined : it.next();
        if (!n || n.done) {
          exhausted = true;
          return;
        }
        const c = n.value;
        let seedPath: string | undefined;
        if (!c.bytes) {
          seedPath = seedPaths.get(c.seedImage as SeedName);
          if (!seedPath) seedPaths.set(c.seedImage as SeedName, (seedPath = await seedImage(c.seedImage as SeedName)));
        }
        const id = nextId++;
        const outcome = await new Promise<CaseOutcome>((resolve) => {
          const timer = setTimeout(() => resolve({ id, ok: false, kind: 'hang', message: `no answer within ${timeoutMs} ms (worker terminated)`, ms: timeoutMs }), timeoutMs);
          const onMessage = (m: CaseOutcome) => {
            if (m.id !== id) return;
            cleanup();
            resolve(m);
          };
          const onError = (e: Error) => {
            cleanup();
            resolve({ id, ok: false, kind: 'worker', message: `worker died: ${e.message}`, stack: e.stack ?? '', ms: 0 });
          };
          const onExit = (code: number) => onError(new Error(`exit ${code}`));
          const cleanup = () => {
            clearTimeout(timer);
            worker.off('message', onMessage);
            worker.off('error', onError);
            worker.off('exit', onExit);
          };
          worker.on('message', onMessage);
          worker.once('error', onError);
          worker.once('exit', onExit);
          const req: CaseRequest = { id, reader: c.reader, seed: c.seed, ...(c.bytes ? { bytes: c.bytes } : { seedPath: seedPath as string }) };
          worker.postMessage(req);
        });
        slowestMs = Math.max(slowestMs, outcome.ms);
        if (!outcome.ok) {
          if (outcome.kind === 'hang' || outcome.kind === 'worker') {
            await worker.terminate();
            worker = await startWorker();
          }
          await record(c, outcome);
        }
        done++;
        opts.onProgress?.(done, failures.length);
      }
    } finally {
      await worker.terminate();
    }
  }

  await Promise.all(Array.from({ length: Math.max(1, opts.workers ?? 1) }, () => lane()));
  return {
    cases: done,
    failures,
    signatures,
    hangs: failures.filter((f) => f.kind === 'hang').length,
    crashes: failures.filter((f) => f.kind === 'crash' || f.kind === 'worker').length,
    seconds: (performance.now() - t0) / 1000,
    slowestMs,
  };
}

/**
 * `total` fresh cases, spread round-robin over `readers` (each as often as its weight says) and, within a
 * reader, over its seed images; case k gets seed `baseSeed + k`, so (total, baseSeed, readers) names the same
 * cases on every machine.
 */
export function* freshCases(readers: readonly FuzzReader[], total: number, baseSeed: number, usable: (s: SeedName) => boolean = () => true): Generator<FuzzCase> {
  const lists = readers.map((r) => ({ r, seeds: r.seeds.filter(usable), turns: 0 })).filter((x) => x.seeds.length);
  // four slots per reader of weight 1 in one round of the schedule
  const schedule = lists.flatMap((x) => Array.from({ length: Math.max(1, Math.round(4 * (x.r.weight ?? 1))) }, () => x));
  if (!schedule.length) return;
  for (let k = 0; k < total; k++) {
    const x = schedule[k % schedule.length] as (typeof lists)[number];
    yield { reader: x.r.name, seedImage: x.seeds[x.turns++ % x.seeds.length] as SeedName, seed: (baseSeed + k) >>> 0 };
  }
}

/** The saved regression cases (test/fuzz/regressions/NAME.json with its NAME.iso.gz). */
export function savedCases(dir = REGRESSIONS): FuzzCase[] {
  let names: string[];
  try {
    // (the other fuzz tests keep their cases as <format>-cases.json in the same folder: only pairs are the harness's)
    const all = new Set(readdirSync(dir));
    names = [...all].filter((n) => n.endsWith('.json') && all.has(n.replace(/\.json$/, '.iso.gz'))).sort();
  } catch {
    return [];
  }
  return names.map((n) => {
    const meta = JSON.parse(readFileSync(path.join(dir, n), 'utf8')) as { reader: string; seed?: number; seedImage?: string };
    const bytes = new Uint8Array(gunzipSync(readFileSync(path.join(dir, n.replace(/\.json$/, '.iso.gz')))));
    return { reader: meta.reader, seed: meta.seed ?? 0, bytes, label: n.replace(/\.json$/, ''), ...(meta.seedImage && isSeedName(meta.seedImage) ? { seedImage: meta.seedImage } : {}) };
  });
}

/** One line per distinct failure, for assertion messages and the run report. */
export function describeFailures(s: FuzzSummary, max = 20): string {
  const lines: string[] = [];
  for (const [sig, list] of s.signatures) {
    const f = list[0] as FuzzFailure;
    lines.push(`${list.length}× ${sig}\n    e.g. ${f.label ?? `${f.reader} on ${f.seedImage} seed=${f.seed}`} (${f.mutation ?? 'saved input'})${f.savedAs ? ` → regressions/${f.savedAs}` : ''}`);
    if (lines.length >= max) break;
  }
  return lines.join('\n');
}
