#!/usr/bin/env node
// Bundle the compiled CLI (dist/cli/main.js and everything it imports) into one script,
// dist/bundle/main.cjs, and make a V8 code cache for it (dist/bundle/main.cjs.cache). `isokit ls` gets a
// bundle of its own (dist/cli/main-ls.js → dist/bundle/ls.cjs, about a third of the size), and so does
// `isokit create` (main-create.js → create.cjs: less memory for large trees). bin/isokit.js
// compiles the bundle with node:vm from that cache: `isokit ls` then skips resolving, reading and compiling
// ~85 ES modules (≈ 35 ms of its start). Run by `npm run build` after tsc; bin/isokit.js uses the bundle
// when it is at least as new as dist/cli/main.js, else dist/.
//
// The bundle is CommonJS-shaped (esbuild format "cjs") but runs inside the function wrapper bin/isokit.js
// gives it: `import.meta.url` of a dist module becomes its original place in dist/ (package.json and worker
// files are found relative to it), rewritten relative to the bundle file so the package can be moved; the
// command modules stay lazy (esbuild's __esm/__glob wrappers run a module's top level on first import).
// Packages from node_modules stay external; their dynamic import()s (and those of node: built-ins) are
// renamed to __isokitImport, which bin/isokit.js implements with a real import().
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const OUT = path.join(DIST, 'bundle');
/** entry (in dist/), bundle (in dist/bundle/), the argv that makes bin/isokit.js pick it, what to cache */
const BUNDLES = [
  { entry: 'cli/main.js', out: 'main.cjs', pick: [], cache: ['ls', 'help'] },
  { entry: 'cli/main-ls.js', out: 'ls.cjs', pick: ['ls'], cache: ['ls'] },
  // (not cached by running create: it sets V8 flags, and V8 rejects a cache made under other flags)
  { entry: 'cli/main-create.js', out: 'create.cjs', pick: ['create'], cache: ['help'] },
];

/** `import.meta.url` of a dist module, as seen from the bundle file (whose URL bin/isokit.js passes in). */
const keepModuleUrl = {
  name: 'keep-module-url',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, async (args) => {
      const contents = await readFile(args.path, 'utf8');
      if (!args.path.startsWith(DIST + path.sep) || !contents.includes('import.meta.url')) return { contents, loader: 'js' };
      const rel = path.relative(OUT, args.path).split(path.sep).join('/');
      return { contents: contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, __isokitBundleUrl).href`), loader: 'js' };
    });
  },
};

/** The remaining import()s are of packages and built-ins (local ones were bundled): hand them to the entry. */
function routeDynamicImports(code) {
  const out = code.replace(/(?<![\w$.])import\(/g, '__isokitImport(');
  if (/\bimport\.meta\b/.test(out)) throw new Error('import.meta left in the bundle');
  return out;
}

/**
 * esbuild escapes what is not ASCII in code, but keeps a few comments as written: escape those too. An
 * ASCII-only source is a one-byte string in V8 (half the memory, and read without UTF-8 decoding work).
 */
function asciiOnly(code) {
  return code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function runCli(args, env = {}) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/isokit.js'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`isokit ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.trim()}`);
}

/**
 * Make the code caches: bin/isokit.js runs `ls -R -l` of a small Rock Ridge image (the start-up that
 * matters most; V8 then has its functions compiled) and `help` (for the whole CLI it loads every command
 * module), then saves what V8 compiled. Without the sample image (create failed) a cache covers `help`.
 */
async function makeCodeCaches() {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'isokit-bundle-'));
  try {
    let iso;
    try {
      await mkdir(path.join(tmp, 'src/dir'), { recursive: true });
      await writeFile(path.join(tmp, 'src/dir/file.txt'), 'isokit\n');
      await symlink('dir/file.txt', path.join(tmp, 'src/link'));
      iso = path.join(tmp, 'sample.iso');
      runCli(['create', path.join(tmp, 'src'), '-o', iso, '--date', '2024-01-01T00:00:00Z']);
    } catch (e) {
      iso = undefined;
      console.warn(`bundle-cli: no sample image for the code cache (${e instanceof Error ? e.message : String(e)})`);
    }
    for (const b of BUNDLES) {
      const runs = [];
      if (iso && b.cache.includes('ls')) runs.push(['ls', '-R', '-l', iso]);
      if (b.cache.includes('help')) runs.push(['help']);
      if (runs.length) runCli(b.pick, { ISOKIT_MAKE_CODE_CACHE: JSON.stringify(runs) });
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function main() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    console.warn('bundle-cli: esbuild is not installed; bin/isokit.js runs dist/cli/main.js (slower start)');
    await rm(OUT, { recursive: true, force: true });
    return;
  }
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  for (const b of BUNDLES) {
    const result = await esbuild.build({
      entryPoints: [path.join(DIST, b.entry)],
      outfile: path.join(OUT, b.out),
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
      legalComments: 'none',
      write: false,
      plugins: [keepModuleUrl],
    });
    await writeFile(path.join(OUT, b.out), asciiOnly(routeDynamicImports(result.outputFiles[0].text)));
  }
  await makeCodeCaches();
}

main().catch(async (e) => {
  // a failed bundle must not leave an old one behind: bin/isokit.js then runs dist/ as before
  await rm(OUT, { recursive: true, force: true });
  console.error(`bundle-cli: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
