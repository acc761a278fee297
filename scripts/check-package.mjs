#!/usr/bin/env node
// Packaging check (CI step, `npm run check:package`): what a user installs works.
//   1. `npm pack` (of the current dist/: run `npm run build` first; a dist/ older than src/ is refused)
//   2. install the tarball into an empty temporary project (its dependencies come from the npm registry)
//   3. `npx isokit --help`, and `isokit create` + `isokit ls -l` from the installed copy (bundle, code cache
//      and web assets found relative to where the package landed)
//   4. `import('isokit')` and `import('isokit/node')` from that project, with their main exports
//   5. the `isokit` entry bundles for a browser (esbuild --platform=browser) and pulls in no `node:*` module
//   6. publint and @arethetypeswrong/cli on the tarball: no problems (ESM only by design: a CommonJS caller
//      uses import(), so attw's cjs-resolves-to-esm rule is the one rule not applied)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  return r.stdout;
}

function step(name, fn) {
  const t0 = Date.now();
  const detail = fn();
  console.log(`check-package: ok  ${name}${detail ? ` (${detail})` : ''} [${((Date.now() - t0) / 1000).toFixed(1)} s]`);
}

function newestMtime(dir) {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return max;
}

const work = mkdtempSync(path.join(os.tmpdir(), 'isokit-package-'));
try {
  const built = statSync(path.join(ROOT, 'dist/cli/main.js'), { throwIfNoEntry: false });
  if (!built || newestMtime(path.join(ROOT, 'src')) > built.mtimeMs) throw new Error('dist/ is missing or older than src/: run `npm run build` first');
  let tarball;
  step('npm pack', () => {
    // --ignore-scripts: "prepare" would build again; dist/ was just checked to be current
    const out = JSON.parse(run(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT }));
    tarball = path.join(work, out[0].filename);
    return `${out[0].entryCount} files, ${(out[0].size / 1024).toFixed(0)} KiB`;
  });

  const project = path.join(work, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'isokit-package-check', version: '1.0.0', private: true, type: 'module' }, null, 2));
  step('install the tarball into an empty project', () => {
    run(NPM, ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: project });
  });

  step('npx isokit --help; create and ls from the installed package', () => {
    const help = run(NPX, ['--no-install', 'isokit', '--help'], { cwd: project });
    if (!/usage: isokit COMMAND/.test(help)) throw new Error(`unexpected --help output:\n${help}`);
    const src = path.join(work, 'tree');
    mkdirSync(path.join(src, 'dir'), { recursive: true });
    writeFileSync(path.join(src, 'dir', 'hello.txt'), 'hello\n');
    const iso = path.join(work, 'check.iso');
    run(NPX, ['--no-install', 'isokit', 'create', src, '-o', iso, '--date', '2024-01-01T00:00:00Z'], { cwd: project });
    const ls = run(NPX, ['--no-install', 'isokit', 'ls', '-R', '-l', iso], { cwd: project });
    if (!/ 2024-01-01 00:00:00 dir\/hello\.txt$/m.test(ls)) throw new Error(`unexpected ls output:\n${ls}`);
  });

  step("import('isokit') and import('isokit/node')", () => {
    const code = `
      const lib = await import('isokit');
      const node = await import('isokit/node');
      for (const n of ['openImage', 'planImage', 'emitImage', 'memorySource', 'bytesContent']) if (typeof lib[n] !== 'function') throw new Error('isokit: no ' + n);
      for (const n of ['openImageFile', 'createImageFile', 'extractTree', 'writeImage']) if (typeof node[n] !== 'function') throw new Error('isokit/node: no ' + n);
      console.log(Object.keys(lib).length + ' + ' + Object.keys(node).length + ' exports');`;
    return run(process.execPath, ['--input-type=module', '-e', code], { cwd: project }).trim();
  });

  step("the 'isokit' entry bundles for a browser without node:*", () => {
    const entry = path.join(project, 'browser-entry.js');
    writeFileSync(entry, "export * from 'isokit';\n");
    const meta = path.join(work, 'meta.json');
    const esbuild = path.join(ROOT, 'node_modules/.bin/esbuild');
    run(esbuild, [entry, '--bundle', '--platform=browser', '--format=esm', `--outfile=${path.join(work, 'browser.js')}`, `--metafile=${meta}`, '--log-level=error'], { cwd: project });
    const m = JSON.parse(readFileSync(meta, 'utf8'));
    const nodeImports = Object.values(m.inputs).flatMap((i) => i.imports).filter((i) => /^node:|^(fs|path|os|crypto|stream|zlib|worker_threads|child_process)$/.test(i.path));
    if (nodeImports.length) throw new Error(`node built-ins in the browser bundle: ${nodeImports.map((i) => i.path).join(', ')}`);
    return `${Object.keys(m.inputs).length} modules, ${(Object.values(m.outputs)[0].bytes / 1024).toFixed(0)} KiB`;
  });

  step('publint', () => {
    const dir = path.join(project, 'node_modules', 'isokit');
    const out = run(NPX, ['--no-install', 'publint', dir, '--pack', 'false', '--strict'], { cwd: ROOT });
    if (!/All good/.test(out)) throw new Error(out);
  });

  step('@arethetypeswrong/cli', () => {
    run(NPX, ['--no-install', 'attw', tarball, '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'table-flipped'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  });
} catch (e) {
  console.error(`check-package: FAILED: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
