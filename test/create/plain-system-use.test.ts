/**
 * The plain Rock Ridge path (PX, TF, NM measured at plan time and written at emit time without entry arrays)
 * gives exactly the bytes of the general serializer for every record it accepts, and refuses the records the
 * general path must handle (symlinks, devices, relocation, the root's SP/ER).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatBytes } from '../../src/bytes/index.js';
import { planImage, type BuildOptions } from '../../src/create/index.js';
import { isPlainRecord, plainSystemUseLength, writePlainSystemUse } from '../../src/create/plain-system-use.js';
import { systemUseEntries, type RecordRole } from '../../src/create/system-use.js';
import type { BEntry } from '../../src/create/tree.js';
import type { TreeNode } from '../../src/model/index.js';
import { T0, buildBytes, dir, file, symlink } from './helpers.js';

function sampleTree(): TreeNode {
  let deep = dir('d8', [file('leaf', 'x')]);
  for (let i = 7; i >= 1; i--) deep = dir(`d${i}`, [deep]);
  return dir('', [
    file('plain.txt', 'a'),
    file('no-times', 'b', { mtimeMs: undefined }),
    file('nan-time', 'b', { mtimeMs: Number.NaN }),
    file('future', 'c', { mtimeMs: T0 + 86400000, atimeMs: T0 - 5, ctimeMs: T0 + 1 }),
    file('old', 'c', { mtimeMs: Date.UTC(1850, 0, 1), atimeMs: Date.UTC(2150, 0, 1) }),
    file('fraction', 'c', { mtimeMs: T0 + 0.75, atimeMs: T0 + 999.5 }),
    file('no-mode', 'd', { mode: undefined, uid: undefined, gid: undefined }),
    file('ids', 'd', { uid: 4294967295, gid: 123456 }),
    file('ünïcødé-名前.txt', 'e'),
    file('x'.repeat(180), 'f'),
    file('y'.repeat(240), 'g'),
    file('z'.repeat(100) + '\u{1F600}'.repeat(40), 'h'),
    file('lone\ud800surrogate', 'i'),
    { name: 'fifo', kind: 'fifo', size: 0, mode: 0o10644, mtimeMs: T0 },
    { name: 'tty', kind: 'chardev', size: 0, mode: 0o20620, device: { major: 4, minor: 1 }, mtimeMs: T0 },
    symlink('link', 'plain.txt'),
    dir('sub', [file('inner', 'j'), dir('empty', [], { mode: undefined })]),
    deep,
  ], { mtimeMs: T0 - 1000 });
}

const roles: RecordRole[] = ['self', 'parent'];

function check(opts: BuildOptions): { plain: number; general: number } {
  const layout = planImage(sampleTree(), { dateMs: T0, ...opts });
  const o = layout.options, image = layout.image;
  const scratch = new Uint8Array(1024); // long names here exceed a record's budget: emit never writes those
  const seen = { plain: 0, general: 0 };
  const one = (e: BEntry, role: RecordRole, isRoot: boolean) => {
    const general = concatBytes(systemUseEntries(e, role, o, isRoot));
    if (!isPlainRecord(e, role, isRoot)) {
      assert.equal(plainSystemUseLength(e, role, o, isRoot), -1);
      seen.general++;
      return;
    }
    seen.plain++;
    assert.equal(plainSystemUseLength(e, role, o, isRoot), general.length, `${e.name} ${role}: length`);
    const n = writePlainSystemUse(scratch, 0, e, role, o);
    assert.deepEqual(scratch.subarray(0, n), general, `${e.name} ${role}: bytes`);
  };
  for (const d of image.isoDirs) {
    for (const role of roles) one(d, role, d === image.root && role === 'self');
    for (const c of d.dir.children) one(c, 'child', false);
  }
  return seen;
}

for (const rripVersion of ['1.12', '1.10'] as const) {
  test(`plain Rock Ridge records match the general serializer (RRIP ${rripVersion}, clamped times, relocation)`, () => {
    const seen = check({ rripVersion, clampTimes: true, relocateDeepDirectories: true });
    assert.ok(seen.plain > 20 && seen.general >= 5, JSON.stringify(seen));
  });
}

test('plain Rock Ridge records match without clamping, at ISO level 4 and without a build date', () => {
  check({ isoLevel: 4 });
  const layout = planImage(sampleTree(), { dateMs: undefined });
  assert.ok(layout.byteLength > 0);
});

test('the root record, symlinks, devices and relocation placeholders take the general path', () => {
  const layout = planImage(sampleTree(), { dateMs: T0, relocateDeepDirectories: true });
  const image = layout.image;
  assert.equal(isPlainRecord(image.root, 'self', true), false);
  assert.equal(isPlainRecord(image.root, 'parent', false), true);
  const byName = new Map(image.root.dir.children.map((c) => [c.name, c]));
  for (const name of ['link', 'tty']) assert.equal(isPlainRecord(byName.get(name) as BEntry, 'child', false), false, name);
  for (const name of ['plain.txt', 'fifo', 'no-mode', 'ids']) assert.equal(isPlainRecord(byName.get(name) as BEntry, 'child', false), true, name);
  const placeholders = image.isoDirs.flatMap((d) => d.dir.children.filter((c) => c.clTarget));
  assert.ok(placeholders.length > 0);
  for (const p of placeholders) assert.equal(isPlainRecord(p, 'child', false), false);
});

test('entries by node are found after relocation (built on first use); a node used twice is still refused', () => {
  const tree = sampleTree();
  const layout = planImage(tree, { dateMs: T0, relocateDeepDirectories: true });
  const kids = tree.children as TreeNode[];
  let deep = kids.find((k) => k.name === 'd1') as TreeNode;
  const chain = ['d1'];
  while (deep.name !== 'd8') {
    deep = (deep.children as TreeNode[])[0] as TreeNode;
    chain.push(deep.name);
  }
  const names = layout.namesOf(deep);
  assert.equal(names?.rockridge, '/' + chain.join('/'));
  assert.match(names?.iso9660 ?? '', /^\/RR_MOVED\/D8$/);
  const leaf = (deep.children as TreeNode[])[0] as TreeNode;
  assert.ok((layout.locate(leaf)?.lba ?? 0) > 0);
  assert.equal(layout.namesOf(tree)?.iso9660, '/');
  assert.equal(layout.locate({ name: 'x', kind: 'file', size: 0 }), undefined);
  const twice = file('twice', 'x');
  assert.throws(() => planImage(dir('', [twice, dir('sub', [twice])]), { dateMs: T0 }), /the same tree node appears twice/);
});

test('a relocated directory\'s ".." record carries PL with the LBA of its original parent (written at emit time)', async () => {
  const tree = sampleTree();
  const { layout, bytes } = await buildBytes(tree, { relocateDeepDirectories: true });
  let parent = (tree.children as TreeNode[]).find((k) => k.name === 'd1') as TreeNode;
  while ((parent.children as TreeNode[])[0]?.name !== 'd8') parent = (parent.children as TreeNode[])[0] as TreeNode;
  const moved = layout.image.byNode.get((parent.children as TreeNode[])[0] as TreeNode) as BEntry;
  const original = layout.image.byNode.get(parent) as BEntry;
  assert.ok(moved.dir && original.dir && moved.isoParent !== original);
  const at = moved.dir.isoLba * 2048;
  const dotdot = at + (bytes[at] as number);
  const su = bytes.subarray(dotdot + 34, dotdot + (bytes[dotdot] as number));
  let pl: number | undefined;
  for (let p = 0; p + 4 <= su.length && (su[p + 2] as number) >= 4; p += su[p + 2] as number) {
    if (su[p] === 0x50 && su[p + 1] === 0x4c) pl = new DataView(su.buffer, su.byteOffset + p + 4, 4).getUint32(0, true);
  }
  assert.equal(pl, original.dir.isoLba);
  assert.ok(original.dir.isoLba > 0);
});
