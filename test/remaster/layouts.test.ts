/**
 * Remastering real hybrid layouts (xorriso-built b2/e1/e2/e3 from the boot payload, and Debian's grub-rescue
 * image): xorriso's El Torito and system-area reports of the remaster equal the original's field by field
 * (locations and GUIDs masked), every untouched file extracts byte-identical, the added file is there, the
 * removed one is gone, and the plan shows unchanged files stored as byte ranges of the original.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { needTools, tmpDir } from '../helpers/index.js';
import { bootToolsPresent, stagePayload, type Payload } from '../boot/helpers.js';
import { bootReport, buildLayout, compareExtracts, GRUB_RESCUE, remaster, writeText, type LayoutName } from './helpers.js';

const tmp = tmpDir('remaster-layouts');
let P: Payload | undefined;
before(() => {
  if (bootToolsPresent()) P = stagePayload(path.join(tmp.dir, 'payload'));
});
after(() => tmp.cleanup());

function ready(t: import('node:test').TestContext): Payload | undefined {
  if (!needTools(t, 'xorriso')) return undefined;
  if (!P) {
    if (process.env.CI === 'true') throw new Error('boot payload missing (../shared/boot)');
    t.skip('boot payload tools missing');
  }
  return P;
}

const ADDED = 'remastered by isokit\n';

const cases: { name: LayoutName; removed: string; bootImages: string[]; catalog: string; entries: string[]; style: string; appended: number }[] = [
  { name: 'b2', removed: '/boot/grub/bios.img', bootImages: ['/isolinux/isolinux.bin'], catalog: '/isolinux/boot.cat', entries: ['bios'], style: 'isohybrid isohybrid none', appended: 0 },
  { name: 'e1', removed: '/boot/grub/bios.img', bootImages: ['/isolinux/isolinux.bin'], catalog: '/isolinux/boot.cat', entries: ['bios', 'efi'], style: 'isohybrid isohybrid isohybrid', appended: 1 },
  { name: 'e2', removed: '/isolinux/cat.c32', bootImages: ['/boot/grub/bios.img'], catalog: '/boot.catalog', entries: ['bios', 'efi'], style: 'grub2 protective-gpt protective', appended: 1 },
  { name: 'e3', removed: '/boot/grub/bios.img', bootImages: ['/isolinux/isolinux.bin'], catalog: '/isolinux/boot.cat', entries: ['bios', 'efi'], style: 'isohybrid isohybrid isohybrid', appended: 0 },
];

for (const c of cases) {
  test(`layout ${c.name}: boot records replayed, files byte-identical, ranges copied`, { timeout: 120_000 }, async (t) => {
    const p = ready(t);
    if (!p) return;
    const orig = buildLayout(c.name, p.all, path.join(tmp.dir, `${c.name}.iso`));
    const out = path.join(tmp.dir, `${c.name}-out.iso`);
    const src = writeText(path.join(tmp.dir, `${c.name}-added.txt`), ADDED);
    const r = await remaster(orig, out, [{ dest: '/isokit/added.txt', path: src }], [c.removed]);
    assert.deepEqual(r.plan.boot.entries.map((e) => e.platform), c.entries);
    const sa = r.plan.boot.systemArea;
    assert.equal(`${sa.style} ${sa.mbr} ${sa.gpt}`, c.style);
    assert.equal(sa.appendedPartitions.length, c.appended);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(bootReport(out), bootReport(orig));
    compareExtracts(orig, out, path.join(tmp.dir, `${c.name}-x`), { added: { '/isokit/added.txt': ADDED }, removed: [c.removed], bootImages: c.bootImages, catalog: c.catalog });
    // every kept file is a range of the original (no extraction); only the added file and the catalog are new
    const kept = r.plan.files.kept;
    assert.ok(kept >= 8, `kept ${kept}`);
    assert.deepEqual(r.layout.copiedFromOriginal, { files: kept, bytes: r.plan.files.keptBytes, ranges: kept });
    assert.deepEqual(r.layout.fromEdits, { files: 1, bytes: ADDED.length });
    assert.deepEqual(r.layout.rewritten, { files: 0, bytes: 0 });
    assert.equal(r.layout.generated.files, 1);
    assert.equal(r.layout.appendedPartitionBytes, c.appended ? 1 << 20 : 0);
  });
}

test('grub-rescue-cdrom.iso: add a file; El Torito and system area as before; files byte-identical', { timeout: 120_000 }, async (t) => {
  if (!needTools(t, 'xorriso')) return;
  if (!existsSync(GRUB_RESCUE)) {
    if (process.env.CI === 'true') throw new Error(`${GRUB_RESCUE} missing (apt-get install grub-rescue-pc)`);
    t.skip('grub-rescue-pc not installed');
    return;
  }
  const out = path.join(tmp.dir, 'grub-rescue-out.iso');
  const src = writeText(path.join(tmp.dir, 'rescue-added.txt'), ADDED);
  const r = await remaster(GRUB_RESCUE, out, [{ dest: '/isokit/added.txt', path: src }]);
  const sa = r.plan.boot.systemArea;
  assert.equal(`${sa.style} ${sa.mbr} ${sa.gpt}`, 'grub2 protective-msdos-label none');
  assert.deepEqual(r.plan.boot.entries.map((e) => `${e.platform} ${e.image} ${e.bootInfoTable} ${e.grub2BootInfo}`), ['bios file /boot/grub/i386-pc/eltorito.img true true']);
  const report = bootReport(out);
  assert.deepEqual(report, bootReport(GRUB_RESCUE));
  assert.ok(report.includes('System area summary: MBR protective-msdos-label grub2-mbr cyl-align-off'), report.join('\n'));
  compareExtracts(GRUB_RESCUE, out, path.join(tmp.dir, 'rescue-x'), {
    added: { '/isokit/added.txt': ADDED }, removed: [], bootImages: ['/boot/grub/i386-pc/eltorito.img'], catalog: '/boot.catalog',
  });
  assert.equal(r.layout.copiedFromOriginal.files, r.plan.files.kept);
  assert.ok(r.plan.files.kept > 200);
});
