// Smoke test of the udf bench suite (bench/lib/suites/udf.mjs) so it cannot rot: tiny genisoimage -udf
// images of the tree workloads, one pair, and the shape of its groups — never the numbers. isokit's output
// is checked by the suite itself (every file listed, every file and byte extracted): an invalid run fails here.
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, needTools, tmpDir } from '../helpers/index.js';

test('bench: the udf suite runs ls/extract --namespace udf against 7zz l/x -tudf on genisoimage -udf images', (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage', '7zz')) return;
  const tmp = tmpDir('bench-udf');
  t.after(tmp.cleanup);
  const jsonOut = path.join(tmp.dir, 'r.json');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/run.mjs'), '--scale', '0.002', '--only', 'udf', '--pairs', '1', '--warmup', '0', '--work', tmp.dir, '--json-out', jsonOut, '--quiet', '--extract-to', path.join(tmp.dir, 'x')], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(readFileSync(jsonOut, 'utf8'));
  const [suite] = result.suites;
  assert.equal(suite.suite, 'udf');
  assert.equal(suite.issue, 14);
  assert.equal(suite.error, undefined);
  assert.deepEqual(suite.groups.map((g: { title: string }) => g.title), ['udf list · distro-like', 'udf extract · distro-like', 'udf list · many-small', 'udf extract · many-small']);
  for (const g of suite.groups) {
    assert.match(g.info.image, /-udf\.iso$/);
    assert.deepEqual(g.tools.map((x: { id: string }) => x.id), ['isokit', '7zz']);
    for (const tool of g.tools) assert.equal(tool.status, 'ok', `${tool.label}: ${tool.reason ?? ''}`);
    const [speed, cpu, rss] = g.goals;
    assert.ok(['PASS', 'MISS'].includes(speed.verdict), `${speed.text}: ${speed.verdict} ${speed.detail ?? ''}`);
    assert.match(cpu.text, /^CPU time/);
    assert.equal(cpu.informative, true);
    assert.match(rss.text, /peak RSS ≤ 150 MiB/);
  }
});
