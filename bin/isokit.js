#!/usr/bin/env node
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file (bin/package.json) */
// isokit CLI entry: the compiled CLI lives in dist/ (built by `npm install` / `npm run build`). The bundled
// form (dist/bundle/main.cjs, scripts/bundle-cli.mjs) starts faster: one script compiled with node:vm from
// a V8 code cache (main.cjs.cache) made at build time, instead of ~85 ES modules resolved, read and
// compiled one by one. It is used unless it is missing or older than dist/cli/main.js (a tsc run without
// the bundle step), so a stale bundle never runs; a missing or rejected cache (other Node/V8 version or
// flags) only costs compile time. The bundle's dynamic import()s of packages and node: built-ins come back
// here as `__isokitImport` (a vm script restored from a code cache cannot import() by itself).
// This file is CommonJS (bin/package.json): an ES module entry costs Node ≈ 9 ms more to start.
'use strict';
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

const DIST = path.join(__dirname, '..', 'dist');
// `isokit ls` and `isokit create` have bundles of their own (dist/cli/main-ls.js, main-create.js): a third
// of the code to load and keep
const OWN = new Map([['ls', 'ls.cjs'], ['list', 'ls.cjs'], ['create', 'create.cjs']]).get(process.argv[2]);
const OWN_BUNDLE = OWN && path.join(DIST, 'bundle', OWN);
const BUNDLE = OWN_BUNDLE && statSync(OWN_BUNDLE, { throwIfNoEntry: false }) ? OWN_BUNDLE : path.join(DIST, 'bundle', 'main.cjs');
// `isokit ls` runs a few hot functions over every directory record for well under a second: V8 then optimizes
// them on this thread at once, instead of running them unoptimized until a background thread (slow to get a
// core on a busy machine) is done (`ls -R -l` of 100,000 files: ~15 % less CPU time, measured). Set before the
// bundle is compiled, and when its code cache is made (scripts/bundle-cli.mjs), so the cache matches.
if (OWN === 'ls.cjs') require('node:v8').setFlagsFromString('--no-concurrent-recompilation');
const CACHE = BUNDLE + '.cache';
const mtime = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs;

function loadBundle() {
  const source = readFileSync(BUNDLE, 'utf8');
  let cachedData;
  try {
    // V8 checks a cache against the source's length only: never use one older than the bundle
    const fresh = !process.env.ISOKIT_MAKE_CODE_CACHE && (mtime(CACHE) ?? -1) >= mtime(BUNDLE);
    cachedData = fresh ? readFileSync(CACHE) : undefined;
  } catch {
    cachedData = undefined;
  }
  const script = new Script(`(function (exports, require, module, __filename, __isokitBundleUrl, __isokitImport) {${source}\n})`, {
    filename: BUNDLE,
    cachedData,
  });
  const module = { exports: {} };
  const url = pathToFileURL(BUNDLE).href;
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, url, (spec) => import(spec));
  return { main: module.exports.main, script };
}

/** Build step (scripts/bundle-cli.mjs): run the commands listed (JSON argv lists), then save what V8 compiled. */
async function makeCodeCache({ main, script }, runs) {
  for (const argv of runs) {
    const code = await main(argv);
    if (code !== 0) throw new Error(`isokit ${argv.join(' ')}: exit ${code}`);
  }
  writeFileSync(CACHE, script.createCachedData());
}

async function run() {
  const bundled = mtime(BUNDLE);
  const compiled = mtime(path.join(DIST, 'cli', 'main.js'));
  const entry =
    bundled !== undefined && (compiled === undefined || bundled >= compiled)
      ? loadBundle()
      : await import(pathToFileURL(path.join(DIST, 'cli', 'main.js')).href);
  if (process.env.ISOKIT_MAKE_CODE_CACHE && entry.script) return makeCodeCache(entry, JSON.parse(process.env.ISOKIT_MAKE_CODE_CACHE));
  process.exitCode = await entry.main(process.argv.slice(2));
}

run().catch((e) => {
  console.error(`isokit: error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
