/**
 * The fast directory reader (src/read/fast-directory.ts, fast-tree.ts) must give exactly what the generic
 * reader gives: the same trees (every node field, content ranges, order of children), the same namespaces
 * and the same findings, on every reference image, in every namespace, and on mutated (fuzzed) images.
 * Also checks that the fast path is really taken on clean images (else this test would prove nothing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { IsoKitError, type Finding } from '../../src/errors/index.js';
import { MemorySource } from '../../src/io/index.js';
import type { Namespace, TreeNode } from '../../src/model/index.js';
import { openImage, type IsoImage } from '../../src/read/index.js';
import { DirectoryCursor, Step, fastPathSettings } from '../../src/read/fast-directory.js';
import { fixtureImage, type FixtureName } from '../helpers/fixtures.js';
import { needTools } from '../helpers/index.js';
import { mapImage, mutate, rng } from '../fuzz/mutate.js';

const IMAGES: FixtureName[] = [
  'xorriso-rr', 'genisoimage-rr', 'genisoimage-r', 'zisofs', 'eltorito', 'iso-level1', 'iso-level3', 'iso-level4',
  'genisoimage-joliet', 'genisoimage-joliet-long', 'multisession', 'many-files',
];
const FUZZ_CASES = Number(process.env.FAST_PATH_FUZZ_CASES ?? 1500);

/** A plain, comparable copy of a tree: every field, content as its ranges. */
function plain(n: TreeNode): unknown {
  const { content, children, ...rest } = n;
  return {
    ...rest,
    ...(content ? { content: { byteLength: content.byteLength, ranges: content.ranges?.map((r) => [r.byteOffset, r.byteLength]) } } : {}),
    ...(children ? { children: children.map(plain) } : {}),
  };
}

const sortFindings = (f: Finding[]) => f.map((x) => JSON.stringify(x)).sort();

interface Outcome { error?: string; namespaces?: unknown; trees?: Record<string, unknown>; findings?: string[] }

async function readAll(bytes: Uint8Array, fast: boolean, opts: { strict?: boolean } = {}): Promise<Outcome> {
  fastPathSettings.enabled = fast;
  try {
    const image: IsoImage = await openImage(new MemorySource(bytes, 'img'), opts);
    const trees: Record<string, unknown> = { [image.namespace]: plain(image.tree) };
    for (const ns of ['iso9660', 'joliet', 'rockridge'] as Namespace[]) {
      if (ns === image.namespace) continue;
      try {
        trees[ns] = plain(await image.openTree(ns));
      } catch (e) {
        if (!(e instanceof IsoKitError)) throw e;
        trees[ns] = `error ${e.code}: ${e.message}`;
      }
    }
    return { namespaces: image.namespaces, trees, findings: sortFindings(image.findings) };
  } catch (e) {
    if (!(e instanceof IsoKitError)) throw e;
    return { error: `${e.code}: ${e.message}` };
  } finally {
    fastPathSettings.enabled = true;
  }
}

test('fast path: identical trees and findings on every reference image', async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  for (const name of IMAGES) {
    const bytes = new Uint8Array(readFileSync(await fixtureImage(name)));
    assert.deepEqual(await readAll(bytes, true), await readAll(bytes, false), name);
    assert.deepEqual(await readAll(bytes, true, { strict: true }), await readAll(bytes, false, { strict: true }), `${name} (strict)`);
  }
});

test('fast path: identical results on mutated images', async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  const fuzzed = ['xorriso-rr', 'genisoimage-rr', 'zisofs', 'iso-level1', 'genisoimage-joliet'] as const;
  const per = Math.ceil(FUZZ_CASES / fuzzed.length);
  for (let i = 0; i < fuzzed.length; i++) {
    const name = fuzzed[i] as FixtureName;
    const original = new Uint8Array(readFileSync(await fixtureImage(name)));
    const map = mapImage(original);
    for (let k = 0; k < per; k++) {
      const seed = 7_000_000 + i * 100_000 + k;
      const m = mutate(original, map, rng(seed));
      try {
        const bytes = original.subarray(0, m.byteLength);
        assert.deepEqual(await readAll(bytes, true), await readAll(bytes, false), `${name} seed=${seed} (${m.kind})`);
      } finally {
        m.revert();
      }
    }
  }
});

test('fast path: taken for the clean directories of Rock Ridge, Joliet and ISO 9660 trees', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  for (const [name, ns] of [['xorriso-rr', 'rockridge'], ['genisoimage-rr', 'rockridge'], ['xorriso-rr', 'joliet'], ['iso-level1', 'iso9660']] as const) {
    const before = { ...fastPathSettings };
    const image = await openImage(new MemorySource(new Uint8Array(readFileSync(await fixtureImage(name)))), { namespace: ns });
    const fast = fastPathSettings.directories - before.directories;
    const declined = fastPathSettings.declined - before.declined;
    assert.ok(fast > 0 && fast >= declined, `${name} ${ns}: ${fast} directories read fast, ${declined} declined`);
    assert.equal(image.namespace, ns);
  }
  // every record of a clean 5,000-file directory is read by the cursor itself
  const bytes = new Uint8Array(readFileSync(await fixtureImage('many-files')));
  const image = await openImage(new MemorySource(bytes));
  const many = image.tree.children?.[0];
  const extent = many?.extents?.[0];
  assert.ok(many && extent);
  const cur = new DirectoryCursor(bytes.subarray(extent.lba * 2048, extent.lba * 2048 + extent.byteLength), image.namespace === 'rockridge', 0);
  let records = 0;
  let step: number;
  while ((step = cur.next()) === Step.RECORD) {
    records++;
    assert.equal(cur.generic, false);
    assert.ok(cur.hasPx && cur.nameStart >= 0);
  }
  assert.equal(step, Step.END);
  assert.equal(records, 5000);
  assert.equal(records, many.children?.length);
});

test('fast path: declines what the generic path would report', () => {
  // one sector: "." and ".." then a record whose both-endian LBA halves disagree
  const b = new Uint8Array(2048);
  const rec = (o: number, id: number[], lbaLE: number, lbaBE: number) => {
    const len = 33 + id.length + (id.length % 2 === 0 ? 1 : 0);
    b[o] = len;
    b[o + 2] = lbaLE;
    b[o + 9] = lbaBE;
    b[o + 32] = id.length;
    b.set(id, o + 33);
    return o + len;
  };
  let o = rec(0, [0], 20, 20);
  o = rec(o, [1], 20, 20);
  rec(o, [0x41], 30, 31);
  const cur = new DirectoryCursor(b, false, 0);
  assert.equal(cur.next(), Step.BAIL);
  b[o + 9] = 30;
  const ok = new DirectoryCursor(b, false, 0);
  assert.equal(ok.next(), Step.RECORD);
  assert.equal(ok.lba, 30);
  assert.equal(ok.next(), Step.END);
  assert.equal(ok.records, 3);
});
