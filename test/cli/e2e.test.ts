/**
 * End-to-end: the shipped CLI — `bin/isokit.js` running what `npm run build` made (the esbuild bundles and
 * dist/), never the sources through tsx — for every command and option family, on real images: exit codes
 * and the key output. A command can pass every library test and still fail here (issue 13: `write IMAGE.xz`
 * failed only in the bundle, on a CommonJS/ESM default-export difference).
 *
 * The cases run in order (later ones use what earlier ones wrote) with the Node that runs the test, so
 * `.ci/run` runs this file under Node 24 too. A build older than `src/` fails the file: it would test old code.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, linkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import * as path from 'node:path';
import { IN_CI, ROOT, hasTool, runCli, runCliAsync, sh, tmpDir, type RunResult } from '../helpers/index.js';

const EPOCH = '1700000000';
const env = { SOURCE_DATE_EPOCH: EPOCH };
const tmp = tmpDir('e2e');
const W = tmp.dir;
const at = (...p: string[]) => path.join(W, ...p);
const SRC = at('src');
const BASE = at('base.iso');
const BOOT = at('boot.iso');
const ISOHDPFX = '/usr/lib/ISOLINUX/isohdpfx.bin';
const COMPRESSORS: [ext: string, tool: string][] = [['gz', 'gzip'], ['xz', 'xz'], ['zst', 'zstd'], ['bz2', 'bzip2']];
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const json = (r: RunResult) => JSON.parse(r.stdout) as Record<string, unknown>;

function newestMtime(dir: string): number {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return max;
}

before(() => {
  const built = statSync(path.join(ROOT, 'dist/cli/main.js'), { throwIfNoEntry: false });
  if (!built) throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests');
  const bundle = statSync(path.join(ROOT, 'dist/bundle/main.cjs'), { throwIfNoEntry: false });
  const newestSource = newestMtime(path.join(ROOT, 'src'));
  if (newestSource > Math.min(built.mtimeMs, bundle?.mtimeMs ?? Infinity)) {
    throw new Error('the built CLI is older than src/: run `npm run build` (these tests run bin/isokit.js as shipped)');
  }
  mkdirSync(path.join(SRC, 'dir'), { recursive: true });
  mkdirSync(path.join(SRC, 'boot'));
  writeFileSync(path.join(SRC, 'hello.txt'), 'hello, world\n');
  writeFileSync(path.join(SRC, 'dir', 'file.bin'), Buffer.alloc(70_000, 7));
  writeFileSync(path.join(SRC, 'dir', 'same.bin'), Buffer.alloc(70_000, 7));
  symlinkSync('../hello.txt', path.join(SRC, 'dir', 'link'));
  writeFileSync(path.join(SRC, 'hard'), 'linked\n');
  linkSync(path.join(SRC, 'hard'), path.join(SRC, 'hard2'));
  writeFileSync(path.join(SRC, '.hidden'), 'h');
  writeFileSync(path.join(SRC, 'skip.log'), 'log');
  writeFileSync(path.join(SRC, 'smile😀.txt'), 'emoji');
  writeFileSync(path.join(SRC, 'boot', 'boot.img'), Buffer.alloc(2048, 0x90));
  writeFileSync(path.join(SRC, 'boot', 'efi.img'), Buffer.alloc(65536, 0));
  writeFileSync(at('extra.txt'), 'added later\n');
  mkdirSync(at('deep', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'), { recursive: true });
  writeFileSync(at('deep', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'leaf.txt'), 'deep');
  const r = runCli(['create', SRC, '-o', BASE, '-V', 'E2E'], { env });
  assert.equal(r.status, 0, r.stderr);
  const base = readFileSync(BASE);
  copyFileSync(BASE, at('implanted.iso'));
  copyFileSync(BASE, at('noref.iso'));
  writeFileSync(at('truncated.iso'), base.subarray(0, 100_000));
  writeFileSync(`${BASE}.sha256`, `${sha256(base)}  base.iso\n`);
  for (const [ext, tool] of COMPRESSORS) {
    if (hasTool(tool)) writeFileSync(at(`base.iso.${ext}`), spawnSync(tool, ['-c', BASE], { maxBuffer: 1 << 30 }).stdout);
  }
});
after(() => tmp.cleanup());

interface Case {
  /** the command line after `isokit` (a function when it needs what earlier cases made) */
  args: string[] | (() => string[]);
  /** how the test is named when `args` is a function */
  shown?: string;
  /** exit status (default 0) */
  status?: number;
  /** stdout (text) must match */
  out?: RegExp;
  /** stderr must match */
  err?: RegExp;
  /** more checks on the result */
  check?: (r: RunResult) => void;
  /** external tools (skip outside CI when missing) */
  tools?: string[];
  /** files that must exist (skip outside CI when missing) */
  files?: string[];
  env?: Record<string, string>;
}

function cases(family: string, list: Case[]): void {
  for (const c of list) {
    const shown = typeof c.args === 'function' ? c.shown ?? '…' : c.args.map((a) => (a.startsWith(W) ? path.relative(W, a) || '.' : a)).join(' ');
    test(`${family}: isokit ${shown}`, (t) => {
      const missing = [...(c.tools ?? []).filter((x) => !hasTool(x)), ...(c.files ?? []).filter((f) => !existsSync(f))];
      if (missing.length) {
        if (IN_CI) throw new Error(`missing under CI: ${missing.join(', ')} (install them in .ci/run)`);
        t.skip(`needs ${missing.join(', ')}`);
        return;
      }
      const r = runCli(typeof c.args === 'function' ? c.args() : c.args, { env: { ...env, ...c.env }, cwd: W });
      assert.equal(r.status, c.status ?? 0, `exit status; stderr: ${r.stderr}`);
      if (c.out) assert.match(r.stdout, c.out);
      if (c.err) assert.match(r.stderr, c.err);
      if (c.status === 1 || c.status === 2) assert.match(r.stderr, /^isokit: (usage )?error: /m, 'an error is one line starting with "isokit: error:"');
      c.check?.(r);
    });
  }
}

/** Open an image written by a case with isokit's own `info --json` (the shipped reader too). */
interface InfoJson {
  volume: Record<string, string>;
  namespaces: Record<string, unknown>;
  namespace: string;
  boot?: { images: { platform: string }[] };
  partitions?: unknown;
}
function info(image: string, ...extra: string[]): InfoJson {
  const r = runCli(['info', image, '--json', ...extra]);
  assert.equal(r.status, 0, r.stderr);
  return json(r) as unknown as InfoJson;
}
const lsNames = (image: string, ...extra: string[]) => runCli(['ls', '-R', image, ...extra]).stdout.trim().split('\n');

const COMMANDS = ['info', 'ls', 'cat', 'extract', 'create', 'mkisofs', 'xorriso', 'remaster', 'hash', 'verify', 'implant', 'check', 'drives', 'write'];

cases('help', [
  { args: ['help'], out: new RegExp(COMMANDS.map((c) => `\\n  ${c} `).join('[^]*')) },
  { args: ['--version'], out: /^isokit \d+\.\d+\.\d+/ },
  ...COMMANDS.map((c) => ({ args: [c, '--help'], out: new RegExp(`usage: isokit ${c}`) })),
  { args: ['help', 'write'], out: /usage: isokit write/ },
  { args: ['bogus'], status: 2, err: /unknown command "bogus"/ },
  { args: ['ls'], status: 2, err: /usage error/ },
  { args: ['ls', '--no-such-option', BASE], status: 2, err: /usage error/ },
]);

cases('info', [
  { args: ['info', BASE], out: /Volume id: +E2E[^]*Rock Ridge 1\.12[^]*Namespace used: +rockridge/ },
  { args: ['info', BASE, '--json'], check: (r) => assert.equal((json(r).volume as { volumeId: string }).volumeId, 'E2E') },
  { args: ['info', BASE, '--namespace', 'joliet'], out: /Namespace used: +joliet/ },
  { args: ['info', BASE, '--namespace', 'iso9660'], out: /Namespace used: +iso9660/ },
  { args: ['info', at('missing.iso')], status: 1, err: /no such file/ },
  { args: ['info', BASE, '--namespace', 'udf2'], status: 2 },
]);

cases('ls', [
  { args: ['ls', BASE], out: /^boot\/\ndir\/\nhard\nhard2\nhello\.txt\nskip\.log\nsmile😀\.txt\n\.hidden\n$/ },
  { args: ['ls', '-l', BASE, 'dir'], out: /^lrwxrwxrwx +1 +\d+ +\d+ +\d+ 2023-11-14 22:13:20 link -> \.\.\/hello\.txt$/m },
  { args: ['ls', '-R', BASE], out: /^dir\/file\.bin$/m },
  { args: ['ls', '-R', '-l', BASE], out: /^-rw-r--r-- +2 .* hard2$/m },
  {
    args: ['ls', '-R', '--json', BASE],
    check: (r) => {
      const j = json(r) as { ok: boolean; entries: { path: string; type: string }[] };
      assert.equal(j.ok, true);
      assert.ok(j.entries.some((e) => e.path === 'dir/link' && e.type === 'symlink'));
    },
  },
  { args: ['ls', '--namespace', 'joliet', BASE], out: /^smile_\.txt$/m },
  { args: ['ls', '--namespace', 'iso9660', BASE], out: /^HELLO\.TXT$/m },
  { args: ['ls', '-l', BASE, 'hello.txt'], out: /^-rw-r--r-- .* 13 2023-11-14 22:13:20 hello\.txt\n$/ },
  { args: ['ls', BASE, '/nope'], status: 1, err: /nope/ },
]);

cases('cat', [
  { args: ['cat', BASE, '/hello.txt'], out: /^hello, world\n$/ },
  { args: ['cat', BASE, '/dir/link'], out: /^hello, world\n$/ },
  { args: ['cat', BASE, '/hello.txt', '--namespace', 'joliet'], out: /^hello, world\n$/ },
  { args: ['cat', BASE, '/dir'], status: 2, err: /directory/ },
  { args: ['cat', BASE, '/missing'], status: 1, err: /no such file/ },
]);

cases('extract', [
  {
    args: ['extract', BASE, '-o', at('x1'), '--json'],
    check: (r) => {
      const j = json(r) as { ok: boolean; files: number; symlinks: number; hardlinks: number };
      assert.equal(j.ok, true);
      assert.equal(j.symlinks, 1);
      assert.equal(j.hardlinks, 1);
      assert.equal(readFileSync(at('x1', 'hello.txt'), 'utf8'), 'hello, world\n');
      assert.equal(readlinkSync(at('x1', 'dir', 'link')), '../hello.txt');
      assert.equal(statSync(at('x1', 'hard')).ino, statSync(at('x1', 'hard2')).ino, 'hard links restored as links');
      assert.equal(statSync(at('x1', 'hello.txt')).mtimeMs, Number(EPOCH) * 1000);
    },
  },
  { args: ['extract', BASE, '-o', at('x1')], status: 1, err: /exist/ },
  { args: ['extract', BASE, '-o', at('x1'), '--overwrite'] },
  {
    args: ['extract', BASE, 'dir/**', '-o', at('x2'), '--no-permissions'],
    check: () => assert.deepEqual(readdirSync(at('x2')).sort(), ['dir']),
  },
  { args: ['extract', BASE, '-o', at('x3'), '--namespace', 'joliet'], check: () => assert.ok(existsSync(at('x3', 'smile_.txt'))) },
  { args: ['extract', BASE, '-o', at('x4'), '--devices'] },
  { args: ['extract', BASE], status: 2, err: /-o/ },
]);

cases('create', [
  {
    args: ['create', SRC, '-o', at('again.iso'), '-V', 'E2E'],
    check: () => assert.equal(sha256(readFileSync(at('again.iso'))), sha256(readFileSync(BASE)), 'SOURCE_DATE_EPOCH: the same bytes'),
  },
  { args: ['create', SRC, '-V', 'E2E', '--print-size'], check: (r) => assert.equal(Number(r.stdout.trim()), statSync(BASE).size) },
  {
    args: ['create', SRC, '-V', 'E2E', '-o', '-'],
    check: (r) => assert.equal(sha256(r.stdoutBytes), sha256(readFileSync(BASE)), '-o - writes the image to stdout'),
  },
  {
    args: ['create', SRC, '--dry-run', '--json'],
    check: (r) => {
      assert.equal(json(r).ok, true);
      assert.match(r.stdout, /"regions"/);
    },
  },
  { args: ['create', SRC, '-o', at('json.iso'), '--json'], check: (r) => assert.equal(json(r).byteLength, statSync(at('json.iso')).size) },
  { args: ['create', SRC, '-o', at('l1.iso'), '--iso-level', '1'], check: () => assert.ok(lsNames(at('l1.iso'), '--namespace', 'iso9660').every((p) => p.split('/').filter(Boolean).every((n) => /^[A-Z0-9_]{1,8}(\.[A-Z0-9_]{0,3})?$/.test(n)))) },
  { args: ['create', SRC, '-o', at('l4.iso'), '--iso-level', '4'], check: () => assert.equal(info(at('l4.iso')).namespaces.iso9660_1999 !== undefined, true) },
  { args: ['create', SRC, '-o', at('nj.iso'), '--no-joliet'], check: () => assert.equal(info(at('nj.iso')).namespaces.joliet, undefined) },
  { args: ['create', SRC, '-o', at('jl.iso'), '--joliet-long'] },
  { args: ['create', SRC, '-o', at('j16.iso'), '--joliet-utf16'], check: () => assert.ok(lsNames(at('j16.iso'), '--namespace', 'joliet').includes('smile😀.txt')) },
  { args: ['create', SRC, '-o', at('nrr.iso'), '--no-rock-ridge'], check: () => assert.equal(info(at('nrr.iso')).namespace, 'joliet') },
  { args: ['create', SRC, '-o', at('r110.iso'), '--rrip', '1.10'], out: /r110\.iso/, check: () => assert.match(JSON.stringify(info(at('r110.iso')).namespaces.rockridge), /1\.10/) },
  { args: ['create', at('deep'), '-o', at('deep.iso'), '--relocate-deep'], check: () => assert.ok(lsNames(at('deep.iso'), '--namespace', 'iso9660').some((n) => n.startsWith('RR_MOVED'))) },
  {
    args: ['create', SRC, '-o', at('ex.iso'), '--exclude', '*.log', '--no-hidden', '--follow-symlinks'],
    check: () => {
      const names = lsNames(at('ex.iso'));
      assert.ok(!names.includes('skip.log') && !names.includes('.hidden'));
      assert.match(runCli(['ls', '-l', at('ex.iso'), 'dir']).stdout, /^-r.* link$/m, '--follow-symlinks stores the file');
    },
  },
  { args: ['create', SRC, '-o', at('dd.iso'), '--dedup', '--json'], check: (r) => assert.equal((json(r).dedup as { duplicateFiles: number }).duplicateFiles, 1) },
  { args: ['create', SRC, '-o', at('date.iso'), '--date', '2020-01-02T03:04:05Z'], env: { SOURCE_DATE_EPOCH: '' }, check: () => assert.equal(info(at('date.iso')).volume.creation, '2020-01-02T03:04:05.000Z') },
  { args: ['create', SRC, '-o', at('sw.iso'), '--sort-weight', '10', 'dir/**', '--strict', '--fsync'] },
  {
    args: ['create', `/graft/here=${SRC}/hello.txt`, SRC, '-o', at('graft.iso'), '--volset', 'SET', '--publisher', 'PUB', '--preparer', 'PREP', '--application', 'APP', '--system-id', 'SYS'],
    check: () => {
      const v = info(at('graft.iso')).volume;
      assert.deepEqual([v.volumeSetId, v.publisherId, v.dataPreparerId, v.applicationId, v.systemId], ['SET', 'PUB', 'PREP', 'APP', 'SYS']);
      assert.ok(lsNames(at('graft.iso')).includes('graft/here'));
    },
  },
  {
    args: ['create', SRC, '-o', BOOT, '-b', 'boot/boot.img', '--boot-info-table', '-e', 'boot/efi.img', '--gpt'],
    check: () => {
      const i = info(BOOT);
      assert.deepEqual(i.boot?.images.map((e) => e.platform), ['x86', 'efi']);
      assert.match(JSON.stringify(i.partitions), /gpt/);
    },
  },
  {
    args: ['create', SRC, '-o', at('hybrid.iso'), '-b', 'boot/boot.img', '--isohybrid-mbr', ISOHDPFX, '--partition-offset', '16', '--append-partition', '2', '0xef', path.join(SRC, 'boot', 'efi.img')],
    files: [ISOHDPFX],
    out: /hybrid\.iso/,
  },
  { args: ['create', SRC], status: 2, err: /-o/ },
  { args: ['create', SRC, '-o', at('bad.iso'), '--iso-level', '9'], status: 2 },
  { args: ['create', at('missing-dir'), '-o', at('bad.iso')], status: 1 },
]);

cases('mkisofs / xorriso -as mkisofs', [
  { args: ['mkisofs', '-R', '-J', '-V', 'MK', '-o', at('mk.iso'), SRC], check: () => assert.equal(info(at('mk.iso')).volume.volumeId, 'MK') },
  { args: ['mkisofs', '-print-size', '-R', '-J', SRC], out: /^\d+\n$/ },
  { args: ['mkisofs', '--print-request', '-R', '-J', '-joliet-utf16', '-o', 'x.iso', SRC], check: (r) => assert.equal(json(r).jolietUtf16, true) },
  { args: ['xorriso', '-as', 'mkisofs', '-r', '-J', '-o', at('xo.iso'), SRC], check: () => assert.ok(lsNames(at('xo.iso')).includes('hello.txt')) },
  { args: ['xorriso', '-version'], out: /xorriso/i },
  { args: ['mkisofs', '-no-such-option', SRC], status: 2 },
]);

cases('remaster', [
  {
    args: ['remaster', BASE, '-o', at('rem.iso'), '--add', `/new/extra.txt=${at('extra.txt')}`, '--rm', '/dir', '-V', 'REM'],
    check: () => {
      const names = lsNames(at('rem.iso'));
      assert.ok(names.includes('new/extra.txt') && !names.includes('dir'));
      assert.equal(info(at('rem.iso')).volume.volumeId, 'REM');
    },
  },
  { args: ['remaster', BASE, '-o', at('rem-dry.iso'), '--dry-run', '--json'], check: (r) => assert.equal(json(r).dryRun, true) },
  { args: ['remaster', BOOT, '-o', at('rem-boot.iso'), '--add', at('extra.txt')], check: () => assert.equal(info(at('rem-boot.iso')).boot?.images.length, 2) },
  { args: ['remaster', BOOT, '-o', at('rem-noboot.iso'), '--no-boot', '--iso-level', '4'], check: () => assert.equal(info(at('rem-noboot.iso')).boot, undefined) },
  { args: ['remaster', BASE, '-o', BASE], status: 2, err: /is the input image/ },
]);

cases('hash / verify / implant / check', [
  { args: ['hash', BASE], check: (r) => assert.equal(r.stdout, `${sha256(readFileSync(BASE))}  ${BASE}\n`) },
  {
    args: ['hash', BASE, '--algo', 'all', '--json'],
    check: (r) => assert.deepEqual(Object.keys(json(r).digests as object).sort(), ['md5', 'sha1', 'sha256', 'sha512']),
  },
  { args: ['verify', at('noref.iso')], status: 7, out: /no-reference/ },
  { args: ['verify', BASE, '--expect', '0'.repeat(64)], status: 3, out: /mismatch/ },
  { args: () => ['verify', BASE, '--expect', `sha256:${sha256(readFileSync(BASE))}`], shown: 'verify base.iso --expect sha256:HEX', status: 4, out: /matches-unsigned/ },
  { args: ['check', BASE], out: /base\.iso: OK/ },
  // base.iso.sha256 beside the image is found
  { args: ['verify', BASE, '--json'], status: 4, check: (r) => assert.equal(json(r).status, 'matches-unsigned') },
  { args: ['check', BASE, '--json'], check: (r) => assert.equal(json(r).ok, true) },
  {
    args: ['implant', at('implanted.iso'), '--json'],
    tools: ['implantisomd5'],
    check: (r) => {
      assert.match(String(json(r).md5), /^[0-9a-f]{32}$/);
      copyFileSync(BASE, at('by-tool.iso'));
      sh('implantisomd5', [at('by-tool.iso')]);
      assert.equal(sha256(readFileSync(at('implanted.iso'))), sha256(readFileSync(at('by-tool.iso'))), 'the bytes implantisomd5 writes');
    },
  },
  { args: ['implant', at('implanted.iso')], status: 1, err: /--force/ },
  { args: ['implant', at('implanted.iso'), '--force', '--supported-iso'] },
  { args: ['verify', at('implanted.iso'), '--implanted', '--json'], status: 4, check: (r) => assert.match(r.stdout, /implanted/) },
  { args: ['check', at('truncated.iso')], status: 3, out: /IMAGE_TRUNCATED/ },
]);

cases('drives', [
  { args: ['drives', '--json'], check: (r) => assert.ok(Array.isArray(json(r).drives)) },
  { args: ['drives', '--all'] },
]);

const written = (target: string) => () => assert.equal(sha256(readFileSync(at(target))), sha256(readFileSync(BASE)), 'the target holds the image');
cases('write', [
  { args: ['write', BASE, at('w-raw.img'), '--yes'], check: written('w-raw.img') },
  ...COMPRESSORS.map(([ext, tool]): Case => ({
    args: ['write', at(`base.iso.${ext}`), at(`w-${ext}.img`), '--yes', '--json'],
    tools: [tool],
    check: (r) => {
      assert.match(r.stdout, /"ok": ?true/);
      written(`w-${ext}.img`)();
    },
  })),
  { args: ['write', BASE, at('w-a.img'), at('w-b.img'), '--yes', '--no-verify', '--mode', 'raw'], check: () => { written('w-a.img')(); written('w-b.img')(); } },
  { args: () => ['write', at('base.iso.gz'), at('w-expect.img'), '--yes', '--expect', `sha256:${sha256(readFileSync(at('base.iso.gz')))}`], shown: 'write base.iso.gz w-expect.img --yes --expect sha256:HEX', tools: ['gzip'], check: written('w-expect.img') },
  { args: ['write', BASE, at('w-no.img')], status: 2, err: /--yes/ },
  { args: ['write', at('base.iso.gz'), at('w-expect2.img'), '--yes', '--expect', '0'.repeat(64)], tools: ['gzip'], status: 3 },
]);

/** Serve a file with HTTP range requests (as a web server or a CDN does). */
async function serveRanges(file: string): Promise<{ url: string; server: Server }> {
  const body = readFileSync(file);
  const server = createServer((req, res) => {
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (!m) {
      res.writeHead(200, { 'Content-Length': String(body.length), 'Accept-Ranges': 'bytes' }).end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const start = Number(m[1]);
    const end = Math.min(m[2] ? Number(m[2]) : body.length - 1, body.length - 1);
    res.writeHead(206, { 'Content-Length': String(end - start + 1), 'Content-Range': `bytes ${start}-${end}/${body.length}`, 'Accept-Ranges': 'bytes' });
    res.end(req.method === 'HEAD' ? undefined : body.subarray(start, end + 1));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/base.iso`, server };
}

test('http(s) sources: info, ls, cat, extract and write read an image over HTTP', async () => {
  const { url, server } = await serveRanges(BASE);
  try {
    const i = await runCliAsync(['info', url]);
    assert.equal(i.status, 0, i.stderr);
    assert.match(i.stdout, /Volume id: +E2E/);
    const l = await runCliAsync(['ls', '-R', url]);
    assert.match(l.stdout, /^dir\/file\.bin$/m);
    const c = await runCliAsync(['cat', url, '/hello.txt']);
    assert.equal(c.stdout, 'hello, world\n');
    const x = await runCliAsync(['extract', url, '-o', at('x-http')]);
    assert.equal(x.status, 0, x.stderr);
    assert.equal(readFileSync(at('x-http', 'hello.txt'), 'utf8'), 'hello, world\n');
    const w = await runCliAsync(['write', url, at('w-http.img'), '--yes']);
    assert.equal(w.status, 0, w.stderr);
    written('w-http.img')();
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('every command has an end-to-end case here', () => {
  const src = readFileSync(new URL(import.meta.url), 'utf8');
  for (const c of COMMANDS) assert.match(src, new RegExp(`args: \\['${c}'`), c);
  assert.ok(!lstatSync(BASE).isSymbolicLink());
});
