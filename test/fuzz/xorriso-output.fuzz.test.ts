/**
 * Fuzzing the parsers of xorriso's dialog output: lines of the recorded transcripts (xorriso 1.5.4, real
 * runs), mutated with fixed seeds, go through every line parser and the sieve-answer parser. They must
 * return a value or undefined — never throw — and every number they give must be a finite, non-negative
 * count (a garbled line must not turn into a negative block count or NaN bytes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { mediumFromFields, parseScaledBytes, parseTocLayout } from '../../src/node/optical/drives.js';
import { parseKbps } from '../../src/node/optical/medium.js';
import { parseDeviceLine, parseMessage, parsePacket, parsePacifier, parseSieveAnswer, parseVersion } from '../../src/node/optical/xorriso-output.js';
import { ROOT } from '../helpers/index.js';
import { rng } from './mutate.js';

const CASES = Number(process.env.FUZZ_CASES ?? 20000) / 2;
const SEED = Number(process.env.FUZZ_SEED ?? 20240601);
const FIX = path.join(ROOT, 'test/fixtures/optical');
const CHARS = ' :,%()\'"0123456789.-sxkmgKMGCDB\n\tRIM';

const recorded = ['sr0-query.txt', 'sr0-empty.txt', 'stdio-burn.txt', 'stdio-blank.txt', 'xorriso-throttled-progress.txt']
  .flatMap((f) => readFileSync(path.join(FIX, f), 'utf8').split('\n'))
  .map((l) => l.replace(/^[<>] /, ''))
  .filter(Boolean);

function mutate(line: string, r: () => number): string {
  let s = line;
  for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
    const at = Math.floor(r() * (s.length + 1));
    const c = CHARS[Math.floor(r() * CHARS.length)] as string;
    const op = Math.floor(r() * 4);
    if (op === 0) s = s.slice(0, at) + c + s.slice(at + 1);
    else if (op === 1) s = s.slice(0, at) + c.repeat(1 + Math.floor(r() * 12)) + s.slice(at);
    else if (op === 2) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 8));
    else s = s.replace(/\d+/, () => String(Math.floor(r() * 2 ** 40)) + (r() < 0.3 ? 'e999' : ''));
  }
  return s;
}

function countsOk(o: unknown, where: string): void {
  if (o === undefined || o === null) return;
  if (typeof o === 'number') {
    assert.ok(Number.isFinite(o) && o >= 0, `${where}: ${o}`);
    return;
  }
  if (typeof o === 'object') for (const [k, v] of Object.entries(o)) if (k !== 'text' && k !== 'origin') countsOk(v, `${where}.${k}`);
}

test(`xorriso output fuzz: ${CASES} mutated recorded lines through every parser`, () => {
  const t0 = Date.now();
  for (let i = 0; i < CASES; i++) {
    const r = rng(SEED + i);
    const line = mutate(recorded[Math.floor(r() * recorded.length)] as string, r);
    const where = `seed ${SEED + i}: ${JSON.stringify(line).slice(0, 120)}`;
    const packet = parsePacket(line);
    const text = packet?.text ?? line;
    const msg = parseMessage(text);
    countsOk(parsePacifier(msg?.text ?? text), where);
    countsOk(parseDeviceLine(text), where);
    countsOk(parseVersion(text), where);
    countsOk(parseScaledBytes(text.split(',').pop() ?? ''), where);
    countsOk(parseKbps(text.split(':').pop() ?? ''), where);
    const toc = parseTocLayout([text]);
    countsOk(toc, where);
    countsOk(mediumFromFields({ current: [text], status: [text], blocks: text.split(','), summary: text.split(','), nwa: [text], tocResults: [text] }), where);
    // a sieve answer: the result lines of a batch, some of them mutated
    const lines = text.split(/\s*,\s*|\n/);
    const a = parseSieveAnswer(lines, 0);
    if (a) assert.ok(a.next <= lines.length && a.remaining >= -1e15, where);
  }
  assert.ok(Date.now() - t0 < 20000, `took ${Date.now() - t0} ms`);
});
