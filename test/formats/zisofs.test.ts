import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { IsoKitError } from '../../src/errors/index.js';
import { collect, memorySource, type ByteSource } from '../../src/io/index.js';
import {
  decodeZisofs, encodeZisofs, encodeZisofsBlock, parseZisofsHeader, serializeZisofsHeader, serializeZisofsPointers,
} from '../../src/formats/rockridge/index.js';
import { zisofsContent } from '../../src/read/zisofs.js';
import { needTools, sh, tmpDir } from '../helpers/index.js';
import { walkRockRidge } from './rockridge-walk.js';

const info = (size: number, log2 = 15) => ({ algorithm: 'pz', headerSizeLog4: 4, blockSizeLog2: log2, uncompressedSize: size });
const contentOf = (stored: Uint8Array, size: number, log2 = 15) =>
  zisofsContent([{ source: memorySource(stored), byteOffset: 0, byteLength: stored.length }], info(size, log2));

function mixed(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i >> 13) % 3 === 0 ? 0 : (i * 7) % 251;
  return b;
}

test('encode → decode round trip (zero blocks are stored empty)', async () => {
  const data = mixed(200_003);
  data.fill(0, 32768, 65536);
  const stored = encodeZisofs(data);
  assert.deepEqual(parseZisofsHeader(stored, 0).blockCount, 7);
  assert.deepEqual(decodeZisofs(stored), data);
  assert.deepEqual(await collect(contentOf(stored, data.length).stream()), data);
  assert.equal(encodeZisofsBlock(new Uint8Array(32768)).length, 0);
  for (const log2 of [16, 17]) assert.deepEqual(decodeZisofs(encodeZisofs(data, { blockSizeLog2: log2 })), data);
});

test('damaged zisofs data: IsoKitError with the byte offset, never a raw error', async () => {
  const data = mixed(100_000);
  const stored = encodeZisofs(data);
  const h = parseZisofsHeader(stored, 0);
  const expectError = async (bytes: Uint8Array, code: string, size = data.length) => {
    await assert.rejects(collect(contentOf(bytes, size).stream()), (e: unknown) => e instanceof IsoKitError && e.code === code && e.byteOffset !== undefined);
  };
  const badMagic = stored.slice();
  badMagic[0] = 0;
  await expectError(badMagic, 'CORRUPT');
  await expectError(stored, 'CORRUPT', data.length + 1); // ZF size disagrees with the header
  const backwards = stored.slice();
  backwards.set(serializeZisofsPointers([h.headerByteLength + h.pointerTableByteLength, 20]), h.headerByteLength);
  await expectError(backwards, 'CORRUPT');
  const firstBlock = h.headerByteLength + h.pointerTableByteLength;
  const flipped = stored.slice();
  for (let i = firstBlock + 2; i < firstBlock + 40; i++) flipped[i] = 0xff - (flipped[i] as number);
  await assert.rejects(collect(contentOf(flipped, data.length).stream()), (e: unknown) => e instanceof IsoKitError && e.code === 'CORRUPT' && (e.byteOffset ?? -1) >= firstBlock);
  await expectError(stored.subarray(0, stored.length - 100), 'CORRUPT');
  // random mutations: only IsoKitError, and each stream ends
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.nat(stored.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (muts) => {
      const b = stored.slice();
      for (const [i, v] of muts) b[i] = v;
      try {
        await collect(contentOf(b, data.length).stream());
      } catch (e) {
        if (!(e instanceof IsoKitError)) throw e;
      }
    }),
    { numRuns: 300 },
  );
});

test('streaming a large zisofs file keeps memory flat', async () => {
  // 1 GiB of mostly zero blocks behind a virtual source: only the header, pointers and a few blocks are stored
  const size = 2 ** 30, log2 = 15, bs = 2 ** log2, blocks = size / bs;
  const head = serializeZisofsHeader(size, log2);
  const payload = encodeZisofsBlock(mixed(bs));
  const ptrs: number[] = [head.length + (blocks + 1) * 4];
  for (let i = 0; i < blocks; i++) ptrs.push((ptrs[i] as number) + (i % 512 === 0 ? payload.length : 0));
  const table = serializeZisofsPointers(ptrs);
  const storedLength = ptrs[blocks] as number;
  const src: ByteSource = {
    name: 'virtual', byteLength: storedLength,
    async read(off, len) {
      const out = new Uint8Array(Math.min(len, storedLength - off));
      for (let i = 0; i < out.length; i++) {
        const p = off + i;
        if (p < head.length) out[i] = head[p] as number;
        else if (p < head.length + table.length) out[i] = table[p - head.length] as number;
      }
      // fill compressed blocks
      for (let b = 0; b < blocks; b += 512) {
        const a = ptrs[b] as number;
        if (a + payload.length <= off || a >= off + out.length) continue;
        for (let k = 0; k < payload.length; k++) if (a + k >= off && a + k < off + out.length) out[a + k - off] = payload[k] as number;
      }
      return out;
    },
  };
  const c = zisofsContent([{ source: src, byteOffset: 0, byteLength: storedLength }], info(size, log2));
  const before = process.memoryUsage().rss;
  let total = 0, peak = 0;
  for await (const chunk of c.stream()) {
    total += chunk.length;
    assert.ok(chunk.length <= bs);
    if (total % (64 * bs) === 0) peak = Math.max(peak, process.memoryUsage().rss - before);
  }
  assert.equal(total, size);
  assert.ok(peak < 256 * 2 ** 20, `rss grew by ${Math.round(peak / 2 ** 20)} MiB while streaming 1 GiB`);
});

test('decompress files from real xorriso zisofs images (zisofs and zisofs2, ZF and Z2)', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('zisofs');
  try {
    const src = path.join(dir, 'src');
    mkdirSync(src);
    const files: Record<string, Uint8Array> = {
      text: new TextEncoder().encode(Array.from({ length: 20000 }, (_, i) => `line ${i} of some compressible text\n`).join('')),
      zeros: new Uint8Array(300_005).fill(0, 0, 300_000).fill(7, 300_000),
      // half random, half zero per 32 KiB: about 2 MiB compressed, so several read windows
      halves: (() => {
        const b = new Uint8Array(4 * 2 ** 20 + 123);
        for (let o = 0; o < b.length; o += 32768) b.set(randomBytes(Math.min(16384, b.length - o)), o);
        return b;
      })(),
    };
    for (const [n, b] of Object.entries(files)) writeFileSync(path.join(src, n), b);
    const variants: [string, string[], string, string][] = [
      ['v1', ['-zisofs', 'level=6'], 'pz', 'ZF'],
      ['v2', ['-zisofs', 'version_2=on', '-zisofs', 'susp_z2=off'], 'PZ', 'ZF'],
      ['z2', ['-zisofs', 'version_2=on', '-zisofs', 'susp_z2=on'], 'PZ', 'Z2'],
    ];
    for (const [name, opts, algorithm, sig] of variants) {
      const img = path.join(dir, `${name}.iso`);
      sh('xorriso', [...opts, '-outdev', img, '-map', src, '/', '-set_filter_r', '--zisofs', '/']);
      const bytes = new Uint8Array(readFileSync(img));
      const w = await walkRockRidge(bytes);
      assert.deepEqual(w.findings.list, []);
      const source = memorySource(bytes);
      for (const [n, want] of Object.entries(files)) {
        const r = w.records.find((x) => x.path === '/' + n);
        assert.ok(r?.info.zisofs, `${name} ${n} has ZF`);
        assert.equal(r.info.zisofs.algorithm, algorithm);
        assert.ok(r.entries.some((e) => e.signature === sig));
        assert.equal(r.info.zisofs.uncompressedSize, want.length);
        assert.ok(r.dataLength < want.length, 'stored compressed');
        const c = zisofsContent([{ source, byteOffset: r.lba * 2048, byteLength: r.dataLength }], r.info.zisofs);
        assert.equal(c.byteLength, want.length);
        const got = await collect(c.stream());
        assert.ok(Buffer.from(got).equals(Buffer.from(want)), `${name} ${n}: same bytes`);
      }
    }
  } finally {
    cleanup();
  }
});
