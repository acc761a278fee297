import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/index.js';

test('layer check passes on the tree', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/check-layers.mjs')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('layer check catches node:* in the core and upward imports', () => {
  const bad = path.join(ROOT, 'src/formats/__layer_probe.ts');
  writeFileSync(bad, "import { readFileSync } from 'node:fs';\nimport { main } from '../cli/main.js';\nexport const x = [readFileSync, main];\n");
  try {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/check-layers.mjs')], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /may not import Node built-ins/);
    assert.match(r.stderr, /formats may not depend on cli/);
  } finally {
    rmSync(bad);
  }
});
