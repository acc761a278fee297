/**
 * The Windows media layout (`create --udf-only`, oscdimg -u2): ISO 9660 and Joliet list one README.TXT, UDF
 * holds the whole tree, and the El Torito entries point at the extents the UDF files use (no copy); the UEFI
 * entry (a FAT image holding a GRUB EFI that prints a marker) boots in OVMF as a CD-ROM.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Findings, MemorySource, findNode } from '../../src/index.js';
import { openUdfVolume } from '../../src/read/udf/index.js';
import { BOOT, needTools, runCli, sh, shAsync, tmpDir } from '../helpers/index.js';
import { snapshotDir } from '../helpers/xorriso-compare.js';
import { needBootHarness, stagePayload } from '../boot/helpers.js';
import { buildBytes, dir, file } from './helpers.js';
import { diffMaps, elToritoEntries, filesAndDirs, udfinfo } from './udf-helpers.js';

const tmp = tmpDir('udf-only');
after(() => tmp.cleanup());
const BOOT_CHECK = path.join(BOOT, 'boot-check');

/** The image's ISO 9660 tree as xorriso lists it. */
const xorrisoPaths = (image: string): string[] => sh('xorriso', ['-indev', image, '-find', '/']).split('\n').filter((l) => l.startsWith("'")).map((l) => l.slice(1, -1));

test('udfOnly: ISO 9660 and Joliet hold only the README, UDF the tree; a chosen README text; data stored once, in sort-weight order', async (t) => {
  if (!needTools(t, 'xorriso', 'isoinfo', '7zz', 'udfinfo')) return;
  const bootWim = file('boot.wim', 'boot', { sortWeight: 10 });
  const setup = file('setup.exe', 'MZ setup');
  const tree = dir('WIN', [setup, dir('sources', [file('install.wim', new Uint8Array(100_000).fill(3)), bootWim])]);
  const { bytes, layout } = await buildBytes(tree, { udfOnly: { readme: 'Use a UDF reader.\r\n' } });
  assert.ok((layout.locate(bootWim)?.lba ?? 0) < (layout.locate(setup)?.lba ?? 0), 'sort weights order the UDF files\' data');
  const image = path.join(tmp.dir, 'lib.iso');
  writeFileSync(image, bytes);
  assert.deepEqual(xorrisoPaths(image), ['/', '/README.TXT']);
  assert.equal(sh('isoinfo', ['-i', image, '-J', '-x', '/README.TXT']), 'Use a UDF reader.\r\n');
  assert.deepEqual(sh('isoinfo', ['-i', image, '-J', '-f']).split('\n').filter(Boolean), ['/README.TXT']);
  assert.equal(udfinfo(image).fields.get('udfrev'), '1.02', 'implies UDF 1.02');
  const x = path.join(tmp.dir, 'x-lib');
  sh('7zz', ['x', '-y', '-tudf', `-o${x}`, image]);
  assert.deepEqual([...filesAndDirs(snapshotDir(x)).keys()].sort(), ['setup.exe', 'sources', 'sources/boot.wim', 'sources/install.wim']);
  assert.ok(bytes.length < 100_000 + 600 * 2048, 'install.wim stored once');
});

test('create --udf-only with BIOS + UEFI El Torito: entries point at the UDF files; 7-Zip extracts the tree; UEFI boots in OVMF', { timeout: 300_000 }, async (t) => {
  if (!needTools(t, 'xorriso', '7zz', 'udfinfo', 'qemu-system-x86_64')) return;
  if (!needBootHarness(t)) return;
  const p = stagePayload(path.join(tmp.dir, 'payload'));
  const image = path.join(tmp.dir, 'win.iso');
  const r = runCli(['create', p.all, '-o', image, '-V', 'WINLIKE', '--udf-only', '-b', 'boot/grub/bios.img', '--boot-load-size', '4', '-e', 'images/efiboot.img', '--hide-boot-catalog', '--date', '0']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(xorrisoPaths(image), ['/', '/README.TXT']);
  // no Rock Ridge on the README side (as Microsoft's media): isokit's automatic choice shows the UDF tree
  const ls = runCli(['ls', image, '--json']);
  assert.equal(ls.status, 0, ls.stderr);
  const listed = JSON.parse(ls.stdout) as { namespace?: string; entries: { name: string }[] };
  assert.ok(listed.entries.some((e) => e.name === 'boot') && !listed.entries.some((e) => e.name === 'README.TXT'), ls.stdout.slice(0, 300));
  assert.match(sh('isoinfo', ['-d', '-i', image]), /NO Rock Ridge present/);
  // an unreadable --iso-readme is one usage line
  const bad = runCli(['create', p.all, '-o', path.join(tmp.dir, 'bad.iso'), '--udf-only', '--iso-readme', path.join(tmp.dir, 'missing.txt')]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^isokit: usage error: --iso-readme .*missing\.txt: cannot read it \(no such file\)\n/);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  const x = path.join(tmp.dir, 'x-win');
  sh('7zz', ['x', '-y', '-tudf', `-o${x}`, image]);
  assert.deepEqual(diffMaps('7zz -tudf', filesAndDirs(snapshotDir(p.all)), filesAndDirs(snapshotDir(x))), []);
  // the El Torito images are the UDF files' extents
  const volume = await openUdfVolume(new MemorySource(new Uint8Array(readFileSync(image))), new Findings());
  const root = await volume.readTree();
  const at = (p2: string) => findNode(root, p2)?.extents?.[0]?.lba;
  const entries = elToritoEntries(image);
  assert.deepEqual(entries.map((e) => [e.platform, e.lba]), [['BIOS', at('boot/grub/bios.img')], ['UEFI', at('images/efiboot.img')]]);
  const boot = await shAsync(BOOT_CHECK, [image, '--firmware', 'uefi', '--as', 'cdrom', '--via', 'eltorito', '--expect', 'ISOKIT-BOOT-OK-UEFI', '--timeout', '120']);
  assert.equal(boot.code, 0, boot.output);
});
