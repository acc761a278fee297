/**
 * UDF bridge images (create --udf, every revision offered): 7-Zip extracts the source tree from UDF, udfinfo
 * reports the revision, counts and a closed integrity, pycdlib lists the UDF tree, isokit's UDF reader gives the
 * tree back (with symbolic links, devices and hard links when they are recorded), the partition covers every
 * block used, the ISO 9660 side still reads in xorriso/bsdtar/isoinfo, and the bytes are reproducible.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Findings, MemorySource, type TreeNode } from '../../src/index.js';
import type { BuildOptions, UdfRevision } from '../../src/create/index.js';
import { openUdfVolume } from '../../src/read/udf/index.js';
import { IN_CI, needTools, tmpDir } from '../helpers/index.js';
import { diffSnapshots, snapshotTree } from '../helpers/xorriso-compare.js';
import { buildBytes, dir, file, isoinfoPaths, restrict, rockRidgeReadersAgree, symlink, T0 } from './helpers.js';
import { expectedUdfPaths, hasPycdlib, partitionProblems, pycdlibUdfPaths, sevenZipUdfAgrees, udfinfo } from './udf-helpers.js';

const REVISIONS: UdfRevision[] = ['1.02', '2.01', '2.50'];
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * seed + (i >> 9)) & 255);

function sampleTree(): TreeNode {
  let deep = dir('d9', [file('bottom.txt', 'deep\n')]);
  for (let k = 8; k >= 1; k--) deep = dir(`d${k}`, [deep]);
  return dir('UDFTEST', [
    file('hello.txt', 'hello\n'),
    file('empty', ''),
    file('big.bin', bytes(3 * 2048 + 5, 7), { mode: 0o100600 }),
    file('ünïcödé — 日本語 😀.txt', 'unicode\n', { mtimeMs: Date.UTC(2001, 0, 2, 3, 4, 5) }),
    file('x'.repeat(200) + '.txt', 'long name\n'),
    file('script.sh', '#!/bin/sh\n', { mode: 0o100755, uid: 1000, gid: 100 }),
    file('hard1', 'same content\n', { linkGroup: 'g1' }),
    symlink('link', 'hello.txt'),
    dir('sub', [file('hard2', 'same content\n', { linkGroup: 'g1' }), dir('emptydir', []), symlink('up', '../hello.txt')]),
    { name: 'fifo', kind: 'fifo', size: 0, mode: 0o10644, uid: 0, gid: 0, mtimeMs: T0 },
    { name: 'null', kind: 'chardev', size: 0, mode: 0o20666, uid: 0, gid: 0, mtimeMs: T0, device: { major: 1, minor: 3 } },
    deep,
    dir('many', Array.from({ length: 300 }, (_, i) => file(`entry number ${i} with a longer name.txt`, `${i}\n`))),
  ]);
}

const onlyFilesAndDirs = (tree: TreeNode) => async () => restrict(await snapshotTree(tree), (_p, e) => e.kind === 'file' || e.kind === 'dir');

for (const rev of REVISIONS) {
  test(`UDF ${rev} bridge: 7-Zip, udfinfo, pycdlib and isokit read the UDF tree; the partition covers every block; ISO 9660 still reads`, async (t) => {
    if (!needTools(t, '7zz', 'udfinfo', 'xorriso', 'bsdtar', 'isoinfo')) return;
    const { dir: work, cleanup } = tmpDir('udf-w');
    try {
      const tree = sampleTree();
      const { bytes: img, layout } = await buildBytes(tree, { udf: rev });
      assert.equal(img.length, layout.byteLength);
      const image = path.join(work, `udf-${rev}.iso`);
      writeFileSync(image, img);
      // 7-Zip: names and bytes of every file and directory (UDF holds no symlinks, devices or fifos by default)
      assert.deepEqual(await sevenZipUdfAgrees(image, tree, work), []);
      // udfinfo: revision, counts, closed integrity, no complaints
      const info = udfinfo(image);
      assert.equal(info.status, 0, info.stderr);
      assert.equal(info.stderr.trim(), '');
      assert.equal(info.fields.get('udfrev'), rev);
      assert.equal(info.fields.get('integrity'), 'closed');
      assert.equal(info.fields.get('numdirs'), '13'); // root, sub, emptydir, many, d1-d9
      assert.equal(info.fields.get('numfiles'), '308'); // hard1 and hard2 are one file
      assert.equal(info.fields.get('label'), 'UDFTEST');
      assert.deepEqual(await partitionProblems(img, info), []);
      // pycdlib 1.12 mis-reads an LVD with a second (type 2) partition map: it reads the 1.02 and 2.01 volumes
      if (!hasPycdlib()) {
        if (IN_CI) throw new Error('python3-pycdlib missing under CI');
        t.diagnostic('python3-pycdlib missing: pycdlib check skipped');
      } else if (rev !== '2.50') assert.deepEqual(pycdlibUdfPaths(image), expectedUdfPaths(tree));
      // isokit's own UDF reader: files and directories with modes, owners and times
      const volume = await openUdfVolume(new MemorySource(img), new Findings());
      const want = await onlyFilesAndDirs(tree)();
      assert.deepEqual(diffSnapshots(want, await snapshotTree(await volume.readTree()), { dirMtime: true }), []);
      // the ISO 9660 side is unchanged: Rock Ridge readers and isoinfo
      assert.deepEqual(await rockRidgeReadersAgree(image, tree, work), []);
      assert.ok(isoinfoPaths(image, 'J').includes('/hello.txt'));
    } finally {
      cleanup();
    }
  });
}

test('udfSpecialFiles: symbolic links, devices, FIFOs and hard links come back through isokit\'s UDF reader (all revisions)', async () => {
  for (const rev of REVISIONS) {
    const tree = sampleTree();
    const { bytes: img } = await buildBytes(tree, { udf: rev, udfSpecialFiles: true });
    const findings = new Findings();
    const volume = await openUdfVolume(new MemorySource(img), findings);
    assert.deepEqual(findings.list.filter((f) => f.severity !== 'info'), [], rev);
    const got = await snapshotTree(await volume.readTree());
    assert.deepEqual(diffSnapshots(await snapshotTree(tree), got, { dirMtime: true }), [], rev);
    assert.equal(volume.info.fileCount, 312, `${rev}: files counted once per File Entry`);
  }
});

test('UDF sizes: exact before the first byte, a 1.02 volume starts its partition at 257 and ends it at the last anchor', async () => {
  for (const rev of REVISIONS) {
    const { layout, bytes: img } = await buildBytes(sampleTree(), { udf: rev });
    const names = layout.regions.map((r) => r.name);
    assert.ok(names.includes('udf-anchor') && names.includes('udf-anchor-end'), names.join());
    const anchor = layout.regions.find((r) => r.name === 'udf-anchor');
    assert.equal(anchor?.lba, 256);
    const end = layout.regions.find((r) => r.name === 'udf-anchor-end');
    assert.equal((end?.lba ?? 0) + 1, layout.blockCount, 'the end anchor is the last block');
    assert.equal(img.length, layout.byteLength);
  }
});

test('reproducible: the same tree and date give the same bytes; another date changes the dates and the volume set id', async () => {
  const digest = async (o: BuildOptions) => createHash('sha256').update((await buildBytes(sampleTree(), o)).bytes).digest('hex');
  for (const rev of REVISIONS) {
    assert.equal(await digest({ udf: rev, dateMs: T0 }), await digest({ udf: rev, dateMs: T0 }));
    assert.notEqual(await digest({ udf: rev, dateMs: T0 }), await digest({ udf: rev, dateMs: T0 + 1000 }));
  }
  const a = await openUdfVolume(new MemorySource((await buildBytes(sampleTree(), { udf: true, dateMs: T0 })).bytes), new Findings());
  const b = await openUdfVolume(new MemorySource((await buildBytes(sampleTree(), { udf: true, dateMs: T0 + 1000 })).bytes), new Findings());
  assert.notEqual(a.info.volumeSetId.slice(0, 16), b.info.volumeSetId.slice(0, 16));
  assert.match(a.info.volumeSetId, /^[0-9A-F]{16}/);
});

test('bad UDF revisions are refused', async () => {
  await assert.rejects(buildBytes(sampleTree(), { udf: '2.60' as UdfRevision }), /UDF revision must be/);
});
