/**
 * The `isokit ui` API without a browser: every flow is the library call the CLI makes, so its results must
 * agree with independent tools — an image created through the API reads back in xorriso with the source's
 * bytes; opening, listing per namespace, preview, download and extraction give xorriso's image's files; hash
 * equals sha256sum; a gpg-signed SHA256SUMS verifies; the writer process writes a regular file and a loop
 * device and verifies them; burn and rip either run (stdio: pseudo-drive, a file as the source) or say that
 * this build lacks them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startUiServer, type UiServer } from '../../src/web/server/server.js';
import { IN_CI, needTools, sh, tmpDir } from '../helpers/index.js';
import { attachLoop, detachLoop, noise } from '../write/helpers.js';
import { client, signIn } from './helpers.js';

let server: UiServer;
let api: ReturnType<typeof client>;
let dir: string;
let cleanup: () => void;
let src: string;

before(async () => {
  const t = tmpDir('ui-api');
  dir = t.dir;
  cleanup = t.cleanup;
  src = path.join(dir, 'src');
  mkdirSync(path.join(src, 'docs', 'deep'), { recursive: true });
  writeFileSync(path.join(src, 'README.txt'), 'Hello from isokit ui\n');
  writeFileSync(path.join(src, 'docs', 'guide.md'), '# Guide\n\nsome text\n');
  writeFileSync(path.join(src, 'docs', 'deep', 'data.bin'), noise(300_000, 7));
  server = await startUiServer({ roots: [dir] });
  api = client(server.port, await signIn(server.port, server.url));
});
after(async () => {
  await server.close();
  cleanup();
});

const ok = (info: Record<string, unknown>) => {
  assert.equal(info.state, 'done', JSON.stringify(info.error));
  return info.result as Record<string, unknown>;
};

test('create: exact size before writing, the written image reads back in xorriso with the same bytes', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const req = { sources: [src], label: 'UI_TEST', joliet: true, rockRidge: true };
  const plan = await api.post('/api/create/plan', req);
  assert.equal(plan.status, 200, plan.text);
  const out = path.join(dir, 'made.iso');
  const result = ok(await api.job('/api/create/start', { ...req, output: out }));
  assert.equal(statSync(out).size, plan.json.byteLength);
  assert.equal(result.byteLength, plan.json.byteLength);
  const v = result.verification as { ok: boolean; sha256: string; readBack: { files: number; directories: number } };
  assert.equal(v.ok, true, JSON.stringify(v));
  assert.deepEqual(v.readBack, { files: 3, directories: 3, countsMatch: true });
  assert.equal(v.sha256, sh('sha256sum', [out]).split(' ')[0]);
  const x = path.join(dir, 'made-x');
  sh('xorriso', ['-osirrox', 'on', '-indev', out, '-extract', '/', x], { stdio: 'pipe' });
  assert.deepEqual(readFileSync(path.join(x, 'docs/deep/data.bin')), readFileSync(path.join(src, 'docs/deep/data.bin')));
  assert.match(sh('xorriso', ['-indev', out, '-pvd_info'], { stdio: 'pipe' }), /Volume Id\s*:\s*UI_TEST/);
  const exists = await api.post('/api/create/start', { ...req, output: out });
  assert.equal(exists.status, 409);
});

test('create with UDF: the image has a UDF 1.02 bridge that 7-Zip and udfinfo read', async (t) => {
  if (!needTools(t, '7zz', 'udfinfo')) return;
  const req = { sources: [src], label: 'UI_UDF', joliet: true, rockRidge: true, udf: true };
  const out = path.join(dir, 'made-udf.iso');
  const result = ok(await api.job('/api/create/start', { ...req, output: out }));
  assert.equal(statSync(out).size, result.byteLength);
  assert.match(sh('udfinfo', [out], { stdio: 'pipe' }), /udfrev=1\.02/);
  const x = path.join(dir, 'made-udf-x');
  sh('7zz', ['x', '-y', '-tudf', `-o${x}`, out], { stdio: 'pipe' });
  assert.deepEqual(readFileSync(path.join(x, 'docs/deep/data.bin')), readFileSync(path.join(src, 'docs/deep/data.bin')));
});

test('open an xorriso image: info, each namespace, preview, download, extract chosen and all, hash, check', async (t) => {
  if (!needTools(t, 'xorriso', 'sha256sum')) return;
  const iso = path.join(dir, 'xorriso.iso');
  sh('xorriso', ['-as', 'mkisofs', '-R', '-J', '-V', 'XORRISO_UI', '-o', iso, src], { stdio: 'pipe' });
  const open = await api.post('/api/image/open', { path: iso });
  assert.equal(open.status, 200, open.text);
  const id = open.json.id as string;
  assert.equal((open.json.info as { volume: { volumeId: string } }).volume.volumeId, 'XORRISO_UI');
  assert.deepEqual(open.json.namespaces, ['rockridge', 'joliet', 'iso9660']);
  for (const ns of ['rockridge', 'joliet', 'iso9660']) {
    const ls = await api.get(`/api/image/ls?id=${id}&ns=${ns}&path=/docs`);
    assert.equal(ls.status, 200, ls.text);
    const names = (ls.json.entries as { name: string }[]).map((e) => e.name.toLowerCase().replace(/;1$/, ''));
    assert.deepEqual(names.sort(), ['deep', 'guide.md'], ns);
  }
  const pre = await api.get(`/api/image/preview?id=${id}&path=/README.txt`);
  assert.equal(pre.json.text, 'Hello from isokit ui\n');
  const bin = await api.get(`/api/image/preview?id=${id}&path=/docs/deep/data.bin`);
  assert.equal(bin.json.binary, true);
  const raw = await api.get(`/api/image/raw?id=${id}&path=/docs/guide.md`);
  assert.equal(raw.text, '# Guide\n\nsome text\n');
  assert.match(String(raw.headers['content-disposition']), /attachment; filename\*=UTF-8''guide\.md/);

  const one = path.join(dir, 'x-one');
  mkdirSync(one);
  ok(await api.job('/api/image/extract', { id, paths: ['/docs/guide.md'], dest: one }));
  assert.equal(readFileSync(path.join(one, 'docs/guide.md'), 'utf8'), '# Guide\n\nsome text\n');
  assert.throws(() => statSync(path.join(one, 'README.txt')));
  const all = path.join(dir, 'x-all');
  mkdirSync(all);
  const ex = ok(await api.job('/api/image/extract', { id, paths: [], dest: all }));
  assert.equal(ex.files, 3);
  assert.deepEqual(readFileSync(path.join(all, 'docs/deep/data.bin')), readFileSync(path.join(src, 'docs/deep/data.bin')));

  const h = ok(await api.job('/api/hash', { path: iso, algorithms: 'sha256,md5' }));
  assert.equal((h.digests as { sha256: string }).sha256, sh('sha256sum', [iso]).split(' ')[0]);
  const c = ok(await api.job('/api/check', { path: iso }));
  assert.equal(c.ok, true);
});

test('verify against a gpg-signed SHA256SUMS with a keyring; a changed byte is a mismatch', async (t) => {
  if (!needTools(t, 'gpg', 'xorriso', 'sha256sum')) return;
  const rel = path.join(dir, 'release');
  mkdirSync(rel);
  const iso = path.join(rel, 'live.iso');
  sh('xorriso', ['-as', 'mkisofs', '-R', '-o', iso, src], { stdio: 'pipe' });
  const home = path.join(dir, 'gnupg');
  mkdirSync(home, { mode: 0o700 });
  const gpg = (args: string[]) => sh('gpg', ['--homedir', home, '--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', '', ...args]);
  gpg(['--quick-gen-key', 'Release <release@example.org>', 'ed25519', 'sign', 'never']);
  const keyring = path.join(dir, 'release.asc');
  writeFileSync(keyring, gpg(['--armor', '--export', 'release@example.org']));
  writeFileSync(path.join(rel, 'SHA256SUMS'), `${sh('sha256sum', [iso]).split(' ')[0]}  live.iso\n`);
  gpg(['-u', 'release@example.org', '--output', path.join(rel, 'SHA256SUMS.gpg'), '--detach-sign', path.join(rel, 'SHA256SUMS')]);
  const v = ok(await api.job('/api/verify', { path: iso, keyring: [keyring] }));
  assert.equal(v.status, 'verified-signed', String(v.message));
  const inspect = await api.post('/api/image/inspect', { path: iso });
  assert.deepEqual(inspect.json.referenceFiles, ['SHA256SUMS', 'SHA256SUMS.gpg']);
  const bytes = readFileSync(iso);
  bytes[40000] = (bytes[40000] as number) ^ 1;
  writeFileSync(iso, bytes);
  const bad = ok(await api.job('/api/verify', { path: iso, keyring: [keyring] }));
  assert.equal(bad.status, 'mismatch');
});

test('write: the writer process writes a regular file and verifies it', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const iso = path.join(dir, 'to-write.iso');
  sh('xorriso', ['-as', 'mkisofs', '-R', '-o', iso, src], { stdio: 'pipe' });
  const target = { kind: 'file', path: path.join(dir, 'stick.img') };
  const plan = ok(await api.job('/api/write/plan', { image: iso, targets: [target] }));
  assert.equal((plan.inspection as { kind: string }).kind, 'data-iso');
  assert.equal((plan.targets as { confirmName: string }[])[0]?.confirmName, 'stick.img');
  const w = ok(await api.job('/api/write/start', { image: iso, targets: [target], confirm: 'stick.img', verify: true }));
  const r = (w.targets as { ok: boolean; verified: boolean; path: string }[])[0];
  assert.equal(r?.ok, true);
  assert.equal(r?.verified, true);
  assert.deepEqual(readFileSync(target.path), readFileSync(iso));
});

test('write: a loop device from the drive list, identity checked, written and verified', async (t) => {
  if (process.getuid?.() !== 0) {
    if (IN_CI) throw new Error('the loop-device test needs root under CI');
    return t.skip('needs root (loop devices)');
  }
  if (!needTools(t, 'xorriso', 'losetup')) return;
  const iso = path.join(dir, 'to-loop.iso');
  sh('xorriso', ['-as', 'mkisofs', '-R', '-o', iso, src], { stdio: 'pipe' });
  const backing = path.join(dir, 'loop.img');
  writeFileSync(backing, new Uint8Array(8 << 20));
  const dev = attachLoop(backing);
  try {
    const drives = (await api.get('/api/drives')).json.drives as { path: string; name: string; byteLength: number; model?: string; serial?: string; bus: string }[];
    const d = drives.find((x) => x.path === dev);
    assert.ok(d, `${dev} offered`);
    assert.equal(d.bus, 'loop');
    const target = { kind: 'device', path: d.path, byteLength: d.byteLength, model: d.model, serial: d.serial };
    const wrongSize = await api.post('/api/write/start', { image: iso, targets: [{ ...target, byteLength: d.byteLength + 512 }], confirm: d.name });
    assert.equal(wrongSize.status, 409);
    const w = ok(await api.job('/api/write/start', { image: iso, targets: [target], confirm: d.name }));
    const r = (w.targets as { ok: boolean; verified: boolean; direct: boolean }[])[0];
    assert.equal(r?.ok, true);
    assert.equal(r?.verified, true);
    const size = statSync(iso).size;
    assert.deepEqual(readFileSync(backing).subarray(0, size), readFileSync(iso));
  } finally {
    detachLoop(dev);
  }
});

test('burn and rip: run through the library (a stdio: pseudo-drive, an image file as the source)', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const caps = (await api.get('/api/session')).json.capabilities as { burn: boolean; rip: boolean };
  assert.deepEqual([caps.burn, caps.rip], [true, true]);
  const iso = path.join(dir, 'to-burn.iso');
  sh('xorriso', ['-as', 'mkisofs', '-R', '-o', iso, src], { stdio: 'pipe' });
  const disc = path.join(dir, 'disc.img');
  const b = ok(await api.job('/api/burn/start', { image: iso, drive: `stdio:${disc}`, confirm: 'disc.img', verify: true }, 120_000));
  assert.equal(b.ok, true);
  assert.deepEqual(readFileSync(disc).subarray(0, statSync(iso).size), readFileSync(iso));
  const ripped = path.join(dir, 'ripped.iso');
  const r = ok(await api.job('/api/rip/start', { source: iso, output: ripped }, 120_000));
  assert.equal(r.complete, true);
  assert.equal(r.missingBlocks, 0);
  assert.deepEqual(readFileSync(ripped), readFileSync(iso));
});

test('a UDF bridge image offers its UDF tree', async (t) => {
  if (!needTools(t, 'genisoimage')) return;
  const iso = path.join(dir, 'udf-bridge.iso');
  sh('genisoimage', ['-quiet', '-R', '-J', '-udf', '-V', 'BRIDGE', '-o', iso, src], { stdio: 'pipe' });
  const open = await api.post('/api/image/open', { path: iso });
  assert.equal(open.status, 200, open.text);
  assert.ok((open.json.namespaces as string[]).includes('udf'), JSON.stringify(open.json.namespaces));
  const ls = await api.get(`/api/image/ls?id=${open.json.id}&ns=udf&path=/docs`);
  assert.equal(ls.status, 200, ls.text);
  assert.deepEqual((ls.json.entries as { name: string }[]).map((e) => e.name).sort(), ['deep', 'guide.md']);
});
