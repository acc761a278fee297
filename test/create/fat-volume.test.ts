/**
 * FAT32 writer against independent readers: fsck.fat -n -V (dosfstools) must find every volume clean;
 * mtools (mcopy -s -m, mdir -/ -a) and 7-Zip (7zz x, 7zz l -slt) must read the names, bytes, times and
 * attributes that were planned; isokit's FAT reader must agree with them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { planFatVolume } from '../../src/create/fat/index.js';
import { ErrorCode, Findings, IsoKitError } from '../../src/errors/index.js';
import { parseFatBootSector, windowsShortNameHash } from '../../src/formats/fat/index.js';
import { MemorySource } from '../../src/io/index.js';
import type { TreeNode } from '../../src/model/index.js';
import { fatEntryOf, openFatVolume } from '../../src/read/fat/index.js';
import { needTools } from '../helpers/index.js';
import { diffSnapshots, snapshotTree, type Snapshot } from '../helpers/xorriso-compare.js';
import { asMtoolsShows, FAT_TOOLS, fatScratch, fsckFat, mdirAll, mtoolsSnapshot, sevenZipList, sevenZipSnapshot, sparseContent, withoutRoot, writeSparse } from './fat-helpers.js';
import { dir, file } from './helpers.js';

const T = Date.UTC(2024, 4, 5, 6, 7, 8);
const BUILD = Date.UTC(2025, 0, 2, 3, 4, 6);
const FAT_DIFF = { perm: false, owners: false, links: false } as const;

function mixedTree(): TreeNode {
  const rnd = new Uint8Array(70_000).map((_, i) => (i * 2654435761) >>> 24);
  const progs = Array.from({ length: 10 }, (_, i) => dir(`Program Files ${i}`, [file('setup.exe', `setup ${i}`, { mtimeMs: T })], { mtimeMs: T }));
  let deep: TreeNode = file('bottom.txt', 'deep\n', { mtimeMs: T });
  for (let i = 30; i >= 1; i--) deep = dir(`level ${String(i).padStart(2, '0')} directory`, [deep], { mtimeMs: T });
  return dir('', [
    file('README.TXT', 'hello\n', { mtimeMs: T }),
    file('readme2.txt', 'lower\n', { mtimeMs: T }),
    file('Mixed.Txt', 'mixed\n', { mtimeMs: T }),
    file('a very long name with spaces.text', 'long', { mtimeMs: T }),
    file('Ünïcödé ñame — 日本語 😀.txt', 'uni', { mtimeMs: T }),
    file('x.verylongextension', 'x', { mtimeMs: T }),
    file('.hidden-dot', 'dot', { mtimeMs: T }),
    file('with space.and.dots.tar.gz', 'tgz', { mtimeMs: T }),
    file('bootmgr', rnd.subarray(0, 5000), { mtimeMs: T, mode: 0o100444, hidden: true }),
    file('created.bin', 'c', { mtimeMs: T, birthtimeMs: T - 3 * 3600_000 + 1230, atimeMs: T + 86_400_000 * 3 }),
    file('empty.txt', '', { mtimeMs: T }),
    dir('empty dir', [], { mtimeMs: T }),
    dir('sources', [file('install.bin', rnd, { mtimeMs: T })], { mtimeMs: T }),
    dir('deep', [deep], { mtimeMs: T }),
    ...progs,
  ], { mtimeMs: T });
}

async function emitToFile(layout: ReturnType<typeof planFatVolume>, name: string, stopAfterUsed = false): Promise<string> {
  const out = path.join(fatScratch(), name);
  await writeSparse(layout.emit({ stopAfterUsed }), out, layout.byteLength);
  return out;
}

/** The snapshot FAT can show: no root entry (the root has no times); write times to 2 s (rounded down). */
async function expectedSnapshot(tree: TreeNode): Promise<Snapshot> {
  const s = withoutRoot(await snapshotTree(tree));
  for (const e of s.values()) if (e.mtimeSec !== undefined) e.mtimeSec -= e.mtimeSec % 2;
  return s;
}

test('FAT32 writer: a mixed tree is clean for fsck.fat and reads the same in mtools, 7-Zip and isokit', async (t) => {
  if (!needTools(t, ...FAT_TOOLS)) return;
  const tree = mixedTree();
  const layout = planFatVolume(tree, { sectorCount: 80_000, hiddenSectors: 2048, label: 'CCCOMA_X64FRE_EN-GB_DV9', dateMs: BUILD });
  assert.equal(layout.label, 'CCCOMA_X64F');
  assert.equal(layout.clusterByteLength, 512);
  const img = await emitToFile(layout, 'mixed.img');
  const fsck = fsckFat(img);
  assert.ok(fsck.clean, fsck.output);
  const expected = await expectedSnapshot(tree);
  assert.deepEqual(diffSnapshots(asMtoolsShows(expected), withoutRoot(mtoolsSnapshot(img, path.join(fatScratch(), 'mixed-mtools'))), FAT_DIFF), []);
  assert.deepEqual(diffSnapshots(expected, withoutRoot(sevenZipSnapshot(img, path.join(fatScratch(), 'mixed-7z'))), FAT_DIFF), []);

  // 7-Zip's view of short names, attributes, creation time (10 ms) and access date
  const list = sevenZipList(img);
  const shortOf = (p: string) => list.get(p)?.['Short Name'];
  for (let i = 0; i < 4; i++) assert.equal(shortOf(`Program Files ${i}`), `PROGRA~${i + 1}`);
  for (let i = 4; i < 10; i++) assert.equal(shortOf(`Program Files ${i}`), `PR${windowsShortNameHash(`Program Files ${i}`)}~1`);
  assert.equal(shortOf('readme2.txt'), 'readme2.txt', 'lower case 8.3 name through the NT case flags');
  assert.equal(shortOf('Mixed.Txt'), 'MIXED.TXT');
  assert.equal(shortOf('a very long name with spaces.text'), 'AVERYL~1.TEX');
  assert.equal(shortOf('with space.and.dots.tar.gz'), 'WITHSP~1.GZ');
  assert.equal(shortOf('.hidden-dot'), 'HIDDEN~1');
  assert.equal(list.get('bootmgr')?.Attributes, 'RHA');
  assert.equal(list.get('README.TXT')?.Attributes, 'A');
  assert.equal(list.get('empty dir')?.Attributes, 'D');
  assert.equal(list.get('created.bin')?.Created, '2024-05-05 03:07:09.23');
  assert.equal(list.get('created.bin')?.Accessed, '2024-05-08 00:00:00');

  // mdir: the lower-case 8.3 name has no long name beside it; the mixed-case one does
  const mdir = mdirAll(img);
  assert.match(mdir, /^readme2 +txt +6 2024-05-05 +6:07 *$/m);
  assert.match(mdir, /^MIXED +TXT +6 2024-05-05 +6:07 +Mixed\.Txt$/m);
  assert.match(mdir, /Volume in drive : is CCCOMA_X64F/);

  // isokit's reader agrees, short names included
  const bytes = new Uint8Array(readFileSync(img));
  const findings = new Findings();
  const vol = await openFatVolume(new MemorySource(bytes), findings);
  const back = await vol.readTree();
  assert.deepEqual(findings.list, []);
  assert.deepEqual(diffSnapshots(expected, withoutRoot(await snapshotTree(back)), FAT_DIFF), []);
  for (const k of back.children ?? []) assert.equal(fatEntryOf(k)?.shortName.toUpperCase(), (shortOf(k.name) as string).toUpperCase(), k.name);
  assert.equal(vol.info.label, 'CCCOMA_X64F');

  // BPB: partition start, FSInfo, backup, both FATs identical, cluster 2 on a 1 MiB boundary of the disk
  const bs = parseFatBootSector(bytes) as NonNullable<ReturnType<typeof parseFatBootSector>>;
  assert.equal(bs.hiddenSectors, 2048);
  assert.equal(bs.mediaDescriptor, 0xf8);
  assert.deepEqual(bs.fat32 && [bs.fat32.rootCluster, bs.fat32.fsInfoSector, bs.fat32.backupBootSector], [2, 1, 6]);
  assert.deepEqual(bytes.subarray(0, 1024), bytes.subarray(6 * 512, 8 * 512));
  const [, fat1, fat2, data] = layout.sections;
  assert.ok(fat1 && fat2 && data);
  assert.deepEqual(bytes.subarray(fat1.byteOffset, fat1.byteOffset + fat1.byteLength), bytes.subarray(fat2.byteOffset, fat2.byteOffset + fat2.byteLength));
  assert.equal((2048 * 512 + data.byteOffset) % (1 << 20), 0);
  assert.equal(layout.stats.freeClusters, vol.info.fsInfo?.freeClusterCount);
});

test('FAT32 writer: volume sizes from 33 MiB to 64 GiB get Windows cluster sizes and are clean', async (t) => {
  if (!needTools(t, ...FAT_TOOLS)) return;
  const MIB = 1 << 20;
  const GIB = 1 << 30;
  const cases: [number, number][] = [[33 * MIB, 512], [100 * MIB, 1024], [200 * MIB, 2048], [GIB, 4096], [9 * GIB, 8192], [17 * GIB, 16384], [64 * GIB, 32768]];
  for (const [bytes, cluster] of cases) {
    const tree = dir('', [file('a.txt', 'a'), dir('sub', [file('b.txt', 'b'.repeat(cluster + 1))])]);
    const layout = planFatVolume(tree, { sectorCount: bytes / 512, label: 'SIZES', dateMs: BUILD });
    assert.equal(layout.clusterByteLength, cluster, `${bytes} bytes`);
    const img = await emitToFile(layout, `size-${bytes}.img`, true);
    const fsck = fsckFat(img);
    assert.ok(fsck.clean, `${bytes} bytes: ${fsck.output}`);
    const list = sevenZipList(img);
    assert.equal(list.get('sub/b.txt')?.Size, String(cluster + 1));
    assert.equal(list.archive['Cluster Size'], String(cluster));
    assert.equal(list.archive['File System'], 'FAT32');
  }
});

test('FAT32 writer: a tree that fills the volume exactly fits; one byte more is refused with what is missing', async (t) => {
  if (!needTools(t, ...FAT_TOOLS)) return;
  const sectorCount = 70_000;
  const probe = planFatVolume(dir('', [file('fill.bin', 'x')]), { sectorCount, dateMs: BUILD });
  const full = (probe.stats.freeClusters + 1) * probe.clusterByteLength;
  const tree = (n: number) => dir('', [file('fill.bin', '', { size: n, content: sparseContent(n, new Map([[0, 'first'], [n - 4, 'last']])) })]);
  const layout = planFatVolume(tree(full), { sectorCount, dateMs: BUILD });
  assert.equal(layout.stats.freeClusters, 0);
  assert.equal(layout.usedByteLength, layout.sections[3]?.byteOffset as number + layout.clusterCount * layout.clusterByteLength);
  const img = await emitToFile(layout, 'full.img');
  const fsck = fsckFat(img);
  assert.ok(fsck.clean, fsck.output);
  const vol = await openFatVolume(new MemorySource(new Uint8Array(readFileSync(img))), new Findings());
  assert.equal(vol.info.fsInfo?.freeClusterCount, 0);
  const [node] = await vol.readDirectory(vol.root);
  assert.equal(node?.size, full);
  assert.throws(() => planFatVolume(tree(full + 1), { sectorCount, dateMs: BUILD }), (e: unknown) => {
    assert.ok(e instanceof IsoKitError && e.code === ErrorCode.NO_SPACE, String(e));
    assert.match(e.message, new RegExp(`${probe.clusterByteLength} bytes \\(1 sectors\\) more are needed`));
    assert.equal(e.data?.missingByteLength, probe.clusterByteLength);
    return true;
  });
});

test('FAT32 writer: 5,000 files in one directory get unique aliases; fsck.fat, mtools and isokit agree', async (t) => {
  if (!needTools(t, ...FAT_TOOLS)) return;
  const kids = Array.from({ length: 5000 }, (_, i) => file(`Document number ${String(i).padStart(4, '0')} of the archive.txt`, `doc ${i}\n`, { mtimeMs: T }));
  const tree = dir('', [dir('many', kids, { mtimeMs: T })]);
  const layout = planFatVolume(tree, { sectorCount: 100_000, dateMs: BUILD });
  const img = await emitToFile(layout, 'many.img');
  const fsck = fsckFat(img);
  assert.ok(fsck.clean, fsck.output.slice(0, 2000));
  const expected = await expectedSnapshot(tree);
  assert.deepEqual(diffSnapshots(expected, withoutRoot(mtoolsSnapshot(img, path.join(fatScratch(), 'many-mtools'))), FAT_DIFF), []);
  const vol = await openFatVolume(new MemorySource(new Uint8Array(readFileSync(img))), new Findings(true));
  const back = await vol.readTree();
  assert.deepEqual(diffSnapshots(expected, withoutRoot(await snapshotTree(back)), FAT_DIFF), []);
  const shorts = new Set(back.children?.[0]?.children?.map((k) => fatEntryOf(k)?.shortName));
  assert.equal(shorts.size, 5000);
});

test('FAT32 writer: a file of 4 GiB − 1 bytes (sparse content) is written and read back; 4 GiB is refused', async (t) => {
  if (!needTools(t, ...FAT_TOOLS)) return;
  const max = 0xffffffff;
  const marks = new Map([[0, 'start'], [2 ** 31 + 7, 'middle'], [max - 3, 'end']]);
  const big = (n: number) => dir('', [dir('sources', [file('install.wim', '', { size: n, content: sparseContent(n, marks), mtimeMs: T })])]);
  const sectorCount = (5 * 2 ** 30) / 512;
  assert.throws(() => planFatVolume(big(max + 1), { sectorCount }), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.INVALID_ARGUMENT && /\/sources\/install\.wim: 4294967296 bytes: FAT32 holds files of at most 4 GiB − 1/.test(e.message));
  const layout = planFatVolume(big(max), { sectorCount, dateMs: BUILD });
  const img = path.join(fatScratch(), 'big.img');
  const { bytes, ms } = await writeSparse(layout.emit({ stopAfterUsed: true }), img, layout.byteLength);
  assert.equal(bytes, layout.usedByteLength);
  t.diagnostic(`emit + zero scan + sparse write of ${bytes} bytes: ${(bytes / 2 ** 20 / (ms / 1000)).toFixed(0)} MiB/s`);
  // dosfstools 4.2 (Debian 12) computes a chain's byte length in 32 bits: 2^32 bytes of clusters read as 0
  // ("File size is 4294967295 bytes, cluster chain length is 0 bytes"); later versions use 64 bits. Only those
  // lines are accepted, for this file; anything else fsck.fat says fails the test.
  const overflow = /^(\/SOURCES\/INSTALL\.WIM| {2}File size is (4294967295|0) bytes, cluster chain length is (0|> 0) bytes\.| {2}Truncating file to 0 bytes\.|Leaving filesystem unchanged\.)$/;
  const fsck = fsckFat(img);
  const other = fsck.output.split('\n').filter((l) => l && !overflow.test(l) && !/^fsck\.fat \d|^Starting (check|verification)|files, \d+\/\d+ clusters$/.test(l));
  assert.deepEqual(other, [], fsck.output);
  assert.equal(sevenZipList(img).get('sources/install.wim')?.Size, String(max));
  assert.match(mdirAll(img), /^install +wim +4294967295 2024-05-05/m);
  const { openFileSource } = await import('../../src/node/index.js');
  const source = await openFileSource(img);
  try {
    const vol = await openFatVolume(source, new Findings(true));
    const [sources] = await vol.readDirectory(vol.root);
    const [wim] = await vol.readDirectory(sources as TreeNode);
    assert.equal(wim?.size, max);
    const ranges = wim?.content?.ranges ?? [];
    assert.equal(ranges.length, 1, 'one contiguous run');
    const at = async (o: number, n: number) => new TextDecoder().decode(await source.read((ranges[0]?.byteOffset as number) + o, n));
    assert.deepEqual([await at(0, 5), await at(2 ** 31 + 7, 6), await at(max - 3, 3)], ['start', 'middle', 'end']);
  } finally {
    await source.close?.();
  }
});
