/**
 * `isokit create --udf [--udf-rev REV]` through the built CLI: 7-Zip extracts the source folder from the UDF
 * side byte for byte, udfinfo sees the revision asked for, SOURCE_DATE_EPOCH makes two runs identical, the
 * dry run's exact size is the written size, and bad revisions are usage errors.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { needTools, runCli, tmpDir } from '../helpers/index.js';
import { snapshotDir } from '../helpers/xorriso-compare.js';
import { diffMaps, filesAndDirs, udfinfo } from '../create/udf-helpers.js';
import { sh } from '../helpers/index.js';

function sourceFolder(root: string): string {
  const src = path.join(root, 'src');
  mkdirSync(path.join(src, 'sources/deep/er'), { recursive: true });
  writeFileSync(path.join(src, 'setup.exe'), Buffer.alloc(70_000, 0x4d));
  writeFileSync(path.join(src, 'sources/deep/er/Naïve file — long name that Joliet would cut somewhere past sixty-four characters.txt'), 'n\n');
  writeFileSync(path.join(src, 'sources/日本語.txt'), 'ja\n');
  writeFileSync(path.join(src, 'empty'), '');
  symlinkSync('setup.exe', path.join(src, 'link'));
  return src;
}

test('create --udf-rev 1.02/2.01/2.50: 7-Zip extracts the folder from UDF, udfinfo agrees, SOURCE_DATE_EPOCH reproduces the bytes', async (t) => {
  if (!needTools(t, '7zz', 'udfinfo')) return;
  const { dir: work, cleanup } = tmpDir('cli-udf');
  try {
    const src = sourceFolder(work);
    const want = filesAndDirs(snapshotDir(src));
    for (const rev of ['1.02', '2.01', '2.50']) {
      const out = path.join(work, `u${rev}.iso`);
      const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
      const r = runCli(['create', src, '-o', out, '-V', 'WIN_LIKE', '--udf-rev', rev], { env });
      assert.equal(r.status, 0, r.stderr);
      const x = path.join(work, `x${rev}`);
      sh('7zz', ['x', '-y', '-tudf', `-o${x}`, out]);
      assert.deepEqual(diffMaps('7zz', want, filesAndDirs(snapshotDir(x))), []);
      const info = udfinfo(out);
      assert.equal(info.fields.get('udfrev'), rev);
      assert.equal(info.fields.get('integrity'), 'closed');
      assert.equal(info.fields.get('label'), 'WIN_LIKE');
      const again = path.join(work, `again${rev}.iso`);
      assert.equal(runCli(['create', src, '-o', again, '-V', 'WIN_LIKE', '--udf-rev', rev], { env }).status, 0);
      const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
      assert.equal(sha(again), sha(out), `${rev}: same bytes with SOURCE_DATE_EPOCH`);
    }
  } finally {
    cleanup();
  }
});

test('create --udf --dry-run --json: the exact size before the first byte, the UDF regions and revision', () => {
  const { dir: work, cleanup } = tmpDir('cli-udf');
  try {
    const src = sourceFolder(work);
    const r = runCli(['create', src, '--udf', '--dry-run', '--json', '--date', '0']);
    assert.equal(r.status, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { byteLength: number; udf: string; regions: { name: string; lba: number }[] };
    assert.equal(plan.udf, '1.02');
    assert.equal(plan.regions.find((x) => x.name === 'udf-anchor')?.lba, 256);
    const out = path.join(work, 'u.iso');
    assert.equal(runCli(['create', src, '--udf', '-o', out, '--date', '0']).status, 0);
    assert.equal(statSync(out).size, plan.byteLength);
  } finally {
    cleanup();
  }
});

test('create: --udf-rev must be 1.02, 2.01 or 2.50; --udf-special-files and --iso-large-files leave-out need --udf', () => {
  const r = runCli(['create', '.', '-o', '/dev/null', '--udf-rev', '2.60']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--udf-rev must be 1\.02, 2\.01, 2\.50/);
  const s = runCli(['create', '.', '-o', '/dev/null', '--udf-special-files']);
  assert.equal(s.status, 2);
  assert.match(s.stderr, /needs --udf/);
  const l = runCli(['create', '.', '-o', '/dev/null', '--iso-large-files', 'leave-out']);
  assert.equal(l.status, 2);
  assert.match(l.stderr, /--iso-large-files leave-out needs --udf/);
});
