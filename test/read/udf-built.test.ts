/**
 * The UDF reader on images made with its own serializers (test/helpers/udf-builder.ts) — the structures
 * the tools here cannot make — and on damaged copies of them: every partition kind (type 1, 2.50 metadata
 * with its mirror, VAT 1.50 and 2.xx, sparable with moved packets), 512/2048/4096-byte blocks, strategy 4096,
 * allocation extent chains, holes, embedded data, symlinks, devices, hard links; then loops, bad names,
 * extents outside the partition, damaged tags, anchors and descriptor sequences.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, Findings, IsoKitError, MemorySource, collect, walkTree, type FindingCode, type TreeNode } from '../../src/index.js';
import { openUdfVolume, type UdfVolume } from '../../src/read/udf/index.js';
import { buildUdf, retag, type BuildOptions, type Built, type UFile } from '../helpers/udf-builder.js';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * seed + (i >> 8) + seed) & 255);
const T = Date.UTC(2023, 10, 14, 22, 13, 20);

/** A tree with every kind of entry the reader handles. */
function sampleTree(): UFile {
  const shared: UFile = { name: 'shared.bin', data: bytes(5000, 3), mode: 0o600, uid: 1000, gid: 100 };
  return {
    name: '', mode: 0o755, children: [
      { name: 'a.txt', data: bytes(10, 1), mtimeMs: T },
      { name: 'big.bin', data: bytes(300_000, 5), extentBytes: 16384, adsPerExtent: 5 },
      { name: 'embedded.txt', data: bytes(60, 7), embedded: true },
      { name: 'sparse.bin', data: bytes(16 * 2048, 2), holes: [[4, 6]] },
      { name: 'empty', data: new Uint8Array(0) },
      {
        name: 'dir', mode: 0o1777, children: [
          { name: 'x', data: bytes(3, 9), hidden: true },
          shared,
          { name: 'link', kind: 'symlink', target: '../a.txt' },
          { name: 'abs', kind: 'symlink', target: '/etc/hostname' },
          { name: 'hard', linkTo: shared },
          { name: 'inline', embedded: true, children: [{ name: 'y', data: bytes(100, 11) }] },
        ],
      },
      { name: 'null', kind: 'chardev', device: { major: 1, minor: 3 } },
      { name: 'loop0', kind: 'blockdev', device: { major: 7, minor: 0 } },
      { name: 'fifo', kind: 'fifo' },
      { name: 'Grüße 日本 😀', data: bytes(4, 13), mode: 0o4755 },
    ],
  };
}

async function open(img: Uint8Array): Promise<{ volume: UdfVolume; findings: Findings }> {
  const findings = new Findings();
  return { volume: await openUdfVolume(new MemorySource(img), findings), findings };
}

const codes = (f: Findings): string[] => f.list.filter((x) => x.severity !== 'info').map((x) => x.code);

/** The node of `spec` matches it: kind, size, bytes, target, device, mode, owner, hidden; children in order. */
async function expectTree(node: TreeNode, spec: UFile, at = '/', blockSize = 2048): Promise<void> {
  const target = spec.linkTo ?? spec;
  const kind = target.kind ?? (target.children ? 'dir' : 'file');
  assert.equal(node.kind, kind, `${at}: kind`);
  assert.equal((node.mode ?? 0) & 0o7777, target.mode ?? (kind === 'dir' ? 0o755 : 0o644), `${at}: mode`);
  if (target.uid !== undefined) assert.deepEqual([node.uid, node.gid], [target.uid, target.gid], `${at}: owner`);
  else assert.deepEqual([node.uid, node.gid], [undefined, undefined], `${at}: no owner recorded`);
  assert.equal(node.hidden, spec.hidden || undefined, `${at}: hidden`);
  if (target.mtimeMs !== undefined) assert.equal(node.mtimeMs, target.mtimeMs, `${at}: mtime`);
  if (kind === 'file') {
    assert.equal(node.size, target.data?.length ?? 0, `${at}: size`);
    const want = target.data ?? new Uint8Array(0);
    const expect = target.holes ? want.map((x, i) => (target.holes!.some(([f, n]) => i >= f * blockSize && i < (f + n) * blockSize) ? 0 : x)) : want;
    assert.deepEqual(await collect(node.content!.stream({ chunkSize: 4096 })), expect, `${at}: bytes`);
  }
  if (kind === 'symlink') assert.equal(node.symlinkTarget, target.target, `${at}: target`);
  if (kind === 'chardev' || kind === 'blockdev') assert.deepEqual(node.device, target.device, `${at}: device`);
  if (kind === 'dir' && !spec.linkTo) {
    const names = (spec.children ?? []).map((c) => (typeof c.name === 'string' ? c.name : '?'));
    assert.deepEqual(node.children?.map((c) => c.name), names, `${at}: entries`);
    for (const [i, c] of (spec.children ?? []).entries()) await expectTree(node.children![i]!, c, `${at}${names[i]}/`, blockSize);
  }
}

const CASES: [string, BuildOptions][] = [
  ['type 1, UDF 1.02, File Entries', {}],
  ['type 1, UDF 2.01, Extended File Entries', { revision: 0x0201 }],
  ['512-byte blocks', { blockSize: 512, revision: 0x0201 }],
  ['4096-byte blocks', { blockSize: 4096, revision: 0x0201 }],
  ['UDF 2.50 metadata partition (duplicate mirror)', { revision: 0x0250, partition: 'metadata' }],
  ['UDF 2.50 metadata partition (mirror shares the extents)', { revision: 0x0250, partition: 'metadata', duplicateMetadata: false }],
  ['VAT 2.xx (write-once)', { revision: 0x0201, partition: 'virtual', tailAnchors: [] }],
  ['VAT 1.50', { revision: 0x0150, partition: 'virtual', vat15: true, tailAnchors: [] }],
  ['sparable partition with two moved packets', { revision: 0x0201, partition: 'sparable', sparedPackets: [0, 2] }],
  ['strategy 4096 ICBs (Indirect Entries)', { revision: 0x0201, strategy4096: true }],
];

test('built images of every partition kind, block size and ICB strategy read back to the tree they were made from', async () => {
  for (const [name, opts] of CASES) {
    const spec = sampleTree();
    const built = buildUdf(spec, { volumeId: 'VOL', logicalVolumeId: 'LOGICAL', fileSetId: 'FILESET', ...opts });
    const { volume, findings } = await open(built.bytes);
    assert.deepEqual(codes(findings), [], `${name}: findings ${JSON.stringify(findings.list)}`);
    const root = await volume.readTree();
    await expectTree(root, spec, '/', opts.blockSize);
    const i = volume.info;
    assert.deepEqual([i.volumeId, i.logicalVolumeId, i.fileSetId, i.blockSize], ['VOL', 'LOGICAL', 'FILESET', opts.blockSize ?? 2048], name);
    assert.equal(i.revision, ((opts.revision ?? 0x102) >> 8).toString(16) + '.' + ((opts.revision ?? 0x102) & 0xff).toString(16).padStart(2, '0'), `${name}: revision`);
    assert.deepEqual([i.fileCount, i.directoryCount, i.integrity], [14, 3, 'closed'], `${name}: counts`);
    // hard links: two names, one ICB, one group (readTree); the lone file has none
    const byPath = new Map([...walkTree(root)].map((e) => [e.path, e.node]));
    assert.equal(byPath.get('dir/hard')!.linkGroup, byPath.get('dir/shared.bin')!.linkGroup, `${name}: hard link group`);
    assert.match(byPath.get('dir/hard')!.linkGroup ?? '', /^udf:\d+:\d+$/);
    assert.equal(byPath.get('a.txt')!.linkGroup, undefined);
    assert.equal(byPath.get('dir/hard')!.nlink, 2);
    assert.equal(byPath.get('dir')!.nlink, 2, `${name}: a directory's links: itself and its subdirectory's parent entry`);
    assert.ok(byPath.get('big.bin')!.extents!.length >= 18, `${name}: one extent per allocation descriptor, across the AED chain`);
    assert.equal(byPath.get('embedded.txt')!.extents!.length, 0, `${name}: embedded data has no extent`);
    assert.equal(byPath.get('Grüße 日本 😀')!.names?.udf, 'Grüße 日本 😀');
  }
});

test('readDirectory gives what readTree gives, a directory at a time; link groups by link count', async () => {
  const spec = sampleTree();
  const built = buildUdf(spec, { revision: 0x0250, partition: 'metadata' });
  const a = await open(built.bytes);
  const b = await open(built.bytes);
  const tree = [...walkTree(await a.volume.readTree())].slice(1).map((e) => `${e.path} ${e.node.kind} ${e.node.size} ${e.node.mode}`);
  const walked: string[] = [];
  const visit = async (dir: TreeNode, prefix: string) => {
    for (const n of await b.volume.readDirectory(dir)) {
      const p = prefix ? `${prefix}/${n.name}` : n.name;
      walked.push(`${p} ${n.kind} ${n.size} ${n.mode}`);
      assert.ok(n.kind !== 'dir' || (n.children && n.children.length === 0), 'subdirectories unread');
      if (n.name === 'shared.bin' || n.name === 'hard') assert.match(n.linkGroup ?? '', /^udf:/);
      if (n.kind === 'dir') await visit(n, p);
    }
  };
  await visit(b.volume.root, '');
  assert.deepEqual(walked.sort(), tree.sort());
  await assert.rejects(b.volume.readDirectory({ name: 'x', kind: 'dir', size: 0 }), (e) => e instanceof IsoKitError && e.code === ErrorCode.INVALID_ARGUMENT);
});

/** Damage the descriptor at `at` (a byte of its body), keeping its tag sound or not. */
function poke(img: Uint8Array, at: number, offset: number, value: number, keepTag: boolean): void {
  img[at + offset] = value;
  if (keepTag) retag(img, at);
}

function hasFinding(f: Findings, code: FindingCode, re?: RegExp): void {
  assert.ok(f.list.some((x) => x.code === code && (!re || re.test(x.message))), `finding ${code} ${re ?? ''} in ${JSON.stringify(f.list.map((x) => `${x.code}: ${x.message}`))}`);
}

test('metadata partition: a damaged metadata file is read through its mirror; damaged metadata itself too', async () => {
  const spec = sampleTree();
  const built = buildUdf(spec, { revision: 0x0250, partition: 'metadata' });
  const img = built.bytes.slice();
  poke(img, built.layout.metadataFe!, 0, 0x55, false); // the metadata file's tag is gone
  const a = await open(img);
  hasFinding(a.findings, 'UDF_METADATA_FILE', /mirror/);
  assert.equal(a.volume.info.metadataMirrorUsed, true);
  await expectTree(await a.volume.readTree(), spec);
  // the metadata file is sound but the File Set Descriptor in its extent is not: the duplicate in the mirror is used
  const img2 = built.bytes.slice();
  const fsdAt = (built.partitionStartSector + built.layout.metadataStart!) * 2048;
  img2.fill(0, fsdAt, fsdAt + 2048);
  const b = await open(img2);
  hasFinding(b.findings, 'UDF_METADATA_FILE', /mirror/);
  await expectTree(await b.volume.readTree(), spec);
  // both gone: an error
  poke(img2, built.layout.mirrorFe!, 0, 0x55, false);
  poke(img2, built.layout.metadataFe!, 0, 0x55, false);
  await assert.rejects(open(img2), (e) => e instanceof IsoKitError && e.code === ErrorCode.CORRUPT);
});

test('sparable partition: moved packets are read from the spare area; without a sound sparing table, a finding', async () => {
  const spec = sampleTree();
  const built = buildUdf(spec, { revision: 0x0201, partition: 'sparable', sparedPackets: [0] });
  const img = built.bytes.slice();
  for (const s of built.layout.sparingTables!) img[s * 2048 + 20] ^= 0xff;
  await assert.rejects(open(img), IsoKitError, 'packet 0 holds the File Set Descriptor: without the table it is garbage');
  const f = new Findings();
  await openUdfVolume(new MemorySource(img), f).catch(() => undefined);
  hasFinding(f, 'UDF_SPARING_TABLE');
});

test('VAT: the virtual partition maps blocks through the table; info from the VAT; a missing VAT is an error', async () => {
  const built = buildUdf(sampleTree(), { revision: 0x0201, partition: 'virtual', tailAnchors: [], integrity: 'open', logicalVolumeId: 'FROMVAT' });
  const { volume, findings } = await open(built.bytes);
  assert.equal(volume.info.integrity, 'closed', 'a VAT closes a write-once volume');
  assert.equal(volume.info.logicalVolumeId, 'FROMVAT');
  assert.ok(!findings.list.some((x) => x.code === 'UDF_INTEGRITY'));
  const img = built.bytes.slice();
  img.fill(0, img.length - 2 * 2048);
  const f = new Findings();
  await assert.rejects(openUdfVolume(new MemorySource(img), f), IsoKitError);
  hasFinding(f, 'UDF_VAT');
});

test('a directory entry pointing at an ancestor (a loop) is shown empty with a finding; readTree and readDirectory end', async () => {
  const root: UFile = { name: '', children: [] };
  const sub: UFile = { name: 'sub', children: [{ name: 'f', data: bytes(5, 1) }] };
  sub.children!.push({ name: 'up', linkTo: root }, { name: 'self', linkTo: sub });
  root.children!.push(sub, { name: 'again', linkTo: sub });
  const built = buildUdf(root, { revision: 0x0201 });
  const { volume, findings } = await open(built.bytes);
  const tree = await volume.readTree();
  const paths = [...walkTree(tree)].map((e) => e.path);
  assert.deepEqual(paths, ['', 'sub', 'sub/f', 'sub/up', 'sub/self', 'again']);
  assert.equal(findings.list.filter((x) => x.code === 'DIRECTORY_LOOP').length, 3, 'up, self, and the second name of sub');
  const v2 = (await open(built.bytes)).volume;
  const sub2 = (await v2.readDirectory(v2.root)).find((n) => n.name === 'sub')!;
  const up = (await v2.readDirectory(sub2)).find((n) => n.name === 'up')!;
  assert.deepEqual(await v2.readDirectory(up), [], 'the loop is not followed');
});

test('unusable names (.., ., a/b, NUL, empty, unknown CS0) get safe names and findings; duplicates are reported', async () => {
  const raw = (...b: number[]) => Uint8Array.from(b);
  const spec: UFile = {
    name: '', children: [
      { name: '..', data: bytes(1, 1) }, { name: '.', data: bytes(1, 2) }, { name: 'a/b', data: bytes(1, 3) }, { name: 'x\0y', data: bytes(1, 4) },
      { name: raw(8), data: bytes(1, 5) }, { name: raw(42, 0x61), data: bytes(1, 6) }, { name: 'same', data: bytes(1, 7) }, { name: 'same', data: bytes(1, 8) },
    ],
  };
  const { volume, findings } = await open(buildUdf(spec).bytes);
  const names = (await volume.readTree()).children!.map((c) => c.name);
  assert.deepEqual(names, ['_..', '_.', 'a_b', 'x_y', '_', '_', 'same', 'same']);
  assert.equal(findings.list.filter((x) => x.code === 'BAD_NAME').length, 5);
  assert.equal(findings.list.filter((x) => x.code === 'UDF_CS0').length, 1);
  assert.ok(findings.list.filter((x) => x.code === 'DUPLICATE_NAME').length >= 2);
  for (const x of findings.list) assert.ok(x.byteOffset !== undefined && x.byteOffset < buildUdf(spec).bytes.length);
});

test('an extent outside its partition: a finding, and reading the file fails with TRUNCATED (never foreign bytes)', async () => {
  const spec: UFile = { name: '', children: [{ name: 'f', data: bytes(3000, 1) }, { name: 'ok', data: bytes(10, 2) }] };
  const built = buildUdf(spec);
  const img = built.bytes.slice();
  const fe = built.where.get(spec.children![0]!)!.fe;
  img[fe + 176 + 4 + 2] = 0x70; // short_ad block number → far beyond the partition
  retag(img, fe);
  const { volume, findings } = await open(img);
  const [f, ok] = (await volume.readTree()).children!;
  hasFinding(findings, 'UDF_EXTENT_OUTSIDE');
  await assert.rejects(collect(f!.content!.stream()), (e) => e instanceof IsoKitError && e.code === ErrorCode.TRUNCATED);
  assert.deepEqual(await collect(ok!.content!.stream()), bytes(10, 2));
});

test('allocation descriptors: an AED chain that loops, allocated-but-unrecorded extents, extents shorter than the file', async () => {
  const big: UFile = { name: 'big', data: bytes(40 * 2048, 3), extentBytes: 2048, adsPerExtent: 4 };
  const spec: UFile = { name: '', children: [big, { name: 'tail', data: bytes(4096, 5), size: 10_000 }, { name: 'hole', data: bytes(8192, 7) }] };
  const built = buildUdf(spec, { revision: 0x0201 });
  const img = built.bytes.slice();
  // the first AED's continuation points back at itself
  const aed = built.where.get(big)!.aed!;
  const lastAd = aed + 24 + 3 * 8;
  new DataView(img.buffer).setUint32(lastAd + 4, (aed - built.partitionStartSector * 2048) / 2048, true);
  retag(img, aed);
  // the third file's extent: allocated, not recorded (type 1) → zeros
  const holeFe = built.where.get(spec.children![2]!)!.fe;
  img[holeFe + 216 + 3] = 0x40;
  retag(img, holeFe);
  const { volume, findings } = await open(img);
  const [b, tail, hole] = (await volume.readTree()).children!;
  hasFinding(findings, 'UDF_ALLOCATION_EXTENT', /loops/);
  assert.equal(b!.size, 40 * 2048);
  hasFinding(findings, 'UDF_LENGTH', /cover 4096 of 10000/);
  const t = await collect(tail!.content!.stream());
  assert.deepEqual(t.subarray(0, 4096), bytes(4096, 5));
  assert.ok(t.subarray(4096).every((x) => x === 0));
  assert.ok((await collect(hole!.content!.stream())).every((x) => x === 0), 'an allocated, unrecorded extent reads as zeros');
});

test('damaged tags: a wrong location or CRC is reported and the entry used; a bad checksum drops the entry', async () => {
  const spec: UFile = { name: '', children: [{ name: 'loc', data: bytes(5, 1) }, { name: 'crc', data: bytes(5, 2) }, { name: 'sum', data: bytes(5, 3) }] };
  const built = buildUdf(spec);
  const img = built.bytes.slice();
  const [loc, crc, sum] = spec.children!.map((c) => built.where.get(c)!.fe);
  img[loc! + 12] ^= 1;
  img[loc! + 4] = 0;
  img[loc! + 4] = [...img.subarray(loc!, loc! + 16)].reduce((a, x, i) => (i === 4 ? a : a + x), 0) & 0xff;
  img[crc! + 60] ^= 0x10; // a byte of the information length's high half: CRC broken, still readable
  img[sum! + 4] ^= 1;
  const { volume, findings } = await open(img);
  const names = (await volume.readTree()).children!.map((c) => c.name);
  assert.deepEqual(names, ['loc', 'crc']);
  hasFinding(findings, 'UDF_TAG_LOCATION');
  hasFinding(findings, 'UDF_TAG', /CRC/);
  hasFinding(findings, 'UDF_FILE_ENTRY', /"sum" is not listed/);
});

test('anchors and descriptor sequences: any one anchor is enough; a damaged main sequence falls back to the reserve', async () => {
  const built = buildUdf(sampleTree(), { revision: 0x0201, tailAnchors: ['last', 'n-256'] });
  const img = built.bytes.slice();
  img.fill(0, 256 * 2048, 257 * 2048); // no anchor at 256
  const a = await open(img);
  assert.deepEqual(a.volume.info.anchorSectors, [img.length / 2048 - 257, img.length / 2048 - 1]);
  hasFinding(a.findings, 'UDF_ANCHOR_MISSING');
  await expectTree(await a.volume.readTree(), sampleTree());
  const img2 = built.bytes.slice();
  img2.fill(0, (built.layout.mainVds + 3) * 2048, (built.layout.mainVds + 4) * 2048); // the main LVD
  const b = await open(img2);
  assert.equal(b.volume.info.descriptorSequence, 'reserve');
  hasFinding(b.findings, 'UDF_VDS', /reserve/);
  await expectTree(await b.volume.readTree(), sampleTree());
  img2.fill(0, (built.layout.reserveVds + 3) * 2048, (built.layout.reserveVds + 4) * 2048);
  await assert.rejects(open(img2), (e) => e instanceof IsoKitError && e.code === ErrorCode.CORRUPT && /Logical Volume Descriptor/.test(e.message));
  await assert.rejects(openUdfVolume(new MemorySource(new Uint8Array(300 * 2048)), new Findings()), (e) => e instanceof IsoKitError && e.code === ErrorCode.NOT_ISO);
});

test('nesting deeper than the depth budget is cut with a finding; an abort signal stops reading', async () => {
  let leaf: UFile = { name: 'end', data: bytes(1, 1) };
  for (let i = 0; i < 1030; i++) leaf = { name: `d${i}`, children: [leaf] };
  const built: Built = buildUdf({ name: '', children: [leaf] }, { revision: 0x0201 });
  const { volume, findings } = await open(built.bytes);
  const depth = Math.max(...[...walkTree(await volume.readTree())].map((e) => e.depth));
  assert.equal(depth, 1024);
  hasFinding(findings, 'TREE_TOO_DEEP');
  const ac = new AbortController();
  const v = await openUdfVolume(new MemorySource(built.bytes), new Findings(), { signal: ac.signal });
  ac.abort();
  await assert.rejects(v.readTree(), (e) => e instanceof IsoKitError && e.code === ErrorCode.ABORTED);
});
