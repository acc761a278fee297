/**
 * `isokit remaster` from the command line (runs bin/isokit.js → dist/: `npm run build` first): --dry-run
 * --json shows the plan and writes nothing; a real run writes the edited image atomically; misuse and bad
 * edits end with one line and the right exit code, leaving no output behind.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openImageFile } from '../../src/node/open-image.js';
import { findNode } from '../../src/model/index.js';
import { needTools, runCli, tmpDir } from '../helpers/index.js';
import { GRUB_RESCUE } from './helpers.js';

const tmp = tmpDir('remaster-cli');
after(() => tmp.cleanup());

function input(t: import('node:test').TestContext): string | undefined {
  if (existsSync(GRUB_RESCUE)) return GRUB_RESCUE;
  if (process.env.CI === 'true') throw new Error(`${GRUB_RESCUE} missing (apt-get install grub-rescue-pc)`);
  t.skip('grub-rescue-pc not installed');
  return undefined;
}

test('remaster --dry-run --json shows what is replayed and copied, writes nothing', (t) => {
  const iso = input(t);
  if (!iso) return;
  const out = path.join(tmp.dir, 'dry.iso');
  const r = runCli(['remaster', iso, '-o', out, '--add', `/isokit/x.txt=${writeText('x.txt', 'x\n')}`, '--rm', '/boot/grub/fonts', '--dry-run', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.ok, true);
  assert.equal(j.dryRun, true);
  assert.deepEqual(j.plan.boot.entries.map((e: { platform: string; image: string }) => `${e.platform} ${e.image}`), ['bios file /boot/grub/i386-pc/eltorito.img']);
  assert.equal(j.plan.boot.systemArea.style, 'grub2');
  assert.equal(j.plan.boot.systemArea.mbr, 'protective-msdos-label');
  assert.deepEqual(j.plan.edits.map((e: { op: string; path: string }) => `${e.op} ${e.path}`), ['remove /boot/grub/fonts', 'add /isokit']);
  assert.equal(j.layout.copiedFromOriginal.files, j.plan.files.kept);
  assert.equal(j.layout.fromEdits.files, 1);
  assert.ok(j.byteLength > 0 && j.byteLength % 2048 === 0);
  assert.equal(existsSync(out), false);
  const text = runCli(['remaster', iso, '--dry-run']);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /system area: grub2 boot code \(432 bytes kept\), MBR protective-msdos-label/);
  assert.match(text.stdout, /copied as ranges of the original/);
});

function writeText(name: string, text: string): string {
  const p = path.join(tmp.dir, name);
  writeFileSync(p, text);
  return p;
}

test('remaster writes the edited image; -V relabels', async (t) => {
  const iso = input(t);
  if (!iso || !needTools(t, 'xorriso')) return;
  const out = path.join(tmp.dir, 'out.iso');
  const r = runCli(['remaster', iso, '-o', out, '--add', `/isokit/y.txt=${writeText('y.txt', 'why\n')}`, '-V', 'RELABELED', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const img = await openImageFile(out);
  try {
    assert.equal(img.volume.volumeId, 'RELABELED');
    assert.equal(findNode(img.tree, '/isokit/y.txt')?.size, 4);
    assert.equal(img.bootCatalog?.images[0]?.path, '/boot/grub/i386-pc/eltorito.img');
  } finally {
    await img.source.close?.();
  }
  assert.deepEqual(readdirSync(tmp.dir).filter((n) => n.endsWith('.partial')), []);
});

test('remaster misuse and bad edits: one line, exit 2 / 1, no output left', (t) => {
  const iso = input(t);
  if (!iso) return;
  const out = path.join(tmp.dir, 'bad.iso');
  const cases: [string[], number, RegExp][] = [
    [['remaster', iso], 2, /needs -o/],
    [['remaster', '-o', out], 2, /needs an input image/],
    [['remaster', iso, '-o', iso], 2, /is the input image/],
    [['remaster', iso, '-o', out, '--rm', '/no/such'], 1, /\/no is not in the image/],
    [['remaster', iso, '-o', out, '--rm', '/boot/grub/i386-pc/eltorito.img'], 2, /El Torito boot image 1/],
    [['remaster', iso, '-o', out, '--add', '/boot.catalog=' + writeText('c.txt', 'c')], 2, /boot catalog/],
    [['remaster', path.join(tmp.dir, 'missing.iso'), '-o', out], 1, /no such file/],
  ];
  for (const [args, code, re] of cases) {
    const r = runCli(args);
    assert.equal(r.status, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(existsSync(out), false);
  }
});

test('remaster with SOURCE_DATE_EPOCH or --date is reproducible: added files get their times clamped as create clamps them', async () => {
  const src = path.join(tmp.dir, 'repro-src');
  mkdirSync(src, { recursive: true });
  writeFileSync(path.join(src, 'old.txt'), 'old\n');
  const base = path.join(tmp.dir, 'repro-base.iso');
  const epoch = '1700000000';
  assert.equal(runCli(['create', src, '-o', base], { env: { SOURCE_DATE_EPOCH: epoch } }).status, 0);
  const run = (n: number, how: 'env' | 'date') => {
    // a freshly written file each time: its mtime and ctime are now (and differ between the runs)
    const added = path.join(tmp.dir, `added-${how}-${n}`);
    mkdirSync(added, { recursive: true });
    writeFileSync(path.join(added, 'new.txt'), 'new\n');
    utimesSync(path.join(added, 'new.txt'), new Date(Date.now() + n * 60_000), new Date(Date.now() + n * 60_000));
    const out = path.join(tmp.dir, `repro-${how}-${n}.iso`);
    const r = how === 'env'
      ? runCli(['remaster', base, '-o', out, '--add', `/add=${added}`], { env: { SOURCE_DATE_EPOCH: epoch } })
      : runCli(['remaster', base, '-o', out, '--add', `/add=${added}`, '--date', '2023-11-14T22:13:20Z'], { env: { SOURCE_DATE_EPOCH: '' } });
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(out);
  };
  for (const how of ['env', 'date'] as const) {
    const first = run(1, how);
    const second = run(2, how);
    assert.ok(first.equals(second), `${how}: two remasters with a freshly written added file give the same bytes`);
  }
  const img = await openImageFile(path.join(tmp.dir, 'repro-env-1.iso'));
  try {
    const n = findNode(img.tree, '/add/new.txt');
    assert.equal(n?.mtimeMs, Number(epoch) * 1000, 'the added file is clamped to SOURCE_DATE_EPOCH');
    assert.equal(n?.ctimeMs, Number(epoch) * 1000);
  } finally {
    await img.source.close?.();
  }
});
