/**
 * ddrescue mapfile fuzzing: maps written by ddrescue (recorded) and by isokit's serializer, mutated byte-
 * and line-wise with fixed seeds. Every case must return a map whose blocks are contiguous, or throw an
 * IsoKitError (never a raw exception) whose byte offset lies inside the text; the run finishes quickly.
 * Failing seeds are listed in the message: add them to REGRESSIONS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { IsoKitError } from '../../src/errors/index.js';
import { DdrescueBlockMap, parseDdrescueMap, serializeDdrescueMap } from '../../src/formats/ddrescue-map/index.js';
import { ROOT } from '../helpers/index.js';
import { rng } from './mutate.js';

const CASES = Number(process.env.FUZZ_CASES ?? 20000) / 4;
const SEED = Number(process.env.FUZZ_SEED ?? 20240601);
/** seeds that once failed (none yet) */
const REGRESSIONS: number[] = [];
const CHARS = ' \t\n#0123456789xXaAfF+-?*/FG\r\u00e9\u0000';

function sources(): Uint8Array[] {
  const dir = path.join(ROOT, 'test/fixtures/optical');
  const texts = ['ddrescue-map-5-bad.txt', 'ddrescue-map-after-retry.txt'].map((f) => readFileSync(path.join(dir, f)));
  const many = serializeDdrescueMap({
    currentPos: 0x123000, currentStatus: '-', currentPass: 2,
    blocks: Array.from({ length: 40 }, (_, i) => ({ byteOffset: i * 6144, byteLength: 6144, status: (['+', '-', '*', '/', '?'] as const)[i % 5] })),
  });
  return [...texts.map((b) => new Uint8Array(b)), new TextEncoder().encode(many)];
}

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const lines = new TextDecoder().decode(src).split('\n');
  const pick = () => Math.floor(r() * lines.length);
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const i = pick();
    const line = lines[i] ?? '';
    const at = Math.floor(r() * (line.length + 1));
    const c = CHARS[Math.floor(r() * CHARS.length)] as string;
    switch (Math.floor(r() * 7)) {
      case 0: lines[i] = line.slice(0, at) + c + line.slice(at + 1); break; // replace a char
      case 1: lines[i] = line.slice(0, at) + c.repeat(1 + Math.floor(r() * 20)) + line.slice(at); break; // insert
      case 2: lines[i] = line.slice(0, at) + line.slice(at + 1 + Math.floor(r() * 10)); break; // delete
      case 3: lines.splice(pick(), 0, line); break; // duplicate a line
      case 4: lines.splice(i, 1); break; // drop a line
      case 5: { const j = pick(); [lines[i], lines[j]] = [lines[j] ?? '', line]; break; } // swap lines
      default: lines[i] = line.replace(/0x[0-9A-F]+/, () => '0x' + Math.floor(r() * 2 ** 53).toString(16).repeat(1 + Math.floor(r() * 2))); // big numbers
    }
  }
  const bytes = new TextEncoder().encode(lines.join('\n'));
  return r() < 0.1 ? bytes.subarray(0, Math.floor(r() * bytes.length)) : bytes;
}

function runCase(src: Uint8Array, seed: number): string | undefined {
  const bytes = mutate(src, rng(seed));
  try {
    const map = parseDdrescueMap(bytes);
    if (map.blocks.length) {
      const m = new DdrescueBlockMap(map.blocks);
      assert.equal(m.byteLength, map.blocks.reduce((n, b) => n + b.byteLength, 0));
      assert.deepEqual(parseDdrescueMap(serializeDdrescueMap(map)).blocks, map.blocks);
    }
    return undefined;
  } catch (e) {
    if (!(e instanceof IsoKitError)) return `seed ${seed}: ${e instanceof Error ? e.stack : String(e)}`;
    if (e.byteOffset !== undefined && (e.byteOffset < 0 || e.byteOffset > bytes.length)) return `seed ${seed}: offset ${e.byteOffset} outside ${bytes.length} bytes`;
    return undefined;
  }
}

test(`ddrescue map fuzz: ${CASES} mutated maps parse or throw IsoKitError with an offset inside`, () => {
  const srcs = sources();
  const t0 = Date.now();
  const failures: string[] = [];
  const seeds = [...REGRESSIONS, ...Array.from({ length: CASES }, (_, i) => SEED + i)];
  for (const seed of seeds) {
    const f = runCase(srcs[seed % srcs.length] as Uint8Array, seed);
    if (f) failures.push(f);
    if (failures.length > 10) break;
  }
  assert.deepEqual(failures, []);
  assert.ok(Date.now() - t0 < 20000, `fuzzing took ${Date.now() - t0} ms`);
});
