/**
 * GNU ddrescue mapfiles: maps written by ddrescue 1.27 (recorded in the research notes) and by ddrescuelog
 * (made here) are parsed; maps isokit writes are read back by ddrescuelog; the block map is checked against
 * a byte-per-byte model; malformed maps throw IsoKitError(CORRUPT) at an offset inside the text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { ErrorCode, IsoKitError } from '../../src/errors/index.js';
import {
  DdrescueBlockMap, normalizeBlocks, parseDdrescueMap, parseMapInteger, serializeDdrescueMap, type DdrescueBlock, type DdrescueBlockStatus,
} from '../../src/formats/ddrescue-map/index.js';
import { ROOT, needTools, tmpDir } from '../helpers/index.js';

const FIX = path.join(ROOT, 'test/fixtures/optical');
const STATUSES: DdrescueBlockStatus[] = ['?', '*', '/', '-', '+'];

test('ddrescue map: the maps ddrescue 1.27 wrote (5 bad sectors; all read after retries)', () => {
  const bad = parseDdrescueMap(readFileSync(path.join(FIX, 'ddrescue-map-5-bad.txt')));
  assert.equal(bad.currentPos, 0x34000);
  assert.equal(bad.currentStatus, '+');
  assert.equal(bad.currentPass, 3);
  assert.deepEqual(bad.blocks, [
    { byteOffset: 0, byteLength: 0x32000, status: '+' },
    { byteOffset: 0x32000, byteLength: 0x2800, status: '-' },
    { byteOffset: 0x34800, byteLength: 0x304000, status: '+' },
  ]);
  assert.equal(bad.comments[0], 'Mapfile. Created by GNU ddrescue version 1.27');
  assert.ok(!bad.comments.some((c) => c.includes('current_pos')), 'column titles are not kept as comments');
  const retried = parseDdrescueMap(readFileSync(path.join(FIX, 'ddrescue-map-after-retry.txt'), 'utf8'));
  assert.deepEqual(retried.blocks, [{ byteOffset: 0, byteLength: 0x338800, status: '+' }]);
  // serialize → parse is the identity on the content
  for (const m of [bad, retried]) assert.deepEqual(parseDdrescueMap(serializeDdrescueMap(m)), m);
});

test('ddrescue map: integers as C++ literals, comments after whitespace, maps without a pass', () => {
  assert.equal(parseMapInteger('0x1F'), 31);
  assert.equal(parseMapInteger('017'), 15);
  assert.equal(parseMapInteger('0'), 0);
  assert.equal(parseMapInteger('42'), 42);
  assert.equal(parseMapInteger('09'), undefined);
  assert.equal(parseMapInteger('0x'), undefined);
  assert.equal(parseMapInteger('-1'), undefined);
  assert.equal(parseMapInteger('0x20000000000000'), undefined, 'above 2^53');
  const m = parseDdrescueMap('# old map\n0 + # no pass\n0 0x800 + #c\n2048 010 -\n2056\t100\t?\n');
  assert.equal(m.currentPass, 1);
  assert.deepEqual(m.blocks.map((b) => [b.byteOffset, b.byteLength, b.status]), [[0, 2048, '+'], [2048, 8, '-'], [2056, 100, '?']]);
  assert.deepEqual(m.comments, ['old map']);
});

test('ddrescue map: malformed maps throw CORRUPT at the line', () => {
  const cases: [string, RegExp][] = [
    ['', /no status line/],
    ['# only comments\n', /no status line/],
    ['0x0 X 1\n', /unknown run status/],
    ['0 + 0\n', /pass/],
    ['0 + 1\n0 100 +\n50 100 -\n', /overlap/],
    ['0 + 1\n0 100 +\n150 100 -\n', /gap/],
    ['0 + 1\n0 100 Z\n', /unknown block status/],
    ['0 + 1\n0 100\n', /needs a position, a size/],
    ['0 + 1\n0x 100 +\n', /not an integer/],
    ['0 + 1\n0 0xFFFFFFFFFFFFFFFF +\n', /not an integer/],
    ['0 + 1 7\n', /status line/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseDdrescueMap(text), (e: unknown) => {
      assert.ok(e instanceof IsoKitError, `${JSON.stringify(text)}: ${String(e)}`);
      assert.equal(e.code, ErrorCode.CORRUPT);
      assert.match(e.message, re, JSON.stringify(text));
      assert.ok((e.byteOffset ?? -1) >= 0 && (e.byteOffset ?? 0) <= text.length, `offset inside the text: ${e.byteOffset}`);
      return true;
    });
  }
});

/** A byte-per-unit model of a block map (units of 1 byte, small domains). */
function model(len: number): DdrescueBlockStatus[] {
  return new Array<DdrescueBlockStatus>(len).fill('?');
}
function blocksOf(m: DdrescueBlockStatus[], base: number): DdrescueBlock[] {
  return normalizeBlocks(m.map((status, i) => ({ byteOffset: base + i, byteLength: 1, status })));
}

test('DdrescueBlockMap: set/next/byteCount agree with a per-byte model (property)', () => {
  const op = fc.record({ at: fc.integer({ min: -5, max: 70 }), len: fc.integer({ min: 0, max: 40 }), status: fc.constantFrom(...STATUSES) });
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 3 }), fc.array(op, { maxLength: 30 }), (len, base, ops) => {
      const map = DdrescueBlockMap.fresh(len, base);
      const ref = model(len);
      for (const o of ops) {
        map.set(base + o.at, o.len, o.status);
        for (let i = Math.max(0, o.at); i < Math.min(len, o.at + o.len); i++) ref[i] = o.status;
        assert.deepEqual(map.blocks(), blocksOf(ref, base));
      }
      for (const s of STATUSES) assert.equal(map.byteCount(s), ref.filter((x) => x === s).length);
      for (let from = base; from < base + len; from += 3) {
        const i = ref.findIndex((x, j) => j >= from - base && (x === '-' || x === '*'));
        const n = map.next(from, '-', '*');
        if (i < 0) assert.equal(n, undefined);
        else assert.equal(n?.byteOffset, base + i);
      }
      assert.equal(map.statusAt(base + len - 1), ref[len - 1]);
    }),
    { numRuns: 300 },
  );
});

test('ddrescue map: ddrescuelog reads the maps isokit writes, and isokit reads the maps ddrescuelog writes', (t) => {
  if (!needTools(t, 'ddrescuelog')) return;
  const { dir, cleanup } = tmpDir('ddmap');
  try {
    fc.assert(
      fc.property(fc.array(fc.record({ blocks: fc.integer({ min: 1, max: 9 }), status: fc.constantFrom(...STATUSES) }), { minLength: 1, maxLength: 12 }), (runs) => {
        let at = 0;
        const blocks: DdrescueBlock[] = [];
        for (const r of runs) {
          blocks.push({ byteOffset: at * 2048, byteLength: r.blocks * 2048, status: r.status });
          at += r.blocks;
        }
        const text = serializeDdrescueMap({ currentPos: 0, currentStatus: '+', currentPass: 1, blocks: normalizeBlocks(blocks) });
        const file = path.join(dir, 'm.map');
        writeFileSync(file, text);
        const bad = spawnSync('ddrescuelog', ['-l-', '-b2048', file], { encoding: 'utf8' });
        assert.equal(bad.status, 0, bad.stderr);
        const want: number[] = [];
        for (const b of blocks) if (b.status === '-') for (let i = 0; i < b.byteLength / 2048; i++) want.push(b.byteOffset / 2048 + i);
        assert.deepEqual(bad.stdout.split('\n').filter(Boolean).map(Number), want);
        // ddrescuelog creates a map from a block list (listed → finished, others → bad): isokit reads it
        const created = spawnSync('ddrescuelog', ['-b2048', `-s${at * 2048}`, '-c+-', '-'], { input: want.join('\n') + '\n', encoding: 'utf8' });
        assert.equal(created.status, 0, created.stderr);
        const back = new DdrescueBlockMap(parseDdrescueMap(created.stdout).blocks);
        assert.equal(back.byteLength, at * 2048);
        assert.deepEqual(back.ranges('+').map((b) => [b.byteOffset, b.byteLength]), normalizeBlocks(blocks.map((b) => ({ ...b, status: b.status === '-' ? '+' : '-' }))).filter((b) => b.status === '+').map((b) => [b.byteOffset, b.byteLength]));
      }),
      { numRuns: 25 },
    );
  } finally {
    cleanup();
  }
});
