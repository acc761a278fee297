/**
 * `isokit xorriso`: -as mkisofs dispatches to the mkisofs front end; -version / -help answer the probes
 * build tools make; native xorriso commands are refused by name. grub-mkrescue runs against it through a
 * --xorriso wrapper (spawns bin/isokit.js: `npm run build` first).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BIN, needFiles, needTools, runCli, tmpDir } from '../helpers/index.js';

test('xorriso -version mimics the banner; -as mkisofs -help has what grub-mkrescue looks for', () => {
  for (const flag of ['-version', '--version']) {
    const v = runCli(['xorriso', flag]);
    assert.equal(v.status, 0);
    const lines = v.stdout.split('\n');
    assert.match(lines[0] as string, /^xorriso 1\.5\.4 : RockRidge filesystem manipulator, libburnia project\.$/);
    assert.match(v.stdout, /^xorriso version {3}: {2}1\.5\.4$/m);
    assert.match(v.stdout, /not GNU xorriso/);
  }
  const h = runCli(['xorriso', '-as', 'mkisofs', '-help']);
  assert.equal(h.status, 0);
  assert.ok(h.stdout.includes('graft-points') && h.stdout.includes('--grub2-boot-info'));
  assert.match(runCli(['xorriso', '-help']).stdout, /-as mkisofs/);
});

test('native xorriso commands are refused by name; other personalities too', () => {
  const r = runCli(['xorriso', '-indev', 'x.iso', '-ls']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /native xorriso command -indev is not supported/);
  const c = runCli(['xorriso', '-as', 'cdrecord', '-v', 'dev=/dev/sr0', 'x.iso']);
  assert.equal(c.status, 1);
  assert.match(c.stderr, /only -as mkisofs is supported/);
  const after = runCli(['xorriso', '-as', 'mkisofs', '-R', 'dir', '--', '-outdev', 'y']);
  assert.equal(after.status, 2);
  assert.match(after.stderr, /after "-as mkisofs … --" are not supported: -outdev/);
  assert.equal(runCli(['xorriso']).status, 2);
  assert.equal(runCli(['xorriso', '-as', 'mkisofs', '-frob', 'dir']).status, 2);
});

test('settings before -as are accepted (mkarchiso: -report_about SORRY = quiet); -as genisoimage/xorrisofs work too', () => {
  const r = runCli(['xorriso', '-report_about', 'SORRY', '-as', 'mkisofs', '--print-request', '-V', 'L', 'dir', '--']);
  assert.equal(r.status, 0, r.stderr);
  const req = JSON.parse(r.stdout) as { quiet: boolean; volume: { volumeId: string }; sources: { source: string }[] };
  assert.equal(req.quiet, true);
  assert.equal(req.volume.volumeId, 'L');
  assert.deepEqual(req.sources, [{ source: 'dir' }]);
  const g = runCli(['xorriso', '-as', 'xorrisofs', '--print-request', 'dir']);
  assert.equal(JSON.parse(g.stdout).volume.volumeId, 'ISOIMAGE', "xorriso's default volume id");
});

test('grub-mkrescue drives isokit xorriso: probes answered, its real BIOS+UEFI command line parsed', (t) => {
  if (!needTools(t, 'grub-mkrescue')) return;
  if (!needFiles(t, 'grub-pc-bin and grub-efi-amd64-bin', '/usr/lib/grub/i386-pc', '/usr/lib/grub/x86_64-efi')) return;
  const { dir, cleanup } = tmpDir('grub-mkrescue');
  try {
    const wrapper = path.join(dir, 'xorriso-wrapper');
    writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" xorriso "$@" --print-request\n`);
    chmodSync(wrapper, 0o755);
    const out = path.join(dir, 'rescue.iso');
    const r = spawnSync('grub-mkrescue', [`--xorriso=${wrapper}`, '-o', out], { encoding: 'utf8', env: { ...process.env, ISOKIT_NO_PROGRESS: '1' } });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /doesn't support|not found/, 'grub-mkrescue accepted the -help probe');
    const req = JSON.parse(r.stdout) as {
      output: string;
      rationalRock: boolean;
      boot: { entries: { platform: string; image: { path: string }; loadSize: unknown; bootInfoTable: boolean; grub2BootInfo: boolean }[]; systemArea: { kind: string; file: { path: string }; protectiveMsdosLabel: boolean; efiBootPart: { kind: string } } };
    };
    assert.equal(req.output, out);
    assert.equal(req.rationalRock, true);
    assert.deepEqual(req.boot.entries.map((e) => [e.platform, e.image.path, e.loadSize, e.bootInfoTable, e.grub2BootInfo]), [
      ['bios', '/boot/grub/i386-pc/eltorito.img', 4, true, true],
      ['efi', '/efi.img', 'full', false, false],
    ]);
    assert.equal(req.boot.systemArea.kind, 'grub2');
    assert.equal(req.boot.systemArea.file.path, '/usr/lib/grub/i386-pc/boot_hybrid.img');
    assert.equal(req.boot.systemArea.protectiveMsdosLabel, true);
    assert.equal(req.boot.systemArea.efiBootPart.kind, 'el-torito-efi-image');
  } finally {
    cleanup();
  }
});
