/**
 * Reader fuzzing: mutated reference images (random metadata bytes, record length bytes, extent pointers and
 * sizes, SUSP CE/SL/NM/PX/TF/ZF fields, overwritten sectors, truncation, volume descriptor fields), fixed
 * seeds. Every case must return or throw an IsoKitError that is not INTERNAL (never a raw exception), within
 * 5 s, while reading the whole tree, another namespace, and a few file contents.
 *
 * FUZZ_CASES (default 20000) sets the total; FUZZ_SEED the base seed. Failing (image, seed) pairs are listed in
 * the assertion message: add them to test/fuzz/regressions/cases.json so they are re-run forever.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, IsoKitError } from '../../src/errors/index.js';
import { MemorySource } from '../../src/io/index.js';
import { walkTree, type TreeNode } from '../../src/model/index.js';
import { openImage } from '../../src/read/index.js';
import { fixtureImage, type FixtureName } from '../helpers/fixtures.js';
import { needTools } from '../helpers/index.js';
import { mapImage, mutate, rng } from './mutate.js';

const IMAGES: FixtureName[] = ['xorriso-rr', 'genisoimage-rr', 'zisofs', 'eltorito', 'iso-level1', 'genisoimage-joliet', 'multisession'];
const TOTAL = Number(process.env.FUZZ_CASES ?? 20000);
const BASE_SEED = Number(process.env.FUZZ_SEED ?? 20240601);
const CASE_LIMIT_MS = 5000;
const here = path.dirname(fileURLToPath(import.meta.url));

interface Failure { image: string; seed: number; kind: string; error: string }

async function readSome(tree: TreeNode, r: () => number): Promise<void> {
  let budget = 1 << 20;
  let files = 0;
  for (const { node } of walkTree(tree)) {
    if (node.kind !== 'file' || !node.content || r() < 0.7) continue;
    try {
      for await (const chunk of node.content.stream({ chunkSize: 65536 })) {
        budget -= chunk.length;
        if (budget < 0) break;
      }
    } catch (e) {
      if (!(e instanceof IsoKitError) || e.code === ErrorCode.INTERNAL) throw e;
    }
    if (++files >= 3 || budget < 0) return;
  }
}

async function runCase(bytes: Uint8Array, r: () => number): Promise<void> {
  try {
    const image = await openImage(new MemorySource(bytes, 'fuzz'));
    let n = 0;
    for (const _ of walkTree(image.tree)) n++;
    void image.findings.length;
    await readSome(image.tree, r);
    const other = image.namespaces.joliet && image.namespace !== 'joliet' ? 'joliet' : 'iso9660';
    try {
      await readSome(await image.openTree(other), r);
    } catch (e) {
      if (!(e instanceof IsoKitError) || e.code === ErrorCode.INTERNAL) throw e;
    }
    assert.ok(n >= 1);
  } catch (e) {
    if (!(e instanceof IsoKitError) || e.code === ErrorCode.INTERNAL) throw e;
  }
}

async function fuzzImage(name: FixtureName, cases: number, seedBase: number, failures: Failure[], only?: number[]): Promise<void> {
  const original = new Uint8Array(readFileSync(await fixtureImage(name)));
  const map = mapImage(original);
  const seeds = only ?? Array.from({ length: cases }, (_, i) => seedBase + i);
  for (const seed of seeds) {
    const r = rng(seed);
    const m = mutate(original, map, r);
    const t0 = performance.now();
    try {
      await runCase(original.subarray(0, m.byteLength), r);
      const ms = performance.now() - t0;
      if (ms > CASE_LIMIT_MS) failures.push({ image: name, seed, kind: m.kind, error: `took ${ms.toFixed(0)} ms` });
    } catch (e) {
      failures.push({ image: name, seed, kind: m.kind, error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e) });
    } finally {
      m.revert();
    }
  }
}

const report = (f: Failure[]) => f.slice(0, 10).map((x) => `${x.image} seed=${x.seed} (${x.kind}): ${x.error}`).join('\n');

test('fuzz: regression cases stay fixed', async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  const cases = JSON.parse(readFileSync(path.join(here, 'regressions/cases.json'), 'utf8')) as { image: FixtureName; seeds: number[] }[];
  const failures: Failure[] = [];
  for (const c of cases) await fuzzImage(c.image, 0, 0, failures, c.seeds);
  assert.deepEqual(failures, [], report(failures));
});

test(`fuzz: ${TOTAL} mutated reference images never crash or hang the reader`, async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  const failures: Failure[] = [];
  const per = Math.ceil(TOTAL / IMAGES.length);
  for (let i = 0; i < IMAGES.length; i++) await fuzzImage(IMAGES[i] as FixtureName, per, BASE_SEED + i * 1_000_000, failures);
  assert.deepEqual(failures, [], `${failures.length} failing cases:\n${report(failures)}`);
});
