/** GPT structures without external tools: GUID text, header/array CRCs, whole-table serializer, fuzzing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Findings, IsoKitError } from '../../src/errors/index.js';
import { crc32 } from '../../src/bytes/index.js';
import { memorySource } from '../../src/io/index.js';
import {
  GptType, formatGuid, guidFromSeed, parseGptHeader, parseGptPartitionArray, parseGuid, serializeGpt, volumeDateGuid,
} from '../../src/formats/gpt/index.js';
import { protectiveMbr } from '../../src/formats/mbr/index.js';
import { readPartitionTables } from '../../src/read/partitions.js';

test('GUID: mixed-endian text ↔ bytes', () => {
  const b = parseGuid(GptType.EFI_SYSTEM);
  assert.equal(Buffer.from(b).toString('hex'), '28732ac11ff8d211ba4b00a0c93ec93b'); // as xorriso prints it
  assert.equal(formatGuid(b), GptType.EFI_SYSTEM);
  fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => assert.deepEqual(parseGuid(formatGuid(bytes)), bytes)));
  assert.throws(() => parseGuid('not-a-guid'), IsoKitError);
  const g = guidFromSeed('1700000000 ISOKIT', 1);
  assert.equal(formatGuid(g)[14], '4', 'version 4');
  assert.ok('89AB'.includes(formatGuid(g)[19] as string), 'RFC 4122 variant');
  assert.notEqual(formatGuid(g), formatGuid(guidFromSeed('1700000000 ISOKIT', 2)));
  assert.equal(formatGuid(volumeDateGuid('2023111422132000')), '33323032-3131-4431-B230-303231333230');
});

function disk(sectors = 8192): { bytes: Uint8Array; gpt: ReturnType<typeof serializeGpt> } {
  const gpt = serializeGpt({
    diskGuid: guidFromSeed('disk'),
    diskSectorCount: sectors,
    partitions: [
      { typeGuid: GptType.EFI_SYSTEM, uniqueGuid: guidFromSeed('disk', 1), firstLba: 2048, lastLba: 4095, name: 'EFI system partition' },
      { typeGuid: GptType.LINUX_FS, uniqueGuid: guidFromSeed('disk', 2), firstLba: 4096, lastLba: sectors - 34, attributes: '0x8000000000000004', name: 'root ü' },
    ],
  });
  const bytes = new Uint8Array(sectors * 512);
  bytes.set(protectiveMbr(sectors), 0);
  bytes.set(gpt.primary, gpt.primaryByteOffset);
  bytes.set(gpt.backup, gpt.backupByteOffset);
  return { bytes, gpt };
}

test('GPT: serializeGpt → readPartitionTables: CRCs, backup, entries', async () => {
  const { bytes, gpt } = disk();
  assert.equal(gpt.backupByteOffset, (8192 - 33) * 512);
  const f = new Findings();
  const pt = await readPartitionTables(memorySource(bytes), f);
  assert.deepEqual(f.list, []);
  assert.deepEqual(pt.kinds, ['mbr', 'gpt']);
  const g = pt.gpt;
  if (!g) throw new Error('no GPT');
  assert.equal(g.header.headerCrcOk, true);
  assert.equal(g.arrayCrcOk, true);
  assert.equal(g.backup.status, 'ok');
  assert.deepEqual([g.header.firstUsableLba, g.header.lastUsableLba, g.header.alternateLba], [34, 8192 - 34, 8191]);
  assert.deepEqual(g.partitions.map((p) => [p.index, p.typeName, p.firstLba, p.sectorCount, p.name, p.attributes, p.legacyBiosBootable]), [
    [1, 'EFI System', 2048, 2048, 'EFI system partition', '0x0000000000000000', false],
    [2, 'Linux filesystem', 4096, 8192 - 34 - 4096 + 1, 'root ü', '0x8000000000000004', true],
  ]);
  assert.equal(g.partitions[0]?.startByteOffset, 2048 * 512);
  const arr = parseGptPartitionArray(bytes.subarray(1024, 1024 + 128 * 128), 128, 128, 1024);
  assert.equal(crc32(bytes.subarray(1024, 1024 + 128 * 128)), gpt.arrayCrc32);
  assert.equal(arr.length, 2);
});

test('GPT: serializer rejects overlaps, out-of-range partitions and tiny disks', () => {
  const p = (firstLba: number, lastLba: number) => ({ typeGuid: GptType.BASIC_DATA, uniqueGuid: guidFromSeed('x', firstLba), firstLba, lastLba });
  assert.throws(() => serializeGpt({ diskGuid: guidFromSeed('x'), diskSectorCount: 4096, partitions: [p(100, 200), p(200, 300)] }), /overlap/);
  assert.throws(() => serializeGpt({ diskGuid: guidFromSeed('x'), diskSectorCount: 4096, partitions: [p(0, 200)] }), /outside/);
  assert.throws(() => serializeGpt({ diskGuid: guidFromSeed('x'), diskSectorCount: 40, partitions: [] }), /too small/);
  assert.doesNotThrow(() => serializeGpt({ diskGuid: guidFromSeed('x'), diskSectorCount: 4096, partitions: [p(0, 4095), p(100, 200)], allowOverlap: true }));
  assert.throws(() => serializeGpt({ diskGuid: guidFromSeed('x'), diskSectorCount: 4096, partitions: [{ ...p(100, 200), name: 'x'.repeat(37) }] }), IsoKitError);
});

test('GPT faults on a synthetic disk: header CRC, array CRC, entry past the end, backup mismatch', async () => {
  const { bytes } = disk();
  const run = async (b: Uint8Array) => {
    const f = new Findings();
    const pt = await readPartitionTables(memorySource(b), f);
    return { pt, codes: f.list.map((x) => [x.code, x.byteOffset]) };
  };
  const h = bytes.slice();
  h[512 + 40] = 99; // first usable LBA, CRC stale
  assert.deepEqual((await run(h)).codes.slice(0, 1), [['GPT_HEADER_CRC', 512 + 16]]);
  const a = bytes.slice();
  a[1024 + 128 + 60] ^= 1;
  assert.deepEqual((await run(a)).codes, [['GPT_ARRAY_CRC', 1024]]);
  const cut = bytes.slice(0, 6000 * 512);
  const c = await run(cut);
  assert.deepEqual(c.codes, [['GPT_ENTRY_PAST_END', 1024 + 128 + 40], ['GPT_BACKUP_OUTSIDE', 512 + 32]]);
  const m = bytes.slice();
  m[m.length - 512 + 8] = 2; // backup revision changed: its CRC breaks
  assert.equal((await run(m)).pt.gpt?.backup.status, 'bad-crc');
  assert.equal(parseGptHeader(new Uint8Array(512), 512, new Findings()), undefined);
});

test('fuzz: GPT header/array parsing and readPartitionTables return or throw IsoKitError only', async () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 92, maxLength: 512 }), (bytes) => {
      bytes.set(new TextEncoder().encode('EFI PART'), 0);
      parseGptHeader(bytes, 512, new Findings());
      parseGptPartitionArray(bytes, 1000, 128, 0);
    }),
    { numRuns: 500 },
  );
  const { bytes } = disk(8192);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 1024 + 128 * 4 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }), async (muts) => {
      const b = bytes.slice();
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
