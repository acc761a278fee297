/**
 * The one Rock Ridge writer (formats/rockridge/serialize.ts, used by create/iso9660/system-use.ts): for every
 * record of an image, the lengths measured at plan time add up to exactly the bytes written at emit time, the
 * entries written parse back (with isokit's SUSP reader) to the record's attributes, and the record-level
 * decisions (SP/ER on the root, SL, PN, CL/RE on relocation placeholders, PL on ".." of moved directories)
 * are made.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Findings } from '../../src/errors/index.js';
import { planImage, type BuildOptions } from '../../src/create/index.js';
import { recordInput, type RecordRole } from '../../src/create/iso9660/system-use.js';
import type { PlanEntry } from '../../src/create/tree.js';
import { interpretRockRidge, parseSuspArea, sizeOfRockRidgeEntries, writeRockRidgeEntries } from '../../src/formats/rockridge/index.js';
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

function check(opts: BuildOptions): { records: number; signatures: Set<string> } {
  const layout = planImage(sampleTree(), { dateMs: T0, ...opts });
  const s = layout.iso, o = { rripVersion: layout.options.rripVersion };
  const buf = new Uint8Array(8192);
  const seen = { records: 0, signatures: new Set<string>() };
  const one = (e: PlanEntry, role: RecordRole, isRoot: boolean) => {
    const input = recordInput(s, e, role, isRoot);
    const lengths = sizeOfRockRidgeEntries(input, o);
    const n = writeRockRidgeEntries(buf, 0, input, o);
    assert.equal(n, lengths.reduce((a, b) => a + b, 0), `${e.name} ${role}: measured = written`);
    const { entries } = parseSuspArea(buf.subarray(0, n), 0, new Findings());
    assert.deepEqual(entries.map((x) => x.data.length + 4), lengths, `${e.name} ${role}: entry lengths`);
    for (const x of entries) seen.signatures.add(x.signature);
    const f = new Findings();
    const info = interpretRockRidge(entries, f, 0);
    assert.deepEqual(f.list, [], `${e.name} ${role}: no findings`);
    assert.equal(info.mode, input.mode);
    assert.equal(info.nlink, input.nlink);
    if (o.rripVersion === '1.12') assert.equal(info.ino, input.ino);
    assert.equal(info.name, input.name?.replace(/[\ud800-\udfff]/gu, '\ufffd'), 'NM: the name (a lone surrogate becomes U+FFFD, as UTF-8 encodes it)');
    assert.equal(info.symlinkTarget, input.symlinkTarget);
    assert.equal(info.childLinkLba, input.childLinkLba);
    assert.equal(info.parentLinkLba, input.parentLinkLba);
    if (input.mtimeMs !== undefined && input.mtimeMs >= Date.UTC(1900, 0, 1)) assert.equal(info.mtimeMs, Math.floor(input.mtimeMs / 1000) * 1000, `${e.name} ${role}: mtime`);
    seen.records++;
  };
  for (const d of s.isoDirs) {
    for (const role of roles) one(d, role, d === s.root && role === 'self');
    for (const c of s.dir(d).children) one(c, 'child', false);
  }
  return seen;
}

for (const rripVersion of ['1.12', '1.10'] as const) {
  test(`Rock Ridge records: measured lengths are the written bytes, which read back (RRIP ${rripVersion}, clamped times, relocation)`, () => {
    const seen = check({ rripVersion, clampTimes: true, relocateDeepDirectories: true });
    assert.ok(seen.records > 30, String(seen.records));
    for (const sig of ['SP', 'ER', 'PX', 'TF', 'NM', 'SL', 'PN', 'CL', 'PL', 'RE']) assert.ok(seen.signatures.has(sig), sig);
  });
}

test('Rock Ridge records read back without clamping, at ISO level 4 and without a build date', () => {
  check({ isoLevel: 4 });
  const layout = planImage(sampleTree(), { dateMs: undefined });
  assert.ok(layout.byteLength > 0);
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
  const iso = layout.iso;
  const moved = iso.tree.byNode.get((parent.children as TreeNode[])[0] as TreeNode) as PlanEntry;
  const original = iso.tree.byNode.get(parent) as PlanEntry;
  assert.ok(moved.dir && original.dir && iso.isoParent(moved) !== original);
  const at = iso.dir(moved).isoLba * 2048;
  const dotdot = at + (bytes[at] as number);
  const su = bytes.subarray(dotdot + 34, dotdot + (bytes[dotdot] as number));
  let pl: number | undefined;
  for (let p = 0; p + 4 <= su.length && (su[p + 2] as number) >= 4; p += su[p + 2] as number) {
    if (su[p] === 0x50 && su[p + 1] === 0x4c) pl = new DataView(su.buffer, su.byteOffset + p + 4, 4).getUint32(0, true);
  }
  assert.equal(pl, iso.dir(original).isoLba);
  assert.ok(iso.dir(original).isoLba > 0);
});
