/**
 * A 4.5 GiB file in a UDF bridge image, stored once: UDF describes it with extents of at most 1 GiB and 7-Zip
 * extracts it byte-exact from UDF; the ISO 9660 side keeps multi-extent records (level 3), leaves the file out,
 * or records the size's low 32 bits (genisoimage -allow-limited-size), as asked. To stay fast the file is zeros
 * with an 8-byte marker every 256 MiB and at its end, and the image is written sparse (all-zero chunks skipped).
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { emitImage, planImage, type BuildOptions } from '../../src/create/index.js';
import { Findings, findNode, type Content, type TreeNode } from '../../src/index.js';
import { openImageFile } from '../../src/node/open-image.js';
import { openFileSource } from '../../src/node/index.js';
import { openUdfVolume } from '../../src/read/udf/index.js';
import { needTools, tmpDir } from '../helpers/index.js';
import { dir, file, T0 } from './helpers.js';

const SIZE = 4.5 * 2 ** 30;
const STEP = 2 ** 28;
const CHUNK = 1 << 20;
const ZERO = new Uint8Array(CHUNK);

/** Marker positions: every 256 MiB, and the last 8 bytes; each holds its own offset (LE u64). */
const markers = (): number[] => [...Array.from({ length: SIZE / STEP }, (_, i) => i * STEP + 12345), SIZE - 8];

function markerContent(): Content {
  const at = markers();
  return {
    byteLength: SIZE,
    async *stream() {
      for (let o = 0; o < SIZE; o += CHUNK) {
        const n = Math.min(CHUNK, SIZE - o);
        const hits = at.filter((m) => m >= o && m < o + n);
        if (!hits.length) {
          yield n === CHUNK ? ZERO : ZERO.subarray(0, n);
          continue;
        }
        const b = new Uint8Array(n);
        for (const m of hits) new DataView(b.buffer).setBigUint64(m - o, BigInt(m), true);
        yield b;
      }
    },
  };
}

function tree(): TreeNode {
  return dir('BIG', [file('small.txt', 'small\n'), { name: 'big.bin', kind: 'file', size: SIZE, content: markerContent(), mode: 0o100644, mtimeMs: T0 }]);
}

const isZero = (b: Uint8Array, from: number, to: number): boolean =>
  to <= from || Buffer.compare(Buffer.from(b.buffer, b.byteOffset + from, to - from), Buffer.from(ZERO.buffer, 0, to - from)) === 0;

/**
 * Write the image sparse: chunks of zeros become holes. With `dataAsHoles` the file-data region is not
 * written at all (its markers are then missing: for images whose directories alone are checked).
 */
async function writeSparse(image: string, opts: BuildOptions, dataAsHoles = false): Promise<number> {
  const layout = planImage(tree(), { dateMs: T0, ...opts });
  const data = layout.regions.find((r) => r.name === 'file-data');
  const [from, to] = data && dataAsHoles ? [data.lba * 2048, (data.lba + data.blockCount) * 2048] : [0, 0];
  const fd = openSync(image, 'w');
  let pos = 0;
  try {
    for await (const c of emitImage(layout, { chunkByteLength: CHUNK })) {
      const skip = (pos >= from && pos + c.length <= to) || (c.length <= CHUNK && isZero(c, 0, c.length));
      if (!skip) writeSync(fd, c, 0, c.length, pos);
      pos += c.length;
    }
    ftruncateSync(fd, pos);
  } finally {
    closeSync(fd);
  }
  assert.equal(pos, layout.byteLength);
  return layout.byteLength;
}

/** Stream `7zz x -so -tudf` of big.bin and check its length, its markers and zeros everywhere else. */
function sevenZipExtractCheck(image: string): Promise<string[]> {
  const want = markers();
  return new Promise((resolve) => {
    const p = spawn('7zz', ['x', '-so', '-tudf', image, 'big.bin'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const problems: string[] = [];
    // bytes before `checked` (absolute) are verified; `pending` holds the unverified tail (a marker may straddle reads)
    let checked = 0;
    let pending: Buffer = Buffer.alloc(0);
    let k = 0;
    p.stdout.on('data', (d: Buffer) => {
      const b: Buffer = pending.length ? Buffer.concat([pending, d]) : d;
      const start = checked;
      let i = 0;
      while (k < want.length && (want[k] as number) + 8 <= start + b.length) {
        const m = (want[k] as number) - start;
        if (!isZero(b, i, m)) problems.push(`non-zero bytes in ${start + i}-${start + m}`);
        if (b.readBigUInt64LE(m) !== BigInt(want[k] as number)) problems.push(`marker at ${want[k]} wrong`);
        i = m + 8;
        k++;
      }
      const safe = k < want.length ? Math.max(i, Math.min(b.length, (want[k] as number) - start)) : b.length;
      if (!isZero(b, i, safe)) problems.push(`non-zero bytes in ${start + i}-${start + safe}`);
      checked = start + safe;
      pending = b.subarray(safe);
      if (problems.length > 5) p.kill();
    });
    p.on('close', (code) => {
      if (code !== 0) problems.push(`7zz exit ${code}`);
      if (checked + pending.length !== SIZE) problems.push(`7zz gave ${checked + pending.length} bytes, expected ${SIZE}`);
      if (k !== want.length) problems.push(`${want.length - k} markers not seen`);
      resolve(problems);
    });
  });
}

/** xorriso's listing of the ISO 9660 (Rock Ridge) root: name → size. */
function xorrisoSizes(image: string): Map<string, number> {
  const r = spawnSync('xorriso', ['-indev', image, '-lsl', '/'], { encoding: 'utf8' });
  const out = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    const m = /^\S+\s+\d+\s+\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+\S+\s+'([^']+)'/.exec(line);
    if (m) out.set(m[2] as string, Number(m[1]));
  }
  return out;
}

/** The extents isokit's UDF reader finds for big.bin (from its File Entry's allocation descriptors). */
async function udfExtentLengths(image: string): Promise<number[]> {
  const src = await openFileSource(image);
  try {
    const vol = await openUdfVolume(src, new Findings());
    const root = await vol.readTree();
    const big = findNode(root, 'big.bin');
    assert.equal(big?.size, SIZE);
    return (big?.extents ?? []).map((e) => e.byteLength);
  } finally {
    await src.close?.();
  }
}

test('a 4.5 GiB file: UDF extents of at most 1 GiB, 7-Zip extracts it byte-exact; ISO 9660 multi-extent, left out or limited', async (t) => {
  if (!needTools(t, '7zz', 'xorriso', 'udfinfo')) return;
  const { dir: work, cleanup } = tmpDir('udf-big');
  try {
    const image = path.join(work, 'big.iso');
    const started = Date.now();
    const size = await writeSparse(image, { udf: true });
    assert.ok(size > SIZE && size < SIZE + 4 * 2 ** 20, 'the data is stored once');
    const lengths = await udfExtentLengths(image);
    assert.ok(lengths.length >= 5 && lengths.every((l) => l <= 2 ** 30), `UDF extents ${lengths.join()}`);
    assert.deepEqual(await sevenZipExtractCheck(image), []);
    assert.equal(xorrisoSizes(image).get('big.bin'), SIZE, 'ISO 9660 multi-extent records give the whole size');
    const iso = await openImageFile(image);
    assert.equal(findNode(iso.tree, 'big.bin')?.extents?.length, 2, 'two ISO 9660 extents');
    await iso.source.close?.();
    t.diagnostic(`multi-extent image written and checked in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const left = path.join(work, 'left.iso');
    await writeSparse(left, { udf: true, isoLargeFiles: 'leave-out', isoLevel: 2 }, true);
    const leftSizes = xorrisoSizes(left);
    assert.equal(leftSizes.has('big.bin'), false, 'left out of ISO 9660');
    assert.equal(leftSizes.get('small.txt'), 6);
    assert.equal((await udfExtentLengths(left)).reduce((a, b) => a + b, 0), SIZE);

    const limited = path.join(work, 'limited.iso');
    await writeSparse(limited, { udf: true, isoLargeFiles: 'limited-size' }, true);
    assert.equal(xorrisoSizes(limited).get('big.bin'), SIZE % 2 ** 32, 'genisoimage -allow-limited-size: the low 32 bits');
    assert.equal((await udfExtentLengths(limited)).reduce((a, b) => a + b, 0), SIZE);
  } finally {
    cleanup();
  }
});

test('isoLargeFiles other than multi-extent needs UDF; without it ISO levels 1-2 refuse files of 4 GiB', () => {
  assert.throws(() => planImage(tree(), { isoLargeFiles: 'leave-out' }), /needs UDF/);
  assert.throws(() => planImage(tree(), { isoLevel: 2 }), /ISO level 3 or 4/);
});
