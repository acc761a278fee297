/**
 * End-to-end UDF reading through the shipped CLI (`bin/isokit.js` as `npm run build` made it): on a
 * genisoimage -udf bridge and the Windows-shaped pycdlib image, `ls -R`, `cat` and `extract` with
 * `--namespace udf` (and the automatic choice) equal 7-Zip's `7zz l` / `7zz x -tudf`; `info` shows the UDF
 * volume as udfinfo does; `check` reports damaged UDF structures; a hand-built hostile image (FIDs named
 * `..` and `a/b`, a directory loop, an extent outside the partition) extracts nothing outside DIR; and the
 * same works over HTTP range requests.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ROOT, needTools, runCli, runCliAsync, sh, tmpDir, type RunResult } from '../helpers/index.js';
import { recipeImage, RECIPES } from '../helpers/fixtures.js';
import { buildUdf, retag, type UFile } from '../helpers/udf-builder.js';
import { pycdlibAvailable, sevenZipList, udfinfo } from '../read/udf-reference.js';

const tmp = tmpDir('udf-e2e');
const at = (...p: string[]) => path.join(tmp.dir, ...p);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const ok = (r: RunResult, what: string) => assert.equal(r.status, 0, `${what}: ${r.stderr}`);

before(() => {
  if (!statSync(path.join(ROOT, 'dist/cli/main.js'), { throwIfNoEntry: false })) throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests');
});
after(() => tmp.cleanup());

/** Every path below `dir` (relative, '/'-joined) → sha256 of a file's bytes, or 'dir'. */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d)) {
      const p = rel ? `${rel}/${name}` : name;
      const abs = path.join(d, name);
      const st = lstatSync(abs);
      out.set(p, st.isDirectory() ? 'dir' : sha(readFileSync(abs)));
      if (st.isDirectory()) walk(abs, p);
    }
  };
  walk(dir, '');
  return out;
}

const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** `ls -R` lines as paths (directories lose their trailing '/'). */
const lsPaths = (stdout: string) => stdout.split('\n').filter(Boolean).map((l) => l.replace(/\/$/, '')).sort();

/** ls, cat and extract through the CLI equal 7-Zip's listing and extraction of `image`. */
function sameAsSevenZip(image: string, name: string, ns: string[]): void {
  const seven = at(`${name}-7z`);
  sh('7zz', ['x', '-tudf', '-y', `-o${seven}`, image]);
  const want = tree(seven);
  const ls = runCli(['ls', '-R', image, ...ns]);
  ok(ls, 'ls -R');
  assert.deepEqual(lsPaths(ls.stdout), [...sevenZipList(image).keys()].filter((p) => p !== path.basename(image)).sort(), 'ls -R = 7zz l');
  const ours = at(`${name}-x`);
  const x = runCli(['extract', image, '-o', ours, '--json', ...ns]);
  ok(x, 'extract');
  assert.deepEqual(sorted(tree(ours)), sorted(want), 'extract = 7zz x -tudf (paths and bytes)');
  let catted = 0;
  for (const [p, h] of want) {
    if (h === 'dir' || catted >= 6) continue;
    const c = runCli(['cat', image, `/${p}`, ...ns]);
    ok(c, `cat ${p}`);
    assert.equal(sha(c.stdoutBytes), h, `cat ${p}`);
    catted++;
  }
  assert.ok(catted >= 3, `${catted} files read with cat`);
}

test('genisoimage -udf bridge: ls -R, cat and extract --namespace udf equal 7-Zip; info shows the UDF volume as udfinfo does', async (t) => {
  if (!needTools(t, 'genisoimage', '7zz', 'udfinfo')) return;
  const image = await recipeImage('udf-genisoimage');
  sameAsSevenZip(image, 'bridge', ['--namespace', 'udf']);
  const u = udfinfo(image);
  const j = JSON.parse(runCli(['info', image, '--json', '--namespace', 'udf']).stdout) as {
    namespace: string; namespaces: { udf: { readable: boolean } };
    udf: { revision: string; volumeId: string; logicalVolumeId: string; integrity: string; fileCount: number; directoryCount: number; partitions: { startSector: number; blockCount: number }[] };
  };
  assert.equal(j.namespace, 'udf');
  assert.equal(j.namespaces.udf.readable, true);
  assert.deepEqual([j.udf.revision, j.udf.volumeId, j.udf.logicalVolumeId, j.udf.fileCount, j.udf.directoryCount], [u.get('udfrev'), u.get('vid'), u.get('lvid'), Number(u.get('numfiles')), Number(u.get('numdirs'))]);
  assert.equal(j.udf.integrity, u.get('integrity'));
  assert.equal(j.udf.partitions.length, 1);
  const text = runCli(['info', image]);
  ok(text, 'info');
  assert.match(text.stdout, /^UDF: +revision 1\.02 \(NSR02\)/m);
  assert.match(text.stdout, /^UDF integrity: +closed; \d+ files, \d+ directories$/m);
  assert.match(text.stdout, /^ {2}UDF partition 0: start sector \d+, \d+ blocks, read-only/m);
  assert.match(text.stdout, /^Namespace used: +rockridge$/m, 'Rock Ridge is still the automatic choice on a bridge');
  assert.equal(runCli(['ls', image, '--namespace', 'udf2']).status, 2);
  const check = runCli(['check', image]);
  assert.equal(check.status, 0, check.stdout + check.stderr);
});

test('Windows-shaped image: the automatic choice lists, reads and extracts the UDF tree as 7-Zip does', async (t) => {
  if (!needTools(t, '7zz') || !pycdlibAvailable(t)) return;
  const image = await recipeImage('udf-pycdlib-windows');
  sameAsSevenZip(image, 'win', []);
  assert.match(runCli(['info', image]).stdout, /^Namespace used: +udf$/m);
  assert.deepEqual(runCli(['ls', image, '--namespace', 'iso9660']).stdout.split('\n').filter((l) => l && l !== 'BOOT.CAT'), ['README.TXT']);
});

test('check reports damaged UDF structures (a FID tag checksum, a File Entry CRC) with byte offsets; a UDF-only volume checks clean', async (t) => {
  if (!needTools(t, 'genisoimage', 'mkudffs')) return;
  const spec: UFile = { name: '', children: [{ name: 'a', data: new Uint8Array(3000).fill(1) }, { name: 'b', data: new Uint8Array(10).fill(2) }] };
  const built = buildUdf(spec, { revision: 0x0201 });
  const img = built.bytes.slice();
  const fidAt = built.where.get(spec.children![0]!)!.fid!;
  img[fidAt + 4] ^= 0x5a; // the FID's tag checksum
  const feAt = built.where.get(spec.children![1]!)!.fe;
  img[feAt + 60] ^= 0x10; // a byte covered by the File Entry's CRC
  writeFileSync(at('damaged.udf'), img);
  const r = runCli(['check', at('damaged.udf'), '--json']);
  assert.equal(r.status, 3, r.stderr);
  const report = JSON.parse(r.stdout) as { findings: { code: string; byteOffset?: number; structure?: string }[] };
  const fid = report.findings.find((f) => f.code === 'UDF_FID');
  assert.ok(fid, JSON.stringify(report.findings));
  assert.ok(report.findings.some((f) => f.code === 'UDF_TAG' && f.byteOffset === feAt), JSON.stringify(report.findings));
  assert.ok(!report.findings.some((f) => f.code === 'NO_PVD'), 'no ISO 9660 complaints about a UDF-only image');
  // clean images: a mkudffs volume (no PVD)
  const only = at('only.img');
  sh('sh', [path.join(RECIPES, 'udf-mkudffs.sh'), only]);
  const c = runCli(['check', only]);
  assert.equal(c.status, 0, c.stdout + c.stderr);
  assert.match(c.stdout, /OK — 0 error\(s\), 0 warning\(s\); 1 directories, 0 files/);
});

test('extract of a hostile UDF image: FIDs named ".." and "a/b" renamed, a loop shown empty, an extent outside the partition fails; nothing outside DIR', () => {
  const data = (n: number, v: number) => new Uint8Array(n).fill(v);
  const root: UFile = { name: '', children: [] };
  const sub: UFile = { name: 'sub', children: [{ name: 'inner', data: data(5, 3) }] };
  sub.children!.push({ name: 'up', linkTo: root });
  const outside: UFile = { name: 'outside', data: data(3000, 4) };
  root.children!.push({ name: '..', data: data(7, 1) }, { name: 'a/b', data: data(9, 2) }, sub, outside, { name: 'fine', data: data(11, 5) });
  const built = buildUdf(root);
  const img = built.bytes.slice();
  const fe = built.where.get(outside)!.fe;
  img[fe + 176 + 4 + 2] = 0x70; // the File Entry's short_ad block number → far beyond the partition
  retag(img, fe);
  writeFileSync(at('hostile.udf'), img);
  const jail = at('jail');
  mkdirSync(jail);
  const dest = path.join(jail, 'out');
  const r = runCli(['extract', at('hostile.udf'), '-o', dest, '--namespace', 'udf']);
  assert.notEqual(r.status, 0, 'the unreadable file makes the extraction fail');
  assert.match(r.stderr, /outside/);
  assert.deepEqual(readdirSync(jail), ['out'], 'nothing next to DIR');
  const got = tree(dest);
  assert.equal(got.get('_..'), sha(data(7, 1)));
  assert.equal(got.get('a_b'), sha(data(9, 2)));
  assert.equal(got.get('fine'), sha(data(11, 5)));
  assert.equal(got.get('sub/inner'), sha(data(5, 3)));
  assert.equal(got.get('sub/up'), 'dir');
  assert.equal(readdirSync(path.join(dest, 'sub', 'up')).length, 0, 'the loop is not followed');
  assert.ok(![...got.keys()].some((p) => p.split('/').includes('..')), 'no ".." component');
  const info = runCli(['info', at('hostile.udf')]);
  assert.match(info.stdout, /BAD_NAME/);
  assert.match(info.stdout, /DIRECTORY_LOOP/);
  assert.match(info.stdout, /UDF_EXTENT_OUTSIDE/);
});

test('cat of UDF files recorded every way: holes read as zeros, data embedded in the File Entry, an allocation extent chain', () => {
  const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * seed + 3) & 255);
  const holes = pattern(8 * 2048, 9);
  const chain = pattern(24 * 2048, 5);
  const root: UFile = {
    name: '', children: [
      { name: 'holes', data: holes, holes: [[2, 3]] },
      { name: 'inline', data: pattern(40, 7), embedded: true },
      { name: 'chain.bin', data: chain, extentBytes: 2048, adsPerExtent: 4 },
    ],
  };
  writeFileSync(at('kinds.udf'), buildUdf(root, { revision: 0x0201 }).bytes);
  const want = holes.slice();
  want.fill(0, 2 * 2048, 5 * 2048); // blocks 2-4 are not-allocated extents: zeros
  const cat = (p: string) => {
    const r = runCli(['cat', at('kinds.udf'), p]);
    ok(r, `cat ${p}`);
    return r.stdoutBytes;
  };
  assert.equal(sha(cat('/holes')), sha(want));
  assert.equal(sha(cat('/inline')), sha(pattern(40, 7)));
  assert.equal(sha(cat('/chain.bin')), sha(chain));
  const x = runCli(['extract', at('kinds.udf'), '-o', at('kinds-x')]);
  ok(x, 'extract');
  assert.equal(sha(readFileSync(at('kinds-x', 'holes'))), sha(want));
  assert.equal(sha(readFileSync(at('kinds-x', 'chain.bin'))), sha(chain));
});

test('reading a UDF image over HTTP range requests: ls -R and cat equal the local file', async (t) => {
  if (!needTools(t, 'genisoimage')) return;
  const image = await recipeImage('udf-genisoimage');
  const payload = readFileSync(image);
  let ranged = 0;
  const server = createServer((req, res) => {
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-length': payload.length, 'accept-ranges': 'bytes' }).end();
    } else if (range) {
      ranged++;
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), payload.length - 1);
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${payload.length}`, 'content-length': end - start + 1 }).end(payload.subarray(start, end + 1));
    } else {
      res.writeHead(200, { 'content-length': payload.length }).end(payload);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bridge.iso`;
    const remote = await runCliAsync(['ls', '-R', '-l', '--namespace', 'udf', url]);
    ok(remote, 'ls over http');
    assert.equal(remote.stdout, runCli(['ls', '-R', '-l', '--namespace', 'udf', image]).stdout);
    const cat = await runCliAsync(['cat', url, '/numbers.txt', '--namespace', 'udf']);
    ok(cat, 'cat over http');
    assert.equal(sha(cat.stdoutBytes), sha(runCli(['cat', image, '/numbers.txt', '--namespace', 'udf']).stdoutBytes));
    assert.ok(ranged > 0, 'read with range requests');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
