#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [substring-filter…]
import { readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) { if (name !== 'fixtures') walk(p); }
    else if (name.endsWith('.test.ts') && (!filters.length || filters.some((f) => p.includes(f)))) files.push(path.relative(root, p));
  }
})(path.join(root, 'test'));
if (!files.length) { console.error('no test files matched'); process.exit(1); }
/** Every file below the folders no test may write into, with its size and mtime. */
const GUARDED = ['src', 'bin'];
function snapshot() {
  const out = new Map();
  for (const top of GUARDED) {
    (function walk(dir) {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        const st = statSync(p);
        if (st.isDirectory()) walk(p);
        else out.set(path.relative(root, p), `${st.size}:${st.mtimeMs}`);
      }
    })(path.join(root, top));
  }
  return out;
}

const before = snapshot();
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], { cwd: root, stdio: 'inherit' });
// no test may write into the sources (a generator run by a test, a fixture written to the wrong place…)
const after = snapshot();
const changed = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f)).sort();
if (changed.length) {
  console.error(`run-tests: the tests changed ${GUARDED.map((g) => `${g}/`).join(', ')} (no test may write there): ${changed.slice(0, 20).join(', ')}`);
  process.exit(1);
}
process.exit(r.status ?? 1);
