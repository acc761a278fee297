/**
 * The real Linux CD stack: ../shared/guest/cd-guest boots a small Debian kernel in QEMU whose emulated
 * drive (/dev/sr0, sr and sg drivers, SG_IO, 2048-byte blocks) holds a disc image, and runs the built
 * bin/isokit.js there on the host's files. Two boots:
 *
 * 1. the TAO run-out case: the disc holds the ISO plus two blocks that cannot be read (QEMU blkdebug), as
 *    a TAO-written CD does; `isokit drives` lists the drive and its disc, and `isokit rip /dev/sr0` gives
 *    exactly the ISO, without a read error (a buffered read of the ISO's size fails here, research notes
 *    §2.4); `isokit burn` is refused on this reader before anything is written;
 * 2. bad blocks inside the ISO: isokit's map lists the same blocks as GNU ddrescue's (-b2048 -d) on the
 *    same drive, and both images are equal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, SHARED, IN_CI, needTools, sh, tmpDir } from '../helpers/index.js';
import { makeIso } from '../optical/helpers.js';

const CD_GUEST = path.join(SHARED, 'guest', 'cd-guest');

function guest(t: { skip: (m: string) => void }, image: string, bad: string | undefined, out: string, script: string): { status: number; output: string; ms: number } | undefined {
  if (!existsSync(CD_GUEST)) {
    if (IN_CI) throw new Error(`${CD_GUEST} is missing`);
    t.skip('needs ../shared/guest/cd-guest');
    return undefined;
  }
  const t0 = Date.now();
  const r = spawnSync(CD_GUEST, ['--cd', image, ...(bad ? ['--bad-sectors', bad] : []), '--out', out, '--timeout', '300', '--', 'sh', '-c', script], { cwd: ROOT, encoding: 'utf8', timeout: 420_000 });
  return { status: r.status ?? -1, output: `${r.stdout}\n${r.stderr}`, ms: Date.now() - t0 };
}

const badBlocksOf = (map: string): number[] => sh('ddrescuelog', ['-l-', '-b2048', map]).split('\n').filter(Boolean).map(Number);

test('guest /dev/sr0: isokit drives lists the drive and disc; the TAO run-out case rips to exactly the ISO', (t) => {
  if (!needTools(t, 'qemu-system-x86_64', 'xorriso', 'ddrescuelog')) return;
  const { dir, cleanup } = tmpDir('guest-tao');
  try {
    const iso = makeIso(dir, 'guesttao', 3000);
    const blocks = readFileSync(iso).length / 2048;
    const disc = path.join(dir, 'disc.img');
    writeFileSync(disc, Buffer.concat([readFileSync(iso), Buffer.alloc(4096, 0xee)]));
    const out = path.join(dir, 'out');
    sh('mkdir', ['-p', out]);
    const r = guest(t, disc, `${blocks},${blocks + 1}`, out, `
      node bin/isokit.js drives > "${out}/drives.txt" 2>&1
      node bin/isokit.js drives --json > "${out}/drives.json"
      node bin/isokit.js rip /dev/sr0 -o "${out}/rip.iso" > "${out}/rip.txt" 2>&1; echo $? > "${out}/rip.rc"
      dd if=/dev/sr0 of=/dev/null bs=2048 count=${blocks} 2> "${out}/dd.txt"; echo $? > "${out}/dd.rc"
      node bin/isokit.js burn "${iso}" --yes > "${out}/burn.txt" 2>&1; echo $? > "${out}/burn.rc"`);
    if (!r) return;
    assert.equal(r.status, 0, r.output);
    t.diagnostic(`guest boot and commands: ${(r.ms / 1000).toFixed(1)} s`);
    const drives = JSON.parse(readFileSync(path.join(out, 'drives.json'), 'utf8'));
    const sr0 = drives.optical.find((d: { path: string }) => d.path === '/dev/sr0');
    assert.ok(sr0, 'the drive is listed');
    assert.equal(sr0.model, 'QEMU DVD-ROM');
    assert.equal(sr0.medium.type.name, 'CD-ROM');
    assert.equal(sr0.medium.state, 'closed');
    assert.equal(sr0.medium.readableBlocks, blocks + 2, 'the TOC counts the run-out blocks');
    assert.deepEqual(sr0.medium.sessions.map((s: { startLba: number; blockCount: number; volumeId: string }) => [s.startLba, s.blockCount, s.volumeId]), [[0, blocks, 'GUESTTAO']]);
    assert.match(readFileSync(path.join(out, 'drives.txt'), 'utf8'), /optical drives:\n\/dev\/sr0 +QEMU QEMU DVD-ROM .*\n {2}disc: CD-ROM, written, closed/);
    assert.equal(readFileSync(path.join(out, 'rip.rc'), 'utf8').trim(), '0', readFileSync(path.join(out, 'rip.txt'), 'utf8'));
    assert.ok(readFileSync(path.join(out, 'rip.iso')).equals(readFileSync(iso)), 'the rip is exactly the ISO');
    assert.deepEqual(badBlocksOf(path.join(out, 'rip.iso.map')), []);
    assert.match(readFileSync(path.join(out, 'rip.txt'), 'utf8'), /size from the ISO 9660 volume.*\n {2}every block read/);
    assert.notEqual(readFileSync(path.join(out, 'dd.rc'), 'utf8').trim(), '0', 'a buffered read of the same blocks fails on the run-out (why rip reads direct)');
    // burning is refused on a reader, before anything is written
    assert.equal(readFileSync(path.join(out, 'burn.rc'), 'utf8').trim(), '1');
    assert.match(readFileSync(path.join(out, 'burn.txt'), 'utf8'), /isokit: error: refusing to burn: \/dev\/sr0 \(QEMU QEMU DVD-ROM\) cannot write: it reads only/);
  } finally {
    cleanup();
  }
});

test('guest /dev/sr0 with bad blocks: the same map as ddrescue -b2048 -d, the same image', (t) => {
  if (!needTools(t, 'qemu-system-x86_64', 'xorriso', 'ddrescue', 'ddrescuelog')) return;
  const { dir, cleanup } = tmpDir('guest-bad');
  try {
    const iso = makeIso(dir, 'guestbad', 3000);
    const blocks = readFileSync(iso).length / 2048;
    const out = path.join(dir, 'out');
    sh('mkdir', ['-p', out]);
    const bad = [100, 101, 500, 1200, 1201, 1202, 1203];
    const r = guest(t, iso, '100,101,500,1200-1203', out, `
      node bin/isokit.js rip /dev/sr0 -o "${out}/rip.iso" --retries 1 > "${out}/rip.txt" 2>&1; echo $? > "${out}/rip.rc"
      ddrescue -b2048 -d -r1 -s ${blocks * 2048} /dev/sr0 "${out}/dd.iso" "${out}/dd.map" > /dev/null 2>&1`);
    if (!r) return;
    assert.equal(r.status, 0, r.output);
    t.diagnostic(`guest boot and commands: ${(r.ms / 1000).toFixed(1)} s`);
    assert.equal(readFileSync(path.join(out, 'rip.rc'), 'utf8').trim(), '10', 'exit 10: blocks missing');
    assert.match(readFileSync(path.join(out, 'rip.txt'), 'utf8'), /7 blocks UNREADABLE, zero-filled: 100–101, 500, 1200–1203/);
    assert.deepEqual(badBlocksOf(path.join(out, 'rip.iso.map')), bad);
    assert.deepEqual(badBlocksOf(path.join(out, 'dd.map')), bad, 'ddrescue finds the same blocks');
    assert.ok(readFileSync(path.join(out, 'rip.iso')).equals(readFileSync(path.join(out, 'dd.iso'))), 'and the same image');
  } finally {
    cleanup();
  }
});
