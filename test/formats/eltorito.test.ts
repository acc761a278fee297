/** El Torito structures without external tools: serialize ↔ parse, findings for damage, fuzzing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Findings, IsoKitError } from '../../src/errors/index.js';
import { memorySource } from '../../src/io/index.js';
import { readU16LE, readU32LE } from '../../src/bytes/index.js';
import {
  ElToritoPlatform, bootInfoChecksum, looksLikeBootInfoTable, parseBootCatalog, parseElToritoBootRecord, patchBootInfoTable,
  patchGrub2BootInfo, readGrub2BootInfo, serializeBootCatalog, serializeElToritoBootRecord, sizeOfBootCatalog, type BootCatalogInit,
} from '../../src/formats/eltorito/index.js';
import { serializeMbr } from '../../src/formats/mbr/index.js';
import { readBootCatalog } from '../../src/read/boot.js';

const multi: BootCatalogInit = {
  validation: { platformId: ElToritoPlatform.X86, id: 'ISOKIT' },
  defaultEntry: { sectorCount: 4, loadRba: 41 },
  sections: [
    { platformId: ElToritoPlatform.EFI, id: 'UEFI', entries: [{ sectorCount: 2048, loadRba: 1024 }] },
    {
      platformId: ElToritoPlatform.X86,
      entries: [
        { mediaType: 'floppy-1.44M', sectorCount: 1, loadRba: 50, bootable: false, selectionCriteriaType: 1, selectionCriteria: new Uint8Array(19).fill(7) },
        { mediaType: 'hard-disk', systemType: 0x0c, loadSegment: 0x1000, sectorCount: 1, loadRba: 60, extensions: [new Uint8Array(30).fill(1), new Uint8Array(30).fill(2)] },
      ],
    },
  ],
};

test('boot catalog: serialize → parse → serialize is stable; checksum and headers', () => {
  const b = serializeBootCatalog(multi);
  assert.equal(b.length, 2048);
  assert.equal(sizeOfBootCatalog(multi), 64 + 32 + 32 + 32 + 2 * 32 + 2 * 32);
  let sum = 0;
  for (let i = 0; i < 32; i += 2) sum += readU16LE(b, i);
  assert.equal(sum % 0x10000, 0, 'validation words sum to 0');
  assert.deepEqual([b[30], b[31]], [0x55, 0xaa]);
  const f = new Findings();
  const c = parseBootCatalog(b, 0x1000, f);
  assert.deepEqual(f.list, []);
  assert.equal(c.truncated, false);
  assert.equal(c.validation.id, 'ISOKIT');
  assert.equal(c.defaultEntry.effectiveLoadSegment, 0x7c0);
  assert.deepEqual(c.sections.map((s) => [s.headerIndicator, s.platformId, s.entryCount]), [[0x90, 0xef, 1], [0x91, 0, 2]]);
  const [floppy, hdd] = c.sections[1]?.entries ?? [];
  assert.equal(floppy?.mediaType, 'floppy-1.44M');
  assert.equal(floppy?.bootable, false);
  assert.equal(floppy?.selectionCriteriaType, 1);
  assert.equal(hdd?.mediaType, 'hard-disk');
  assert.equal(hdd?.systemType, 0x0c);
  assert.equal(hdd?.effectiveLoadSegment, 0x1000);
  assert.equal(hdd?.extensions.length, 2);
  assert.equal(hdd?.byteOffset, 0x1000 + 32 * 6);
  assert.deepEqual(serializeBootCatalog(c), b);
});

test('boot catalog: a catalog longer than one sector (many entries)', () => {
  const entries = Array.from({ length: 100 }, (_, i) => ({ sectorCount: 4, loadRba: 100 + i }));
  const b = serializeBootCatalog({ validation: { platformId: 0 }, defaultEntry: { sectorCount: 4, loadRba: 99 }, sections: [{ platformId: 0, entries }] });
  assert.equal(b.length, 4096);
  const f = new Findings();
  const first = parseBootCatalog(b.subarray(0, 2048), 0, f);
  assert.equal(first.truncated, true, 'one sector is not enough');
  const whole = parseBootCatalog(b, 0, f);
  assert.equal(whole.truncated, false);
  assert.equal(whole.sections[0]?.entries.length, 100);
  assert.deepEqual(serializeBootCatalog(whole), b);
});

test('boot catalog: damage becomes findings with byte offsets', () => {
  const good = serializeBootCatalog(multi);
  const bad = good.slice();
  bad[28] = (bad[28] as number) ^ 0xff;
  let f = new Findings();
  parseBootCatalog(bad, 0x8000, f);
  assert.deepEqual(f.list.map((x) => [x.code, x.byteOffset]), [['ELTORITO_CHECKSUM', 0x8000 + 28]]);

  const noKey = good.slice();
  noKey[31] = 0;
  f = new Findings();
  parseBootCatalog(noKey, 0, f);
  assert.deepEqual(f.list.map((x) => x.code).sort(), ['ELTORITO_CHECKSUM', 'ELTORITO_KEY_BYTES']);

  // a section promising 3 entries where 1 follows
  const short = good.slice();
  short[64 + 2] = 3;
  f = new Findings();
  const c = parseBootCatalog(short, 0, f);
  assert.equal(f.list[0]?.code, 'ELTORITO_SECTION_SHORT');
  assert.equal(c.sections[0]?.entries.length, 1);

  assert.throws(() => parseBootCatalog(new Uint8Array(2048), 0x800, new Findings()), (e: unknown) => e instanceof IsoKitError && e.byteOffset === 0x800);
  assert.throws(() => parseBootCatalog(new Uint8Array(10), 0, new Findings()), IsoKitError);
});

test('boot catalog: bare entries without a section header are kept (pycdlib BUGS item 4)', () => {
  const b = serializeBootCatalog({ validation: { platformId: 0 }, defaultEntry: { sectorCount: 4, loadRba: 41 } });
  // append an EFI-like entry with no section header
  b[64] = 0x88;
  b.set([0x00, 0x08], 64 + 6);
  b.set([0x00, 0x04, 0, 0], 64 + 8);
  const f = new Findings();
  const c = parseBootCatalog(b, 0, f);
  assert.deepEqual(f.list.map((x) => [x.code, x.byteOffset]), [['ELTORITO_BARE_ENTRY', 64]]);
  assert.equal(c.sections[0]?.bare, true);
  assert.equal(c.sections[0]?.entries[0]?.loadRba, 1024);
  assert.equal(c.sections[0]?.entries[0]?.sectorCount, 2048);
});

test('boot record volume descriptor: serialize ↔ parse', () => {
  const s = serializeElToritoBootRecord(0x1234);
  const r = parseElToritoBootRecord(s, 17 * 2048, new Findings());
  assert.deepEqual(r, { bootSystemId: 'EL TORITO SPECIFICATION', bootId: '', isElTorito: true, catalogLba: 0x1234 });
  const other = s.slice();
  other.set(new TextEncoder().encode('OTHER BOOT'), 7);
  other.fill(0, 17, 39);
  assert.equal(parseElToritoBootRecord(other, 0, new Findings())?.isElTorito, false);
  assert.equal(parseElToritoBootRecord(new Uint8Array(2048), 0, new Findings()), undefined);
});

test('boot info table and GRUB2 boot info: patch the copy, checksum from byte 64', () => {
  const img = new Uint8Array(5000);
  for (let i = 0; i < img.length; i++) img[i] = (i * 31) % 251;
  const copy = img.slice();
  patchBootInfoTable(copy, { pvdLba: 16, imageLba: 41 });
  assert.deepEqual([readU32LE(copy, 8), readU32LE(copy, 12), readU32LE(copy, 16)], [16, 41, 5000]);
  assert.equal(readU32LE(copy, 20), bootInfoChecksum(copy));
  assert.deepEqual(copy.subarray(64), img.subarray(64), 'only bytes 8..63 change');
  assert.equal(looksLikeBootInfoTable(copy, 41, 1 << 20), true);
  assert.equal(looksLikeBootInfoTable(copy, 42, 1 << 20), false);
  assert.equal(looksLikeBootInfoTable(img, 41, 1 << 20), false);
  // a trailing partial word counts as zero-padded
  assert.equal(bootInfoChecksum(Uint8Array.from([...new Array(64).fill(0), 1, 0, 0, 0, 2])), 3);
  patchGrub2BootInfo(copy, 41 * 4);
  assert.equal(readGrub2BootInfo(copy), 41 * 4 + 5);
  assert.throws(() => patchGrub2BootInfo(new Uint8Array(100), 1), IsoKitError);
  assert.throws(() => patchBootInfoTable(new Uint8Array(10), { pvdLba: 16, imageLba: 1 }), IsoKitError);
});

/** A tiny image: boot record at 17, catalog at 20, images after. */
function tinyImage(init: BootCatalogInit, images: [number, Uint8Array][]): Uint8Array {
  const img = new Uint8Array(2048 * 64);
  img.set(serializeElToritoBootRecord(20), 17 * 2048);
  img.set(serializeBootCatalog(init), 20 * 2048);
  for (const [lba, bytes] of images) img.set(bytes, lba * 2048);
  return img;
}

test('readBootCatalog: length from hard-disk MBR, floppy size, load size', async () => {
  const hddMbr = serializeMbr({ partitions: [{ bootable: true, type: 0x06, startLba: 63, sectorCount: 2000 }] });
  const img = tinyImage(
    {
      validation: { platformId: 0 },
      defaultEntry: { mediaType: 'hard-disk', systemType: 0x06, sectorCount: 1, loadRba: 30 },
      sections: [{ platformId: 0, entries: [{ mediaType: 'floppy-2.88M', sectorCount: 1, loadRba: 40 }, { sectorCount: 7, loadRba: 50 }] }],
    },
    [[30, hddMbr]],
  );
  const f = new Findings();
  const info = await readBootCatalog(memorySource(img), img.subarray(17 * 2048, 18 * 2048), f);
  assert.deepEqual(info?.images.map((i) => [i.lengthSource, i.byteLength]), [
    ['mbr-partition', (63 + 2000) * 512],
    ['floppy', 2_949_120],
    ['load-size', 7 * 512],
  ]);
  // the hard-disk image and the floppy run past the 128 KiB test image
  assert.deepEqual(f.list.map((x) => x.code), ['ELTORITO_IMAGE_PAST_END', 'ELTORITO_IMAGE_PAST_END']);
});

test('fuzz: parseBootCatalog / readBootCatalog return or throw IsoKitError only', async () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 4096 }), fc.boolean(), (bytes, validHeader) => {
      if (validHeader && bytes.length > 32) bytes[0] = 1;
      try {
        parseBootCatalog(bytes, 0, new Findings());
      } catch (e) {
        if (!(e instanceof IsoKitError)) throw e;
      }
    }),
    { numRuns: 500 },
  );
  const base = tinyImage(multi, []);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 17 * 2048, max: 21 * 2048 - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }), async (muts) => {
      const img = base.slice();
      for (const [o, v] of muts) img[o] = v;
      try {
        await readBootCatalog(memorySource(img), img.subarray(17 * 2048, 18 * 2048), new Findings());
      } catch (e) {
        if (!(e instanceof IsoKitError)) throw e;
      }
    }),
    { numRuns: 300 },
  );
});
