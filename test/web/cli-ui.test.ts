/**
 * `isokit ui` as users run it (bin/isokit.js): the URL on stdout (`--json`: one line), a signed-in API, Ctrl-C
 * (SIGTERM) stops it promptly; usage errors; a busy port is one readable line; the redirect page that opens the
 * browser keeps the token off the command line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { BIN, runCli, tmpDir } from '../helpers/index.js';
import { openerFor, redirectPage } from '../../src/web/server/open-browser.js';
import { client, signIn } from './helpers.js';

test('isokit ui --no-open --json: URL, API, and SIGTERM ends it', async () => {
  const { dir, cleanup } = tmpDir('cli-ui');
  const child = spawn(process.execPath, [BIN, 'ui', '--no-open', '--json', '--root', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0] as string);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const info = JSON.parse(line) as { url: string; port: number; roots: string[] };
    assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
    assert.deepEqual(info.roots, [dir]);
    const api = client(info.port, await signIn(info.port, info.url));
    const s = await api.get('/api/session');
    assert.equal(s.status, 200);
    const t0 = Date.now();
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exit, 130);
    assert.ok(Date.now() - t0 < 5000, 'stops within 5 s');
  } finally {
    child.kill('SIGKILL');
    cleanup();
  }
});

test('isokit ui: usage errors and a busy port are one line each; help lists ui', async () => {
  assert.equal(runCli(['ui', '--port', 'x']).status, 2);
  assert.equal(runCli(['ui', 'extra']).status, 2);
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  try {
    const r = runCli(['ui', '--no-open', '--port', String(port)]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^isokit: error: port ${port} on 127\\.0\\.0\\.1 is in use .*--port`));
  } finally {
    busy.close();
  }
  assert.match(runCli(['help']).stdout, /^\s+ui\s+open the web app/m);
});

test('the browser is opened through a redirect page, not with the token on a command line', () => {
  const page = redirectPage('http://127.0.0.1:1234/?token=a&b"<');
  assert.match(page, /content="0;url=http:\/\/127\.0\.0\.1:1234\/\?token=a&amp;b&quot;&lt;"/);
  assert.deepEqual(openerFor('linux', '/run/user/1/isokit-ui-x/open.html'), ['xdg-open', '/run/user/1/isokit-ui-x/open.html']);
  assert.deepEqual(openerFor('darwin', '/tmp/x.html'), ['open', '/tmp/x.html']);
});
