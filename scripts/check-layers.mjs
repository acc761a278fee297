#!/usr/bin/env node
// Layering check: imports only look down the stack
//   errors → bytes → io → formats → model → read → create | verify → node → web → cli
// (web: the `isokit ui` server and pages; the CLI's `ui` command starts that server, the server never uses the CLI)
// and nothing below src/node/ imports a Node built-in (the browser-safe core). The web pages (src/web/client/,
// bundled for browsers) are browser-safe too: they import only the core and each other.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// (a folder given as the argument is checked instead of src/: the tests check planted mistakes in a copy)
const src = process.argv[2] ? path.resolve(process.argv[2]) : path.join(root, 'src');
const rank = { errors: 0, bytes: 1, io: 2, formats: 3, model: 4, read: 5, create: 6, verify: 6, index: 6.5, node: 7, web: 8, cli: 9 };
const NODE_RANK = rank.node;

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (p.endsWith('.ts') || p.endsWith('.tsx')) yield p;
  }
}
const layerOf = (file) => {
  const rel = path.relative(src, file).split(path.sep);
  return rel.length === 1 ? rel[0].replace(/\.(ts|tsx|js)$/, '') : rel[0];
};
const CLIENT = path.join(src, 'web', 'client') + path.sep;
const isClient = (file) => file.startsWith(CLIENT);

const problems = [];
const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
let files = 0;
for (const file of walk(src)) {
  files++;
  const layer = layerOf(file);
  if (!(layer in rank)) { problems.push(`${path.relative(root, file)}: unknown layer "${layer}" (add it to scripts/check-layers.mjs)`); continue; }
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? m[3];
    const where = `${path.relative(root, file)}: imports ${spec}`;
    if (spec.startsWith('.')) {
      const target = path.resolve(path.dirname(file), spec);
      if (!target.startsWith(src + path.sep)) { problems.push(`${where} (outside src/)`); continue; }
      const tl = layerOf(target);
      if (isClient(file)) {
        if (!isClient(target) && !(rank[tl] < NODE_RANK)) problems.push(`${where}: the web pages (src/web/client) may import only the browser-safe core`);
        continue;
      }
      if (tl === layer) continue;
      if (!(tl in rank)) { problems.push(`${where} (unknown layer ${tl})`); continue; }
      if (rank[tl] >= rank[layer]) problems.push(`${where}: ${layer} may not depend on ${tl}`);
    } else if (rank[layer] < NODE_RANK || isClient(file)) {
      const builtin = spec.startsWith('node:') || ['fs', 'path', 'os', 'crypto', 'child_process', 'stream', 'buffer', 'zlib', 'util', 'http', 'https', 'net', 'events', 'url', 'worker_threads'].includes(spec.split('/')[0]);
      if (builtin) problems.push(`${where}: the browser-safe core (${layer}) may not import Node built-ins`);
    }
  }
  if ((rank[layer] < NODE_RANK || isClient(file)) && /\bBuffer\.(from|alloc|concat|isBuffer)\b/.test(text)) problems.push(`${path.relative(root, file)}: uses Buffer in the core`);
}
if (problems.length) {
  console.error(`layer check: ${problems.length} problem(s) in ${files} files`);
  for (const p of problems) console.error('  ' + p);
  process.exit(1);
}
console.log(`layer check: ${files} files, imports only look down, core free of node:*`);
