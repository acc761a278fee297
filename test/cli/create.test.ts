/**
 * `isokit create` from disk: read back by xorriso, bsdtar, 7zz, isoinfo; options; reproducibility with
 * SOURCE_DATE_EPOCH; interruption (SIGINT, SIGKILL) never leaves a file under the final name; ENOSPC precheck.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync, openSync, writeSync, closeSync, statfsSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { diffSnapshots, snapshotDir, xorrisoExtract } from '../helpers/xorriso-compare.js';
import { needTools, runCli, sh, tmpDir } from '../helpers/index.js';

const isRoot = process.getuid?.() === 0;
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function makeSource(root: string, order: 'forward' | 'reverse' = 'forward', mtimeSec = 1_600_000_000): void {
  const entries: [string, () => void][] = [
    ['dir', () => mkdirSync(path.join(root, 'sub/deeper/deepest'), { recursive: true })],
    ['a', () => writeFileSync(path.join(root, 'a.txt'), 'alpha\n')],
    ['b', () => writeFileSync(path.join(root, 'sub/b.bin'), Buffer.alloc(70000, 7))],
    ['c', () => writeFileSync(path.join(root, 'sub/deeper/deepest/c.txt'), 'deep\n')],
    ['x', () => writeFileSync(path.join(root, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 })],
    ['h', () => writeFileSync(path.join(root, '.hidden'), 'secret\n')],
    ['u', () => writeFileSync(path.join(root, 'ünïcödé名前.txt'), 'u\n')],
    ['l', () => writeFileSync(path.join(root, 'a long name that is longer than sixty-four characters for joliet to cut.txt'), 'long\n')],
    ['e', () => mkdirSync(path.join(root, 'empty'))],
    ['z', () => writeFileSync(path.join(root, 'zero'), '')],
  ];
  const [first, ...rest] = entries;
  for (const [, f] of [first as [string, () => void], ...(order === 'forward' ? rest : rest.reverse())]) f();
  symlinkSync('a.txt', path.join(root, 'link'));
  linkSync(path.join(root, 'a.txt'), path.join(root, 'sub/hard-a'));
  spawnSync('mkfifo', [path.join(root, 'fifo')]);
  const all = sh('find', [root, '-depth']).split('\n').filter(Boolean);
  for (const p of all) if (!statSync(p, { throwIfNoEntry: false })?.isFIFO()) spawnSync('touch', ['-h', '-d', `@${mtimeSec}`, p]);
  utimesSync(root, mtimeSec, mtimeSec);
}

test('create SRC -o IMAGE -V LABEL: Rock Ridge + Joliet read back by xorriso, bsdtar, 7zz, isoinfo', async (t) => {
  if (!needTools(t, 'xorriso', 'bsdtar', '7zz', 'isoinfo')) return;
  const { dir, cleanup } = tmpDir('create');
  try {
    const src = path.join(dir, 'My Source');
    mkdirSync(src);
    makeSource(src);
    const out = path.join(dir, 'out.iso');
    const r = runCli(['create', src, '-o', out, '-V', 'MY_LABEL', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.byteLength, statSync(out).size);
    assert.equal(summary.hardLinks, 1);
    const info = sh('isoinfo', ['-d', '-i', out]);
    assert.match(info, /Volume id: MY_LABEL/);
    assert.match(info, /Joliet with UCS level 3 found/);
    assert.match(info, /Rock Ridge signatures version 1 found/);
    const want = snapshotDir(src);
    xorrisoExtract(out, path.join(dir, 'xx'));
    assert.deepEqual(diffSnapshots(snapshotDir(path.join(dir, 'xx')), want, { owners: isRoot, dirMtime: false }), []);
    mkdirSync(path.join(dir, 'xb'));
    sh('bsdtar', ['-xpf', out, '-C', path.join(dir, 'xb')]);
    assert.deepEqual(diffSnapshots(snapshotDir(path.join(dir, 'xb')), want, { owners: isRoot, dirMtime: false }), []);
    sh('7zz', ['x', '-y', `-o${path.join(dir, 'x7')}`, out]);
    assert.equal(readFileSync(path.join(dir, 'x7/sub/b.bin')).length, 70000);
    assert.equal(readFileSync(path.join(dir, 'x7/ünïcödé名前.txt'), 'utf8'), 'u\n');
    const rrPaths = sh('isoinfo', ['-f', '-R', '-i', out]);
    assert.match(rrPaths, /^\/sub\/deeper\/deepest\/c\.txt$/m);
    // default volume id: the folder name mapped to d-characters (PVD), kept in Joliet
    const r2 = runCli(['create', src, '-o', path.join(dir, 'd.iso')]);
    assert.equal(r2.status, 0, r2.stderr);
    assert.match(sh('isoinfo', ['-d', '-i', path.join(dir, 'd.iso')]), /Volume id: MY_SOURCE/);
  } finally {
    cleanup();
  }
});

test('options: several sources, graft points, --exclude, --no-hidden, --print-size, --dry-run --json, -o -', async (t) => {
  if (!needTools(t, 'isoinfo')) return;
  const { dir, cleanup } = tmpDir('create');
  try {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    mkdirSync(path.join(a, 'common'), { recursive: true });
    mkdirSync(path.join(b, 'common'), { recursive: true });
    writeFileSync(path.join(a, 'common/from-a'), 'a');
    writeFileSync(path.join(b, 'common/from-b'), 'b');
    writeFileSync(path.join(a, 'skip.o'), 'o');
    writeFileSync(path.join(a, '.dot'), 'd');
    writeFileSync(path.join(dir, 'single.txt'), 's');
    const out = path.join(dir, 'o.iso');
    const args = ['create', a, b, `docs/readme=${path.join(dir, 'single.txt')}`, `extra=${b}`, '--exclude', '*.o', '--no-hidden', '-o', out];
    assert.equal(runCli(args).status, 0);
    const paths = sh('isoinfo', ['-f', '-R', '-i', out]).split('\n').filter(Boolean).sort();
    assert.deepEqual(paths, ['/common', '/common/from-a', '/common/from-b', '/docs', '/docs/readme', '/extra', '/extra/common', '/extra/common/from-b']);
    const size = runCli([...args.slice(0, -2), '--print-size']);
    assert.equal(Number(size.stdout.trim()), statSync(out).size);
    const dry = JSON.parse(runCli([...args.slice(0, -2), '--dry-run', '--json']).stdout);
    assert.equal(dry.byteLength, statSync(out).size);
    assert.equal(dry.files, 4);
    assert.ok(dry.regions.some((r: { name: string; lba: number }) => r.name === 'file-data' && r.lba > 16));
    const piped = runCli([...args.slice(0, -2), '-o', '-']);
    assert.equal(piped.status, 0, piped.stderr);
    assert.equal(createHash('sha256').update(piped.stdoutBytes).digest('hex').length, 64);
    assert.equal(piped.stdoutBytes.length, statSync(out).size);
    const bad = runCli(['create', path.join(dir, 'missing'), '-o', path.join(dir, 'x.iso')]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^isokit: error: .*missing: no such file or directory\n$/);
    assert.equal(runCli(['create', a]).status, 2);
  } finally {
    cleanup();
  }
});

test('reproducible: SOURCE_DATE_EPOCH, a copy made in another order with newer mtimes gives the same SHA-256', () => {
  const { dir, cleanup } = tmpDir('create');
  try {
    const s1 = path.join(dir, 'one/src');
    const s2 = path.join(dir, 'two/src');
    mkdirSync(s1, { recursive: true });
    mkdirSync(s2, { recursive: true });
    makeSource(s1, 'forward', 1_600_000_000);
    makeSource(s2, 'reverse', 1_700_000_000);
    const env = { SOURCE_DATE_EPOCH: '1650000000' };
    assert.equal(runCli(['create', s1, '-o', path.join(dir, '1.iso')], { env }).status, 0);
    assert.equal(runCli(['create', s2, '-o', path.join(dir, '2.iso')], { env }).status, 0);
    // the first tree's files are older than the epoch, the second's newer (clamped): make the first one match
    makeSource(path.join(dir, 'three/src'), 'forward', 1_650_000_000);
    assert.equal(runCli(['create', path.join(dir, 'three/src'), '-o', path.join(dir, '3.iso')], { env }).status, 0);
    assert.equal(sha(path.join(dir, '2.iso')), sha(path.join(dir, '3.iso')));
    assert.notEqual(sha(path.join(dir, '1.iso')), sha(path.join(dir, '2.iso')), 'older mtimes are kept, not clamped');
    assert.equal(runCli(['create', s2, '-o', path.join(dir, '4.iso'), '--date', '1650000000']).status, 0);
    assert.equal(sha(path.join(dir, '4.iso')), sha(path.join(dir, '2.iso')));
  } finally {
    cleanup();
  }
});

function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  return new Promise((resolve) => {
    const tick = () => (cond() ? resolve(true) : Date.now() > end ? resolve(false) : setTimeout(tick, 20));
    tick();
  });
}

test('interrupted mid-write (SIGINT, SIGKILL): nothing under the final name; the next run replaces a stale .partial', async () => {
  const { dir, cleanup } = tmpDir('create');
  try {
    const src = path.join(dir, 'src');
    mkdirSync(src);
    writeFileSync(path.join(src, 'big.bin'), '');
    truncateSync(path.join(src, 'big.bin'), 3 * 1024 ** 3);
    const out = path.join(dir, 'out.iso');
    const partial = path.join(dir, '.out.iso.partial');
    for (const sig of ['SIGINT', 'SIGKILL'] as const) {
      const child = spawn(process.execPath, [path.resolve('bin/isokit.js'), 'create', src, '-o', out], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ISOKIT_NO_PROGRESS: '1' } });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
      assert.ok(await waitFor(() => (statSync(partial, { throwIfNoEntry: false })?.size ?? 0) > 50 << 20, 60000), 'writing started');
      child.kill(sig);
      const code = await exited;
      assert.equal(existsSync(out), false, `no ${out} after ${sig}`);
      if (sig === 'SIGINT') {
        assert.equal(code, 130, stderr);
        assert.match(stderr, /interrupted/);
        assert.equal(existsSync(partial), false, 'partial removed after SIGINT');
      } else assert.equal(existsSync(partial), true, 'SIGKILL leaves the partial file');
    }
    truncateSync(path.join(src, 'big.bin'), 1000);
    assert.equal(runCli(['create', src, '-o', out]).status, 0);
    assert.equal(existsSync(out), true);
    assert.equal(existsSync(partial), false);
  } finally {
    cleanup();
  }
});

test('not enough space: one line naming needed and available space, before writing', () => {
  const { dir, cleanup } = tmpDir('create');
  try {
    const src = path.join(dir, 'src');
    mkdirSync(src);
    const st = statfsSync(dir);
    const free = st.bavail * st.bsize;
    writeFileSync(path.join(src, 'huge'), '');
    truncateSync(path.join(src, 'huge'), Math.min(free + 1024 ** 3, 15 * 1024 ** 4));
    const r = runCli(['create', src, '-o', path.join(dir, 'o.iso')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^isokit: error: not enough space for .*o\.iso: the image needs [\d.]+ MiB, [\d.]+ MiB available\n$/);
    assert.equal(existsSync(path.join(dir, '.o.iso.partial')), false);
  } finally {
    cleanup();
  }
});

test('a 4.5 GiB sparse file becomes a multi-extent file that xorriso and bsdtar read back', async (t) => {
  if (!needTools(t, 'xorriso', 'bsdtar')) return;
  const { dir, cleanup } = tmpDir('create');
  try {
    const st = statfsSync(dir);
    if (st.bavail * st.bsize < 16 * 1024 ** 3) return t.skip('needs 16 GiB free disk space');
    const src = path.join(dir, 'src');
    mkdirSync(src);
    const big = path.join(src, 'big.bin');
    const size = 4.5 * 1024 ** 3;
    const fd = openSync(big, 'w');
    for (const at of [0, 0xfffff800 - 3, 0xfffff800, size - 5]) writeSync(fd, Buffer.from('MARK!'), 0, Math.min(5, size - at), at);
    closeSync(fd);
    truncateSync(big, size);
    writeFileSync(path.join(src, 'small.txt'), 'small\n');
    const out = path.join(dir, 'big.iso');
    const r = runCli(['create', src, '-o', out]);
    assert.equal(r.status, 0, r.stderr);
    const listing = sh('isoinfo', ['-l', '-i', out]);
    assert.equal((listing.match(/BIG\.BIN;1/g) ?? []).length, 2, 'two extent records');
    const x = path.join(dir, 'x.bin');
    sh('xorriso', ['-osirrox', 'on', '-indev', out, '-extract', '/big.bin', x]);
    assert.equal(statSync(x).size, size);
    assert.equal(spawnSync('cmp', [big, x]).status, 0, 'xorriso extracts the same bytes');
    spawnSync('rm', ['-f', x]);
    const cmp = spawnSync('sh', ['-c', `bsdtar -xOf '${out}' big.bin | cmp - '${big}'`]);
    assert.equal(cmp.status, 0, `bsdtar: ${cmp.stdout}${cmp.stderr}`);
  } finally {
    cleanup();
  }
});
