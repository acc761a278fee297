/**
 * `isokit mkisofs -udf` (genisoimage's option): a UDF 1.02 bridge whose UDF tree 7-Zip reads exactly as it
 * reads genisoimage's own `-R -J -udf` image of the same folder; udfinfo agrees on the revision and counts.
 * (Symbolic links aside: genisoimage writes them into UDF as empty files, isokit leaves them out.)
 * `-allow-limited-size` (implies -udf) and `-udf-symlinks` reach the writer's options.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { needTools, runCli, sh, tmpDir } from '../helpers/index.js';
import { snapshotDir } from '../helpers/xorriso-compare.js';
import { diffMaps, filesAndDirs, udfinfo } from '../create/udf-helpers.js';

function source(root: string): void {
  mkdirSync(path.join(root, 'sources/sub'), { recursive: true });
  writeFileSync(path.join(root, 'README.TXT'), 'readme\n');
  writeFileSync(path.join(root, 'sources/install.bin'), Buffer.alloc(300_000, 7));
  writeFileSync(path.join(root, 'sources/sub/a file with spaces.txt'), 'a\n');
  writeFileSync(path.join(root, 'sources/Ünïcode.txt'), 'u\n');
  symlinkSync('README.TXT', path.join(root, 'link'));
}

test('isokit mkisofs -R -J -udf: 7-Zip reads the same UDF tree as from genisoimage -R -J -udf; udfinfo agrees', (t) => {
  if (!needTools(t, '7zz', 'udfinfo', 'genisoimage')) return;
  const { dir, cleanup } = tmpDir('mkisofs-udf');
  try {
    const src = path.join(dir, 'src');
    source(src);
    const ours = path.join(dir, 'ours.iso');
    const r = runCli(['mkisofs', '-R', '-J', '-udf', '-V', 'UDFVOL', '-o', ours, src], { env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } });
    assert.equal(r.status, 0, r.stderr);
    const theirs = path.join(dir, 'theirs.iso');
    sh('genisoimage', ['-quiet', '-R', '-J', '-udf', '-V', 'UDFVOL', '-o', theirs, src]);
    const extract = (iso: string) => {
      const out = path.join(dir, `x-${path.basename(iso)}`);
      sh('7zz', ['x', '-y', '-tudf', `-o${out}`, iso]);
      return filesAndDirs(snapshotDir(out));
    };
    const want = extract(theirs);
    assert.ok(want.has('sources/sub/a file with spaces.txt'), 'genisoimage wrote the UDF tree');
    // genisoimage records a symbolic link as an empty regular file in UDF; isokit leaves it out (as from Joliet)
    assert.equal(want.get('link'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    want.delete('link');
    assert.deepEqual(diffMaps('isokit vs genisoimage (7zz -tudf)', want, extract(ours)), []);
    const a = udfinfo(ours), b = udfinfo(theirs);
    assert.equal(a.fields.get('udfrev'), '1.02');
    assert.equal(a.fields.get('udfrev'), b.fields.get('udfrev'));
    assert.equal(a.fields.get('numdirs'), b.fields.get('numdirs'));
    assert.equal(a.fields.get('integrity'), 'closed');
    assert.equal(a.fields.get('label'), 'UDFVOL');
  } finally {
    cleanup();
  }
});

test('mkisofs --print-request: -udf, -allow-limited-size (implies -udf) and -udf-symlinks', () => {
  const req = (args: string[]) => {
    const r = runCli(['mkisofs', '--print-request', ...args, 'dir']);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { udf: boolean; allowLimitedSize: boolean; udfSymlinks: boolean };
  };
  assert.deepEqual([req([]).udf, req(['-udf']).udf, req(['-UDF']).udf], [false, true, true]);
  const limited = req(['-allow-limited-size']);
  assert.deepEqual([limited.udf, limited.allowLimitedSize], [true, true]);
  assert.equal(req(['-udf', '-udf-symlinks']).udfSymlinks, true);
  const dvd = runCli(['mkisofs', '-dvd-video', 'dir']);
  assert.equal(dvd.status, 1);
  assert.match(dvd.stderr, /-dvd-video/);
});
