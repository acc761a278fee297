/**
 * Images isokit writes, read back by independent readers (xorriso, bsdtar, 7zz, isoinfo) and isokit's own
 * reader, must give back the source tree; xorriso -check_media must find no damage.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import type { BuildOptions } from '../../src/create/index.js';
import type { TreeNode } from '../../src/model/index.js';
import { needTools, tmpDir } from '../helpers/index.js';
import { buildBytes, checkMedia, dir, file, isoinfoPaths, isokitReaderAgrees, rockRidgeReadersAgree, sevenZipAgrees, symlink } from './helpers.js';
import { writeFileSync } from 'node:fs';

function sampleTree(): TreeNode {
  let deep: TreeNode = file('leaf.txt', 'deep\n');
  for (let i = 11; i > 0; i--) deep = dir(`level${i}`, [deep]);
  const long = 'a very long file name that goes well past sixty-four characters of Joliet, ' + 'x'.repeat(90) + '.txt';
  return dir('Sample', [
    file('hello.txt', 'hello\n'),
    file('Hello.TXT', 'HELLO\n'),
    file('HELLO.txt', 'Hi\n', { mode: 0o100600 }),
    file(long, 'long\n'),
    file('empty', ''),
    file('ünïcödé — 日本語.txt', 'unicode\n', { mtimeMs: Date.UTC(2001, 0, 2, 3, 4, 5) }),
    file('.dotfile', 'dot\n'),
    file('script.sh', '#!/bin/sh\necho hi\n', { mode: 0o100755, uid: 1000, gid: 1000 }),
    file('many.dots.in.name.tar.gz', 'gz\n'),
    symlink('link', 'hello.txt'),
    symlink('dangling', '../nowhere/at all'),
    symlink('long-link', 'x/'.repeat(200) + 'target'),
    file('hard1', 'same content\n', { linkGroup: 'g1' }),
    dir('sub', [file('hard2', 'same content\n', { linkGroup: 'g1' }), dir('emptydir', [])]),
    { name: 'fifo', kind: 'fifo', size: 0, mode: 0o10644, uid: 0, gid: 0, mtimeMs: Date.UTC(2020, 5, 6) },
    { name: 'null', kind: 'chardev', size: 0, mode: 0o20666, uid: 0, gid: 0, mtimeMs: Date.UTC(2020, 5, 6), device: { major: 1, minor: 3 } },
    deep,
  ]);
}

async function roundTrip(tree: TreeNode, opts: BuildOptions, extra: { sevenZip?: boolean; skip?: (p: string) => boolean; xorrisoLinks?: boolean } = {}): Promise<void> {
  const { dir: work, cleanup } = tmpDir('build-rb');
  try {
    const { bytes, layout } = await buildBytes(tree, opts);
    assert.equal(bytes.length, layout.byteLength);
    const image = path.join(work, 'img.iso');
    writeFileSync(image, bytes);
    assert.deepEqual(checkMedia(image), []);
    const skip = extra.skip ?? (() => false);
    assert.deepEqual(await rockRidgeReadersAgree(image, tree, work, { skip, xorrisoLinks: extra.xorrisoLinks ?? opts.rripVersion !== '1.10' }), []);
    assert.deepEqual(await isokitReaderAgrees(bytes, tree, { skip }), []);
    if (extra.sevenZip !== false) assert.deepEqual(await sevenZipAgrees(image, tree, work, layout), []);
    const rr = new Set(isoinfoPaths(image, 'R'));
    for (const p of ['/hello.txt', '/sub/hard2']) if (tree.children?.some((c) => c.name === 'hello.txt')) assert.ok(rr.has(p), `isoinfo -R lists ${p}`);
  } finally {
    cleanup();
  }
}

test('default image (level 3, Joliet, Rock Ridge 1.12) reads back in xorriso, bsdtar, 7zz, isoinfo and isokit', async (t) => {
  if (!needTools(t, 'xorriso', 'bsdtar', '7zz', 'isoinfo')) return;
  await roundTrip(sampleTree(), {});
});

test('Rock Ridge 1.10 and relocated deep directories read back the same tree', async (t) => {
  if (!needTools(t, 'xorriso', 'bsdtar', '7zz', 'isoinfo')) return;
  // rr_moved is visible as an (empty) folder to readers that honour RE, exactly as with genisoimage images
  await roundTrip(sampleTree(), { rripVersion: '1.10', relocateDeepDirectories: true }, { skip: (p) => p === 'rr_moved' });
});

test('ISO levels 1, 2 and 4 read back (Rock Ridge names over mapped ISO names)', async (t) => {
  if (!needTools(t, 'xorriso', 'bsdtar', '7zz', 'isoinfo')) return;
  for (const isoLevel of [1, 2, 4] as const) await roundTrip(sampleTree(), { isoLevel });
});

test('Joliet-only and plain ISO 9660 images: 7zz and isoinfo see the names', async (t) => {
  if (!needTools(t, '7zz', 'isoinfo', 'xorriso')) return;
  const { dir: work, cleanup } = tmpDir('build-rb');
  try {
    const tree = dir('J', [file('Mixed Case Name.txt', 'a'), file('x'.repeat(80) + '.txt', 'b'), dir('Folder', [file('inner.md', 'c')])]);
    const { bytes, layout } = await buildBytes(tree, { rockRidge: false, joliet: 'long' });
    const image = path.join(work, 'j.iso');
    writeFileSync(image, bytes);
    assert.deepEqual(checkMedia(image), []);
    assert.deepEqual(await sevenZipAgrees(image, tree, work, layout), []);
    const j = isoinfoPaths(image, 'J');
    assert.ok(j.includes('/' + 'x'.repeat(80) + '.txt'), '103-unit Joliet name kept whole');
    const { bytes: plain } = await buildBytes(tree, { rockRidge: false, joliet: false, isoLevel: 1 });
    const p2 = path.join(work, 'p.iso');
    writeFileSync(p2, plain);
    const listing = (await import('node:child_process')).execFileSync('isoinfo', ['-f', '-i', p2], { encoding: 'utf8' });
    assert.match(listing, /\/MIXED_CA\.TXT;1/);
    assert.match(listing, /\/FOLDER\/INNER\.MD;1/);
  } finally {
    cleanup();
  }
});

test('edge trees: empty root, single empty file, 5,000 files in one folder, 200-character names, 8.3 collisions', async (t) => {
  if (!needTools(t, 'xorriso', 'bsdtar', '7zz', 'isoinfo')) return;
  await roundTrip(dir('E', []), {});
  await roundTrip(dir('E', [file('only', '')]), {});
  const big: TreeNode[] = [];
  for (let i = 0; i < 5000; i++) big.push(file(`file-${String(i).padStart(5, '0')}.dat`, `#${i}\n`));
  await roundTrip(dir('Big', big), {}, { sevenZip: true });
  const long = [file('n'.repeat(200), 'two hundred'), file('n'.repeat(199) + 'N', 'case'), dir('d'.repeat(200), [file('m'.repeat(200) + '.txt', 'in')])];
  await roundTrip(dir('Long', long), {}, { sevenZip: false });
  const collide: TreeNode[] = [];
  for (let i = 0; i < 30; i++) collide.push(file(`collision-name-${i}.text`, `${i}`));
  collide.push(file('COLLISI1.TEX', 'natural'));
  await roundTrip(dir('C', collide), { isoLevel: 1 });
});

test('level 1 names are unique 8.3 d-character names', async () => {
  const { planImage } = await import('../../src/create/index.js');
  const kids: TreeNode[] = [];
  for (let i = 0; i < 25; i++) kids.push(file(`collision-name-${i}.text`, ''));
  kids.push(file('COLLISI1.TEX', ''), file('weird name!.tar.gz', ''), file('.hidden', ''), dir('a.b.c', []));
  const layout = planImage(dir('r', kids), { isoLevel: 1, dateMs: 0 });
  const names = kids.map((k) => layout.namesOf(k)?.iso9660.slice(1) as string);
  assert.equal(new Set(names).size, names.length, 'unique');
  for (const n of names) assert.match(n, /^[A-Z0-9_]{1,8}(\.[A-Z0-9_]{0,3};1)?$/, n);
  assert.equal(layout.namesOf(kids[25] as TreeNode)?.iso9660, '/COLLISI1.TEX;1', 'a natural name is never taken by a mangled one');
  assert.equal(layout.namesOf(kids[26] as TreeNode)?.iso9660, '/WEIRD_NA.GZ;1');
  assert.equal(layout.namesOf(kids[27] as TreeNode)?.iso9660, '/_HIDDEN.;1');
  assert.equal(layout.namesOf(kids[28] as TreeNode)?.iso9660, '/A_B_C');
});
