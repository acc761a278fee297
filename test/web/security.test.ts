/**
 * `isokit ui` refuses what it must (issue 18 "Security"): no token, wrong token, foreign Host (DNS rebinding),
 * cross-origin POST and event stream, missing custom header, non-JSON bodies, paths outside the allowed folders
 * (also through a symbolic link), system disks and devices not on offer, a confirmation that does not name the
 * target; and it answers only on 127.0.0.1, with a strict CSP and no CORS headers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { listDrives } from '../../src/node/index.js';
import { startUiServer, type UiServer } from '../../src/web/server/server.js';
import { identityProblem, revalidateTargets } from '../../src/web/server/targets.js';
import { confirmationMatches } from '../../src/web/server/api-write.js';
import { tmpDir } from '../helpers/index.js';
import { call, client, signIn } from './helpers.js';

let server: UiServer;
let cookie: string;
let root: string;
let cleanup: () => void;

before(async () => {
  const t = tmpDir('ui-sec');
  cleanup = t.cleanup;
  root = path.join(t.dir, 'root');
  mkdirSync(path.join(root, 'inside'), { recursive: true });
  writeFileSync(path.join(root, 'inside', 'a.txt'), 'a');
  symlinkSync('/etc', path.join(root, 'escape'));
  const www = path.join(t.dir, 'www');
  mkdirSync(www);
  writeFileSync(path.join(www, 'index.html'), '<!doctype html><title>t</title>');
  server = await startUiServer({ roots: [root], staticDir: www });
  cookie = await signIn(server.port, server.url);
});
after(async () => {
  await server.close();
  cleanup();
});

const page = () => ({ cookie, origin: `http://127.0.0.1:${server.port}`, 'sec-fetch-site': 'same-origin', 'x-isokit': '1', 'content-type': 'application/json' });

describe('sign-in', () => {
  test('the token is exchanged for an HttpOnly SameSite=Strict cookie and leaves the URL', async () => {
    const a = await call(server.port, new URL(server.url).pathname + new URL(server.url).search);
    assert.equal(a.status, 302);
    assert.equal(a.headers.location, '/');
    const set = String(a.headers['set-cookie']);
    assert.match(set, /^isokit_session=[\w-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    assert.equal(new URL(server.url).searchParams.get('token')?.length, 43, '256-bit token, base64url');
  });
  test('a wrong token: 401, no cookie', async () => {
    const a = await call(server.port, `/?token=${'A'.repeat(43)}`);
    assert.equal(a.status, 401);
    assert.equal(a.headers['set-cookie'], undefined);
  });
  test('no cookie, or a wrong one: every /api/ request is 401', async () => {
    for (const p of ['/api/session', '/api/drives', '/api/fs/list', '/api/events']) {
      assert.equal((await call(server.port, p, { headers: { 'x-isokit': '1' } })).status, 401, p);
      assert.equal((await call(server.port, p, { headers: { ...page(), cookie: 'isokit_session=forged' } })).status, 401, p);
    }
    const post = await call(server.port, '/api/image/open', { body: { path: '/x' }, headers: { ...page(), cookie: '' } });
    assert.equal(post.status, 401);
  });
  test('signed in: the session answers', async () => {
    const a = await client(server.port, cookie).get('/api/session');
    assert.equal(a.status, 200);
    assert.deepEqual(a.json.roots, [root]);
  });
});

describe('DNS rebinding and cross-site requests', () => {
  test('a foreign Host is refused on pages and API; our three hosts are accepted', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, `localhost.evil.example:${server.port}`]) {
      assert.equal((await call(server.port, '/', { headers: { host } })).status, 403, host);
      assert.equal((await call(server.port, '/api/session', { headers: { ...page(), host } })).status, 403, host);
    }
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`]) {
      assert.equal((await call(server.port, '/api/session', { headers: { ...page(), host, origin: `http://${host}` } })).status, 200, host);
    }
  });
  test('a POST from another origin, cross-site fetch metadata, or without Origin is refused', async () => {
    const body = { path: path.join(root, 'inside', 'a.txt') };
    const cases: Record<string, string | undefined>[] = [
      { origin: 'http://evil.example' },
      { origin: `http://127.0.0.1:${server.port + 1}` },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: undefined },
    ];
    for (const c of cases) {
      const headers = { ...page(), ...c } as Record<string, string | undefined>;
      for (const k of Object.keys(headers)) if (headers[k] === undefined) delete headers[k];
      const a = await call(server.port, '/api/image/inspect', { body, headers: headers as Record<string, string> });
      assert.equal(a.status, 403, JSON.stringify(c));
      assert.equal((a.json.error as { code: string }).code, 'CROSS_ORIGIN');
    }
  });
  test('the event stream from another origin is refused; same-origin gets text/event-stream', async () => {
    assert.equal((await call(server.port, '/api/events', { headers: { cookie, origin: 'http://evil.example' } })).status, 403);
    assert.equal((await call(server.port, '/api/events', { headers: { cookie, 'sec-fetch-site': 'cross-site' } })).status, 403);
    const ok = await call(server.port, '/api/events', { headers: { cookie, 'sec-fetch-site': 'same-origin' }, peek: true });
    assert.equal(ok.status, 200);
    assert.match(String(ok.headers['content-type']), /^text\/event-stream/);
  });
  test('a missing X-Isokit header is refused (POST and scripted GET); a form-like body is refused', async () => {
    const { 'x-isokit': _, ...noHeader } = page();
    assert.equal((await call(server.port, '/api/image/inspect', { body: { path: root }, headers: noHeader })).status, 403);
    assert.equal((await call(server.port, '/api/session', { headers: noHeader })).status, 403);
    const form = await call(server.port, '/api/image/inspect', { body: 'path=/etc/passwd', headers: { ...page(), 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(form.status, 415);
  });
  test('no CORS: a preflight gets no Access-Control-Allow-* header; answers carry the CSP', async () => {
    const pre = await call(server.port, '/api/image/inspect', { method: 'OPTIONS', headers: { cookie, origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-isokit,content-type' } });
    assert.notEqual(pre.status, 200);
    assert.equal(Object.keys(pre.headers).filter((h) => h.startsWith('access-control-')).length, 0);
    const html = await call(server.port, '/');
    const csp = String(html.headers['content-security-policy']);
    for (const d of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"]) assert.ok(csp.includes(d), d);
    assert.equal(html.headers['x-content-type-options'], 'nosniff');
    assert.equal(html.headers['referrer-policy'], 'no-referrer');
    const api = await client(server.port, cookie).get('/api/session');
    assert.equal(api.headers['content-security-policy'], csp);
    assert.equal(Object.keys(api.headers).filter((h) => h.startsWith('access-control-')).length, 0);
  });
  test('only 127.0.0.1 listens', async () => {
    const tryConnect = (host: string) => new Promise<boolean>((resolve) => {
      const s = connect({ host, port: server.port }, () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    assert.equal(await tryConnect('127.0.0.1'), true);
    assert.equal(await tryConnect('::1'), false);
  });
});

describe('paths and targets', () => {
  test('paths outside the allowed folders are refused, also through a symbolic link or ..', async () => {
    const api = client(server.port, cookie);
    for (const p of ['/etc', '/etc/passwd', path.join(root, 'escape'), path.join(root, 'escape', 'passwd'), path.join(root, 'inside', '..', '..'), '/']) {
      const list = await api.get(`/api/fs/list?path=${encodeURIComponent(p)}`);
      assert.equal(list.status, 403, `list ${p}`);
      assert.equal((list.json.error as { code: string }).code, 'OUTSIDE_ROOTS');
      const open = await api.post('/api/image/inspect', { path: p });
      assert.equal(open.status, 403, `inspect ${p}`);
    }
    const out = await api.post('/api/create/start', { sources: [path.join(root, 'inside')], output: path.join(root, 'escape', 'x.iso') });
    assert.equal(out.status, 403);
    const relative = await api.get('/api/fs/list?path=inside');
    assert.equal(relative.status, 400);
    const ok = await api.get(`/api/fs/list?path=${encodeURIComponent(path.join(root, 'inside'))}`);
    assert.equal(ok.status, 200);
    assert.deepEqual((ok.json.entries as { name: string }[]).map((e) => e.name), ['a.txt']);
  });

  test('system disks are never offered and never accepted as targets; devices not on offer are refused', async () => {
    const api = client(server.port, cookie);
    const system = listDrives({ all: true }).drives.filter((d) => d.system);
    const offered = (await api.get('/api/drives')).json.drives as { path: string }[];
    for (const d of system) assert.ok(!offered.some((o) => o.path === d.path), `${d.path} offered`);
    const image = path.join(root, 'inside', 'a.txt');
    for (const d of system) {
      const a = await api.post('/api/write/start', { image, targets: [{ kind: 'device', path: d.path, byteLength: d.byteLength, model: d.model, serial: d.serial }], confirm: d.name });
      assert.equal(a.status, 409, d.path);
      assert.match((a.json.error as { message: string }).message, /no longer in the drive list|system disk/);
    }
    const ghost = await api.post('/api/write/plan', { image, targets: [{ kind: 'device', path: '/dev/sdzz', byteLength: 1 }] });
    assert.equal(ghost.status, 409);
    const devAsFile = await api.post('/api/write/start', { image, targets: [{ kind: 'file', path: '/dev/null' }], confirm: 'null' });
    assert.equal(devAsFile.status, 403);
  });

  test('the typed confirmation must name every target', async () => {
    const api = client(server.port, cookie);
    const image = path.join(root, 'inside', 'a.txt');
    const target = { kind: 'file', path: path.join(root, 'out.img') };
    for (const confirm of ['', 'no', 'out', 'out.img out.img2']) {
      const a = await api.post('/api/write/start', { image, targets: [target], confirm });
      assert.equal(a.status, 400, confirm);
      assert.equal((a.json.error as { code: string }).code, 'NOT_CONFIRMED');
    }
    assert.equal(confirmationMatches('sdc  sdb', [{ kind: 'device', path: '/dev/sdb' }, { kind: 'device', path: '/dev/sdc' }]), true);
    assert.equal(confirmationMatches('sdb', [{ kind: 'device', path: '/dev/sdb' }, { kind: 'device', path: '/dev/sdc' }]), false);
  });

  test('the writer refuses a device whose size, model or serial changed since it was shown', () => {
    const shown = { kind: 'device' as const, path: '/dev/sdb', byteLength: 8_000_000_000, model: 'Cruzer', serial: 'A1' };
    assert.equal(identityProblem(shown, { byteLength: 8_000_000_000, model: 'Cruzer', serial: 'A1', system: false }), undefined);
    assert.match(identityProblem(shown, { byteLength: 16_000_000_000, model: 'Cruzer', serial: 'A1', system: false }) ?? '', /another device/);
    assert.match(identityProblem(shown, { byteLength: 8_000_000_000, model: 'Other', serial: 'A1', system: false }) ?? '', /another device/);
    assert.match(identityProblem(shown, { byteLength: 8_000_000_000, model: 'Cruzer', serial: 'B2', system: false }) ?? '', /serial/);
    assert.match(identityProblem(shown, { byteLength: 8_000_000_000, model: 'Cruzer', serial: 'A1', system: true }) ?? '', /system disk/);
    assert.throws(() => revalidateTargets([shown], [{ path: '/dev/sdb', kind: 'file', exists: true, description: '' }]), /no longer a device/);
    assert.throws(() => revalidateTargets([{ kind: 'file', path: '/tmp/x.img' }], [{ path: '/tmp/x.img', kind: 'device', exists: true, description: '' }]), /no longer a regular file/);
  });
});
