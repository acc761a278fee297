/**
 * The UDF reader on images made by independent tools, compared with independent readers:
 * - genisoimage -udf bridge and a Windows-shaped pycdlib image: names, kinds, sizes and the four times equal
 *   `7zz l -tudf -slt`, every file's bytes equal `7zz x -tudf`, ids/counts/revision/integrity equal udfinfo;
 * - mkudffs volumes of every revision, media type (VAT, sparable) and block size: info equals udfinfo (7-Zip
 *   reads only the plain ones, and those it also lists);
 * - a > 4 GiB sparse file (genisoimage -allow-limited-size): 7-Zip's size, several extents, the marks at
 *   the extent boundaries where the source file has them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Findings, MemorySource, collect, openImage, walkTree } from '../../src/index.js';
import { openFileSource } from '../../src/node/index.js';
import { detectUdf } from '../../src/read/udf/index.js';
import { recipeImage, RECIPES } from '../helpers/fixtures.js';
import { needTools, sh, tmpDir } from '../helpers/index.js';
import { assertSameAsSevenZipExtract, assertSameAsSevenZipList, assertSameAsUdfinfo, nodesByPath, openUdfFile, pycdlibAvailable } from './udf-reference.js';

const serious = (f: Findings) => f.list.filter((x) => x.severity !== 'info');

test('genisoimage -udf bridge: tree, bytes and times equal 7-Zip\'s; volume info equals udfinfo\'s', async (t) => {
  if (!needTools(t, 'genisoimage', '7zz', 'udfinfo')) return;
  const image = await recipeImage('udf-genisoimage');
  const { volume, findings, close } = await openUdfFile(image);
  const { dir, cleanup } = tmpDir('udf-gen');
  try {
    const root = await volume.readTree();
    assertSameAsSevenZipList(image, root);
    const files = await assertSameAsSevenZipExtract(image, root, path.join(dir, 'x'));
    assert.ok(files >= 20, `${files} files compared`);
    assertSameAsUdfinfo(image, volume);
    assert.equal(volume.info.revision, '1.02');
    assert.equal(volume.info.nsr, 2);
    assert.equal(volume.info.volumeId, 'UDFBRIDGE');
    assert.equal(volume.info.implementationId, '*genisoimage');
    // the LVID's counts are the tree's (UDF 2.2.6.4: the root counts as a directory)
    const nodes = [...walkTree(root)].map((e) => e.node);
    assert.equal(volume.info.directoryCount, nodes.filter((n) => n.kind === 'dir').length);
    assert.equal(volume.info.fileCount, nodes.filter((n) => n.kind !== 'dir').length);
    const byPath = nodesByPath(root);
    assert.ok(byPath.has('deep/level1/level2/level3/level4/level5/level6/level7/level8/level9/level10/level11/bottom.txt'), 'deep paths');
    assert.ok([...byPath.keys()].some((p) => p.startsWith('names/Grüße')), 'a 16-bit CS0 name');
    assert.deepEqual(serious(findings), []);
  } finally {
    cleanup();
    await close();
  }
});

test('Windows-shaped pycdlib image: README-only ISO 9660 + El Torito, the real tree in UDF equals 7-Zip\'s and udfinfo\'s', async (t) => {
  if (!needTools(t, '7zz', 'udfinfo') || !pycdlibAvailable(t)) return;
  const image = await recipeImage('udf-pycdlib-windows');
  const { volume, findings, close } = await openUdfFile(image);
  const { dir, cleanup } = tmpDir('udf-win');
  try {
    const root = await volume.readTree();
    assertSameAsSevenZipList(image, root);
    await assertSameAsSevenZipExtract(image, root, path.join(dir, 'x'));
    assertSameAsUdfinfo(image, volume);
    assert.equal(volume.info.revision, '1.02', 'pycdlib\'s "2.60" writes UDF 1.02');
    const byPath = nodesByPath(root);
    for (const p of ['bootmgr', 'efi/boot/bootx64.efi', 'sources/install.wim', 'support/Привет мир 日本語.txt', 'support/Grüße.txt']) assert.ok(byPath.has(p), p);
    assert.ok([...byPath.keys()].some((p) => p.split('/').pop()!.length > 64), 'a name longer than 64 characters');
    assert.ok([...byPath.keys()].some((p) => p.split('/').length > 12), 'deep paths');
    // pycdlib 1.12 writes the month into the day field: read as recorded (7-Zip and udfinfo agree above)
    const d = new Date(byPath.get('bootmgr')!.mtimeMs!);
    assert.equal(d.getUTCDate(), d.getUTCMonth() + 1, 'day = month, as pycdlib 1.12 records it');
    assert.deepEqual(serious(findings), []);
    // the ISO 9660 side: only README.TXT (and the boot catalog), two El Torito entries (BIOS, UEFI)
    const iso = await openImage(await openFileSource(image), { namespace: 'iso9660' });
    assert.deepEqual(iso.tree.children?.map((c) => c.name).filter((n) => n !== 'BOOT.CAT'), ['README.TXT']);
    assert.deepEqual(iso.bootCatalog?.images.map((e) => e.platform), ['x86', 'efi']);
    assert.equal(iso.namespaces.udf?.seen, true);
  } finally {
    cleanup();
    await close();
  }
});

interface MkudffsCase { name: string; env: Record<string, string>; sevenZip: boolean; maps: string[] }
const MKUDFFS: MkudffsCase[] = [
  ...['1.02', '1.50', '2.00', '2.01'].map((r) => ({ name: `hd ${r}`, env: { UDFREV: r }, sevenZip: true, maps: ['type1'] })),
  { name: 'hd 2.01, 512-byte blocks', env: { BLOCKSIZE: '512' }, sevenZip: true, maps: ['type1'] },
  { name: 'hd 2.01, 4096-byte blocks', env: { BLOCKSIZE: '4096' }, sevenZip: false, maps: ['type1'] },
  { name: 'hd 2.01, label "Grüße" (16-bit CS0 identifiers)', env: { LABEL: 'Grüße' }, sevenZip: true, maps: ['type1'] },
  { name: 'cdr 1.50 (VAT 1.50)', env: { MEDIA: 'cdr', UDFREV: '1.50', BLOCKS: '10240' }, sevenZip: false, maps: ['type1', 'virtual'] },
  { name: 'cdr 2.01 (VAT)', env: { MEDIA: 'cdr', UDFREV: '2.01', BLOCKS: '10240' }, sevenZip: false, maps: ['type1', 'virtual'] },
  { name: 'bdr 2.50 (VAT)', env: { MEDIA: 'bdr', UDFREV: '2.50', BLOCKS: '20000' }, sevenZip: false, maps: ['type1', 'virtual'] },
  { name: 'bdr 2.60 (VAT)', env: { MEDIA: 'bdr', UDFREV: '2.60', BLOCKS: '20000' }, sevenZip: false, maps: ['type1', 'virtual'] },
  { name: 'cdrw 2.01 (sparable)', env: { MEDIA: 'cdrw', BLOCKS: '20000' }, sevenZip: false, maps: ['sparable'] },
  { name: 'dvdrw 2.01 (sparable)', env: { MEDIA: 'dvdrw', BLOCKS: '40000' }, sevenZip: false, maps: ['sparable'] },
];

test('mkudffs volumes of every revision, media type and block size: info equals udfinfo\'s (and 7-Zip\'s listing where it reads them)', async (t) => {
  if (!needTools(t, 'mkudffs', 'udfinfo', '7zz')) return;
  const { dir, cleanup } = tmpDir('udf-mk');
  try {
    for (const c of MKUDFFS) {
      const image = path.join(dir, `${c.name.replace(/\W+/g, '_')}.img`);
      sh('sh', [path.join(RECIPES, 'udf-mkudffs.sh'), image], { env: { ...process.env, ...c.env } });
      const det = await detectUdf(await openFileSource(image));
      assert.equal(det?.blockSize, Number(c.env.BLOCKSIZE ?? 2048), `${c.name}: block size found`);
      const { volume, findings, close } = await openUdfFile(image);
      try {
        const root = await volume.readTree();
        assert.deepEqual(root.children, [], `${c.name}: an empty root`);
        assert.equal(root.mode, 0o40755, `${c.name}: root mode`);
        assert.deepEqual(volume.info.partitionMaps.map((m) => m.kind), c.maps, `${c.name}: partition maps`);
        assertSameAsUdfinfo(image, volume);
        assert.equal(volume.info.revision, c.env.UDFREV ?? '2.01', `${c.name}: revision`);
        if (c.sevenZip) assertSameAsSevenZipList(image, root);
        assert.deepEqual(serious(findings), [], `${c.name}: no warnings`);
      } finally {
        await close();
      }
    }
  } finally {
    cleanup();
  }
});

test('a 4.2 GiB sparse file (genisoimage -udf -allow-limited-size): 7-Zip\'s size, several extents, the right bytes at every extent boundary', async (t) => {
  if (!needTools(t, 'genisoimage', '7zz', 'udfinfo')) return;
  const image = await recipeImage('udf-genisoimage-big');
  const { volume, findings, close } = await openUdfFile(image);
  try {
    const root = await volume.readTree();
    assertSameAsSevenZipList(image, root);
    assertSameAsUdfinfo(image, volume);
    const big = nodesByPath(root).get('huge.bin')!;
    const size = 4200 * 1024 * 1024;
    assert.equal(big.size, size);
    assert.ok((big.extents?.length ?? 0) >= 4, `${big.extents?.length} extents`);
    assert.equal(big.extents!.reduce((n, e) => n + e.byteLength, 0), size, 'the extents cover the file');
    const ranges = big.content!.ranges!;
    const at = async (offset: number, length: number): Promise<string> => {
      let o = offset;
      for (const r of ranges) {
        if (o < r.byteLength) return new TextDecoder().decode(await r.source.read(r.byteOffset + o, length));
        o -= r.byteLength;
      }
      return '';
    };
    for (const mark of [0, 0x3ffff800 - 16, 0x3ffff800, 2 * 0x3ffff800 - 16, 4 * 0x3ffff800, size - 16]) {
      assert.equal(await at(mark, 16), `mark@${String(mark).padStart(11, '0')}`, `bytes at ${mark}`);
    }
    assert.deepEqual(serious(findings), []);
  } finally {
    await close();
  }
});

test('a UDF image read from memory and from a file gives the same tree; detectUdf on a plain ISO 9660 image is undefined', async (t) => {
  if (!needTools(t, 'genisoimage')) return;
  const image = await recipeImage('udf-genisoimage');
  const { volume, close } = await openUdfFile(image);
  try {
    const fromFile = [...walkTree(await volume.readTree())].map((e) => `${e.path} ${e.node.kind} ${e.node.size}`);
    const mem = new MemorySource(new Uint8Array(readFileSync(image)));
    const { openUdfVolume } = await import('../../src/read/udf/index.js');
    const v2 = await openUdfVolume(mem, new Findings());
    const fromMemory = [...walkTree(await v2.readTree())].map((e) => `${e.path} ${e.node.kind} ${e.node.size}`);
    assert.deepEqual(fromMemory, fromFile);
    const readme = nodesByPath(await v2.readTree()).get('README.TXT')!;
    assert.equal(new TextDecoder().decode(await collect(readme.content!.stream())), 'hello\n');
  } finally {
    await close();
  }
  const plain = path.join(mkdtempSync(path.join(path.dirname(image), 'plain-')), 'p.iso');
  sh('genisoimage', ['-quiet', '-o', plain, RECIPES]);
  assert.equal(await detectUdf(await openFileSource(plain)), undefined);
});

test('an async-only source (as over HTTP) gives the same tree in few reads: a directory\'s data in one, its File Entries in batches', async (t) => {
  if (!needTools(t, 'genisoimage')) return;
  const image = await recipeImage('udf-genisoimage');
  const mem = new MemorySource(new Uint8Array(readFileSync(image)));
  let reads = 0;
  const asyncOnly = { name: 'async', byteLength: mem.byteLength, read: async (o: number, n: number) => { reads++; return mem.read(o, n); } };
  const { openUdfVolume } = await import('../../src/read/udf/index.js');
  const vol = await openUdfVolume(asyncOnly, new Findings());
  const opened = reads;
  const root = await vol.readTree();
  const all = [...walkTree(root)];
  const dirs = all.filter((e) => e.node.kind === 'dir').length;
  const ref = await openUdfVolume(mem, new Findings());
  assert.deepEqual(all.map((e) => `${e.path} ${e.node.kind} ${e.node.size}`), [...walkTree(await ref.readTree())].map((e) => `${e.path} ${e.node.kind} ${e.node.size}`));
  assert.ok(opened <= 16, `${opened} reads to open the volume`);
  assert.ok(reads - opened <= 2 * dirs + 4, `${reads - opened} reads for ${dirs} directories and ${all.length - dirs} files`);
});
