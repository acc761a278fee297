/** MBR structures without external tools: CHS codec, geometry helpers, serialize ↔ parse, fuzzing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Findings, IsoKitError } from '../../src/errors/index.js';
import {
  HYBRID_GEOMETRY, alignToCylinder, classifyMbrBootCode, cylinderPaddingByteLength, diskSignatureFromSeed, hybridGeometry, lbaToChs,
  parseChs, parseMbr, protectiveMbr, serializeMbr, writeChs,
} from '../../src/formats/mbr/index.js';

test('CHS: 3-byte codec is lossless and LBA → CHS follows 64 × 32 geometry', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1023 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 63 }), (cylinder, head, sector) => {
      const b = new Uint8Array(3);
      writeChs(b, 0, { cylinder, head, sector });
      assert.deepEqual(parseChs(b, 0), { cylinder, head, sector });
    }),
  );
  assert.deepEqual(lbaToChs(0), { cylinder: 0, head: 0, sector: 1 });
  assert.deepEqual(lbaToChs(6143), { cylinder: 2, head: 63, sector: 32 }); // as xorriso writes for e3 (3f 20 02)
  assert.deepEqual(lbaToChs(1024 * 2048), { cylinder: 1023, head: 63, sector: 32 });
  assert.equal(alignToCylinder(4044), 4096);
  assert.equal(alignToCylinder(4096), 4096);
  assert.equal(cylinderPaddingByteLength(4044 * 512), 52 * 512);
  assert.deepEqual(hybridGeometry(6144), HYBRID_GEOMETRY);
  assert.deepEqual(hybridGeometry(2254368), { heads: 69, sectorsPerTrack: 32 }); // xorriso, 1.1 GB image
});

test('MBR: serialize → parse → serialize, isohybrid bytes, protective MBR', () => {
  const code = new Uint8Array(432).fill(0x90);
  code.set(new TextEncoder().encode('isolinux.bin missing or corrupt.'), 300);
  const init = {
    bootCode: code,
    isohybridBootImage512Lba: 164,
    diskSignature: 0x624e3853,
    partitions: [{ bootable: true, type: 0x00, startLba: 0, sectorCount: 4096 }, { type: 0xef, startLba: 4096, sectorCount: 2048 }],
  };
  const b = serializeMbr(init);
  assert.deepEqual([b[510], b[511]], [0x55, 0xaa]);
  const f = new Findings();
  const m = parseMbr(b, 0, f, 6144);
  if (!m) throw new Error('no MBR');
  assert.deepEqual(f.list, []);
  assert.equal(m.bootCodeKind, 'isolinux-isohybrid');
  assert.equal(m.isohybridBootImage512Lba, 164);
  assert.equal(m.diskSignature, 0x624e3853);
  assert.deepEqual(m.partitions.map((p) => [p.index, p.status, p.type, p.startLba, p.sectorCount, p.empty]), [
    [1, 0x80, 0, 0, 4096, false], [2, 0, 0xef, 4096, 2048, false], [3, 0, 0, 0, 0, true], [4, 0, 0, 0, 0, true],
  ]);
  assert.deepEqual(m.partitions[1]?.chsStart, { cylinder: 2, head: 0, sector: 1 });
  assert.deepEqual(serializeMbr(m), b);

  const p = parseMbr(protectiveMbr(6292, { extra: [{ bootable: true, type: 0, startLba: 0, sectorCount: 1 }] }), 0, new Findings());
  assert.equal(p?.protective, true);
  assert.deepEqual(p?.partitions.slice(0, 2).map((e) => [e.type, e.startLba, e.sectorCount, e.status]), [[0xee, 1, 6291, 0], [0, 0, 1, 0x80]]);
  assert.equal(classifyMbrBootCode(new Uint8Array(512)), 'empty');
  assert.equal(parseMbr(new Uint8Array(512), 0, new Findings()), undefined, 'no 0x55AA: not an MBR');
});

test('MBR: findings for odd status and ranges past the end; invalid serializer input', () => {
  const b = serializeMbr({ partitions: [{ status: 0x12, type: 0x83, startLba: 2048, sectorCount: 10_000 }] });
  const f = new Findings();
  parseMbr(b, 0, f, 4096);
  assert.deepEqual(f.list.map((x) => [x.code, x.byteOffset]), [['MBR_STATUS', 446], ['MBR_PAST_END', 454]]);
  assert.throws(() => serializeMbr({ partitions: [{ type: 0x83, startLba: 2 ** 32, sectorCount: 1 }] }), IsoKitError);
  assert.throws(() => serializeMbr({ bootCode: new Uint8Array(441), partitions: [] }), IsoKitError);
  assert.throws(() => serializeMbr({ partitions: new Array(5).fill({ type: 1, startLba: 1, sectorCount: 1 }) }), IsoKitError);
  assert.notEqual(diskSignatureFromSeed('1700000000 ISOKIT'), diskSignatureFromSeed('1700000001 ISOKIT'));
  assert.equal(diskSignatureFromSeed('x'), diskSignatureFromSeed('x'));
});

test('fuzz: parseMbr returns or throws IsoKitError only', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), (bytes) => {
      if (bytes.length >= 512) {
        bytes[510] = 0x55;
        bytes[511] = 0xaa;
      }
      try {
        const m = parseMbr(bytes, 0, new Findings(), 1000);
        if (m) assert.equal(serializeMbr(m).length, 512);
      } catch (e) {
        if (!(e instanceof IsoKitError)) throw e;
      }
    }),
    { numRuns: 500 },
  );
});
