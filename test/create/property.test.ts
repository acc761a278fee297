/**
 * Property: random trees (deep paths, long / unicode / case-colliding names, empty files and folders,
 * symlinks, hard links) → plan → invariants (checked by planImage) → emit → read back by isokit and xorriso
 * → the same tree. Case counts are small to keep CI time low.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { TreeNode } from '../../src/model/index.js';
import { needTools, tmpDir } from '../helpers/index.js';
import { buildBytes, dir, file, isokitReaderAgrees, rockRidgeReadersAgree, symlink } from './helpers.js';

const nameArb = fc.oneof(
  fc.constantFrom('a', 'A', 'readme.txt', 'README.TXT', 'Readme.Txt', 'ünï', 'Ünï', '日本語', 'emoji-😀', 'a.b.c.d', '.hidden', 'x y'),
  fc.stringMatching(/^[a-zA-Z0-9_. -]{1,20}$/).filter((s) => s !== '.' && s !== '..'),
  fc.integer({ min: 60, max: 200 }).map((n) => 'L'.repeat(n)),
);

interface Spec { name: string; kind: 'file' | 'dir' | 'link' | 'hard'; text?: string; children?: Spec[] }

const specArb: fc.Arbitrary<Spec> = fc.letrec((tie) => ({
  node: fc.oneof(
    { weight: 3, arbitrary: fc.record({ name: nameArb, kind: fc.constant('file' as const), text: fc.oneof(fc.constant(''), fc.string({ maxLength: 3000 })) }) },
    { weight: 1, arbitrary: fc.record({ name: nameArb, kind: fc.constant('link' as const), text: fc.constantFrom('a', '../x/y', '/abs/path', 'L'.repeat(150)) }) },
    { weight: 1, arbitrary: fc.record({ name: nameArb, kind: fc.constant('hard' as const) }) },
    { weight: 2, arbitrary: fc.record({ name: nameArb, kind: fc.constant('dir' as const), children: fc.array(tie('node') as fc.Arbitrary<Spec>, { maxLength: 5 }) }) },
  ),
})).node;

const deepArb = fc.integer({ min: 0, max: 12 });

function toTree(specs: Spec[], depth: number): TreeNode {
  let hardIndex = 0;
  const build = (s: Spec[]): TreeNode[] => {
    const seen = new Set<string>();
    const out: TreeNode[] = [];
    for (const x of s) {
      if (seen.has(x.name)) continue;
      seen.add(x.name);
      if (x.kind === 'file') out.push(file(x.name, x.text ?? ''));
      else if (x.kind === 'link') out.push(symlink(x.name, x.text ?? 'a'));
      else if (x.kind === 'hard') out.push(file(x.name, `hard link content ${hardIndex++ % 2}`, { linkGroup: `g${hardIndex % 2}` }));
      else out.push(dir(x.name, build(x.children ?? [])));
    }
    return out;
  };
  let deep: TreeNode = file('bottom', 'deep');
  for (let i = depth; i > 0; i--) deep = dir(`d${i}`, [deep]);
  const root = dir('P', [...build(specs), dir('deep', [deep])]);
  // a "group" of one is not a hard link
  const count = new Map<string, TreeNode[]>();
  const visit = (n: TreeNode) => {
    if (n.linkGroup) count.set(n.linkGroup, [...(count.get(n.linkGroup) ?? []), n]);
    n.children?.forEach(visit);
  };
  visit(root);
  for (const members of count.values()) if (members.length === 1) delete (members[0] as TreeNode).linkGroup;
  return root;
}

/** The property: a random tree planned, emitted and read back; `crossCheck` also runs xorriso and bsdtar on every 4th. */
async function roundTrips(crossCheck: boolean): Promise<void> {
  const { dir: work, cleanup } = tmpDir('build-prop');
  let run = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(specArb, { maxLength: 8 }), deepArb, fc.boolean(), async (specs, depth, relocate) => {
        const tree = toTree(specs, depth);
        const { bytes, layout } = await buildBytes(tree, { relocateDeepDirectories: relocate });
        assert.equal(bytes.length, layout.byteLength);
        const skip = (p: string) => p === 'rr_moved';
        if (!crossCheck) {
          assert.deepEqual(await isokitReaderAgrees(bytes, tree, { skip }), []);
          return;
        }
        if (run++ % 4 !== 0) return;
        const w = path.join(work, String(run));
        mkdirSync(w);
        const image = path.join(w, 'p.iso');
        writeFileSync(image, bytes);
        assert.deepEqual(await rockRidgeReadersAgree(image, tree, w, { skip }), []);
      }),
      { numRuns: 24, seed: Number(process.env.FC_SEED ?? 4242) },
    );
  } finally {
    cleanup();
  }
}

test('random trees survive plan → emit → read back (isokit)', () => roundTrips(false));

test('random trees read back the same with xorriso and bsdtar (cross-reader; a missing tool fails under CI)', async (t) => {
  if (!needTools(t, 'xorriso', 'bsdtar')) return;
  await roundTrips(true);
});
