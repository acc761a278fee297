/**
 * genisoimage's long symlinks (issue 13 item 4): for a target of ~360 bytes genisoimage 1.1.11 writes an SL
 * entry of more than 255 bytes whose length byte wraps, so the image holds a cut target. isokit reads what
 * xorriso reads: the library tree, `isokit ls -l` (the built CLI, WebAssembly rows included) and
 * `isokit extract` give the targets `xorriso -lsl` lists and `xorriso -osirrox on -extract` restores.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { findNode } from '../../src/model/index.js';
import { openImageFile } from '../../src/node/open-image.js';
import { fixtureImage } from '../helpers/fixtures.js';
import { needTools, runCli, sh, tmpDir } from '../helpers/index.js';
import { parseLsdl } from '../formats/rockridge-walk.js';

test('genisoimage long symlinks read as xorriso reads them (library, ls -l, extract)', async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  const iso = await fixtureImage('genisoimage-long-symlinks');
  const theirs = new Map(parseLsdl(sh('xorriso', ['-indev', iso, '-lsl', '/links'], { stdio: ['ignore', 'pipe', 'ignore'] })).map((l) => [path.basename(l.path), l.target]));
  assert.equal(theirs.size, 8, 'xorriso lists every link');
  assert.ok([...theirs.values()].some((v) => (v?.split('/').length ?? 0) >= 5), 'a cut target still has 5 or more components');

  const image = await openImageFile(iso);
  try {
    for (const [name, target] of theirs) assert.equal(findNode(image.tree, `/links/${name}`)?.symlinkTarget, target, `library: ${name}`);
    assert.ok(image.findings.length > 0, 'the damage is reported');
  } finally {
    await image.source.close?.();
  }

  const ls = runCli(['ls', '-l', iso, '/links']);
  assert.equal(ls.status, 0, ls.stderr);
  const rows = new Map(ls.stdout.trim().split('\n').map((l) => /(\S+) -> (.*)$/.exec(l)).filter((m) => m !== null).map((m) => [m[1] as string, m[2] as string]));
  assert.deepEqual(rows, theirs, 'isokit ls -l');

  const { dir, cleanup } = tmpDir('long-symlinks');
  try {
    const ours = path.join(dir, 'ours');
    const x = runCli(['extract', iso, '-o', ours]);
    assert.equal(x.status, 0, x.stderr);
    const xo = path.join(dir, 'xorriso');
    sh('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/links', xo], { stdio: 'ignore' });
    const names = readdirSync(xo).sort();
    assert.deepEqual(readdirSync(path.join(ours, 'links')).sort(), names);
    for (const n of names) assert.equal(readlinkSync(path.join(ours, 'links', n)), readlinkSync(path.join(xo, n)), `extract: ${n}`);
  } finally {
    cleanup();
  }
});
