import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { runCli, tmpDir, IN_CI } from '../helpers/index.js';

const RESCUE = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';

test('extract --boot-images DIR alone saves the boot image at its real length (no -o needed)', (t) => {
  if (!existsSync(RESCUE)) {
    if (IN_CI) throw new Error(`${RESCUE} missing under CI (package grub-rescue-pc)`);
    t.skip('grub-rescue-pc not installed');
    return;
  }
  const { dir, cleanup } = tmpDir('bootimg');
  try {
    const info = JSON.parse(runCli(['info', RESCUE, '--json']).stdout);
    const entries = info.boot?.images ?? [];
    assert.ok(entries.length >= 1, 'the rescue image has a boot entry');
    const r = runCli(['extract', RESCUE, '--boot-images', dir, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.files, 0, 'nothing but boot images was extracted');
    assert.equal(out.bootImages.length, entries.length);
    for (const b of out.bootImages) {
      assert.equal(path.dirname(b.path), dir);
      assert.equal(statSync(b.path).size, b.byteLength);
      assert.ok(b.byteLength > 2048, 'real length, not the 2 KiB load size');
    }
  } finally {
    cleanup();
  }
});
