// Smoke test of the create-udf bench suite (bench/lib/suites/create-udf.mjs) so it cannot rot: tiny tree
// workloads, one pair, isokit create --udf against genisoimage -R -J -udf, and the shape of its groups — never
// the numbers. Each tool's image is checked by the suite (at least the payload's size): a failed run fails here.
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, needTools, tmpDir } from '../helpers/index.js';

test('bench: the create-udf suite runs isokit create --udf and genisoimage -R -J -udf on the tree workloads', (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  const tmp = tmpDir('bench-create-udf');
  t.after(tmp.cleanup);
  const jsonOut = path.join(tmp.dir, 'r.json');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/run.mjs'), '--scale', '0.002', '--only', 'create-udf', '--pairs', '1', '--warmup', '0', '--work', tmp.dir, '--json-out', jsonOut, '--quiet'], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(readFileSync(jsonOut, 'utf8'));
  const [suite] = result.suites;
  assert.equal(suite.suite, 'create-udf');
  assert.equal(suite.issue, 15);
  assert.equal(suite.error, undefined);
  assert.deepEqual(suite.groups.map((g: { title: string }) => g.title), ['create-udf · distro-like', 'create-udf · many-small']);
  for (const g of suite.groups) {
    assert.deepEqual(g.tools.map((x: { id: string }) => x.id), ['isokit', 'genisoimage']);
    for (const tool of g.tools) assert.equal(tool.status, 'ok', `${tool.label}: ${tool.reason ?? ''}`);
    const [speed, rss] = g.goals;
    assert.ok(['PASS', 'MISS'].includes(speed.verdict), `${speed.text}: ${speed.verdict} ${speed.detail ?? ''}`);
    assert.match(rss.text, /peak RSS ≤ 150 MiB/);
  }
});
