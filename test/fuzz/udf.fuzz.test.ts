/**
 * UDF reader fuzzing: mutated UDF images (descriptor tags and fields, length fields, allocation descriptors,
 * FIDs, partition and map fields, overwritten blocks, truncation — see udf-mutate.ts), fixed seeds. Every case
 * opens the volume, reads the whole tree, walks a few directories one at a time and reads some file
 * contents; it must end or throw an IsoKitError that is not INTERNAL, within 5 s, and every finding's byte
 * offset must lie inside the image.
 *
 * Images: built with the reader's serializers (type 1, metadata partition, VAT, sparable, 512-byte blocks,
 * strategy 4096, AED chains) and made by mkudffs (VAT and sparable media) and genisoimage -udf.
 * UDF_FUZZ_CASES (default 2000) sets the total; UDF_FUZZ_SEED the base seed. Failing (image, seed) pairs
 * are listed in the assertion message: add them to test/fuzz/regressions/udf-cases.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, Findings, IsoKitError, MemorySource, walkTree, type TreeNode } from '../../src/index.js';
import { openUdfVolume } from '../../src/read/udf/index.js';
import { buildUdf, type BuildOptions, type UFile } from '../helpers/udf-builder.js';
import { RECIPES, recipeImage } from '../helpers/fixtures.js';
import { hasTool, IN_CI, sh, tmpDir } from '../helpers/index.js';
import { rng, settler } from './mutate.js';
import { mapUdfImage, mutateUdf, type UdfImageMap } from './udf-mutate.js';

const TOTAL = Number(process.env.UDF_FUZZ_CASES ?? 2000);
const BASE_SEED = Number(process.env.UDF_FUZZ_SEED ?? 20260701);
const CASE_LIMIT_MS = 5000;
const here = path.dirname(fileURLToPath(import.meta.url));

const data = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * seed + 3) & 255);
function tree(): UFile {
  const shared: UFile = { name: 'shared', data: data(3000, 3) };
  return {
    name: '', children: [
      { name: 'a.txt', data: data(100, 1) },
      { name: 'chain.bin', data: data(24 * 2048, 5), extentBytes: 2048, adsPerExtent: 4 },
      { name: 'inline', data: data(40, 7), embedded: true },
      { name: 'holes', data: data(8 * 2048, 9), holes: [[2, 3]] },
      { name: 'd', children: [{ name: 'x', data: data(10, 2) }, shared, { name: 'l', kind: 'symlink', target: '../a.txt' }, { name: 'h', linkTo: shared }, { name: 'e', embedded: true, children: [{ name: 'y', data: data(5, 4) }] }] },
      { name: 'dev', kind: 'chardev', device: { major: 1, minor: 5 } },
    ],
  };
}

const BUILT: [string, BuildOptions][] = [
  ['built-type1', {}],
  ['built-efe-512', { revision: 0x0201, blockSize: 512 }],
  ['built-metadata', { revision: 0x0250, partition: 'metadata' }],
  ['built-vat', { revision: 0x0201, partition: 'virtual', tailAnchors: [] }],
  ['built-vat15', { revision: 0x0150, partition: 'virtual', vat15: true, tailAnchors: [] }],
  ['built-sparable', { revision: 0x0201, partition: 'sparable', sparedPackets: [0] }],
  ['built-4096', { revision: 0x0201, strategy4096: true }],
];

interface FuzzImage { name: string; bytes: Uint8Array; map: UdfImageMap }

async function images(): Promise<FuzzImage[]> {
  const out: FuzzImage[] = [];
  for (const [name, opts] of BUILT) {
    const bytes = buildUdf(tree(), opts).bytes;
    out.push({ name, bytes, map: await mapUdfImage(bytes, opts.blockSize ?? 2048) });
  }
  const tools = hasTool('mkudffs') && hasTool('genisoimage');
  if (!tools && IN_CI) throw new Error('mkudffs and genisoimage are needed under CI');
  if (!tools) return out;
  const { dir, cleanup } = tmpDir('udf-fuzz');
  try {
    for (const [name, env] of [['mkudffs-cdr', { MEDIA: 'cdr', BLOCKS: '2000' }], ['mkudffs-cdrw', { MEDIA: 'cdrw', BLOCKS: '4000' }]] as const) {
      const file = path.join(dir, `${name}.img`);
      sh('sh', [path.join(RECIPES, 'udf-mkudffs.sh'), file], { env: { ...process.env, ...env } });
      const bytes = new Uint8Array(readFileSync(file));
      out.push({ name, bytes, map: await mapUdfImage(bytes, 2048) });
    }
  } finally {
    cleanup();
  }
  const gen = new Uint8Array(readFileSync(await recipeImage('udf-genisoimage')));
  out.push({ name: 'genisoimage', bytes: gen, map: await mapUdfImage(gen, 2048) });
  return out;
}

/** Read what a user would: the tree, a few directories one at a time, some contents. Checks finding offsets. */
async function runCase(bytes: Uint8Array, r: () => number): Promise<void> {
  const findings = new Findings();
  const settle = settler('UDF fuzz case');
  const opened = await settle(openUdfVolume(new MemorySource(bytes, 'fuzz'), findings));
  if (!(opened instanceof IsoKitError)) {
    const root = await settle(opened.readTree());
    if (!(root instanceof IsoKitError)) {
      let budget = 1 << 20;
      for (const { node } of walkTree(root)) {
        if (node.kind !== 'file' || !node.content || r() < 0.5 || budget < 0) continue;
        await settle((async () => {
          for await (const c of node.content!.stream({ chunkSize: 65536 })) if ((budget -= c.length) < 0) break;
        })());
      }
      const dirs = [...walkTree(root)].map((e) => e.node).filter((n): n is TreeNode => n.kind === 'dir').slice(0, 4);
      for (const d of dirs) await settle(opened.readDirectory(d));
    }
  }
  for (const e of [opened].filter((x): x is IsoKitError => x instanceof IsoKitError)) assert.notEqual(e.code, ErrorCode.INTERNAL, e.message);
  for (const f of findings.list) {
    if (f.byteOffset === undefined) continue;
    assert.ok(f.byteOffset >= 0 && f.byteOffset < bytes.length, `finding offset ${f.byteOffset} outside the image of ${bytes.length} bytes: ${f.code} ${f.message}`);
  }
}

interface Failure { image: string; seed: number; kind: string; error: string }

async function fuzz(img: FuzzImage, seeds: number[], failures: Failure[]): Promise<void> {
  for (const seed of seeds) {
    const r = rng(seed);
    const m = mutateUdf(img.bytes, img.map, r);
    const t0 = performance.now();
    try {
      await runCase(img.bytes.subarray(0, m.byteLength), r);
      const ms = performance.now() - t0;
      if (ms > CASE_LIMIT_MS) failures.push({ image: img.name, seed, kind: m.kind, error: `took ${ms.toFixed(0)} ms` });
    } catch (e) {
      failures.push({ image: img.name, seed, kind: m.kind, error: e instanceof Error ? `${e.message}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e) });
    } finally {
      m.revert();
    }
  }
}

const report = (f: Failure[]) => f.slice(0, 10).map((x) => `${x.image} seed=${x.seed} (${x.kind}): ${x.error}`).join('\n');

test('UDF fuzz: regression cases stay fixed', async () => {
  const cases = JSON.parse(readFileSync(path.join(here, 'regressions/udf-cases.json'), 'utf8')) as { image: string; seeds: number[] }[];
  const all = await images();
  const failures: Failure[] = [];
  for (const c of cases) {
    const img = all.find((i) => i.name === c.image);
    if (img) await fuzz(img, c.seeds, failures);
  }
  assert.deepEqual(failures, [], report(failures));
});

test(`UDF fuzz: ${TOTAL} mutated UDF images never crash or hang the reader, and findings point inside the image`, async () => {
  const all = await images();
  const failures: Failure[] = [];
  const per = Math.ceil(TOTAL / all.length);
  for (const [i, img] of all.entries()) await fuzz(img, Array.from({ length: per }, (_, k) => BASE_SEED + i * 100_000 + k), failures);
  assert.deepEqual(failures, [], `${failures.length} failing cases:\n${report(failures)}`);
});
