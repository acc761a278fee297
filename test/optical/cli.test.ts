/**
 * The built CLI (bin/isokit.js): isokit burn on stdio: pseudo-drives (JSON and text output, integrity
 * first, refusals as one line, blank only, confirmation on a terminal, Ctrl-C), isokit rip's final check
 * of what the image carries (implanted isomd5sum, xorriso MD5 tags, --sums), isokit drives --json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, needTools, runCli, sh, tmpDir } from '../helpers/index.js';
import { makeIso } from './helpers.js';

const sha256 = (f: string) => execFileSync('sha256sum', [f], { encoding: 'utf8' }).split(' ')[0] as string;

test('isokit burn: --json summary and progress, text summary, blank only, refusals as one line', (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('burn-cli');
  try {
    const iso = makeIso(dir, 'cli', 1500);
    const disc = path.join(dir, 'disc.img');
    const j = runCli(['burn', iso, '--drive', `stdio:${disc}`, '--yes', '--json']);
    assert.equal(j.status, 0, j.stderr);
    const s = JSON.parse(j.stdout);
    assert.equal(s.ok, true);
    assert.equal(s.verification.ok, true);
    assert.equal(s.verification.sha256, sha256(iso));
    assert.equal(s.speed.asked, 'safe');
    const events = j.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.ok(events.some((e) => e.type === 'progress' && e.phase === 'verifying' && e.bytes === statSync(iso).size));
    assert.ok(events.some((e) => e.type === 'message' && /integrity not checked/.test(e.text)));

    const text = runCli(['burn', iso, '--drive', `stdio:${disc}`, '--yes', '--speed', '4x']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^burned .*cli\.iso \(.*, \d+ blocks\) to stdio:.*disc\.img \(YOYODYNE WARP DRIVE, file\)/);
    assert.match(text.stdout, /speed: asked 4x, requested 5540k — 4x DVD as asked; measured [\d.]+x DVD/);
    assert.match(text.stdout, /verified: \d+ blocks read back from block 0 match the image \(SHA-256 [0-9a-f]{64}\)/);

    const blank = runCli(['burn', '--blank', 'fast', '--drive', `stdio:${disc}`, '--yes']);
    assert.equal(blank.status, 0, blank.stderr);
    assert.match(blank.stdout, /blanked stdio:.*disc\.img \(YOYODYNE WARP DRIVE\) \(fast\) in .*: the disc is now blank/);

    const notImage = runCli(['burn', path.join(dir, 'cli-src', 'data.bin'), '--drive', `stdio:${disc}`, '--yes']);
    assert.equal(notImage.status, 1);
    assert.match(notImage.stderr, /^isokit: error: .*data\.bin is not a disc image .*isokit create DIR -o disc\.iso/m);
    assert.equal(notImage.stderr.trim().split('\n').length, 1, 'one line');

    const noTty = runCli(['burn', iso, '--drive', `stdio:${disc}`]);
    assert.equal(noTty.status, 2);
    assert.match(noTty.stderr, /pass --yes to confirm/);
    assert.equal(runCli(['burn', iso, '--blank', 'sometimes', '--yes']).status, 2);
    assert.match(runCli(['burn', '--help']).stdout, /usage: isokit burn IMAGE/);
  } finally {
    cleanup();
  }
});

test('isokit burn: a checksum file beside the image is checked first; a mismatch stops the burn unless --force', (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('burn-sums');
  try {
    const iso = makeIso(dir, 'sums', 300);
    const disc = path.join(dir, 'disc.img');
    writeFileSync(path.join(dir, 'SHA256SUMS'), `${'0'.repeat(64)}  sums.iso\n`);
    const bad = runCli(['burn', iso, '--drive', `stdio:${disc}`, '--yes']);
    assert.equal(bad.status, 3, bad.stderr);
    assert.match(bad.stderr, /CHECKSUM MISMATCH \(SHA256SUMS\).*not burning \(pass --force to burn it anyway\)/);
    assert.ok(!existsSync(disc) || statSync(disc).size === 0, 'nothing was written');
    const forced = runCli(['burn', iso, '--drive', `stdio:${disc}`, '--yes', '--force']);
    assert.equal(forced.status, 0, forced.stderr);
    writeFileSync(path.join(dir, 'SHA256SUMS'), `${sha256(iso)}  sums.iso\n`);
    const good = runCli(['burn', iso, '--drive', `stdio:${disc}`, '--yes']);
    assert.equal(good.status, 0, good.stderr);
    assert.match(good.stderr, /checksum matches \(SHA256SUMS; not signed\)/);
  } finally {
    cleanup();
  }
});

function typeInto(args: string[], answer: string): { status: number; output: string } {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { input: answer, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TERM: 'dumb' } });
  return { status: r.status ?? -1, output: (r.stdout ?? '') + (r.stderr ?? '') };
}

test('isokit burn on a terminal names the drive and disc and asks; "no" writes nothing', (t) => {
  if (!needTools(t, 'xorriso', 'script')) return;
  const { dir, cleanup } = tmpDir('burn-tty');
  try {
    const iso = makeIso(dir, 'tty', 300);
    const disc = path.join(dir, 'disc.img');
    const no = typeInto(['burn', iso, '--drive', `stdio:${disc}`], 'no\n');
    assert.equal(no.status, 1, no.output);
    assert.match(no.output, /drive: +stdio:.*disc\.img \(YOYODYNE WARP DRIVE\)/);
    assert.match(no.output, /disc: +file, blank, room for/);
    assert.match(no.output, /speed: +safe: the drive lists no write speeds/);
    assert.match(no.output, /not confirmed: nothing was written/);
    assert.ok(!existsSync(disc) || statSync(disc).size === 0);
    const yes = typeInto(['burn', iso, '--drive', `stdio:${disc}`], 'yes\n');
    assert.equal(yes.status, 0, yes.output);
    assert.match(yes.output, /verified: /);
  } finally {
    cleanup();
  }
});

test('isokit burn: SIGINT while writing exits 130 with one line saying what it means', async (t) => {
  if (!needTools(t, 'xorriso', 'mkfifo')) return;
  const { dir, cleanup } = tmpDir('burn-int');
  const fifo = path.join(dir, 'fifo');
  sh('mkfifo', [fifo]);
  const reader = spawn('sh', ['-c', 'exec 3<"$1"; while dd bs=64k count=1 iflag=fullblock status=none <&3 >/dev/null; do sleep 0.02; done', 'sh', fifo], { stdio: 'ignore' });
  try {
    const iso = makeIso(dir, 'int', 6000);
    const child = spawn(process.execPath, [BIN, 'burn', iso, '--drive', `stdio:${fifo}`, '--yes', '--json', '--no-verify'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (!sent && /"phase":"writing","bytes":[1-9]|"phase":"writing".*"bytes":[1-9]/.test(err)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 130, err + out);
    assert.match(err + out, /interrupted while writing \(\d+ bytes sent\): libburn stopped the drive/);
  } finally {
    reader.kill();
    rmSync(fifo, { force: true });
    cleanup();
  }
});

test('isokit rip checks what the image carries: implanted isomd5sum, xorriso MD5 tags, --sums', (t) => {
  if (!needTools(t, 'xorriso', 'implantisomd5')) return;
  const { dir, cleanup } = tmpDir('rip-check');
  try {
    const iso = makeIso(dir, 'md5', 600);
    sh('implantisomd5', ['--force', iso]);
    const r1 = runCli(['rip', iso, '-o', path.join(dir, 'a.iso')]);
    assert.equal(r1.status, 0, r1.stderr);
    assert.match(r1.stdout, /every block read; map: .*a\.iso\.map/);
    assert.match(r1.stdout, /check: matches its embedded implanted isomd5sum/);
    // xorriso MD5 tags
    const tagged = path.join(dir, 'tagged.iso');
    sh('xorriso', ['-as', 'mkisofs', '-quiet', '--md5', '-o', tagged, path.join(dir, 'md5-src')]);
    const r2 = runCli(['rip', tagged, '-o', path.join(dir, 'b.iso'), '--json']);
    assert.equal(r2.status, 0, r2.stderr);
    assert.equal(JSON.parse(r2.stdout).verification.md5Tags.status, 'pass');
    // --sums naming the output: a match, then a mismatch (exit 3)
    writeFileSync(path.join(dir, 'SUMS'), `${sha256(tagged)}  c.iso\n`);
    const r3 = runCli(['rip', tagged, '-o', path.join(dir, 'c.iso'), '--sums', path.join(dir, 'SUMS')]);
    assert.equal(r3.status, 0, r3.stderr);
    assert.match(r3.stdout, /check: .*c\.iso matches .*SUMS line 1 \(sha256\)/);
    writeFileSync(path.join(dir, 'SUMS2'), `${'1'.repeat(64)}  d.iso\n`);
    const r4 = runCli(['rip', tagged, '-o', path.join(dir, 'd.iso'), '--sums', path.join(dir, 'SUMS2')]);
    assert.equal(r4.status, 3, r4.stdout + r4.stderr);
    assert.match(r4.stdout, /check: MISMATCH/);
    assert.ok(readFileSync(path.join(dir, 'd.iso')).equals(readFileSync(tagged)), 'the rip itself is exact: the reference was wrong');
    assert.match(runCli(['rip', '--help']).stdout, /usage: isokit rip SOURCE -o OUT\.iso/);
    assert.equal(runCli(['rip', iso]).status, 2, '-o is required');
  } finally {
    cleanup();
  }
});

test('isokit drives --json lists optical drives under "optical" (none on this machine without a drive)', () => {
  const r = runCli(['drives', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.ok(Array.isArray(o.optical));
  assert.ok(Array.isArray(o.drives));
});
