/**
 * readBootCatalog against images built by xorriso / isohybrid with the boot harness layouts and grub-rescue-cdrom.iso:
 * field-by-field comparison with `xorriso -report_el_torito plain`, catalog and boot-record round trips,
 * boot info table / GRUB2 boot info re-patching, and injected faults.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { Findings } from '../../src/errors/index.js';
import { memorySource } from '../../src/io/index.js';
import {
  parseBootCatalog, patchBootInfoTable, patchGrub2BootInfo, serializeBootCatalog, serializeElToritoBootRecord,
} from '../../src/formats/eltorito/index.js';
import { readBootCatalog, type BootCatalogInfo } from '../../src/read/boot.js';
import { needFiles, needTools } from '../helpers/index.js';
import { FIXTURE_TOOLS, GRUB_RESCUE, bootFixtureDir, fixture, haveGrubRescue, readFixture, xorrisoReport, type Layout } from './boot-fixtures.js';

const EL_TORITO_LAYOUTS: Layout[] = ['a', 'b1', 'b2', 'c', 'd', 'e1', 'e2', 'e3', 'u'];
const PLATFORM: Record<string, string> = { BIOS: 'x86', UEFI: 'efi', PPC: 'powerpc', Mac: 'mac' };

async function read(bytes: Uint8Array, findings = new Findings()): Promise<BootCatalogInfo> {
  const info = await readBootCatalog(memorySource(bytes), bytes.subarray(17 * 2048, 18 * 2048), findings);
  if (!info) throw new Error('expected an El Torito catalog');
  return info;
}

function compareWithXorriso(file: string, info: BootCatalogInfo): void {
  const x = xorrisoReport(file);
  assert.equal(info.catalogLba, x.catalogLba, 'catalog LBA');
  assert.equal(info.images.length, x.images.length, 'entry count');
  for (const xi of x.images) {
    const ours = info.images[xi.n - 1];
    assert.ok(ours, `image ${xi.n}`);
    const at = `${path.basename(file)} image ${xi.n}`;
    assert.equal(ours.platform, PLATFORM[xi.platform], `${at} platform`);
    assert.equal(ours.bootable, xi.bootable, `${at} bootable`);
    assert.equal(ours.emulation === 'no-emulation' ? 'none' : ours.emulation, xi.emul, `${at} emulation`);
    assert.equal(ours.entry.loadSegment, xi.ldSeg, `${at} load segment`);
    assert.equal(ours.entry.systemType, xi.hdpt, `${at} system type`);
    assert.equal(ours.entry.sectorCount, xi.ldsiz, `${at} load size`);
    assert.equal(ours.lba, xi.lba, `${at} LBA`);
    assert.equal(ours.bootInfoTable !== undefined, xi.opts.includes('boot-info-table'), `${at} boot-info-table`);
    if (ours.bootInfoTable) assert.equal(ours.bootInfoTable.checksumOk, true, `${at} boot info checksum`);
    assert.equal(ours.grub2BootInfo, xi.opts.includes('grub2-boot-info'), `${at} grub2-boot-info`);
    assert.equal(ours.isohybridSignature, xi.opts.includes('isohybrid-suitable'), `${at} isohybrid-suitable`);
    // xorriso reports the extent of an interval-backed image (appended partition) in 2048-byte blocks
    if (xi.blks !== undefined) assert.equal(ours.byteLength, xi.blks * 2048, `${at} real length`);
  }
}

test('El Torito: readBootCatalog matches xorriso -report_el_torito on the reference layouts', { timeout: 180_000 }, async (t) => {
  if (!needTools(t, ...FIXTURE_TOOLS)) return;
  const efiBytes = statSync(path.join(bootFixtureDir(), 'efiboot.img')).size;
  for (const layout of EL_TORITO_LAYOUTS) {
    const file = fixture(layout);
    const findings = new Findings();
    const info = await read(readFixture(file), findings);
    compareWithXorriso(file, info);
    assert.deepEqual(findings.list.filter((f) => f.severity !== 'info'), [], `${layout}: no findings`);
    for (const img of info.images) {
      if (img.platform === 'efi') {
        assert.equal(img.lengthSource, 'fat', `${layout}: EFI image sized from its FAT BPB`);
        assert.equal(img.byteLength, efiBytes, `${layout}: EFI image length = efiboot.img size`);
      } else {
        assert.equal(img.lengthSource, 'boot-info-table', `${layout}: BIOS image sized from its boot info table`);
      }
    }
  }
});

test('El Torito: grub-rescue-cdrom.iso matches xorriso', { timeout: 60_000 }, async (t) => {
  if (!needTools(t, 'xorriso')) return;
  if (!needFiles(t, 'grub-rescue-pc', GRUB_RESCUE)) return;
  const info = await read(readFixture(GRUB_RESCUE));
  compareWithXorriso(GRUB_RESCUE, info);
  assert.equal(info.images[0]?.grub2BootInfo, true);
});

test('El Torito: serialize(parse(catalog)) and the boot record reproduce the bytes xorriso wrote', { timeout: 180_000 }, async (t) => {
  if (!needTools(t, ...FIXTURE_TOOLS)) return;
  const files = EL_TORITO_LAYOUTS.map(fixture);
  if (haveGrubRescue()) files.push(GRUB_RESCUE);
  for (const file of files) {
    const bytes = readFixture(file);
    const info = await read(bytes);
    const sector = bytes.subarray(info.catalogByteOffset, info.catalogByteOffset + 2048);
    const parsed = parseBootCatalog(sector, info.catalogByteOffset, new Findings());
    assert.deepEqual(serializeBootCatalog(parsed), sector, `${path.basename(file)}: catalog round trip`);
    assert.deepEqual(serializeElToritoBootRecord(info.catalogLba), bytes.subarray(17 * 2048, 18 * 2048), `${path.basename(file)}: boot record`);
  }
});

test('El Torito: re-patching boot info table and GRUB2 boot info reproduces the image copies', { timeout: 180_000 }, async (t) => {
  if (!needTools(t, ...FIXTURE_TOOLS)) return;
  for (const layout of ['a', 'c', 'e2'] as const) {
    const bytes = readFixture(fixture(layout));
    const img = (await read(bytes)).images[0];
    if (!img?.bootInfoTable) throw new Error(`${layout}: no boot info table`);
    const original = bytes.slice(img.byteOffset, img.byteOffset + img.byteLength);
    const copy = original.slice();
    copy.fill(0, 8, 64);
    if (img.grub2BootInfo) copy.fill(0, 2548, 2556);
    // GRUB2 boot info first: xorriso's boot info checksum covers it
    if (img.grub2BootInfo) patchGrub2BootInfo(copy, img.lba * 4);
    patchBootInfoTable(copy, { pvdLba: 16, imageLba: img.lba, imageByteLength: img.byteLength });
    assert.deepEqual(copy, original, `${layout}: patched copy equals xorriso's`);
  }
});

test('El Torito faults: checksum, key bytes, catalog and image outside the image', { timeout: 180_000 }, async (t) => {
  if (!needTools(t, ...FIXTURE_TOOLS)) return;
  const clean = readFixture(fixture('e1'));
  const cat = (await read(clean)).catalogByteOffset;

  const badSum = clean.slice();
  badSum[cat + 4] = 0x41; // id string byte: checksum no longer sums to 0
  let f = new Findings();
  await read(badSum, f);
  assert.deepEqual(f.list.map((x) => [x.code, x.byteOffset]), [['ELTORITO_CHECKSUM', cat + 28]]);

  const noKey = clean.slice();
  noKey[cat + 30] = 0;
  noKey[cat + 31] = 0;
  f = new Findings();
  await read(noKey, f);
  assert.deepEqual(f.list.map((x) => x.code).sort(), ['ELTORITO_CHECKSUM', 'ELTORITO_KEY_BYTES']);
  assert.equal(f.list.find((x) => x.code === 'ELTORITO_KEY_BYTES')?.byteOffset, cat + 30);

  const farCatalog = clean.slice();
  farCatalog.set([0xff, 0xff, 0xff, 0x00], 17 * 2048 + 71);
  f = new Findings();
  assert.equal(await readBootCatalog(memorySource(farCatalog), farCatalog.subarray(17 * 2048, 18 * 2048), f), undefined);
  assert.equal(f.list[0]?.code, 'ELTORITO_CATALOG_OUTSIDE');
  assert.equal(f.list[0]?.byteOffset, 17 * 2048 + 71);

  const farImage = clean.slice();
  farImage.set([0x00, 0x00, 0xff, 0x00], cat + 32 + 8); // default entry load RBA
  f = new Findings();
  const info = await read(farImage, f);
  assert.equal(info.images[0]?.lba, 0xff0000);
  assert.deepEqual(f.list.map((x) => [x.code, x.byteOffset]), [['ELTORITO_IMAGE_OUTSIDE', cat + 40]]);

  await assert.rejects(read(clean, new Findings(true)).then(() => read(badSum, new Findings(true))), /checksum/);
});

test('El Torito: fileExtents give the file length and path', { timeout: 180_000 }, async (t) => {
  if (!needTools(t, ...FIXTURE_TOOLS)) return;
  const bytes = readFixture(fixture('e3'));
  const plain = await read(bytes);
  const efi = plain.images.find((i) => i.platform === 'efi');
  if (!efi) throw new Error('no EFI entry');
  const extents = [
    { lba: efi.lba, byteLength: 123456, path: '/images/efiboot.img' },
    { lba: plain.catalogLba, byteLength: 2048, path: '/isolinux/boot.cat' },
  ];
  const info = await readBootCatalog(memorySource(bytes), bytes.subarray(17 * 2048, 18 * 2048), new Findings(), extents);
  const e = info?.images.find((i) => i.platform === 'efi');
  assert.equal(e?.lengthSource, 'file');
  assert.equal(e?.byteLength, 123456);
  assert.equal(e?.path, '/images/efiboot.img');
  assert.equal(info?.catalogPath, '/isolinux/boot.cat');
});
