/**
 * The fast read paths behind hashing: the overlapped file scanner delivers every byte once, in order, for
 * any chunk size, start and stop; isomd5sum and multi-digest results do not depend on how the data is split
 * (chunk sizes that cut 32 KiB units and fragment checkpoints in odd places) or on which thread hashes; verify
 * computes digests and the implanted isomd5sum in one read pass.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MemorySource } from '../../src/io/index.js';
import { checkIsoMd5, computeIsoMd5, fragmentCheckpoints, locateIsoMd5, planIsoMd5Implant, sourceScanner, verifyImage, type RangeScanner } from '../../src/verify/index.js';
import { fileScanner, skewedBuffers } from '../../src/node/chunk-reader.js';
import { createNodeHasher, hashFile } from '../../src/node/hash-file.js';
import { tmpDir } from '../helpers/index.js';

function pattern(n: number, seed: number): Uint8Array {
  const d = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    d[i] = x & 0xff;
  }
  return d;
}

/** Collect what a scanner delivers; checks offsets are contiguous. */
async function collect(scan: RangeScanner, at: number, len: number, stopAfter = Infinity): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let expect = at;
  let bytes = 0;
  const n = await scan(at, len, (chunk, off) => {
    assert.equal(off, expect, 'chunks arrive in order, without gaps');
    expect += chunk.length;
    parts.push(chunk.slice());
    bytes += chunk.length;
    return bytes >= stopAfter;
  });
  assert.equal(n, bytes);
  return new Uint8Array(Buffer.concat(parts));
}

test('skewedBuffers: equal-sized views off page alignment, shared when asked', () => {
  const b = skewedBuffers(3, 8192, true);
  assert.equal(b.length, 3);
  assert.ok(b[0]?.buffer instanceof SharedArrayBuffer);
  assert.deepEqual(
    b.map((x) => x.byteOffset % 4096),
    [2048, 2048, 2048],
  );
  assert.equal((b[1] as Uint8Array).byteOffset - (b[0] as Uint8Array).byteOffset, 8192);
});

test('fileScanner delivers exact ranges for any chunk size and depth, stops early, ends at EOF', async () => {
  const { dir, cleanup } = tmpDir('scan');
  const d = pattern(1_000_003, 7);
  const f = path.join(dir, 'd.bin');
  writeFileSync(f, d);
  const fd = openSync(f, 'r');
  try {
    for (const [chunk, depth] of [
      [4096, 2],
      [12288, 3],
      [65536, 4],
      [4 << 20, 3],
    ] as const) {
      const scan = fileScanner(fd, f, { chunkByteLength: chunk, depth });
      assert.deepEqual(await collect(scan, 0, d.length), d, `whole file, chunk ${chunk}`);
      assert.deepEqual(await collect(scan, 4097, 300_001), d.subarray(4097, 304_098), `inner range, chunk ${chunk}`);
      assert.deepEqual(await collect(scan, 999_000, 50_000), d.subarray(999_000), `past EOF, chunk ${chunk}`);
      const early = await collect(scan, 0, d.length, 1);
      assert.equal(early.length, Math.min(chunk, d.length), 'stop after the first chunk');
      assert.equal(await scan(10, 0, () => assert.fail('no chunk for an empty range')), 0);
    }
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(fileScanner(fd, f, { chunkByteLength: 4096 })(0, d.length, () => false, { signal: controller.signal }), /aborted/);
  } finally {
    closeSync(fd);
    cleanup();
  }
});

/** A minimal volume: PVD at sector 16 declaring `blocks` blocks, terminator at 17, patterned data elsewhere. */
function miniVolume(blocks: number): Uint8Array {
  const d = pattern(blocks * 2048, 99);
  const pvd = d.subarray(16 * 2048, 17 * 2048);
  pvd.set([1, 0x43, 0x44, 0x30, 0x30, 0x31, 1], 0);
  new DataView(d.buffer).setUint32(16 * 2048 + 80, blocks, true);
  new DataView(d.buffer).setUint32(16 * 2048 + 84, blocks, false);
  pvd.fill(0x20, 883, 883 + 512);
  d.subarray(17 * 2048, 18 * 2048).set([255, 0x43, 0x44, 0x30, 0x30, 0x31, 1], 0);
  return d;
}

test('isomd5sum: same sums and fragments whatever the chunking (odd sizes, file scanner, early stop)', async () => {
  const { dir, cleanup } = tmpDir('scan-md5');
  const d = miniVolume(1601); // 1586 blocks hashed: fragment boundaries fall inside odd chunks
  const f = path.join(dir, 'v.iso');
  writeFileSync(f, d);
  const fd = openSync(f, 'r');
  try {
    const src = new MemorySource(d, 'mini');
    const loc = await locateIsoMd5(src);
    const ref = await computeIsoMd5(src, loc, { factory: createNodeHasher });
    // the MD5 is over the data with the Application Use area as spaces (it already is here)
    assert.equal(ref.md5, createHash('md5').update(d.subarray(0, (1601 - 15) * 2048)).digest('hex'));
    assert.equal(ref.fragments.length, 20);
    assert.deepEqual(
      ref.fragments.map((x) => ({ index: x.index, endByteOffset: x.endByteOffset })),
      fragmentCheckpoints(ref.hashedByteLength, 20),
    );
    const scanners: [string, RangeScanner][] = [
      ['source 5000', sourceScanner(src, 5000)],
      ['source 32K·3+1', sourceScanner(src, 32768 * 3 + 1)],
      ['source 1', sourceScanner(src, 997)],
      ['file 12K', fileScanner(fd, f, { chunkByteLength: 12288, depth: 2 })],
      ['file default', fileScanner(fd, f)],
    ];
    for (const [name, scan] of scanners) {
      const r = await computeIsoMd5(src, loc, { factory: createNodeHasher, scan });
      assert.deepEqual(r, ref, name);
      const stopped = await computeIsoMd5(src, loc, { factory: createNodeHasher, scan, stopAt: (_f, i) => i === 2 });
      assert.equal(stopped.stoppedEarly, true);
      assert.deepEqual(stopped.fragments, ref.fragments.slice(0, 3), `${name}: early stop`);
    }
    // a scanner that comes up short is a truncated image, not a wrong sum
    const short: RangeScanner = (at, len, consume) => sourceScanner(src)(at, len - 4096, consume);
    await assert.rejects(computeIsoMd5(src, loc, { factory: createNodeHasher, scan: short }), /ended after/);
  } finally {
    closeSync(fd);
    cleanup();
  }
});

test('hashFile with workers: 2 and 3 digests (the calling thread hashes one group), a partial last slot, a tap', async () => {
  const { dir, cleanup } = tmpDir('scan-hash');
  try {
    const d = pattern((9 << 20) + 777, 3);
    const f = path.join(dir, 'd.bin');
    writeFileSync(f, d);
    const ref = (a: string, b: Uint8Array = d): string => createHash(a).update(b).digest('hex');
    assert.deepEqual(await hashFile(f, ['md5', 'sha256'], { workers: true }), { md5: ref('md5'), sha256: ref('sha256') });
    assert.deepEqual(await hashFile(f, ['sha512', 'sha1', 'md5'], { workers: true }), { sha512: ref('sha512'), sha1: ref('sha1'), md5: ref('md5') });
    assert.deepEqual(await hashFile(f, ['sha1'], { workers: true }), { sha1: ref('sha1') });
    const part = (5 << 20) + 3;
    assert.deepEqual(await hashFile(f, ['md5', 'sha512'], { workers: true, byteLength: part }), {
      md5: ref('md5', d.subarray(0, part)),
      sha512: ref('sha512', d.subarray(0, part)),
    });
    assert.deepEqual(await hashFile(f, ['sha256'], { chunkByteLength: 12288 }), { sha256: ref('sha256') });
    for (const workers of [true, false]) {
      const tapped = createHash('md5');
      let next = 0;
      const tap = (chunk: Uint8Array, at: number): void => {
        assert.equal(at, next);
        next += chunk.length;
        tapped.update(chunk);
      };
      assert.deepEqual(await hashFile(f, ['sha1'], { workers, tap }), { sha1: ref('sha1') });
      assert.equal(tapped.digest('hex'), ref('md5'), `the tap saw every byte in order (workers: ${workers})`);
    }
  } finally {
    cleanup();
  }
});

test('verify: digests and the implanted isomd5sum share one read pass, with the same verdicts as separate passes', async () => {
  const d = miniVolume(1601);
  const plan = await planIsoMd5Implant(new MemorySource(d, 'mini'), { factory: createNodeHasher });
  d.set(plan.bytes, plan.byteOffset);
  let bytesRead = 0;
  const counting = (bytes: Uint8Array): MemorySource => {
    const m = new MemorySource(bytes, 'mini.iso');
    const read = m.read.bind(m);
    m.read = async (at, len, o) => {
      const b = await read(at, len, o);
      bytesRead += b.length;
      return b;
    };
    return m;
  };
  const sha256 = createHash('sha256').update(d).digest('hex');
  const ok = await verifyImage({ source: counting(d), imageName: 'mini.iso', expect: sha256, factory: createNodeHasher, md5Tags: false });
  assert.equal(ok.implanted?.status, 'pass');
  assert.equal(ok.references[0]?.matches, true);
  assert.ok(bytesRead < d.length * 1.1, `one pass: read ${bytesRead} bytes of ${d.length}`);

  const bad = d.slice();
  bad[900_000] = (bad[900_000] as number) ^ 1;
  bytesRead = 0;
  const both = await verifyImage({ source: counting(bad), imageName: 'mini.iso', expect: sha256, factory: createNodeHasher, md5Tags: false });
  assert.ok(bytesRead < d.length * 1.1);
  const alone = await checkIsoMd5(new MemorySource(bad, 'mini.iso'), { factory: createNodeHasher });
  assert.equal(alone.status, 'fail');
  assert.deepEqual(both.implanted, alone, 'same result as a separate checkIsoMd5');
  assert.equal(both.references[0]?.matches, false);
  assert.equal(both.status, 'mismatch');
});
