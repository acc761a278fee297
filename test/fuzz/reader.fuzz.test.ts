/**
 * Reader fuzzing through the harness (harness.ts): every registered reader (readers.ts: ISO 9660, Joliet,
 * Rock Ridge, the structural check, El Torito, MBR/GPT, isomd5sum, MD5 tags, UDF through openImage and check,
 * with UDF mutations of tags, lengths, allocation descriptors and FIDs) on mutated seed images, each case
 * in a worker thread that is terminated when the case overruns its time limit. A case must return or throw an
 * IsoKitError that is not INTERNAL, report every byte offset inside the image, and finish in time.
 *
 * FUZZ_CASES (default 12000) sets the number of fresh cases; FUZZ_SEED the base seed. The long run is
 * `npm run fuzz -- --cases N --seed S`; its failing inputs land in test/fuzz/regressions/, replayed here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needTools } from '../helpers/index.js';
import { describeFailures, freshCases, runCases, savedCases } from './harness.js';
import { READERS } from './readers.js';
import { RECIPE_TOOLS } from './seeds.js';

const TOTAL = Number(process.env.FUZZ_CASES ?? 12000);
const BASE_SEED = Number(process.env.FUZZ_SEED ?? 20240601);
const CASE_LIMIT_MS = 10_000;

test('fuzz: saved regression inputs stay fixed', async () => {
  const saved = savedCases();
  const s = await runCases(saved, { timeoutMs: CASE_LIMIT_MS });
  assert.equal(s.cases, saved.length);
  assert.deepEqual(s.failures.map((f) => f.label), [], describeFailures(s));
});

test(`fuzz: ${TOTAL} mutated images over every registered reader never crash, hang or point outside the image`, async (t) => {
  if (!needTools(t, ...RECIPE_TOOLS)) return;
  const s = await runCases(freshCases(READERS, TOTAL, BASE_SEED), { timeoutMs: CASE_LIMIT_MS });
  assert.equal(s.cases, TOTAL);
  assert.deepEqual(s.failures.length, 0, `${s.failures.length} failing cases:\n${describeFailures(s)}`);
});

test('fuzz harness: a hang is a failure (the worker is terminated), an escaping TypeError is a crash, a bad offset is caught', async () => {
  const s = await runCases(
    [
      { reader: 'self-test', seed: 1, bytes: Uint8Array.of(1) },
      { reader: 'self-test', seed: 2, bytes: Uint8Array.of(2) },
      { reader: 'self-test', seed: 3, bytes: Uint8Array.of(3) },
      { reader: 'self-test', seed: 4, bytes: Uint8Array.of(4) },
    ],
    { timeoutMs: 1500 },
  );
  assert.equal(s.cases, 4);
  assert.deepEqual(s.failures.map((f) => [f.seed, f.kind]), [[1, 'hang'], [2, 'crash'], [3, 'offset']]);
  assert.match(s.failures[1]?.message ?? '', /TypeError/);
});
