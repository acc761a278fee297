#!/usr/bin/env node
// Bundle the web pages with esbuild into dist/web/ (run by `npm run build` after tsc):
//   app.js          isokit ui's single-page app (Preact, src/web/client/app.tsx)
//   offline.js      the browser-only page (src/web/client/offline.tsx: the browser-safe core, no server)
//   hash-worker.js  its hashing/verification worker; hash-worker-src.js is the same code as a string for pages
//                   opened from file:// (browsers refuse file: workers; the page starts it from a Blob URL)
//   index.html, offline.html, style.css, icon.svg   copied from src/web/client/static/
// Classic scripts (IIFE), not modules: offline.html must also work when opened as a file (module scripts from
// file:// are blocked). Prints each file's size and gzip size. `--check` fails when a bundle imports node:*.
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src/web/client');
const OUT = path.join(ROOT, 'dist/web');

async function main() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    console.warn('build-web: esbuild is not installed; the web pages are not built (isokit ui needs them)');
    return;
  }
  await mkdir(OUT, { recursive: true });
  const common = {
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome111', 'firefox115', 'safari16.4'],
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    define: { 'process.env.NODE_ENV': '"production"' },
  };
  const result = await esbuild.build({
    ...common,
    entryPoints: { app: path.join(SRC, 'app.tsx'), offline: path.join(SRC, 'offline.tsx'), 'hash-worker': path.join(SRC, 'hash-worker.ts') },
    outdir: OUT,
  });
  const nodeImports = Object.keys(result.metafile.inputs).filter((f) => f.startsWith('node:') || /(^|\/)src\/(node|cli)\//.test(f));
  if (nodeImports.length) throw new Error(`a browser bundle pulls in Node code: ${nodeImports.join(', ')}`);
  const worker = await readFile(path.join(OUT, 'hash-worker.js'), 'utf8');
  await writeFile(path.join(OUT, 'hash-worker-src.js'), `window.__isokitHashWorker=${JSON.stringify(worker)};\n`);
  for (const f of await readdir(path.join(SRC, 'static'))) await copyFile(path.join(SRC, 'static', f), path.join(OUT, f));
  const rows = [];
  for (const f of ['app.js', 'offline.js', 'hash-worker.js', 'style.css', 'index.html', 'offline.html']) {
    const b = await readFile(path.join(OUT, f));
    rows.push(`${f} ${(b.length / 1024).toFixed(1)} KiB (gzip ${(gzipSync(b, { level: 9 }).length / 1024).toFixed(1)} KiB)`);
  }
  console.log(`build-web: ${rows.join(', ')}`);
}

main().catch((e) => {
  console.error(`build-web: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
