/**
 * Review of `write` on Windows media (issue 16): the JSON summary describes what was done (a Windows stick,
 * not the "stop" an El-Torito-only head alone would get), and the Windows-stick options are refused — not
 * silently ignored — when the image turns out not to be Windows install media (as with --mode raw).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { needTools, runCli, sh, tmpDir } from '../helpers/index.js';
import { recipeImage } from '../helpers/fixtures.js';

test('write --json of Windows media: inspection.decision is "windows" and its message says what is built', async (t) => {
  if (!needTools(t, 'wimlib-imagex', 'grub-mkimage', 'mkfs.fat', 'mcopy', 'mmd', 'openssl', 'sfdisk')) return;
  const iso = await recipeImage('windows-stick');
  const { dir, cleanup } = tmpDir('winopts');
  try {
    const img = path.join(dir, 'stick.img');
    const r = runCli(['write', iso, img, '--yes', '--json', '--no-verify']);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { ok: boolean; inspection: { kind: string; decision: string; message: string }; windows?: object };
    assert.equal(s.ok, true);
    assert.ok(s.windows, 'a windows object');
    assert.equal(s.inspection.decision, 'windows');
    assert.match(s.inspection.message, /^Windows install media .*building a bootable FAT32 stick/);
    assert.doesNotMatch(s.inspection.message, /not recognised/);
    // an independent reader sees the GPT written
    assert.match(sh('sfdisk', ['-d', img]), /label: gpt/);
  } finally {
    cleanup();
  }
});

test('write --mode auto of a plain ISO with --scheme / --size / --win11-bypass: usage error, nothing written', (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('winopts-plain');
  try {
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src', 'a.txt'), 'a\n');
    const plain = path.join(dir, 'plain.iso');
    sh('xorriso', ['-as', 'mkisofs', '-quiet', '-o', plain, path.join(dir, 'src')], { stdio: 'pipe' });
    const out = path.join(dir, 'out.img');
    for (const extra of [['--scheme', 'mbr'], ['--size', '50M'], ['--win11-bypass'], ['--split-size', '100M']]) {
      const r = runCli(['write', plain, out, '--yes', ...extra]);
      assert.equal(r.status, 2, `${extra.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /plain\.iso is not Windows install media: --scheme, --size, --split-size, --unattend and --win11-bypass apply to Windows sticks only/);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
      assert.equal(existsSync(out), false, 'nothing written');
    }
    const j = runCli(['write', plain, out, '--yes', '--json', '--scheme', 'mbr']);
    assert.equal(j.status, 2);
    assert.equal((JSON.parse(j.stdout) as { ok: boolean }).ok, false);
    // without those options the plain ISO is still written (raw, with the not-bootable warning)
    const ok = runCli(['write', plain, out, '--yes']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stderr, /will not be bootable/);
  } finally {
    cleanup();
  }
});

test('write to a target that fails (its folder does not exist): the summary says 0 of 1 written, not "written", exit 1', async (t) => {
  if (!needTools(t, 'wimlib-imagex', 'grub-mkimage', 'mkfs.fat', 'mcopy', 'mmd', 'openssl')) return;
  const iso = await recipeImage('windows-stick');
  const { dir, cleanup } = tmpDir('winopts-fail');
  try {
    const bad = path.join(dir, 'missing', 'stick.img');
    const r = runCli(['write', iso, bad, '--yes', '--no-verify']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^Windows stick from .* \(\d[\d.]* MiB to write of a [\d.]+ MiB disk\): 0 of 1 target written\n {2}FAILED {2}.*stick\.img while writing: .*no such file or directory/);
    assert.doesNotMatch(r.stdout, /MiB written of/);
    assert.equal(existsSync(bad), false);
  } finally {
    cleanup();
  }
});

test('write --size that is no whole number of 512-byte sectors: usage error naming it (was "too small: 0 bytes")', () => {
  for (const size of ['1', '1000', '700']) {
    const r = runCli(['write', 'no-such.iso', 'out.img', '--yes', '--size', size]);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, `isokit: usage error: --size: "${size}" is not a whole number of 512-byte sectors\n`);
  }
});
