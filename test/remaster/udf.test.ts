/**
 * `isokit remaster` keeps UDF:
 * - a Windows-shaped original (README-only ISO 9660, the tree in UDF 1.02, El Torito BIOS + UEFI with the UEFI
 *   image a FAT image holding a GRUB EFI that prints a marker) + `--add /autounattend.xml=FILE`: the same El
 *   Torito entries (`xorriso -report_el_torito plain`, locations aside), the same README-only ISO 9660 side, 7-Zip's
 *   UDF tree equal to the original's plus the file, and the UEFI entry boots in OVMF;
 * - a bridge image (UDF 2.01 beside Rock Ridge): the revision is kept, the added file is in both trees.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { BOOT, needTools, runCli, sh, shAsync, tmpDir } from '../helpers/index.js';
import { snapshotDir } from '../helpers/xorriso-compare.js';
import { needBootHarness, maskedReport, stagePayload } from '../boot/helpers.js';
import { diffMaps, filesAndDirs, udfinfo } from '../create/udf-helpers.js';

const tmp = tmpDir('remaster-udf');
after(() => tmp.cleanup());
const BOOT_CHECK = path.join(BOOT, 'boot-check');
const XML = '<?xml version="1.0"?>\n<unattend xmlns="urn:schemas-microsoft-com:unattend"/>\n';
const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

const xorrisoPaths = (image: string): string[] => sh('xorriso', ['-indev', image, '-find', '/']).split('\n').filter((l) => l.startsWith("'")).map((l) => l.slice(1, -1));

function udfTree(image: string, name: string): Map<string, string> {
  const out = path.join(tmp.dir, name);
  sh('7zz', ['x', '-y', '-tudf', `-o${out}`, image]);
  return filesAndDirs(snapshotDir(out));
}

test('remaster a Windows-shaped UDF image + /autounattend.xml: same El Torito, README-only ISO 9660, UDF tree + the file, UEFI boots', { timeout: 300_000 }, async (t) => {
  if (!needTools(t, 'xorriso', '7zz', 'udfinfo', 'qemu-system-x86_64')) return;
  if (!needBootHarness(t)) return;
  const p = stagePayload(path.join(tmp.dir, 'payload'));
  const orig = path.join(tmp.dir, 'win.iso');
  const c = runCli(['create', p.all, '-o', orig, '-V', 'CCCOMA_X64FRE', '--udf-only', '-b', 'boot/grub/bios.img', '--boot-load-size', '4', '-e', 'images/efiboot.img', '--hide-boot-catalog', '--date', '1700000000']);
  assert.equal(c.status, 0, c.stderr);
  const xml = path.join(tmp.dir, 'autounattend.xml');
  writeFileSync(xml, XML);
  const out = path.join(tmp.dir, 'win-out.iso');
  const r = runCli(['remaster', orig, '-o', out, '--add', `/autounattend.xml=${xml}`]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /UDF 1\.02 \(the tree only in UDF/);
  // El Torito: the same entries, locations aside
  assert.deepEqual(maskedReport(out), maskedReport(orig));
  // ISO 9660: still only the README, with the same text
  assert.deepEqual(xorrisoPaths(out), ['/', '/README.TXT']);
  assert.equal(sh('isoinfo', ['-i', out, '-x', '/README.TXT;1']), sh('isoinfo', ['-i', orig, '-x', '/README.TXT;1']));
  // UDF: the original's tree plus the file
  const want = udfTree(orig, 'x-orig');
  want.set('autounattend.xml', sha(XML));
  assert.deepEqual(diffMaps('7zz -tudf', want, udfTree(out, 'x-out')), []);
  const info = udfinfo(out);
  assert.deepEqual([info.fields.get('udfrev'), info.fields.get('integrity'), info.fields.get('label')], ['1.02', 'closed', 'CCCOMA_X64FRE']);
  const boot = await shAsync(BOOT_CHECK, [out, '--firmware', 'uefi', '--as', 'cdrom', '--via', 'eltorito', '--expect', 'ISOKIT-BOOT-OK-UEFI', '--timeout', '120']);
  assert.equal(boot.code, 0, boot.output);
});

test('remaster a UDF 2.01 bridge: the revision is kept, the added file is in the Rock Ridge and the UDF tree', (t) => {
  if (!needTools(t, 'xorriso', '7zz', 'udfinfo')) return;
  const src = path.join(tmp.dir, 'bridge-src');
  mkdirSync(path.join(src, 'docs'), { recursive: true });
  writeFileSync(path.join(src, 'docs/a.txt'), 'a\n');
  writeFileSync(path.join(src, 'b.bin'), Buffer.alloc(9000, 1));
  const orig = path.join(tmp.dir, 'bridge.iso');
  assert.equal(runCli(['create', src, '-o', orig, '--udf-rev', '2.01', '--date', '0']).status, 0);
  const add = path.join(tmp.dir, 'new.txt');
  writeFileSync(add, 'new\n');
  const out = path.join(tmp.dir, 'bridge-out.iso');
  const r = runCli(['remaster', orig, '-o', out, '--add', `/docs/new.txt=${add}`, '--rm', '/b.bin']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(udfinfo(out).fields.get('udfrev'), '2.01');
  const udf = udfTree(out, 'x-bridge');
  assert.deepEqual([...udf.keys()].sort(), ['docs', 'docs/a.txt', 'docs/new.txt']);
  assert.equal(udf.get('docs/new.txt'), sha(readFileSync(add)));
  assert.deepEqual(xorrisoPaths(out), ['/', '/docs', '/docs/a.txt', '/docs/new.txt']);
});

test('remaster a Windows-shaped image without Rock Ridge (Joliet + ISO 9660 + UDF, as Microsoft writes them): it stays README-only', (t) => {
  if (!needTools(t, 'xorriso', '7zz', 'isoinfo')) return;
  const src = path.join(tmp.dir, 'win-norr');
  mkdirSync(path.join(src, 'sources'), { recursive: true });
  writeFileSync(path.join(src, 'setup.exe'), 'MZ');
  writeFileSync(path.join(src, 'sources/install.wim'), Buffer.alloc(50_000, 5));
  const orig = path.join(tmp.dir, 'win-norr.iso');
  assert.equal(runCli(['create', src, '-o', orig, '--udf-only', '--no-rock-ridge', '--date', '0']).status, 0);
  const xml = path.join(tmp.dir, 'auto2.xml');
  writeFileSync(xml, XML);
  const out = path.join(tmp.dir, 'win-norr-out.iso');
  const r = runCli(['remaster', orig, '-o', out, '--add', `/autounattend.xml=${xml}`]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(sh('isoinfo', ['-i', out, '-J', '-f']).split('\n').filter(Boolean), ['/README.TXT']);
  assert.deepEqual([...udfTree(out, 'x-norr').keys()].sort(), ['autounattend.xml', 'setup.exe', 'sources', 'sources/install.wim']);
});
