/**
 * Real block devices (loop devices; the tests run as root in CI): O_DIRECT writes and read-back, several
 * targets at once with one failing mid-way, and the safety refusals (system disk, mounted, too small)
 * leaving the target's bytes untouched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { IN_CI, needTools, runCli, sh, tmpDir } from '../helpers/index.js';
import { writeImage } from '../../src/node/write/index.js';
import { listDrives } from '../../src/node/drives.js';
import { isIsoKitError } from '../../src/errors/index.js';
import { attachLoop, detachLoop, noise, sha256Of } from './helpers.js';

const isRoot = process.getuid?.() === 0;
function needRoot(t: { skip: (m: string) => void }): boolean {
  if (isRoot) return true;
  if (IN_CI) throw new Error('device tests need root under CI');
  t.skip('needs root (loop devices)');
  return false;
}

const IMAGE_BYTES = 6 * 1048576 + 512 * 3; // ends on a sector but not a page boundary

test('loop device target: O_DIRECT write, read-back verified, listed by drives with bus loop', async (t) => {
  if (!needRoot(t) || !needTools(t, 'losetup')) return;
  const { dir, cleanup } = tmpDir('dev-loop');
  let dev: string | undefined;
  try {
    const img = path.join(dir, 'disk.img');
    writeFileSync(img, noise(IMAGE_BYTES, 31));
    const backing = path.join(dir, 'stick.bin');
    writeFileSync(backing, noise(16 * 1048576, 32));
    dev = attachLoop(backing);
    const d = listDrives().drives.find((x) => x.path === dev);
    assert.ok(d, `${dev} must be listed`);
    assert.equal(d.bus, 'loop');
    assert.equal(d.system, false);
    assert.equal(d.backingFile, backing);
    assert.equal(d.byteLength, 16 * 1048576);
    const tailBefore = sha256Of(dev, 16 * 1048576 - IMAGE_BYTES, IMAGE_BYTES);
    const s = await writeImage({ image: img, targets: [dev], yes: true, mode: 'raw' });
    assert.equal(s.ok, true, JSON.stringify(s.targets));
    const r = s.targets[0]!;
    assert.equal(r.direct, true, 'a loop device takes O_DIRECT');
    assert.equal(r.verified, true);
    assert.ok(r.notes.some((n) => /partition scanning/.test(n)), r.notes.join('; '));
    assert.equal(sha256Of(dev, IMAGE_BYTES), sha256Of(img, IMAGE_BYTES));
    assert.equal(sha256Of(dev, 16 * 1048576 - IMAGE_BYTES, IMAGE_BYTES), tailBefore, 'bytes past the image stay untouched');
    // CLI: drives --json shows it; write without --yes and without a TTY refuses
    const j = runCli(['drives', '--json']);
    assert.equal(j.status, 0, j.stderr);
    assert.ok((JSON.parse(j.stdout) as { drives: { path: string; bus: string }[] }).drives.some((x) => x.path === dev && x.bus === 'loop'));
    const noYes = runCli(['write', img, dev], { stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(noYes.status, 2, noYes.stderr);
    assert.match(noYes.stderr, /pass --yes/);
  } finally {
    detachLoop(dev);
    cleanup();
  }
});

test('the disk holding / is hidden from drives and refused by write (checked without writing)', async (t) => {
  if (!needRoot(t)) return;
  const all = listDrives({ all: true });
  const sys = all.drives.find((d) => d.system && d.systemReasons.some((r) => /mounted \/$|mounted \/ |mounted \//.test(r)));
  if (!sys) {
    t.skip('no block device holds / here (container overlay?)');
    return;
  }
  assert.ok(!listDrives().drives.some((d) => d.name === sys.name), 'system disk hidden without --all');
  assert.ok(listDrives().hidden.some((h) => h.name === sys.name));
  const { dir, cleanup } = tmpDir('dev-sys');
  try {
    const img = path.join(dir, 'x.img');
    writeFileSync(img, noise(4096, 1));
    // dryRun: even if the refusal were broken, nothing would be written
    await assert.rejects(writeImage({ image: img, targets: [sys.path], yes: true, force: true, unmount: true, mode: 'raw', dryRun: true }), (e: unknown) => {
      assert.ok(isIsoKitError(e));
      assert.match(e.message, /system disk/);
      return true;
    });
  } finally {
    cleanup();
  }
});

test('a mounted loop device is refused without --unmount and written with it; too small is refused untouched', async (t) => {
  if (!needRoot(t) || !needTools(t, 'losetup', 'mkfs.fat', 'mount', 'umount')) return;
  const { dir, cleanup } = tmpDir('dev-mount');
  let dev: string | undefined;
  let small: string | undefined;
  const mnt = path.join(dir, 'mnt');
  try {
    const img = path.join(dir, 'disk.img');
    writeFileSync(img, noise(IMAGE_BYTES, 41));
    const backing = path.join(dir, 'fat.bin');
    writeFileSync(backing, new Uint8Array(0));
    truncateSync(backing, 16 * 1048576);
    dev = attachLoop(backing);
    // FAT like a real stick when the kernel has vfat; ext2 otherwise (some CI kernels lack vfat)
    if (/\tvfat$/m.test(readFileSync('/proc/filesystems', 'utf8'))) sh('mkfs.fat', ['-F', '16', dev], { stdio: 'pipe' });
    else sh('mkfs.ext2', ['-q', '-F', dev], { stdio: 'pipe' });
    mkdirSync(mnt);
    sh('mount', [dev, mnt]);
    const before = sha256Of(dev, 16 * 1048576);
    await assert.rejects(writeImage({ image: img, targets: [dev], yes: true, mode: 'raw' }), (e: unknown) => {
      assert.ok(isIsoKitError(e));
      assert.match(e.message, new RegExp(`mounted at ${mnt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*--unmount`));
      return true;
    });
    assert.equal(sha256Of(dev, 16 * 1048576), before, 'refused target must be untouched');
    const s = await writeImage({ image: img, targets: [dev], yes: true, mode: 'raw', unmount: true });
    assert.equal(s.ok, true, JSON.stringify(s.targets));
    assert.equal(sha256Of(dev, IMAGE_BYTES), sha256Of(img, IMAGE_BYTES));

    const smallBacking = path.join(dir, 'small.bin');
    writeFileSync(smallBacking, noise(4 * 1048576, 42));
    small = attachLoop(smallBacking);
    const smallBefore = sha256Of(small, 4 * 1048576);
    await assert.rejects(writeImage({ image: img, targets: [small], yes: true, mode: 'raw' }), (e: unknown) => {
      assert.ok(isIsoKitError(e));
      assert.match(e.message, /too small: 4\.19 MB \(4194304 bytes\) for a .* \(6292992-byte\) image/);
      return true;
    });
    assert.equal(sha256Of(small, 4 * 1048576), smallBefore, 'too-small target must be untouched');
  } finally {
    try {
      sh('umount', [mnt]);
    } catch {
      /* not mounted */
    }
    detachLoop(dev);
    detachLoop(small);
    cleanup();
  }
});

test('several targets: one fails mid-way (loop over a full tmpfs), the others finish and verify', async (t) => {
  if (!needRoot(t) || !needTools(t, 'losetup', 'mount', 'umount')) return;
  const { dir, cleanup } = tmpDir('dev-multi');
  const tmpfs = path.join(dir, 'tmpfs');
  const devs: string[] = [];
  try {
    const img = path.join(dir, 'disk.img');
    writeFileSync(img, noise(IMAGE_BYTES, 51));
    mkdirSync(tmpfs);
    sh('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', tmpfs]);
    const sparse = path.join(tmpfs, 'sparse.bin');
    writeFileSync(sparse, new Uint8Array(0));
    truncateSync(sparse, 16 * 1048576); // 16 MiB device, but only 3 MiB of space behind it
    const failing = attachLoop(sparse);
    devs.push(failing);
    const goodBacking = path.join(dir, 'good.bin');
    writeFileSync(goodBacking, new Uint8Array(0));
    truncateSync(goodBacking, 16 * 1048576);
    const good = attachLoop(goodBacking);
    devs.push(good);
    const fileTarget = path.join(dir, 'out.img');
    const s = await writeImage({ image: img, targets: [failing, good, fileTarget], yes: true, mode: 'raw' });
    assert.equal(s.ok, false);
    if (process.env.ISOKIT_TEST_VERBOSE) console.log(JSON.stringify(s.targets, null, 1));
    const [bad, okDev, okFile] = s.targets as [typeof s.targets[0], typeof s.targets[0], typeof s.targets[0]];
    assert.equal(bad!.ok, false);
    assert.equal(bad!.phase, 'writing');
    assert.match(bad!.error?.message ?? '', /write failed at byte \d+: E(IO|NOSPC)/);
    assert.ok((bad!.error?.byteOffset ?? -1) >= 1048576 && (bad!.error?.byteOffset ?? 0) < IMAGE_BYTES, JSON.stringify(bad!.error));
    for (const r of [okDev, okFile]) {
      assert.equal(r!.ok, true, JSON.stringify(r));
      assert.equal(r!.verified, true);
    }
    assert.equal(sha256Of(good, IMAGE_BYTES), sha256Of(img, IMAGE_BYTES));
    assert.equal(sha256Of(fileTarget, IMAGE_BYTES + 1), sha256Of(img, IMAGE_BYTES));
  } finally {
    for (const d of devs) detachLoop(d);
    try {
      sh('umount', [tmpfs]);
    } catch {
      /* not mounted */
    }
    cleanup();
  }
});
