/** Apple Partition Map parsing on synthetic maps (512- and 2048-byte blocks) and fuzzing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Findings, IsoKitError } from '../../src/errors/index.js';
import { writeU16BE, writeU32BE, writeStrA } from '../../src/bytes/index.js';
import { memorySource } from '../../src/io/index.js';
import { parseApmDriverDescriptor, parseApmEntry } from '../../src/formats/apm/index.js';
import { readPartitionTables } from '../../src/read/partitions.js';

function apmImage(blockSize: number, entries: [string, string, number, number][]): Uint8Array {
  const b = new Uint8Array(64 * 1024);
  b.set([0x45, 0x52], 0);
  writeU16BE(b, 2, blockSize);
  writeU32BE(b, 4, b.length / blockSize);
  entries.forEach(([name, type, start, count], i) => {
    const o = blockSize * (i + 1);
    b.set([0x50, 0x4d], o);
    writeU32BE(b, o + 4, entries.length);
    writeU32BE(b, o + 8, start);
    writeU32BE(b, o + 12, count);
    writeStrA(b, o + 16, 32, name, 0);
    writeStrA(b, o + 48, 32, type, 0);
  });
  return b;
}

test('APM: entries at 2048- and 512-byte blocks', async () => {
  for (const bs of [2048, 512]) {
    const img = apmImage(bs, [['Apple', 'Apple_partition_map', 1, 3], ['EFI', 'Apple_HFS', 16, 8], ['ISO', 'Apple_Free', 24, 8]]);
    assert.equal(parseApmDriverDescriptor(img)?.blockSize, bs);
    const f = new Findings();
    const pt = await readPartitionTables(memorySource(img), f);
    assert.deepEqual(f.list, []);
    assert.equal(pt.apm?.blockSize, bs);
    assert.deepEqual(pt.apm?.entries.map((e) => [e.index, e.name, e.type, e.startBlock, e.blockCount, e.startByteOffset]), [
      [1, 'Apple', 'Apple_partition_map', 1, 3, bs], [2, 'EFI', 'Apple_HFS', 16, 8, 16 * bs], [3, 'ISO', 'Apple_Free', 24, 8, 24 * bs],
    ]);
    assert.deepEqual(pt.kinds, ['apm']);
  }
});

test('APM: a map entry missing its signature is a finding; "ER" alone is not a map', async () => {
  const img = apmImage(2048, [['Apple', 'Apple_partition_map', 1, 3], ['A', 'Apple_HFS', 16, 8], ['B', 'Apple_HFS', 24, 8]]);
  img[3 * 2048] = 0;
  const f = new Findings();
  const pt = await readPartitionTables(memorySource(img), f);
  assert.equal(pt.apm?.entries.length, 2);
  assert.deepEqual(f.list.map((x) => [x.code, x.byteOffset]), [['APM_ENTRY_MISSING', 3 * 2048]]);
  const er = new Uint8Array(40000);
  er.set([0x45, 0x52, 0x08, 0x00], 0);
  assert.equal((await readPartitionTables(memorySource(er), new Findings())).apm, undefined);
  assert.equal(parseApmEntry(new Uint8Array(10), 0, 1, 512, 0), undefined);
});

test('fuzz: APM parsing returns or throws IsoKitError only', async () => {
  const base = apmImage(512, [['Apple', 'Apple_partition_map', 1, 2], ['X', 'Apple_HFS', 4, 4]]);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 1600 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }), async (muts) => {
      const b = base.slice();
      for (const [o, v] of muts) b[o] = v;
      try {
        await readPartitionTables(memorySource(b), new Findings());
      } catch (e) {
        if (!(e instanceof IsoKitError)) throw e;
      }
    }),
    { numRuns: 300 },
  );
});
