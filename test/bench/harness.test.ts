// Smoke test of the benchmark harness (bench/run.mjs) so it cannot rot: a tiny workload, one suite,
// one pair, and the shape of the results JSON — never the numbers (timings belong in `npm run bench`).
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, needTools, tmpDir } from '../helpers/index.js';

const RUN = path.join(ROOT, 'bench/run.mjs');
const STATUSES = ['ok', 'missing', 'failed', 'invalid'];
const VERDICTS = ['PASS', 'MISS', 'n/a'];

interface Tool { id: string; label: string; kind: string; status: string; reason?: string; runs: { wallS: number; rssKiB: number | null }[]; medianS: number | null; peakRssMiB: number | null }
interface Goal { text: string; verdict: string; value: number | null; target: number; unit: string; detail?: string }
interface Group { workload: string; title: string; tools: Tool[]; goals: Goal[]; info: { fileCount: number; byteLength: number } }
interface Result { schemaVersion: number; scale: number; pairs: number; pageCache: string; host: { cpus: number; loadavgStart: number[]; loadavgEnd: number[] }; isokit: { commands: string[] }; suites: { suite: string; issue: number; groups: Group[]; error?: string }[] }

function bench(args: string[]) {
  return spawnSync(process.execPath, [RUN, ...args], { encoding: 'utf8', timeout: 120_000 });
}

test('bench: a tiny list run produces results JSON of the documented shape', (t) => {
  if (!needTools(t, 'xorriso')) return;
  const tmp = tmpDir('bench');
  t.after(tmp.cleanup);
  const jsonOut = path.join(tmp.dir, 'r.json');
  const r = bench(['--scale', '0.002', '--only', 'list', '--pairs', '1', '--warmup', '0', '--work', tmp.dir, '--json-out', jsonOut, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\| suite \| workload \| goal \| measured \| verdict \|/, 'prints the markdown summary');
  const result = JSON.parse(readFileSync(jsonOut, 'utf8')) as Result;
  assert.equal(result.schemaVersion, 1);
  assert.equal(result.scale, 0.002);
  assert.equal(result.pairs, 1);
  assert.equal(result.pageCache, 'warm');
  assert.ok(result.host.cpus >= 1 && result.host.loadavgStart.length === 3 && result.host.loadavgEnd.length === 3);
  assert.ok(Array.isArray(result.isokit.commands));
  assert.deepEqual(result.suites.map((s) => s.suite), ['list']);
  const [suite] = result.suites;
  assert.equal(suite.error, undefined);
  assert.deepEqual(suite.groups.map((g) => g.workload), ['distro-like', 'many-small', 'one-big']);
  for (const g of suite.groups) {
    assert.ok(g.info.fileCount >= 1 && g.info.byteLength > 0, `${g.title}: workload facts`);
    // the anchors, then Node's own start-up (node -e 0), and both again without NODE_EXTRA_CA_CERTS when it is set
    const extraCa = process.env.NODE_EXTRA_CA_CERTS ? ['isokit-no-ca', 'node-no-ca'] : [];
    assert.deepEqual(g.tools.map((x) => x.id), ['isokit', 'isoinfo', 'bsdtar', '7zz', 'xorriso', 'node', ...extraCa]);
    for (const tool of g.tools) {
      assert.ok(STATUSES.includes(tool.status), `${tool.label}: status ${tool.status}`);
      if (tool.status === 'ok') {
        assert.equal(tool.runs.length, 1, `${tool.label}: one counted run`);
        assert.ok(typeof tool.medianS === 'number' && tool.medianS > 0, `${tool.label}: median`);
      } else {
        assert.ok(tool.reason, `${tool.label}: a reason when not ok`);
      }
    }
    // xorriso built the images, so at least that anchor must have been measured.
    assert.equal(g.tools.find((x) => x.id === 'xorriso')?.status, 'ok');
    if (!result.isokit.commands.includes('ls')) assert.match(g.tools[0].reason ?? '', /isokit command missing/);
    // ratio, within 0.1 s of isoinfo, the same with Node's start-up at the goal's 65 ms (+ one without
    // NODE_EXTRA_CA_CERTS), then ≤ 0.5× bsdtar (issue 12)
    assert.equal(g.goals.length, 4 + extraCa.length / 2);
    assert.match(g.goals.at(-1)?.text ?? '', /≤ 0\.5× bsdtar -tvf/);
    const startup = g.goals[2];
    assert.match(startup?.text ?? '', /Node's start-up at the goal's 65 ms/);
    if (startup?.verdict !== 'n/a') assert.match(startup?.detail ?? '', /isokit's own -?[\d.]+ ms/);
    for (const goal of g.goals) assert.ok(VERDICTS.includes(goal.verdict), `${goal.text}: ${goal.verdict}`);
  }
});

test('bench: bad options give one line and exit 2', () => {
  const r = bench(['--only', 'bogus']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^bench: --only: unknown bogus/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('bench: workloads are deterministic and match benchmarking.md', async () => {
  const mod = (await import(pathToFileURL(path.join(ROOT, 'bench/lib/workloads.mjs')).href)) as {
    planWorkload(name: string, scale: number): { dirs: string[]; files: { path: string; byteLength: number }[] };
  };
  const distro = mod.planWorkload('distro-like', 1);
  assert.deepEqual(mod.planWorkload('distro-like', 1), distro, 'same plan twice');
  const total = (p: { files: { byteLength: number }[] }) => p.files.reduce((a, f) => a + f.byteLength, 0);
  assert.ok(Math.abs(total(distro) - 1.56e9) < 0.03e9, `distro-like payload ${total(distro)}`);
  assert.equal(distro.files.length, 20202);
  assert.ok(distro.files.filter((f) => f.byteLength > 100e6).length === 2);
  assert.ok(distro.dirs.every((d) => d.split('/').length <= 6), 'directory depth ≤ 6');
  assert.ok([...distro.dirs, ...distro.files.map((f) => f.path)].every((p) => p.split('/').every((c) => c.length <= 64)), 'names fit Joliet (64)');
  assert.equal(new Set(distro.files.map((f) => f.path)).size, distro.files.length, 'unique paths');
  const small = mod.planWorkload('many-small', 1);
  assert.equal(small.files.length, 100000);
  assert.equal(small.dirs.length, 40 + 40 * 50);
  assert.ok(Math.abs(total(small) - 203e6) < 5e6, `many-small payload ${total(small)}`);
  assert.ok(small.files.every((f) => f.byteLength <= 4096));
  assert.equal(total(mod.planWorkload('one-big', 1)), 3 * 2 ** 30);
});

const IS_ROOT = process.getuid?.() === 0;

function needRootForSticks(t: { skip: (m: string) => void }): boolean {
  if (IS_ROOT) return true;
  if (process.env.CI === 'true') throw new Error('the simulated-stick benchmark needs root under CI');
  t.skip('needs root (loop devices and the block-layer throttle)');
  return false;
}

interface Sticks { devices: string[]; teardown(): void }
interface SticksModule { sticksUnavailable(): string | undefined; setUpSticks(count: number, byteLength: number, rates?: { writeBps: number; readBps: number }): Sticks }

test('bench: simulated sticks are really throttled, and torn down afterwards', async (t) => {
  if (!needRootForSticks(t) || !needTools(t, 'losetup', 'dd')) return;
  const mod = (await import(pathToFileURL(path.join(ROOT, 'bench/lib/suites/write-sticks.mjs')).href)) as SticksModule;
  assert.equal(mod.sticksUnavailable(), undefined, 'root with losetup and a block throttle: sticks must be available');
  const MiB = 1048576;
  const sticks = mod.setUpSticks(2, 16 * MiB, { writeBps: 8 * MiB, readBps: 16 * MiB });
  let ddS: number;
  try {
    assert.equal(sticks.devices.length, 2);
    const t0 = process.hrtime.bigint();
    // A child inherits the throttled cgroup: 8 MiB of direct writes at 8 MiB/s cannot finish in under ~1 s.
    const r = spawnSync('dd', ['if=/dev/zero', `of=${sticks.devices[1]}`, 'bs=1M', 'count=8', 'oflag=direct', 'status=none']);
    ddS = Number(process.hrtime.bigint() - t0) / 1e9;
    assert.equal(r.status, 0, String(r.stderr));
  } finally {
    sticks.teardown();
  }
  assert.ok(ddS >= 0.8, `8 MiB at a throttle of 8 MiB/s took ${ddS.toFixed(3)} s (throttle not applied)`);
  const losetup = spawnSync('losetup', ['-a'], { encoding: 'utf8' }).stdout;
  assert.doesNotMatch(losetup, /isokit-bench-stick-/, 'loop devices detached');
  assert.doesNotMatch(readFileSync('/proc/self/cgroup', 'utf8'), /isokit-bench-sticks/, 'this process is back in its own cgroup');
});

test('bench: the write suite measures one and two simulated sticks side by side', (t) => {
  if (!needRootForSticks(t) || !needTools(t, 'xorriso', 'losetup', 'dd', 'cmp')) return;
  const tmp = tmpDir('bench-write');
  t.after(tmp.cleanup);
  const jsonOut = path.join(tmp.dir, 'r.json');
  const r = bench(['--scale', '0.002', '--only', 'write', '--pairs', '1', '--warmup', '0', '--work', tmp.dir, '--json-out', jsonOut, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(readFileSync(jsonOut, 'utf8')) as Result;
  const [suite] = result.suites;
  assert.equal(suite.error, undefined);
  assert.equal(suite.groups.length, 2, 'file targets and simulated sticks');
  const sticks = suite.groups[1];
  assert.match(sticks.title, /simulated USB sticks/);
  assert.deepEqual(sticks.tools.map((x) => x.id), ['isokit-stick', 'isokit-stick-2', 'dd-stick']);
  for (const tool of sticks.tools) assert.equal(tool.status, 'ok', `${tool.label}: ${tool.reason ?? ''}`);
  const twoSticks = sticks.goals.find((g) => /2 sticks ≤ 1.3×/.test(g.text));
  assert.ok(twoSticks && typeof twoSticks.value === 'number', 'the two-stick ratio is computed');
  assert.doesNotMatch(spawnSync('losetup', ['-a'], { encoding: 'utf8' }).stdout, /isokit-bench-stick-/, 'loop devices detached');
});
