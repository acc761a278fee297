/**
 * The one-shot writer process: it reports with the objects `isokit write --json` prints (same phases and fields),
 * refuses a target that changed, and is elevated only when a device is not writable by the user — through
 * pkexec in a desktop session, else a readable refusal saying what to do (checked as user "nobody").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, needTools, runCli, sh, tmpDir } from '../helpers/index.js';
import { writerChildPath, writerCommand } from '../../src/web/server/writer.js';
import { attachLoop, detachLoop } from '../write/helpers.js';

function runChild(request: unknown): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writerChildPath()], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', () => resolve(out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)));
    child.stdin.write(JSON.stringify(request) + '\n');
  });
}

test('the writer reports as `isokit write --json` does: same progress phases and fields, then the summary', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('writer');
  try {
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src', 'a.bin'), new Uint8Array(3_000_000).map((_, i) => (i * 7) & 255));
    const iso = path.join(dir, 'a.iso');
    sh('xorriso', ['-as', 'mkisofs', '-R', '-o', iso, path.join(dir, 'src')], { stdio: 'pipe' });
    const cli = runCli(['write', iso, path.join(dir, 'cli.img'), '--yes', '--json']);
    assert.equal(cli.status, 0, cli.stderr);
    const cliEvents = cli.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const events = await runChild({ image: iso, targets: [{ kind: 'file', path: path.join(dir, 'ui.img') }], verify: true });
    const shape = (evs: Record<string, unknown>[]) => {
      const progress = evs.filter((e) => e.type === 'progress');
      return { phases: [...new Set(progress.map((e) => e.phase))].sort(), fields: [...new Set(progress.flatMap((e) => Object.keys(e)))].filter((k) => k !== 'speed' && k !== 'eta').sort() };
    };
    assert.deepEqual(shape(events), shape(cliEvents));
    const summary = events.find((e) => e.type === 'summary')?.summary as { ok: boolean; targets: { verified: boolean }[] };
    assert.equal(summary.ok, true);
    assert.equal(summary.targets[0]?.verified, true);
    assert.ok(readFileSync(path.join(dir, 'ui.img')).equals(readFileSync(iso)));
  } finally {
    cleanup();
  }
});

test('the writer refuses a device that is not the one shown (size, model), before writing', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root (loop devices)');
  if (!needTools(t, 'losetup')) return;
  const { dir, cleanup } = tmpDir('writer-id');
  const backing = path.join(dir, 'disk.img');
  writeFileSync(backing, new Uint8Array(4 << 20));
  const dev = attachLoop(backing);
  try {
    writeFileSync(path.join(dir, 'image.img'), new Uint8Array(1 << 20).fill(0x5a));
    for (const shown of [{ byteLength: (4 << 20) + 512 }, { byteLength: 4 << 20, model: 'Cruzer Blade' }]) {
      const events = await runChild({ image: path.join(dir, 'image.img'), targets: [{ kind: 'device', path: dev, ...shown }], verify: true });
      const err = events.find((e) => e.type === 'error')?.error as { code: string; message: string } | undefined;
      assert.equal(err?.code, 'TARGET_CHANGED', JSON.stringify(events));
      assert.match(err?.message ?? '', /another device took its name/);
      assert.ok(!events.some((e) => e.type === 'summary' || (e.type === 'progress' && e.phase === 'writing')));
    }
    assert.ok(readFileSync(backing).every((b) => b === 0), 'nothing written');
  } finally {
    detachLoop(dev);
    cleanup();
  }
});

test('elevation: none as root or for files; pkexec in a desktop session; otherwise a refusal that says what to do', (t) => {
  if (process.getuid?.() !== 0) return t.skip('runs the check as user nobody: needs root');
  assert.deepEqual(writerCommand([{ kind: 'device', path: '/dev/null' }]).slice(-1), [writerChildPath()]);
  const { dir, cleanup } = tmpDir('elevate');
  try {
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'pkexec'), '#!/bin/sh\nexit 0\n');
    chmodSync(path.join(bin, 'pkexec'), 0o755);
    chmodSync(dir, 0o755);
    const probe = path.join(dir, 'probe.mjs');
    writeFileSync(probe, `process.setgid(65534); process.setuid(65534);
const { writerCommand } = await import(${JSON.stringify(path.join(ROOT, 'src/web/server/writer.ts'))});
const out = {};
for (const [name, ids, env] of [
  ['device', [{ kind: 'device', path: '/dev/loop-control' }], {}],
  ['file', [{ kind: 'file', path: '/tmp/x.img' }], {}],
  ['desktop', [{ kind: 'device', path: '/dev/loop-control' }], { DISPLAY: ':0' }],
]) {
  try { out[name] = { argv: writerCommand(ids, env) }; } catch (e) { out[name] = { code: e.code, message: e.message, hint: e.hint }; }
}
console.log(JSON.stringify(out));
`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', probe], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` } });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, { argv?: string[]; code?: string; message?: string; hint?: string }>;
    assert.equal(out.device?.code, 'NEEDS_ROOT');
    assert.match(out.device?.message ?? '', /^writing \/dev\/loop-control needs administrator rights/);
    assert.match(out.device?.hint ?? '', /sudo isokit write IMAGE \/dev\/loop-control/);
    assert.equal(out.file?.argv?.[0], process.execPath);
    assert.equal(out.desktop?.argv?.[0], 'pkexec');
    assert.equal(out.desktop?.argv?.[1], process.execPath);
  } finally {
    cleanup();
  }
});
