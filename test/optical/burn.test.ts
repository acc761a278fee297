/**
 * Burning with the real xorriso (libburn) on stdio: pseudo-drives — a regular file behaves like an
 * overwritable disc, a FIFO like a blank DVD-R: burn, blank (the ISO 9660 header invalidated), a second
 * burn, each read back and compared; a byte flipped in the pseudo-disc afterwards is reported with its
 * block (direct reads and libburn reads); unreadable and flaky blocks in the read-back (nbdkit devices);
 * a simulated burn; Ctrl-C in the middle of a burn.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode, IsoKitError } from '../../src/errors/index.js';
import { blankMedium, burnImage, digestImage, verifyReadback, type BurnProgress } from '../../src/node/optical/index.js';
import { needTools, sh, tmpDir } from '../helpers/index.js';
import { makeIso } from './helpers.js';
import { flakyPlugin, injectMap, nbdDevice } from '../rip/nbd.js';

const head = (file: string, n: number) => readFileSync(file).subarray(0, n);

test('burn → blank → burn again on a stdio: pseudo-drive, each burn read back and compared', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('burn');
  try {
    const a = makeIso(dir, 'first', 3000);
    const b = makeIso(dir, 'second', 2000);
    const disc = path.join(dir, 'disc.img');
    const progress: BurnProgress[] = [];
    const s1 = await burnImage({ image: a, drive: `stdio:${disc}`, yes: true, onProgress: (p) => progress.push(p) });
    assert.equal(s1.ok, true);
    assert.equal(s1.verification?.ok, true);
    assert.equal(s1.verification?.method, 'direct');
    assert.equal(s1.verification?.blockCount, statSync(a).size / 2048);
    assert.equal(s1.verification?.sha256, execFileSync('sha256sum', [a], { encoding: 'utf8' }).split(' ')[0]);
    assert.ok(head(disc, statSync(a).size).equals(readFileSync(a)), 'the pseudo-disc starts with the image');
    assert.deepEqual([...new Set(progress.map((p) => p.phase))], ['checking', 'writing', 'verifying', 'done']);
    // blank: the medium is blank and the ISO 9660 header is gone (CD001 → CDXX1 at block 16)
    const bl = await blankMedium({ drive: `stdio:${disc}`, mode: 'fast', yes: true });
    assert.equal(bl.stateAfter, 'blank');
    assert.equal(readFileSync(disc).subarray(32769, 32774).toString('latin1'), 'CDXX1');
    // a second burn of another image, verified by libburn's own reads this time
    const s2 = await burnImage({ image: b, drive: `stdio:${disc}`, yes: true, verifyMethod: 'xorriso' });
    assert.equal(s2.verification?.ok, true, s2.verification?.message);
    assert.equal(s2.verification?.method, 'xorriso');
    assert.ok(head(disc, statSync(b).size).equals(readFileSync(b)));
    // blanking again on request before a burn (--blank fast on an overwritable medium)
    const s3 = await burnImage({ image: a, drive: `stdio:${disc}`, yes: true, blank: 'fast' });
    assert.equal(s3.blank?.mode, 'fast');
    assert.equal(s3.verification?.ok, true);
  } finally {
    cleanup();
  }
});

test('read-back: a byte flipped in the pseudo-disc after burning is reported with its block', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('flip');
  try {
    const iso = makeIso(dir, 'flip', 4000);
    const disc = path.join(dir, 'disc.img');
    assert.equal((await burnImage({ image: iso, drive: `stdio:${disc}`, yes: true, verify: false })).ok, true);
    const fd = openSync(disc, 'r+');
    writeSync(fd, Buffer.from([readFileSync(disc)[1234 * 2048 + 77]! ^ 0x01]), 0, 1, 1234 * 2048 + 77);
    closeSync(fd);
    const digests = await digestImage(iso);
    for (const method of ['direct', 'xorriso'] as const) {
      const r = await verifyReadback({ device: disc, xorrisoAddress: `stdio:${disc}`, imagePath: iso, digests, startLba: 0, method });
      assert.equal(r.ok, false, method);
      assert.equal(r.problem, 'differs');
      assert.equal(r.firstBadLba, 1234, `${method}: the flipped block is named`);
      assert.equal(r.differingBlocksInChunk, 1);
      assert.match(r.message, /block 1234 differs from the image/);
    }
  } finally {
    cleanup();
  }
});

test('read-back compares bytes with an unchanged image, and the digests taken before the burn once the image changed', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('changed');
  try {
    const iso = makeIso(dir, 'changed', 3000);
    const disc = path.join(dir, 'disc.img');
    assert.equal((await burnImage({ image: iso, drive: `stdio:${disc}`, yes: true, verify: false })).ok, true);
    const digests = await digestImage(iso);
    assert.equal(digests.mtimeMs, statSync(iso).mtimeMs);
    assert.equal((await verifyReadback({ device: disc, imagePath: iso, digests, startLba: 0, method: 'direct' })).ok, true);
    // the image is edited after the burn: a byte compare would now fail; the disc still matches the digests
    const fd = openSync(iso, 'r+');
    writeSync(fd, Buffer.from([0xee]), 0, 1, 2000 * 2048 + 5);
    closeSync(fd);
    const r = await verifyReadback({ device: disc, imagePath: iso, digests, startLba: 0, method: 'direct' });
    assert.equal(r.ok, true, r.message);
    // and a disc that differs from what was burned is still caught through the digests
    const dfd = openSync(disc, 'r+');
    writeSync(dfd, Buffer.from([0x5a]), 0, 1, 700 * 2048 + 9);
    closeSync(dfd);
    const bad = await verifyReadback({ device: disc, imagePath: iso, digests, startLba: 0, method: 'direct' });
    assert.deepEqual([bad.ok, bad.problem], [false, 'differs']);
  } finally {
    cleanup();
  }
});

test('read-back with direct reads and retries: an unreadable block is named, a block that fails twice is read', async (t) => {
  if (!needTools(t, 'xorriso', 'nbdkit', 'nbdfuse', 'fusermount3')) return;
  const { dir, cleanup } = tmpDir('rb');
  const iso = makeIso(dir, 'rb', 3000);
  const digests = await digestImage(iso);
  const dead = await nbdDevice(dir, ['--filter=ddrescue', 'file', `file=${iso}`, `ddrescue-mapfile=${injectMap(dir, statSync(iso).size, [900])}`]);
  const state = path.join(dir, 'state');
  mkdirSync(state);
  const flaky = await nbdDevice(dir, ['sh', flakyPlugin(dir)], { IMG: iso, BAD: '600', FAILS: '2', STATE: state });
  try {
    const r = await verifyReadback({ device: dead.path, imagePath: iso, digests, startLba: 0, method: 'direct', retries: 3 });
    assert.deepEqual([r.ok, r.problem, r.firstBadLba, r.method], [false, 'unreadable', 900, 'direct']);
    const f = await verifyReadback({ device: flaky.path, imagePath: iso, digests, startLba: 0, method: 'direct', retries: 3 });
    assert.equal(f.ok, true, f.message);
  } finally {
    await dead.close();
    await flaky.close();
    cleanup();
  }
});

test('burn --dummy on a pseudo-drive writes nothing; refusals name the problem', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('dummy');
  try {
    const iso = makeIso(dir, 'dummy', 500);
    const disc = path.join(dir, 'disc.img');
    const s = await burnImage({ image: iso, drive: `stdio:${disc}`, yes: true, dummy: true });
    assert.equal(s.write.dummy, true);
    assert.equal(s.verification, undefined);
    assert.equal(statSync(disc).size, 0, 'a simulated burn leaves the file empty');
    await assert.rejects(burnImage({ image: path.join(dir, 'dummy-src', 'data.bin'), drive: `stdio:${disc}`, yes: true }), /not a disc image.*isokit create DIR -o disc\.iso/);
    await assert.rejects(burnImage({ image: iso, drive: `stdio:${dir}/no/such/dir/x.img`, yes: true }), /Cannot acquire drive .*\(libburn: Neither stdio-path nor its directory exist\)/);
    await assert.rejects(burnImage({ image: iso, drive: `stdio:${disc}` }), /without confirmation/);
    await assert.rejects(burnImage({ image: iso, drive: `stdio:${disc}`, confirm: async () => false }), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.CANCELLED);
    assert.equal(statSync(disc).size, 0, 'nothing written when not confirmed');
  } finally {
    cleanup();
  }
});

test('Ctrl-C while burning to a slow sequential pseudo-drive (a FIFO read slowly) cancels cleanly', async (t) => {
  if (!needTools(t, 'xorriso', 'mkfifo')) return;
  const { dir, cleanup } = tmpDir('cancel');
  const fifo = path.join(dir, 'fifo');
  sh('mkfifo', [fifo]);
  const reader = spawn('sh', ['-c', 'exec 3<"$1"; while dd bs=64k count=1 iflag=fullblock status=none <&3 >/dev/null; do sleep 0.02; done', 'sh', fifo], { stdio: 'ignore' });
  try {
    const iso = makeIso(dir, 'slow', 6000);
    const ac = new AbortController();
    const phases: string[] = [];
    const t0 = Date.now();
    await assert.rejects(
      burnImage({
        image: iso, drive: `stdio:${fifo}`, yes: true, verify: false, signal: ac.signal,
        onProgress: (p) => {
          phases.push(p.phase);
          if (p.phase === 'writing' && p.bytes > 0) ac.abort();
        },
      }),
      (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.ABORTED && /interrupted while writing/.test(e.message),
    );
    assert.ok(Date.now() - t0 < 30000);
    assert.ok(phases.includes('writing'));
  } finally {
    reader.kill();
    rmSync(fifo, { force: true });
    cleanup();
  }
});
