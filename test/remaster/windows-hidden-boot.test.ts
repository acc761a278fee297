/**
 * Remaster of Windows-shaped images made by other tools (oscdimg-style: the El Torito images are hidden copies
 * of boot/etfsboot.com and efi/microsoft/boot/efisys.bin, no file of the README-only ISO 9660 tree, and the
 * image has no Rock Ridge, so openImage shows its UDF tree): pycdlib's Windows-shaped recipe and the
 * windows-stick recipe. Checked with xorriso (El Torito entries, locations aside; ISO 9660 side), isoinfo (the
 * README's bytes) and 7-Zip (the UDF tree plus the added file); the new boot images hold the old bytes.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { needTools, runCli, sh, tmpDir } from '../helpers/index.js';
import { recipeImage } from '../helpers/fixtures.js';
import { snapshotDir } from '../helpers/xorriso-compare.js';
import { diffMaps, filesAndDirs } from '../create/udf-helpers.js';
import { pycdlibAvailable } from '../read/udf-reference.js';

const tmp = tmpDir('remaster-hidden-boot');
after(() => tmp.cleanup());
const XML = '<?xml version="1.0"?>\n<unattend xmlns="urn:schemas-microsoft-com:unattend"/>\n';

/** xorriso's El Torito entries: [platform, emulation, load size, LBA] per image */
function entries(image: string): { line: string; lba: number; sectors: number }[] {
  const out = sh('xorriso', ['-indev', image, '-report_el_torito', 'plain']);
  return out.split('\n').filter((l) => l.startsWith('El Torito boot img')).map((l) => {
    const f = l.split(':')[1]!.trim().split(/\s+/);
    return { line: f.slice(0, 7).join(' '), lba: Number(f[7]), sectors: Number(f[6]) };
  });
}

function bytesAt(file: string, byteOffset: number, byteLength: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(byteLength);
    readSync(fd, b, 0, byteLength, byteOffset);
    return b;
  } finally {
    closeSync(fd);
  }
}

function udfTree(image: string, name: string): Map<string, string> {
  const out = path.join(tmp.dir, name);
  sh('7zz', ['x', '-y', '-tudf', `-o${out}`, image]);
  return filesAndDirs(snapshotDir(out));
}

for (const recipe of ['udf-pycdlib-windows', 'windows-stick']) {
  test(`remaster ${recipe} + /autounattend.xml: hidden El Torito images replayed from the UDF files of the same bytes, README-only ISO 9660 kept`, async (t) => {
    if (!needTools(t, 'xorriso', '7zz', 'isoinfo')) return;
    if (recipe === 'udf-pycdlib-windows' && !pycdlibAvailable(t)) return;
    if (recipe === 'windows-stick' && !needTools(t, 'wimlib-imagex', 'grub-mkimage', 'mkfs.fat', 'mcopy', 'openssl')) return;
    const orig = await recipeImage(recipe);
    const xml = path.join(tmp.dir, `${recipe}.xml`);
    writeFileSync(xml, XML);
    const out = path.join(tmp.dir, `${recipe}-re.iso`);
    const r = runCli(['remaster', orig, '-o', out, '--add', `/autounattend.xml=${xml}`, '--date', '1700000000']);
    assert.equal(r.status, 0, r.stderr);
    // the same entries (platform, emulation, load size), and each new boot image holds the old one's bytes
    const before = entries(orig), now = entries(out);
    assert.equal(before.length, 2);
    assert.deepEqual(now.map((e) => e.line), before.map((e) => e.line));
    for (const [i, e] of before.entries()) {
      const n = e.sectors * 512;
      assert.ok(bytesAt(out, now[i]!.lba * 2048, n).equals(bytesAt(orig, e.lba * 2048, n)), `boot image ${i + 1}: same bytes`);
    }
    // ISO 9660: only the README, byte for byte
    const isoFiles = sh('xorriso', ['-indev', out, '-find', '/', '-type', 'f']).split('\n').filter((l) => l.startsWith("'"));
    assert.deepEqual(isoFiles, ["'/README.TXT'"]);
    assert.equal(sh('isoinfo', ['-i', out, '-x', '/README.TXT;1']), sh('isoinfo', ['-i', orig, '-x', '/README.TXT;1']));
    // UDF: the original's tree plus the file (the boot catalog file is regenerated)
    const want = udfTree(orig, `${recipe}-a`), got = udfTree(out, `${recipe}-b`);
    want.set('autounattend.xml', got.get('autounattend.xml') ?? 'missing');
    for (const m of [want, got]) m.delete('boot.cat');
    assert.deepEqual(diffMaps('UDF', want, got), []);
  });
}
