import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tmpDir } from '../helpers/index.js';

test('layer check passes on the tree', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/check-layers.mjs')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('layer check catches node:* in the core and upward imports', () => {
  // planted in a folder of its own (no test writes into src/)
  const { dir, cleanup } = tmpDir('layers');
  mkdirSync(path.join(dir, 'formats'), { recursive: true });
  mkdirSync(path.join(dir, 'cli'), { recursive: true });
  writeFileSync(path.join(dir, 'cli/main.ts'), 'export const main = 1;\n');
  writeFileSync(path.join(dir, 'formats/probe.ts'), "import { readFileSync } from 'node:fs';\nimport { main } from '../cli/main.js';\nexport const x = [readFileSync, main];\n");
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/check-layers.mjs'), dir], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /may not import Node built-ins/);
  assert.match(r.stderr, /formats may not depend on cli/);
  cleanup();
});
