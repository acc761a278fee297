#!/usr/bin/env node
// Size check: no source file over 600 lines, no function over 80 lines (src/). Prints offenders.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAX_FILE = Number(process.env.MAX_FILE_LINES ?? 600);
const MAX_FN = Number(process.env.MAX_FUNCTION_LINES ?? 80);
const problems = [];
function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) yield p;
  }
}
let files = 0;
for (const dir of ['src']) {
  for (const file of walk(path.join(root, dir))) {
    files++;
    const text = readFileSync(file, 'utf8');
    const rel = path.relative(root, file);
    const lines = text.split('\n').length;
    if (lines > MAX_FILE && !/\/\/ generated/.test(text.slice(0, 200))) problems.push(`${rel}: ${lines} lines (max ${MAX_FILE})`);
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isFunctionLike(node) && node.body) {
        const a = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        const b = sf.getLineAndCharacterOfPosition(node.end).line;
        if (b - a + 1 > MAX_FN) {
          const name = node.name?.getText(sf) ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText(sf) : '(anonymous)');
          problems.push(`${rel}:${a + 1}: function ${name} is ${b - a + 1} lines (max ${MAX_FN})`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
}
if (problems.length) {
  console.error(`size check: ${problems.length} problem(s) in ${files} files`);
  for (const p of problems) console.error('  ' + p);
  process.exit(1);
}
console.log(`size check: ${files} files, none over ${MAX_FILE} lines, no function over ${MAX_FN} lines`);
