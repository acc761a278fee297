/**
 * The CLI's V8 tuning (src/cli/v8-tuning.ts) works on the Node that runs the tests — CI runs this file under
 * Node 20 and Node 24 —: every flag it sets is one this V8 knows (an unknown one would print "unrecognized
 * flag" on stderr), and the shipped module runs without a word on stderr. The library (everything outside
 * src/cli) never touches process-wide V8 state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { V8_TUNING_FLAGS } from '../../src/cli/v8-tuning.js';
import { ROOT } from '../helpers/index.js';

test(`V8 flags the create command sets are known to this Node (${process.version})`, () => {
  const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;
  for (const flag of V8_TUNING_FLAGS) assert.match(options, new RegExp(`^\\s+--(no-)?${flag}\\b`, 'm'), `--${flag} in node --v8-options`);
});

test('the shipped v8-tuning module sets its flags and collects garbage without complaint', () => {
  const url = pathToFileURL(path.join(ROOT, 'dist/cli/v8-tuning.js')).href;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const t = await import(${JSON.stringify(url)}); t.keepYoungGenerationSmall(); t.collectGarbage(); t.collectGarbage(); console.log('done')`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'done\n');
  assert.equal(r.stderr, '', 'no "unrecognized flag" or other output');
});

test('the library never changes process-wide V8 state (only src/cli may)', () => {
  const offenders: string[] = [];
  (function walk(dir: string) {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (p !== path.join(ROOT, 'src/cli')) walk(p);
      } else if (/\.ts$/.test(e.name) && /node:v8|setFlagsFromString|expose-gc/.test(readFileSync(p, 'utf8'))) offenders.push(path.relative(ROOT, p));
    }
  })(path.join(ROOT, 'src'));
  assert.deepEqual(offenders, []);
});
