/**
 * `isokit mkisofs` end to end (spawns bin/isokit.js: run `npm run build` first): the image xorriso reads
 * back has the source tree; with -r, -graft-points, -m, -uid/-gid, -file-mode and -joliet-long the tree
 * equals what `xorriso -as mkisofs` itself makes of the same arguments. Plus help, version, exit codes,
 * -print-size, --print-request, and refusals that name the option.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, linkSync, mkdirSync, symlinkSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { diffSnapshots, snapshotDir, xorrisoExtract } from '../helpers/xorriso-compare.js';
import { needTools, runCli, sh, tmpDir } from '../helpers/index.js';

function makeSource(root: string): void {
  const f = (rel: string, text: string, mode = 0o644) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
    chmodSync(path.join(root, rel), mode);
  };
  f('README.txt', 'hello\n');
  f('bin/run.sh', '#!/bin/sh\necho hi\n', 0o755);
  f('docs/a file with a rather long name that needs rock ridge or joliet long.txt', 'long\n');
  f('docs/empty', '');
  f('deep/a/b/c/d/e/f/g/h/i/deep.txt', 'deep\n');
  f('junk/old.bak', 'bak\n');
  f('skipdir/inner.txt', 'skip me\n');
  f('data/blob.bin', 'x'.repeat(70_000));
  linkSync(path.join(root, 'README.txt'), path.join(root, 'docs/readme-hardlink.txt'));
  symlinkSync('../README.txt', path.join(root, 'docs/readme-link'));
  const t = new Date('2023-05-02T10:00:00Z');
  for (const rel of ['README.txt', 'bin/run.sh', 'data/blob.bin']) utimesSync(path.join(root, rel), t, t);
}

test('isokit mkisofs -R -J -V X -o out.iso DIR: xorriso reads back the source tree', (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('mkisofs-e2e');
  try {
    const src = path.join(dir, 'src');
    makeSource(src);
    const iso = path.join(dir, 'out.iso');
    const r = runCli(['mkisofs', '-R', '-J', '-V', 'E2E_LABEL', '-o', iso, src]);
    assert.equal(r.status, 0, r.stderr);
    const ext = path.join(dir, 'ext');
    xorrisoExtract(iso, ext);
    assert.deepEqual(diffSnapshots(snapshotDir(src), snapshotDir(ext), { dirMtime: false }), []);
    const pvd = sh('xorriso', ['-indev', iso, '-pvd_info'], { stdio: ['ignore', 'pipe', 'ignore'] });
    assert.match(pvd, /Volume Id\s*: E2E_LABEL/);
    // the Joliet tree: the same names and contents as in xorriso's own image of the same arguments (names
    // over 64 characters, where the two writers may number collisions differently, and the symlink that
    // Joliet cannot hold are left out of the comparison)
    const theirs = path.join(dir, 'xorriso.iso');
    sh('xorriso', ['-report_about', 'SORRY', '-as', 'mkisofs', '-R', '-J', '-V', 'E2E_LABEL', '-o', theirs, src]);
    const jol = (image: string, name: string) => {
      xorrisoExtract(image, path.join(dir, name), { readFs: 'norock' });
      const snap = snapshotDir(path.join(dir, name));
      for (const k of [...snap.keys()]) if (k.includes('rather long name') || k === 'docs/readme-link') snap.delete(k);
      return snap;
    };
    const expectJ = jol(theirs, 'x-jol');
    assert.ok(expectJ.has('bin/run.sh') && expectJ.has('deep/a/b/c/d/e/f/g/h/i/deep.txt'));
    assert.deepEqual(diffSnapshots(expectJ, jol(iso, 'i-jol'), { perm: false, owners: false, dirMtime: false, links: false }), []);
  } finally {
    cleanup();
  }
});

test('same arguments, same tree as xorriso -as mkisofs: -r -J -joliet-long -graft-points -m -uid -gid -file-mode', (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('mkisofs-vs-xorriso');
  try {
    const src = path.join(dir, 'src');
    makeSource(src);
    const extra = path.join(dir, 'extra=name.txt');
    writeFileSync(extra, 'grafted\n');
    const args = (out: string) => [
      '-r', '-J', '-joliet-long', '-graft-points', '-m', '*.bak', '-m', path.join(src, 'skipdir'), '-uid', '1234', '-gid', '55', '-file-mode', '0640',
      '-V', 'SAME_TREE', '-o', out, src, `grafted/extra\\=name.txt=${extra.replace(/=/g, '\\=')}`,
    ];
    const mine = path.join(dir, 'isokit.iso');
    const theirs = path.join(dir, 'xorriso.iso');
    const r = runCli(['mkisofs', ...args(mine)]);
    assert.equal(r.status, 0, r.stderr);
    sh('xorriso', ['-report_about', 'SORRY', '-as', 'mkisofs', ...args(theirs)]);
    const snap = (iso: string, name: string, readFs?: 'norock') => {
      const out = path.join(dir, name);
      xorrisoExtract(iso, out, readFs ? { readFs } : {});
      return snapshotDir(out);
    };
    const expectRR = snap(theirs, 'x-rr');
    assert.ok(expectRR.has('grafted/extra=name.txt') && !expectRR.has('junk/old.bak') && !expectRR.has('skipdir'), 'the xorriso side did what the options say');
    // (hard links: isokit records them in Rock Ridge 1.12, xorriso -as mkisofs only with --hardlinks)
    assert.deepEqual(diffSnapshots(expectRR, snap(mine, 'i-rr'), { dirMtime: false, links: false }), []);
    // Joliet trees: the same names (with -joliet-long, up to 103 characters) and contents; symbolic links aside (see above)
    const noLink = (m: Map<string, unknown>) => (m.delete('docs/readme-link'), m as ReturnType<typeof snapshotDir>);
    const expectJ = noLink(snap(theirs, 'x-j', 'norock'));
    assert.ok(expectJ.has('docs/a file with a rather long name that needs rock ridge or joliet long.txt'));
    assert.deepEqual(diffSnapshots(expectJ, noLink(snap(mine, 'i-j', 'norock')), { perm: false, owners: false, dirMtime: false, links: false }), []);
  } finally {
    cleanup();
  }
});

test('help, version, exit codes, -print-size, --print-request', () => {
  const help = runCli(['xorriso', '-as', 'mkisofs', '-help']);
  assert.equal(help.status, 0);
  assert.ok(help.stdout.includes('-graft-points') && help.stdout.includes('--grub2-boot-info'), 'grub-mkrescue looks for these in -help');
  assert.ok(help.stdout.includes('-cache-inodes'), 'no-effect options are listed');
  assert.equal(runCli(['mkisofs', '--help']).status, 0);
  const v = runCli(['mkisofs', '-version']);
  assert.match(v.stdout, /^mkisofs 2\.01-Emulation/);
  const bad = runCli(['mkisofs', '-R', '-no-such-option', 'dir']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown option -no-such-option/);
  const jigdo = runCli(['mkisofs', '-jigdo-jigdo', 'x', 'dir']);
  assert.equal(jigdo.status, 1);
  assert.match(jigdo.stderr, /-jigdo-jigdo: jigdo output is not supported/);
  const req = runCli(['mkisofs', '--print-request', '-b', 'isolinux.bin', '-no-emul-boot', '-boot-load-size', '4', 'dir']);
  assert.equal(req.status, 0, req.stderr);
  const parsed = JSON.parse(req.stdout) as { boot: { entries: { loadSize: number }[] }; volume: { volumeId: string } };
  assert.equal(parsed.boot.entries[0]?.loadSize, 4);
  assert.equal(parsed.volume.volumeId, 'CDROM');
  const { dir, cleanup } = tmpDir('mkisofs-size');
  try {
    writeFileSync(path.join(dir, 'f'), 'x'.repeat(5000));
    const size = runCli(['mkisofs', '-print-size', '-R', dir]);
    assert.equal(size.status, 0, size.stderr);
    const blocks = Number(size.stdout.trim());
    const out = path.join(dir, 'o.iso');
    assert.equal(runCli(['mkisofs', '-quiet', '-R', '-o', out, '-m', 'o.iso', dir]).status, 0);
    assert.equal(Number(sh('stat', ['-c', '%s', out]).trim()), blocks * 2048, '-print-size = the size written');
    // no -o: the image goes to standard output
    const piped = runCli(['mkisofs', '-R', dir + '/f']);
    assert.equal(piped.status, 0, piped.stderr);
    assert.equal(piped.stdoutBytes.length % 2048, 0);
    assert.equal(String.fromCharCode(...piped.stdoutBytes.subarray(16 * 2048 + 1, 16 * 2048 + 6)), 'CD001');
  } finally {
    cleanup();
  }
});

test('boot options build a bootable image (El Torito catalog read back); what cannot be written is refused by name', async () => {
  const { dir, cleanup } = tmpDir('mkisofs-boot');
  try {
    const src = path.join(dir, 'src');
    mkdirSync(src);
    writeFileSync(path.join(src, 'b.img'), new Uint8Array(2048).fill(0x90));
    const out = path.join(dir, 'o.iso');
    const r = runCli(['mkisofs', '-o', out, '-b', 'b.img', '-no-emul-boot', '-boot-load-size', '4', src]);
    assert.equal(r.status, 0, r.stderr);
    const { openImageFile } = await import('../../src/node/open-image.js');
    const img = await openImageFile(out);
    assert.match(img.bootCatalog?.catalogPath ?? '', /^\/BOOT\.CAT$/); // level 1, no Rock Ridge: boot.catalog → BOOT.CAT
    assert.deepEqual(img.bootCatalog?.images.map((i) => [i.platform, i.emulation, i.entry.sectorCount]), [['x86', 'no-emulation', 4]]);
    const bad = path.join(dir, 'bad.iso');
    const apm = runCli(['mkisofs', '-o', bad, '-append_partition', '2', '0xef', path.join(src, 'b.img'), '-appended_part_as_apm', src]);
    assert.equal(apm.status, 1);
    assert.match(apm.stderr, /-appended_part_as_apm: .*not supported/);
    assert.equal(existsSync(bad), false, 'nothing written');
  } finally {
    cleanup();
  }
});
