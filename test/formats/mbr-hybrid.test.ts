/** isohybridMbr / protectiveMbr reproduce the MBRs xorriso and isohybrid wrote, byte for byte. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Findings } from '../../src/errors/index.js';
import { isohybridMbr, parseMbr, protectiveMbr } from '../../src/formats/mbr/index.js';
import { needTools } from '../helpers/index.js';
import { FIXTURE_TOOLS, GRUB_HYBRID_MBR, ISOHDPFX, fixture, readFixture, type Layout } from '../read/boot-fixtures.js';

const mbrOf = (l: Layout) => {
  const sector = readFixture(fixture(l)).subarray(0, 512);
  const m = parseMbr(sector, 0, new Findings());
  if (!m) throw new Error(`${l}: no MBR`);
  return { sector, m };
};

test('isohybridMbr reproduces b1 (isohybrid), b2, e1 (appended ESP), e3 and u (nested ESP)', { timeout: 180_000 }, (t) => {
  if (!needTools(t, ...FIXTURE_TOOLS)) return;
  const template = new Uint8Array(readFileSync(ISOHDPFX));
  for (const layout of ['b1', 'b2', 'e1', 'e3', 'u'] as const) {
    const { sector, m } = mbrOf(layout);
    const [p1, p2] = m.partitions;
    if (!p1 || !p2 || m.isohybridBootImage512Lba === undefined) throw new Error(`${layout}: unexpected MBR`);
    const mine = isohybridMbr({
      bootCode: template,
      bootImage512Lba: m.isohybridBootImage512Lba,
      isoSectorCount: p1.sectorCount,
      diskSignature: m.diskSignature,
      isoPartitionType: p1.type,
      ...(p2.empty ? {} : { efiPartition: { startLba: p2.startLba, sectorCount: p2.sectorCount, nested: p2.startLba < p1.sectorCount } }),
    });
    assert.deepEqual(mine, sector, `${layout}: hybrid MBR`);
  }
});

test('protectiveMbr with GRUB2 boot code reproduces e2 (grub-mkrescue style)', { timeout: 180_000 }, (t) => {
  if (!needTools(t, ...FIXTURE_TOOLS)) return;
  const { sector, m } = mbrOf('e2');
  const mine = protectiveMbr(readFixture(fixture('e2')).length / 512, {
    bootCode: new Uint8Array(readFileSync(GRUB_HYBRID_MBR)).subarray(0, 432),
    isohybridBootImage512Lba: m.isohybridBootImage512Lba ?? 0,
    diskSignature: m.diskSignature,
    extra: [{ bootable: true, type: 0, startLba: 0, sectorCount: 1 }],
  });
  assert.deepEqual(mine, sector);
});
