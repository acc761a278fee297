// Smoke test of the optical bench suite (bench/lib/suites/optical.mjs) so it cannot rot: a tiny disc
// image, one pair, and the shape of its two groups — never the numbers.
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, needTools, tmpDir } from '../helpers/index.js';

test('bench: the optical suite runs rip vs ddrescue and the read-back vs dd iflag=direct', (t) => {
  if (!needTools(t, 'xorriso', 'ddrescue', 'dd')) return;
  const tmp = tmpDir('bench-optical');
  t.after(tmp.cleanup);
  const jsonOut = path.join(tmp.dir, 'r.json');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/run.mjs'), '--scale', '0.003', '--only', 'optical', '--pairs', '1', '--warmup', '0', '--work', tmp.dir, '--json-out', jsonOut, '--quiet'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(readFileSync(jsonOut, 'utf8'));
  const [suite] = result.suites;
  assert.equal(suite.suite, 'optical');
  assert.equal(suite.error, undefined);
  assert.deepEqual(suite.groups.map((g: { goals: { text: string }[] }) => g.goals.map((x) => x.text)), [
    ['isokit rip ≤ 1.1× ddrescue -b2048 -d'],
    ['verification after burn ≤ 1.1× dd iflag=direct of the same blocks'],
  ]);
  for (const g of suite.groups) {
    for (const tool of g.tools) assert.equal(tool.status, 'ok', `${tool.label}: ${tool.reason ?? ''}`);
    for (const goal of g.goals) assert.ok(['PASS', 'MISS'].includes(goal.verdict), `${goal.text}: ${goal.verdict} ${goal.detail ?? ''}`);
  }
});
