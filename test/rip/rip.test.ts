/**
 * isokit rip on devices built in user space (nbdkit + nbdfuse, FUSE): dead blocks (nbdkit's ddrescue
 * filter with an injected map), blocks that fail twice and then read (an nbdkit sh plugin), a slow device
 * (rate filter: progress, and a rip interrupted with SIGINT and resumed), and devices longer than their
 * image (a plain ISO, and a hybrid ISO whose appended EFI partition ends past the ISO 9660 volume). The
 * ripped image must equal the source except the bad blocks, and GNU ddrescuelog must read the map and list
 * exactly the injected blocks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ripImage, type RipProgress } from '../../src/node/rip/index.js';
import { BIN, needTools, runCli, sh, tmpDir } from '../helpers/index.js';
import { makeIso } from '../optical/helpers.js';
import { flakyPlugin, injectMap, nbdDevice } from './nbd.js';

const TOOLS = ['xorriso', 'nbdkit', 'nbdfuse', 'fusermount3', 'ddrescuelog'];

const badBlocksOf = (map: string): number[] => sh('ddrescuelog', ['-l-', '-b2048', map]).split('\n').filter(Boolean).map(Number);

/** Equal to the source except `bad` blocks, which are zero. */
function assertSameExcept(ripped: string, source: string, bad: number[]): void {
  const a = readFileSync(ripped);
  const b = readFileSync(source);
  assert.equal(a.length, b.length, 'the ripped image has the source image\'s size');
  const badSet = new Set(bad);
  for (let blk = 0; blk * 2048 < a.length; blk++) {
    const x = a.subarray(blk * 2048, blk * 2048 + 2048);
    if (badSet.has(blk)) assert.ok(x.every((v) => v === 0), `bad block ${blk} is zero-filled`);
    else assert.ok(x.equals(b.subarray(blk * 2048, blk * 2048 + 2048)), `block ${blk} equals the source`);
  }
}

test('rip: dead blocks (nbdkit ddrescue filter): everything else equal, the map lists exactly the injected blocks', async (t) => {
  if (!needTools(t, ...TOOLS)) return;
  const { dir, cleanup } = tmpDir('rip-dead');
  const iso = makeIso(dir, 'dead', 6144);
  const bad = [100, 101, 102, 103, 104, 777, 2000];
  const dev = await nbdDevice(dir, ['--filter=ddrescue', 'file', `file=${iso}`, `ddrescue-mapfile=${injectMap(dir, statSync(iso).size, bad)}`]);
  try {
    const out = path.join(dir, 'out.iso');
    const progress: RipProgress[] = [];
    const s = await ripImage({ source: dev.path, output: out, retries: 1, onProgress: (p) => progress.push(p) });
    assert.equal(s.complete, false);
    assert.equal(s.missingBlocks, bad.length);
    assert.deepEqual(s.firstMissingBlocks, bad);
    assert.equal(s.extent.basis, 'iso9660');
    assert.equal(s.source.direct, true, 'O_DIRECT through FUSE: a bad block costs only itself');
    assertSameExcept(out, iso, bad);
    assert.deepEqual(badBlocksOf(s.map), bad, 'ddrescuelog lists exactly the injected blocks');
    assert.ok(!existsSync(path.join(dir, '.out.iso.partial')), 'renamed at the end');
    for (const phase of ['copying', 'trimming', 'scraping', 'retrying']) assert.ok(progress.some((p) => p.phase === phase), `progress in phase ${phase}`);
    // the CLI: exit 10 and one line with the count of missing blocks
    const cli = runCli(['rip', dev.path, '-o', path.join(dir, 'cli.iso'), '--retries', '0']);
    assert.equal(cli.status, 10, cli.stderr);
    assert.match(cli.stderr, /isokit: 7 of 3\d{3} blocks could not be read \(zero-filled in .*cli\.iso\); isokit rip .* --resume retries them/);
    assert.match(cli.stdout, /7 blocks UNREADABLE, zero-filled: 100–104, 777, 2000; map: .*cli\.iso\.map/);
    // ddrescue continues isokit's map: nothing left to do, same result
    const r = spawnSync('ddrescue', ['-b2048', '-d', '-r0', dev.path, path.join(dir, 'cli.iso'), path.join(dir, 'cli.iso.map')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(badBlocksOf(path.join(dir, 'cli.iso.map')), bad);
  } finally {
    await dev.close();
    cleanup();
  }
});

test('rip: blocks that fail twice and then read (sh plugin) come back with retries; the map ends all finished', async (t) => {
  if (!needTools(t, ...TOOLS, 'bash')) return;
  const { dir, cleanup } = tmpDir('rip-flaky');
  const iso = makeIso(dir, 'flaky', 1024);
  const state = path.join(dir, 'state');
  mkdirSync(state);
  const dev = await nbdDevice(dir, ['sh', flakyPlugin(dir)], { IMG: iso, BAD: '300 301 450', FAILS: '2', STATE: state });
  try {
    const out = path.join(dir, 'out.iso');
    const s = await ripImage({ source: dev.path, output: out, retries: 3 });
    assert.equal(s.complete, true, JSON.stringify(s));
    assert.ok(s.readErrors >= 3, `read errors were met and recovered (${s.readErrors})`);
    assert.ok(readFileSync(out).equals(readFileSync(iso)));
    assert.deepEqual(badBlocksOf(s.map), []);
    assert.match(readFileSync(s.map, 'utf8'), /^0x00000000 {2}0x[0-9A-F]+ {2}\+$/m);
  } finally {
    await dev.close();
    cleanup();
  }
});

test('rip: devices longer than the image — a plain ISO, and a hybrid ISO with an appended EFI partition past the PVD size', async (t) => {
  if (!needTools(t, ...TOOLS, 'mkfs.vfat')) return;
  const { dir, cleanup } = tmpDir('rip-long');
  try {
    const iso = makeIso(dir, 'plain', 2048);
    const efi = path.join(dir, 'efi.img');
    sh('dd', ['if=/dev/zero', `of=${efi}`, 'bs=1k', 'count=1440', 'status=none']);
    sh('mkfs.vfat', [efi]);
    const hybrid = makeIso(dir, 'hybrid', 2048, ['-append_partition', '2', '0xef', efi, '-appended_part_as_gpt']);
    const pvdBlocks = readFileSync(hybrid).readUInt32LE(16 * 2048 + 80);
    assert.ok(pvdBlocks * 2048 < statSync(hybrid).size, 'the hybrid image is larger than its ISO 9660 volume');
    for (const [img, basis] of [[iso, 'iso9660'], [hybrid, 'partitions']] as const) {
      const longer = `${img}.device`;
      writeFileSync(longer, Buffer.concat([readFileSync(img), Buffer.alloc(3 << 20, 0x5a)]));
      const dev = await nbdDevice(dir, ['file', `file=${longer}`]);
      try {
        const out = `${img}.ripped`;
        const s = await ripImage({ source: dev.path, output: out });
        assert.equal(s.complete, true);
        assert.equal(s.extent.basis, basis);
        assert.equal(s.extent.deviceByteLength, statSync(longer).size);
        assert.ok(readFileSync(out).equals(readFileSync(img)), `${path.basename(img)}: exactly the image, not the device`);
      } finally {
        await dev.close();
      }
    }
  } finally {
    cleanup();
  }
});

test('rip: a slow device gives progress; SIGINT stops the CLI cleanly and --resume completes the rip', async (t) => {
  if (!needTools(t, ...TOOLS)) return;
  const { dir, cleanup } = tmpDir('rip-slow');
  const iso = makeIso(dir, 'slow', 6144);
  const dev = await nbdDevice(dir, ['--filter=rate', 'file', `file=${iso}`, 'rate=12M']);
  try {
    const out = path.join(dir, 'out.iso');
    const child = spawn(process.execPath, [BIN, 'rip', dev.path, '-o', out, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const progress: { phase: string; bytes: number; speed?: number; eta?: number }[] = [];
    let interrupted = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      for (const line of stderr.split('\n').slice(0, -1)) {
        if (!line.startsWith('{')) continue;
        const o = JSON.parse(line) as { type: string; phase: string; bytes: number; speed?: number };
        if (o.type === 'progress') progress.push(o);
        if (!interrupted && o.type === 'progress' && o.phase === 'copying' && o.bytes >= 2 << 20) {
          interrupted = true;
          child.kill('SIGINT');
        }
      }
      stderr = stderr.slice(stderr.lastIndexOf('\n') + 1);
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 130, 'interrupted');
    assert.match(JSON.parse(stdout).error.message, /^interrupted with \d+ of \d+ bytes read: the partial image and .*out\.iso\.map are kept; add --resume to continue$/);
    assert.ok(progress.some((p) => p.phase === 'copying' && p.speed && p.speed < 40e6 && p.eta !== undefined), 'progress with a speed and an ETA from the slow device');
    assert.ok(existsSync(path.join(dir, '.out.iso.partial')) && existsSync(`${out}.map`), 'the partial image and its map are kept');
    assert.ok(!existsSync(out));
    const before = readFileSync(`${out}.map`, 'utf8');
    assert.match(before, / {2}\?$/m, 'the map still has non-tried blocks');
    const again = runCli(['rip', dev.path, '-o', out]);
    assert.equal(again.status, 1, 'without --resume the existing map is not overwritten');
    assert.match(again.stderr, /exists: a rip into .* was started before; add --resume/);
    const resumed = runCli(['rip', dev.path, '-o', out, '--resume']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, /resumed rip of/);
    assert.ok(readFileSync(out).equals(readFileSync(iso)), 'the resumed rip equals the source');
    assert.deepEqual(badBlocksOf(`${out}.map`), []);
  } finally {
    await dev.close();
    cleanup();
  }
});
