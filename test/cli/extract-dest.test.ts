/**
 * `isokit extract -o DIR` where DIR cannot be made: the error names the real cause (read-only file system,
 * permission denied), not Node's recursive-mkdir "no such file or directory"; a missing chain of folders is
 * still made.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { needTools, runCli, sh, tmpDir } from '../helpers/index.js';

test('extract -o into a folder that cannot be created: one line naming EROFS / EACCES, exit 1; a missing chain is made', (t) => {
  if (!needTools(t, 'genisoimage')) return;
  const { dir, cleanup } = tmpDir('extract-dest');
  const locked = path.join(dir, 'locked');
  let mounted = false;
  try {
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src', 'a.txt'), 'a\n');
    const iso = path.join(dir, 'a.iso');
    sh('genisoimage', ['-quiet', '-R', '-o', iso, path.join(dir, 'src')], { stdio: 'pipe' });
    mkdirSync(locked);
    if (process.getuid?.() === 0) {
      // root ignores modes: a read-only tmpfs instead
      mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', locked]).status === 0;
      if (!mounted) return t.skip('root without mount(8): cannot make an unwritable folder');
    } else chmodSync(locked, 0o555);
    const r = runCli(['extract', iso, '-o', path.join(locked, 'x', 'y')]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^isokit: error: .*locked\/x\/y: .*(EROFS|read-only file system|EACCES|permission denied)/i);
    assert.doesNotMatch(r.stderr, /no such file or directory/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    const ok = runCli(['extract', iso, '-o', path.join(dir, 'new', 'a', 'b')]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(readFileSync(path.join(dir, 'new', 'a', 'b', 'a.txt'), 'utf8'), 'a\n');
    assert.ok(!existsSync(path.join(locked, 'x')));
  } finally {
    if (mounted) spawnSync('umount', [locked]);
    else if (existsSync(locked)) chmodSync(locked, 0o755);
    cleanup();
  }
});
