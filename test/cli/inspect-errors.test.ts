/** info / ls / cat / extract on bad input: one line on stderr, the right exit code, never a stack trace. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, openSync, readFileSync, closeSync, ftruncateSync, writeFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fixtureImage } from '../helpers/fixtures.js';
import { spawnSync } from 'node:child_process';
import { BIN, needTools, runCli, tmpDir, type RunResult } from '../helpers/index.js';

function oneLineError(r: RunResult, status: number, re?: RegExp): void {
  assert.equal(r.status, status, `exit code (stderr: ${r.stderr})`);
  assert.ok(!r.stderr.includes('    at '), `stack trace in stderr: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0] as string, /^isokit: (usage )?error: /);
  if (re) assert.match(r.stderr, re);
}

test('bad IMAGE arguments', () => {
  const { dir, cleanup } = tmpDir('bad');
  try {
    const garbage = path.join(dir, 'garbage.iso');
    writeFileSync(garbage, new Uint8Array(300_000).map((_, i) => (i * 7919) % 251));
    const empty = path.join(dir, 'empty.iso');
    writeFileSync(empty, '');
    for (const cmd of [['info'], ['ls'], ['cat', '_', 'x'], ['extract', '_', '-o', path.join(dir, 'out')]]) {
      const withImage = (img: string) => cmd.map((a) => (a === '_' ? img : a)).concat(cmd.length === 1 ? [img] : []);
      oneLineError(runCli(withImage(path.join(dir, 'missing.iso'))), 1, /missing\.iso: no such file/);
      oneLineError(runCli(withImage(dir)), 2, /is a directory/);
      oneLineError(runCli(withImage(garbage)), 1);
      oneLineError(runCli(withImage(empty)), 1);
    }
    oneLineError(runCli(['ls', '--bogus', 'x.iso']), 2, /unknown option '--bogus'/);
    oneLineError(runCli(['extract', 'x.iso']), 2, /-o DIR/);
    oneLineError(runCli(['ls', '--namespace', 'udfx', 'x.iso']), 2, /--namespace/);
    oneLineError(runCli(['cat', 'x.iso']), 2);
    // --json errors are one JSON object on stdout
    const j = runCli(['info', '--json', path.join(dir, 'missing.iso')]);
    assert.equal(j.status, 1);
    assert.equal((JSON.parse(j.stdout) as { error: { code: string } }).error.code, 'NOT_FOUND');
  } finally {
    cleanup();
  }
});

test('truncated image, missing PATH, cat of a directory, existing files', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const iso = await fixtureImage('xorriso-rr');
  const { dir, cleanup } = tmpDir('bad');
  try {
    // Cut inside the file data: metadata readable, some content is not.
    const cut = path.join(dir, 'cut.iso');
    copyFileSync(iso, cut);
    const fd = openSync(cut, 'r+');
    ftruncateSync(fd, 220_000); // the volume is ~300 KB; metadata sits in its first ~130 KB
    closeSync(fd);
    const info = runCli(['info', cut]);
    if (info.status === 0) assert.match(info.stdout, /Findings:\s+[1-9]/, 'truncation reported as a finding');
    else oneLineError(info, 1);
    // Extraction goes on past the unreadable files, then fails naming them (after one "note" line for the
    // device nodes and FIFOs it skipped).
    const x = runCli(['extract', cut, '-o', path.join(dir, 'cutout')]);
    oneLineError({ ...x, stderr: x.stderr.split('\n').filter((l) => !l.startsWith('isokit: note: skipped')).join('\n') }, 1, /could not be read from the image .*ends at byte 220000/);
    assert.ok(existsSync(path.join(dir, 'cutout/DIR1/A.DAT')), 'readable files extracted');
    assert.ok(!existsSync(path.join(dir, 'cutout/DIR1/SUB/BIG.BIN')), 'no partial file left');
    // Much shorter: not even the volume descriptors.
    const tiny = path.join(dir, 'tiny.iso');
    writeFileSync(tiny, readFileSync(iso).subarray(0, 40_000));
    oneLineError(runCli(['ls', tiny]), 1);

    oneLineError(runCli(['ls', iso, '/no/such/path']), 1, /no\/such\/path: no such file or directory in the image/);
    oneLineError(runCli(['cat', iso, '/posix']), 2, /is a directory/);
    oneLineError(runCli(['cat', iso, '/nope']), 1, /nope/);
    oneLineError(runCli(['extract', iso, 'nope/*.txt', '-o', path.join(dir, 'o')]), 1, /matches/);

    const out = path.join(dir, 'out');
    mkdirSync(out);
    writeFileSync(path.join(out, 'README.TXT'), 'mine');
    oneLineError(runCli(['extract', iso, 'README.TXT', '-o', out]), 1, /README\.TXT already exists \(use --overwrite/);
    assert.equal(readFileSync(path.join(out, 'README.TXT'), 'utf8'), 'mine');
    assert.equal(runCli(['extract', iso, 'README.TXT', '-o', out, '--overwrite']).status, 0);
    assert.equal(readFileSync(path.join(out, 'README.TXT'), 'utf8'), 'hello\n');
    assert.deepEqual(readdirSync(out), ['README.TXT']);
  } finally {
    cleanup();
  }
});

test('cat streams file bytes; follows symlinks inside the image; EPIPE is quiet', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const iso = await fixtureImage('xorriso-rr');
  const r = runCli(['cat', iso, '/DIR1/SUB/BIG.BIN']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdoutBytes.length, 70000);
  assert.ok(r.stdoutBytes.every((b) => b === 0x7a));
  assert.equal(runCli(['cat', iso, 'posix/rel-link']).stdout, 'target data\n');
  // A reader that goes away early (| head) is not an error: exit 0, nothing on stderr.
  const p = spawnSync('bash', ['-c', `set -o pipefail; ISOKIT_NO_PROGRESS=1 node "$0" cat "$1" /DIR1/SUB/BIG.BIN | head -c 10 >/dev/null`, BIN, iso]);
  assert.equal(p.status, 0, String(p.stderr));
  assert.equal(String(p.stderr), '');
});

test('extract --boot-images saves each boot image at its real length', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const iso = await fixtureImage('eltorito');
  const { dir, cleanup } = tmpDir('boot');
  try {
    const r = runCli(['extract', iso, '-o', path.join(dir, 'files'), '--boot-images', path.join(dir, 'boot'), '--json']);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { bootImages: { path: string; byteLength: number; platform: string }[] };
    assert.ok(s.bootImages.length >= 1);
    const info = JSON.parse(runCli(['info', '--json', iso]).stdout) as { boot: { images: { index: number; platform: string; byteLength: number; path?: string }[] } };
    for (const b of info.boot.images) {
      const file = path.join(dir, 'boot', `boot-${b.index}-${b.platform}.img`);
      assert.ok(existsSync(file), file);
      assert.equal(statSync(file).size, b.byteLength);
      // a boot image that is also a file in the tree has the same bytes as that file
      if (b.path) assert.deepEqual(readFileSync(file), readFileSync(path.join(dir, 'files', b.path)));
    }
  } finally {
    cleanup();
  }
});
