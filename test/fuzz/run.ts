/**
 * The long fuzz run, outside CI: `npm run fuzz -- --cases N --seed S [--readers a,b] [--workers W]
 * [--timeout MS] [--no-save] [--report FILE]`. Every registered reader (readers.ts) on its seed images, each
 * case in a worker thread under a hard time limit; failing inputs are saved under test/fuzz/regressions/ (up
 * to 3 per distinct failure; all are listed in the report), where `node scripts/run-tests.mjs fuzz` replays
 * them. Prints progress every 10,000 cases and a summary: cases, distinct crashes, hangs, bad offsets, time.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { hasTool } from '../helpers/index.js';
import { describeFailures, freshCases, REGRESSIONS, runCases } from './harness.js';
import { READERS } from './readers.js';
import { seedTools, type SeedName } from './seeds.js';

const { values: v } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    readers: { type: 'string' },
    workers: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '10000' },
    'no-save': { type: 'boolean' },
    report: { type: 'string' },
  },
});
const total = Number(v.cases);
const seed = Number(v.seed);
const names = v.readers?.split(',');
const readers = names ? READERS.filter((r) => names.includes(r.name)) : READERS;
if (!Number.isSafeInteger(total) || total < 1 || !Number.isSafeInteger(seed) || !readers.length) {
  console.error(`usage: npm run fuzz -- --cases N --seed S [--readers ${READERS.map((r) => r.name).join(',')}] [--workers W] [--timeout MS] [--no-save] [--report FILE]`);
  process.exit(2);
}
const usable = (s: SeedName) => seedTools(s).every((t) => hasTool(t));
for (const r of readers) {
  const missing = r.seeds.filter((s) => !usable(s));
  if (missing.length) console.warn(`fuzz: ${r.name}: seeds ${missing.join(', ')} skipped (missing tools: ${[...new Set(missing.flatMap(seedTools))].join(', ')})`);
}
const t0 = Date.now();
const summary = await runCases(freshCases(readers, total, seed, usable), {
  workers: Number(v.workers),
  timeoutMs: Number(v.timeout),
  ...(v['no-save'] ? {} : { saveDir: REGRESSIONS }),
  onProgress: (done, failures) => {
    if (done % 10_000 === 0) console.log(`fuzz: ${done} cases, ${failures} failures, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  },
});
const offsets = summary.failures.filter((f) => f.kind === 'offset').length;
const distinct = (kinds: string[]) => [...summary.signatures.values()].filter((l) => kinds.includes((l[0] as { kind: string }).kind)).length;
const lines = [
  `fuzz: ${summary.cases} cases (seed ${seed}, readers ${readers.map((r) => r.name).join(', ')}) in ${summary.seconds.toFixed(0)} s (${((summary.seconds * 1e6) / summary.cases).toFixed(0)} µs/case, slowest ${summary.slowestMs.toFixed(0)} ms)`,
  `fuzz: ${summary.crashes} crashing cases (${distinct(['crash', 'worker'])} distinct), ${summary.hangs} hangs (${distinct(['hang'])} distinct), ${offsets} offsets outside the image (${distinct(['offset'])} distinct)`,
];
if (summary.failures.length) lines.push(describeFailures(summary, 100));
console.log(lines.join('\n'));
if (v.report) writeFileSync(v.report, JSON.stringify({ seed, cases: summary.cases, seconds: summary.seconds, slowestMs: summary.slowestMs, failures: summary.failures.map(({ stack: _s, ...f }) => f) }, null, 2));
process.exitCode = summary.failures.length ? 1 : 0;
