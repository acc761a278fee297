/**
 * Hand-made hostile and edge-case images (built with isokit's own serializers, no external tools):
 * directory loops, extents beyond the end, truncation, non-ISO input, multi-extent files over 4 GiB on a
 * virtual source, strict mode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, IsoKitError } from '../../src/errors/index.js';
import { MemorySource, type ByteSource } from '../../src/io/index.js';
import { encodeUtf8 } from '../../src/bytes/index.js';
import { findNode, walkTree } from '../../src/model/index.js';
import { DirFlag, serializeDirectoryRecord, serializeTerminator, serializeVolumeDescriptor, SECTOR_SIZE } from '../../src/formats/iso9660/index.js';
import { openImage } from '../../src/read/index.js';

interface Rec { name: string; lba: number; dataLength: number; flags?: number }
const T = Date.UTC(2020, 0, 1);

/** A directory sector: ".", "..", then the records (each record must fit; no sorting). */
function dirSector(selfLba: number, parentLba: number, recs: Rec[]): Uint8Array {
  const b = new Uint8Array(SECTOR_SIZE);
  let o = 0;
  const put = (r: Uint8Array) => {
    if (o + r.length > SECTOR_SIZE) throw new Error('test directory too large');
    b.set(r, o);
    o += r.length;
  };
  put(serializeDirectoryRecord({ lba: selfLba, dataLength: SECTOR_SIZE, recordedAtMs: T, flags: DirFlag.DIRECTORY, identifier: Uint8Array.of(0) }));
  put(serializeDirectoryRecord({ lba: parentLba, dataLength: SECTOR_SIZE, recordedAtMs: T, flags: DirFlag.DIRECTORY, identifier: Uint8Array.of(1) }));
  for (const r of recs) put(serializeDirectoryRecord({ lba: r.lba, dataLength: r.dataLength, recordedAtMs: T, flags: r.flags ?? 0, identifier: encodeUtf8(r.name) }));
  return b;
}

/** Image: system area, PVD (16), terminator (17), root directory (18), more sectors after. */
function image(rootRecs: Rec[], extra: Map<number, Uint8Array> = new Map(), blocks = 32): Uint8Array {
  const img = new Uint8Array(blocks * SECTOR_SIZE);
  img.set(serializeVolumeDescriptor({
    kind: 'primary', volumeId: 'HOSTILE', volumeSpaceBlockCount: blocks, pathTableByteLength: 10, lPathTableLba: 0, mPathTableLba: 0,
    root: { lba: 18, dataLength: SECTOR_SIZE, recordedAtMs: T, flags: DirFlag.DIRECTORY },
  }), 16 * SECTOR_SIZE);
  img.set(serializeTerminator(), 17 * SECTOR_SIZE);
  img.set(dirSector(18, 18, rootRecs), 18 * SECTOR_SIZE);
  for (const [lba, bytes] of extra) img.set(bytes, lba * SECTOR_SIZE);
  return img;
}

const codes = (img: { findings: { code: string }[] }) => img.findings.map((f) => f.code);

test('a directory pointing at its ancestor (loop) is a finding, not a hang', async () => {
  const sub = dirSector(19, 18, [{ name: 'BACK', lba: 18, dataLength: SECTOR_SIZE, flags: DirFlag.DIRECTORY }, { name: 'SELF', lba: 19, dataLength: SECTOR_SIZE, flags: DirFlag.DIRECTORY }]);
  const img = await openImage(new MemorySource(image([{ name: 'SUB', lba: 19, dataLength: SECTOR_SIZE, flags: DirFlag.DIRECTORY }], new Map([[19, sub]]))));
  assert.deepEqual(findNode(img.tree, 'SUB/BACK')?.children, []);
  assert.deepEqual(findNode(img.tree, 'SUB/SELF')?.children, []);
  assert.equal(codes(img).filter((c) => c === 'DIRECTORY_LOOP').length, 2);
});

test('extents beyond the end: finding, and reading the file fails with TRUNCATED', async () => {
  const img = await openImage(new MemorySource(image([
    { name: 'FAR.BIN;1', lba: 1_000_000, dataLength: 100 },
    { name: 'PARTLY.BIN;1', lba: 31, dataLength: 3 * SECTOR_SIZE },
    { name: 'GONE', lba: 5_000_000, dataLength: SECTOR_SIZE, flags: DirFlag.DIRECTORY },
  ])));
  assert.ok(codes(img).includes('EXTENT_BEYOND_END'));
  const far = findNode(img.tree, 'FAR.BIN');
  assert.equal(far?.size, 100);
  await assert.rejects(async () => {
    for await (const _ of far?.content?.stream() ?? []) { /* drain */ }
  }, (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.TRUNCATED);
  assert.deepEqual(findNode(img.tree, 'GONE')?.children, []);
});

test('absurd directory sizes and record lengths are bounded', async () => {
  const img = await openImage(new MemorySource(image([{ name: 'HUGE', lba: 19, dataLength: 0xffffffff, flags: DirFlag.DIRECTORY }])));
  assert.ok(codes(img).some((c) => c === 'DIRECTORY_TOO_LARGE' || c === 'EXTENT_BEYOND_END'));
  // an invalid record length skips the rest of the sector
  const bytes = image([{ name: 'A;1', lba: 20, dataLength: 1 }]);
  bytes[18 * SECTOR_SIZE + 68] = 33; // third record's length byte (after "." 34 and ".." 34): too short
  const img2 = await openImage(new MemorySource(bytes));
  assert.equal(img2.tree.children?.length, 0);
  assert.ok(codes(img2).includes('DIR_RECORD_LENGTH') || codes(img2).includes('DIR_RECORD_CROSSES_SECTOR'));
});

test('truncated and foreign input: one clear error', async () => {
  const full = image([{ name: 'A;1', lba: 20, dataLength: 1 }]);
  await assert.rejects(openImage(new MemorySource(full.subarray(0, 16 * SECTOR_SIZE + 100))), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.TRUNCATED && /too small/.test(e.message));
  await assert.rejects(openImage(new MemorySource(new Uint8Array(0))), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.NOT_ISO);
  await assert.rejects(openImage(new MemorySource(new Uint8Array(40 * SECTOR_SIZE).fill(0x41))), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.NOT_ISO);
  // cut after the descriptors, before the root directory: the root is unreadable
  await assert.rejects(openImage(new MemorySource(full.subarray(0, 18 * SECTOR_SIZE))), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.CORRUPT);
  // cut inside the file data: readable, with a finding
  const img = await openImage(new MemorySource(full.subarray(0, 19 * SECTOR_SIZE)));
  assert.ok(codes(img).includes('IMAGE_TRUNCATED'));
});

test('strict mode turns findings into errors', async () => {
  const bytes = image([{ name: 'FAR;1', lba: 1_000_000, dataLength: 100 }]);
  await assert.rejects(openImage(new MemorySource(bytes), { strict: true }), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.CORRUPT);
  const ok = await openImage(new MemorySource(image([{ name: 'A;1', lba: 20, dataLength: 1 }])), { strict: true });
  assert.equal(ok.tree.children?.[0]?.name, 'A');
});

/** A virtual source: the first `head` bytes from memory, then zeros up to `byteLength` (no 4.5 GB file). */
function virtualSource(head: Uint8Array, byteLength: number): ByteSource {
  return {
    byteLength,
    name: 'virtual',
    async read(byteOffset, n) {
      const len = Math.max(0, Math.min(n, byteLength - byteOffset));
      const out = new Uint8Array(len);
      if (byteOffset < head.length) out.set(head.subarray(byteOffset, Math.min(head.length, byteOffset + len)));
      return out;
    },
  };
}

test('multi-extent file over 4 GiB: extents concatenated, size exact (no truncation at 4 GiB)', async () => {
  const part = 0xfffff800; // 4 GiB - 2 KiB, as xorriso writes
  const last = 300_000_000;
  const firstLba = 32;
  const secondLba = firstLba + part / SECTOR_SIZE;
  const thirdLba = secondLba + part / SECTOR_SIZE;
  const total = part * 2 + last;
  const head = image([
    { name: 'BIG.BIN;1', lba: firstLba, dataLength: part, flags: DirFlag.MULTI_EXTENT },
    { name: 'BIG.BIN;1', lba: secondLba, dataLength: part, flags: DirFlag.MULTI_EXTENT },
    { name: 'BIG.BIN;1', lba: thirdLba, dataLength: last },
    { name: 'NEXT.TXT;1', lba: 20, dataLength: 5 },
  ]);
  const blocks = thirdLba + Math.ceil(last / SECTOR_SIZE);
  const img = await openImage(virtualSource(head, blocks * SECTOR_SIZE));
  const big = findNode(img.tree, 'BIG.BIN');
  assert.equal(big?.size, total);
  assert.equal(big?.content?.byteLength, total);
  assert.deepEqual(big?.extents?.map((e) => e.lba), [firstLba, secondLba, thirdLba]);
  assert.equal(img.namespaces.iso9660?.level, 3);
  assert.equal(img.tree.children?.length, 2);
  assert.deepEqual(img.findings.filter((f) => f.severity !== 'info' && f.code !== 'IMAGE_TRUNCATED'), []);
  let n = 0;
  for (const _ of walkTree(img.tree)) n++;
  assert.equal(n, 3);
});
