/**
 * The dialog machinery and the parsers against xorriso transcripts recorded from real runs (xorriso 1.5.4;
 * test/fixtures/optical/record-transcripts.mts): QEMU's /dev/sr0 with a CD-ROM and with no disc (recorded in
 * ../shared/guest/cd-guest), and a burn and a blank on a stdio: pseudo-drive. fake-xorriso.mjs answers with
 * the recorded output only while isokit sends exactly the recorded commands, so argument building is
 * checked line by line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IsoKitError } from '../../src/errors/index.js';
import { blankMedium, burnImage, listOpticalDrives, type BurnProgress } from '../../src/node/optical/index.js';
import { ROOT, needTools, runCli, sh, tmpDir } from '../helpers/index.js';

const FIX = path.join(ROOT, 'test/fixtures/optical');
const FAKE = path.join(FIX, 'fake-xorriso.mjs');

function replay(name: string, dir = '/nowhere'): void {
  process.env.REPLAY = path.join(FIX, name);
  process.env.REPLAY_DIR = dir;
}

test('replay: QEMU DVD-ROM drive with a CD-ROM, and with no disc', async () => {
  replay('sr0-query.txt');
  const [d] = await listOpticalDrives({ devices: ['/dev/sr0'], xorriso: FAKE });
  assert.ok(d);
  assert.equal(d.error, undefined);
  assert.deepEqual([d.vendor, d.model, d.revision], ['QEMU', 'QEMU DVD-ROM', '2.5+']);
  assert.deepEqual(d.profiles, ['DVD-ROM', 'CD-ROM']);
  assert.equal(d.canWrite, false, 'a reader only');
  assert.equal(d.medium?.type?.name, 'CD-ROM');
  assert.equal(d.medium?.state, 'closed');
  assert.equal(d.medium?.readableBlocks, 1648);
  assert.deepEqual(d.medium?.sessions, [{ index: 1, startLba: 0, blockCount: 1648, kind: 'iso', volumeId: 'TESTISO' }]);
  assert.deepEqual(d.writeSpeeds, []);
  replay('sr0-empty.txt');
  const [e] = await listOpticalDrives({ devices: ['/dev/sr0'], xorriso: FAKE });
  assert.equal(e?.medium?.state, 'absent');
  assert.equal(e?.medium?.type, undefined);
});

test('replay: a command other than the recorded one ends the replay (the argv is checked)', async () => {
  replay('sr0-query.txt');
  const [d] = await listOpticalDrives({ devices: ['/dev/sr1'], xorriso: FAKE });
  assert.match(d?.error ?? '', /xorriso exited with status 3: replay: expected '-outdev' '\/dev\/sr0' \/ replay: +got '-outdev' '\/dev\/sr1'/);
});

test('replay: burn and blank on a stdio: pseudo-drive (progress from the recorded pacifiers)', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('replay');
  try {
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src', 'a.txt'), 'a');
    sh('xorriso', ['-as', 'mkisofs', '-quiet', '-o', path.join(dir, 'image.iso'), path.join(dir, 'src')]);
    replay('stdio-burn.txt', dir);
    const progress: BurnProgress[] = [];
    const s = await burnImage({ image: path.join(dir, 'image.iso'), drive: `stdio:${dir}/disc.img`, yes: true, verify: false, xorriso: FAKE, onProgress: (p) => progress.push(p) });
    assert.equal(s.ok, true);
    assert.equal(s.drive.medium, 'file');
    assert.equal(s.speed.requested, 'none');
    assert.ok(progress.filter((p) => p.phase === 'writing').length >= 3, 'writing progress from the recorded pacifier lines');
    assert.ok(progress.some((p) => p.phase === 'writing' && p.bufferPercent === 50));
    replay('stdio-blank.txt', dir);
    const b = await blankMedium({ drive: `stdio:${dir}/disc.img`, mode: 'fast', yes: true, xorriso: FAKE });
    assert.equal(b.mode, 'fast');
    assert.equal(b.stateAfter, 'blank');
    // the same burn transcript with another image name: refused at the first differing command
    copyFileSync(path.join(dir, 'image.iso'), path.join(dir, 'other.iso'));
    replay('stdio-burn.txt', dir);
    await assert.rejects(burnImage({ image: path.join(dir, 'other.iso'), drive: `stdio:${dir}/disc.img`, yes: true, verify: false, xorriso: FAKE }), (e: unknown) => e instanceof IsoKitError && /replay: expected/.test(e.message));
  } finally {
    cleanup();
  }
});

test('xorriso missing or too old: one line naming the package', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('xver');
  try {
    await assert.rejects(burnImage({ image: '/dev/null', yes: true, xorriso: path.join(dir, 'no-xorriso') }), /not a regular file/, 'the image is checked before xorriso is started');
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src', 'a'), 'a');
    const iso = path.join(dir, 'a.iso');
    sh('xorriso', ['-as', 'mkisofs', '-quiet', '-o', iso, path.join(dir, 'src')]);
    await assert.rejects(burnImage({ image: iso, drive: `stdio:${dir}/d.img`, yes: true, xorriso: path.join(dir, 'no-xorriso') }), (e: unknown) =>
      e instanceof IsoKitError && e.code === 'NOT_FOUND' && /xorriso is not installed .*install the Debian\/Ubuntu package "xorriso" \(sudo apt install xorriso\)/.test(e.message));
    // a transcript whose xorriso says 1.3.8
    const old = path.join(dir, 'old.txt');
    const lines = readFileSync(path.join(FIX, 'sr0-query.txt'), 'utf8').split('\n');
    writeFileSync(old, lines.map((l) => l.replace('xorriso version   :  1.5.4', 'xorriso version   :  1.3.8').replace(/^< R:1: xorriso 1\.5\.4$/, '< R:1: xorriso 1.3.8')).join('\n'));
    process.env.REPLAY = old;
    const [d] = await listOpticalDrives({ devices: ['/dev/sr0'], xorriso: FAKE });
    assert.match(d?.error ?? '', /xorriso 1\.3\.8 is too old: isokit needs 1\.4\.0 or later \(install the Debian\/Ubuntu package "xorriso"/);
    const cli = runCli(['burn', iso, '--drive', `stdio:${dir}/d.img`, '--yes'], { env: { ISOKIT_XORRISO: path.join(dir, 'no-xorriso') } });
    assert.equal(cli.status, 1);
    assert.match(cli.stderr, /^isokit: error: xorriso is not installed/m);
  } finally {
    cleanup();
  }
});
