/**
 * extract of a UDF image whose directory entry cannot be read (its File Entry block overwritten): the entry
 * and what is below it are not extracted, and that is said — exit 1, one error line, `unlisted` in --json —
 * instead of a silent exit 0 (7-Zip fails on the same image too).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, copyFileSync, existsSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { needTools, runCli, tmpDir } from '../helpers/index.js';
import { recipeImage } from '../helpers/fixtures.js';
import { pycdlibAvailable } from '../read/udf-reference.js';
import { spawnSync } from 'node:child_process';

test('extract: a UDF directory entry whose File Entry is destroyed → exit 1, "not extracted" line, unlisted in --json', async (t) => {
  if (!needTools(t, '7zz') || !pycdlibAvailable(t)) return;
  const orig = await recipeImage('udf-pycdlib-windows');
  const { dir, cleanup } = tmpDir('extract-udf-damage');
  try {
    const ls = JSON.parse(runCli(['ls', '--json', '--namespace', 'udf', orig]).stdout) as { entries: { name: string; ino: number }[] };
    const boot = ls.entries.find((e) => e.name === 'boot');
    assert.ok(boot, 'a boot folder');
    const bad = path.join(dir, 'bad.iso');
    copyFileSync(orig, bad);
    const fd = openSync(bad, 'r+');
    writeSync(fd, Buffer.alloc(2048), 0, 2048, boot.ino * 2048); // the File Entry's block (ino = its sector)
    closeSync(fd);
    // an independent reader does not read it cleanly either
    assert.notEqual(spawnSync('7zz', ['x', '-y', '-tudf', `-o${path.join(dir, 'x7')}`, bad], { stdio: 'ignore' }).status, 0);
    const out = path.join(dir, 'x');
    const r = runCli(['extract', bad, '-o', out]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^isokit: error: 1 directory entry could not be read from the image and was not extracted \(first: "boot" is not listed: /);
    assert.equal(existsSync(path.join(out, 'boot')), false);
    assert.equal(existsSync(path.join(out, 'bootmgr')), true, 'the rest is extracted');
    const j = runCli(['extract', '--json', bad, '-o', path.join(dir, 'xj')]);
    assert.equal(j.status, 1);
    const s = JSON.parse(j.stdout) as { ok: boolean; unlisted: { message: string; byteOffset: number }[] };
    assert.equal(s.ok, false);
    assert.equal(s.unlisted.length, 1);
    assert.equal(s.unlisted[0]!.byteOffset, boot.ino * 2048);
    // the undamaged image: exit 0, no unlisted
    const good = runCli(['extract', '--json', orig, '-o', path.join(dir, 'xg')]);
    assert.equal(good.status, 0, good.stderr);
    assert.equal((JSON.parse(good.stdout) as { unlisted?: unknown }).unlisted, undefined);
  } finally {
    cleanup();
  }
});
