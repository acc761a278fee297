/**
 * Property (fast-check): random trees — long, unicode (8- and 16-bit CS0) and case-colliding names, empty
 * files and folders, symbolic links, hard links, deep paths — → `planImage({ udf })` in every revision, with and
 * without special files, UDF-only or bridge → emit → isokit's UDF reader → the same tree (kinds, bytes, modes,
 * owners, times, targets, hard-link groups), no findings. Case counts are small to keep CI time low.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { Findings, MemorySource, type TreeNode } from '../../src/index.js';
import type { UdfRevision } from '../../src/create/index.js';
import { openUdfVolume } from '../../src/read/udf/index.js';
import { diffSnapshots, snapshotTree } from '../helpers/xorriso-compare.js';
import { buildBytes, dir, file, restrict, symlink } from './helpers.js';

const nameArb = fc.oneof(
  fc.constantFrom('a', 'A', 'readme.txt', 'README.TXT', 'ünï', 'Ünï', '日本語', 'emoji-😀', 'a.b.c.d', '.hidden', 'x y', 'ÿ'),
  fc.stringMatching(/^[a-zA-Z0-9_. -]{1,20}$/).filter((s) => s !== '.' && s !== '..'),
  fc.integer({ min: 60, max: 250 }).map((n) => 'L'.repeat(n)),
  fc.integer({ min: 60, max: 127 }).map((n) => '語'.repeat(n)),
);

interface Spec { name: string; kind: 'file' | 'dir' | 'link' | 'hard'; text?: string; mode?: number; children?: Spec[] }

const specArb: fc.Arbitrary<Spec> = fc.letrec((tie) => ({
  node: fc.oneof(
    { weight: 3, arbitrary: fc.record({ name: nameArb, kind: fc.constant('file' as const), text: fc.oneof(fc.constant(''), fc.string({ maxLength: 5000 })), mode: fc.constantFrom(0o644, 0o600, 0o755, 0o4755) }) },
    { weight: 1, arbitrary: fc.record({ name: nameArb, kind: fc.constant('link' as const), text: fc.constantFrom('a', '../x/y', '/abs/path', 'L'.repeat(150)) }) },
    { weight: 1, arbitrary: fc.record({ name: nameArb, kind: fc.constant('hard' as const) }) },
    { weight: 2, arbitrary: fc.record({ name: nameArb, kind: fc.constant('dir' as const), children: fc.array(tie('node') as fc.Arbitrary<Spec>, { maxLength: 6 }) }) },
  ),
})).node;

function toTree(specs: Spec[], depth: number, wide: number): TreeNode {
  let hardIndex = 0;
  const build = (s: Spec[]): TreeNode[] => {
    const seen = new Set<string>();
    const out: TreeNode[] = [];
    for (const x of s) {
      if (seen.has(x.name)) continue;
      seen.add(x.name);
      if (x.kind === 'file') out.push(file(x.name, x.text ?? '', { mode: 0o100000 | (x.mode ?? 0o644), mtimeMs: Date.UTC(2020, 1, 2, 3, 4, 5) + x.name.length * 1000 }));
      else if (x.kind === 'link') out.push(symlink(x.name, x.text ?? 'a'));
      else if (x.kind === 'hard') out.push(file(x.name, `hard link content ${hardIndex++ % 2}`, { linkGroup: `g${hardIndex % 2}` }));
      else out.push(dir(x.name, build(x.children ?? [])));
    }
    return out;
  };
  let deep: TreeNode = file('bottom', 'deep');
  for (let i = depth; i > 0; i--) deep = dir(`d${i}`, [deep]);
  // a directory of `wide` files: its FIDs take several blocks
  const root = dir('P', [...build(specs), dir('deep', [deep]), dir('wide', Array.from({ length: wide }, (_, i) => file(`f${i}-${'n'.repeat(i % 40)}`, String(i))))]);
  const count = new Map<string, TreeNode[]>();
  const visit = (n: TreeNode) => {
    if (n.linkGroup) count.set(n.linkGroup, [...(count.get(n.linkGroup) ?? []), n]);
    n.children?.forEach(visit);
  };
  visit(root);
  for (const members of count.values()) if (members.length === 1) delete (members[0] as TreeNode).linkGroup;
  return root;
}

test('random trees → create with UDF (1.02 / 2.01 / 2.50, bridge or UDF-only) → isokit UDF reader → the same tree', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(specArb, { maxLength: 8 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 200 }), fc.constantFrom<UdfRevision>('1.02', '2.01', '2.50'), fc.boolean(), fc.boolean(),
      async (specs, depth, wide, rev, special, udfOnly) => {
        const tree = toTree(specs, depth, wide);
        const { bytes, layout } = await buildBytes(tree, { udf: rev, udfSpecialFiles: special, ...(udfOnly ? { udfOnly: true } : {}) });
        assert.equal(bytes.length, layout.byteLength);
        const findings = new Findings();
        const volume = await openUdfVolume(new MemorySource(bytes), findings);
        assert.deepEqual(findings.list.filter((f) => f.severity !== 'info').map((f) => f.message), []);
        const got = await snapshotTree(await volume.readTree());
        let want = await snapshotTree(tree);
        if (!special) want = restrict(want, (_p, e) => e.kind === 'file' || e.kind === 'dir');
        // hard-link groups: the reader groups by File Entry, so a group keeps its first path as key
        assert.deepEqual(diffSnapshots(want, got, { dirMtime: true }), []);
        assert.equal(volume.info.revision, rev);
      },
    ),
    { numRuns: 40, seed: Number(process.env.FC_SEED ?? 1515), endOnFailure: true },
  );
});
