/**
 * FAT32 emit contract: exact byte counts (whole volume and stopAfterUsed), sections in order, reproducible
 * bytes, emitInto a shared ChunkWriter, sources that change while emitting (padded/cut and reported, or fatal
 * with strict), names FAT cannot hold refused naming the path, times clamped to 1980–2107 with a finding, and
 * memory that does not grow with the volume (a 256 GiB volume's FATs are generated, not held).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ChunkWriter } from '../../src/create/engine/index.js';
import { planFatVolume, type FatVolumeLayout } from '../../src/create/fat/index.js';
import { ErrorCode, FindingCode, Findings, IsoKitError } from '../../src/errors/index.js';
import { MemorySource } from '../../src/io/index.js';
import { openFatVolume } from '../../src/read/fat/index.js';
import type { Content, TreeNode } from '../../src/model/index.js';
import { dir, file } from './helpers.js';

const BUILD = Date.UTC(2025, 0, 2, 3, 4, 6);

async function collect(gen: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of gen) parts.push(c.slice());
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const small = () => dir('', [file('a.txt', 'alpha'), dir('Sub Dir', [file('b.txt', 'b'.repeat(3000))])]);

test('FAT emit: exactly byteLength bytes (usedByteLength with stopAfterUsed), sections in order, reproducible', async () => {
  const layout = planFatVolume(small(), { sectorCount: 70_000, dateMs: BUILD, label: 'test' });
  let at = 0;
  for (const s of layout.sections) {
    assert.equal(s.byteOffset, at, s.name);
    at += s.byteLength;
  }
  assert.equal(at, layout.byteLength);
  const whole = await collect(layout.emit({ chunkByteLength: 4096 }));
  assert.equal(whole.length, layout.byteLength);
  const used = await collect(layout.emit({ stopAfterUsed: true }));
  assert.equal(used.length, layout.usedByteLength);
  assert.deepEqual(used, whole.subarray(0, used.length));
  assert.ok(whole.subarray(used.length).every((v) => v === 0));
  const again = await collect(planFatVolume(small(), { sectorCount: 70_000, dateMs: BUILD, label: 'test' }).emit());
  assert.equal(sha(again), sha(whole), 'same input, same bytes');
  assert.equal(layout.label, 'TEST');
  await assert.rejects(layout.emit({ chunkByteLength: 1000 }).next(), /multiple of 512/);
});

test('FAT emit: emitInto writes the same bytes into a shared ChunkWriter after other regions', async () => {
  const layout = planFatVolume(small(), { sectorCount: 70_000, dateMs: BUILD, hiddenSectors: 2048 });
  const out = new ChunkWriter(1 << 16);
  const chunks: Uint8Array[] = [];
  for (const c of out.zeros(1 << 20)) chunks.push(c.slice());
  for await (const c of layout.emitInto(out, { stopAfterUsed: true })) chunks.push(c.slice());
  const last = out.take();
  if (last) chunks.push(last.slice());
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  assert.equal(all.length, (1 << 20) + layout.usedByteLength);
  assert.deepEqual(all.subarray(1 << 20), await collect(layout.emit({ stopAfterUsed: true })));
});

function changing(byteLength: number, actual: number): Content {
  return {
    byteLength,
    async *stream() {
      yield new Uint8Array(actual).fill(0x41);
    },
  };
}

test('FAT emit: a source that changed is padded or cut to plan and reported; strict fails', async () => {
  const tree = () => dir('', [file('shrunk.bin', '', { size: 1000, content: changing(1000, 600) }), file('grown.bin', '', { size: 100, content: changing(100, 150) })]);
  const layout = planFatVolume(tree(), { sectorCount: 70_000, dateMs: BUILD });
  const changes: { path: string; reason: string; actualByteLength?: number }[] = [];
  const bytes = await collect(layout.emit({ onFileChanged: (c) => changes.push(c) }));
  assert.deepEqual(changes.map((c) => [c.path, c.reason, c.actualByteLength]), [['/shrunk.bin', 'it became shorter', 600], ['/grown.bin', 'it became longer', 150]]);
  const vol = await openFatVolume(new MemorySource(bytes), new Findings(true));
  const [shrunk, grown] = await vol.readDirectory(vol.root);
  const read = async (n: TreeNode | undefined) => collect(n?.content?.stream() ?? (async function* () {})());
  const s = await read(shrunk);
  assert.equal(s.length, 1000);
  assert.ok(s.subarray(0, 600).every((v) => v === 0x41) && s.subarray(600).every((v) => v === 0));
  assert.equal((await read(grown)).length, 100);
  await assert.rejects(collect(planFatVolume(tree(), { sectorCount: 70_000 }).emit({ strict: true })), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.IO && /\/shrunk\.bin changed/.test(e.message));
});

test('FAT plan: names FAT cannot hold are refused, naming the path', () => {
  const bad: [string, RegExp][] = [
    ['a:b', /contains ":"/], ['a*b', /contains "\*"/], ['a?b', /"\?"/], ['a"b', /"""/], ['a<b', /"<"/], ['a>b', /">"/], ['a|b', /"\|"/], ['a\\b', /"\\"/],
    ['tab\there', /control character U\+0009/], ['dot.', /ends in a dot/], ['space ', /ends in a space/], ['x'.repeat(256), /256 UTF-16 units/],
  ];
  for (const [name, why] of bad) {
    assert.throws(() => planFatVolume(dir('', [dir('sub', [file(name, 'x')])]), { sectorCount: 70_000 }), (e: unknown) => {
      assert.ok(e instanceof IsoKitError && e.code === ErrorCode.INVALID_ARGUMENT, String(e));
      assert.ok(e.message.includes(`/sub/${name}`), e.message);
      assert.match(e.message, why);
      return true;
    }, name);
  }
  assert.throws(() => planFatVolume(dir('', [file('Readme.txt', 'a'), file('README.TXT', 'b')]), { sectorCount: 70_000 }), /\/README\.TXT: FAT names ignore case/);
  assert.throws(() => planFatVolume(dir('', [{ name: 'link', kind: 'symlink', size: 0, symlinkTarget: 'x' }]), { sectorCount: 70_000 }), /\/link: a symlink/);
  assert.doesNotThrow(() => planFatVolume(dir('', [file('x'.repeat(255), 'x')]), { sectorCount: 70_000 }));
  assert.throws(() => planFatVolume(small(), { sectorCount: 60_000 }), /fewer than FAT32's 65525/);
  assert.throws(() => planFatVolume(small(), { sectorCount: 70_000, clusterByteLength: 3000 }), /cluster size 3000/);
});

test('FAT plan: times outside 1980–2107 are clamped with a finding; times after dateMs are clamped to it', async () => {
  const tree = dir('', [file('old.txt', 'o', { mtimeMs: Date.UTC(1970, 0, 1) }), file('future.txt', 'f', { mtimeMs: Date.UTC(2030, 0, 1) })], { mtimeMs: BUILD });
  const layout = planFatVolume(tree, { sectorCount: 70_000, dateMs: BUILD });
  assert.deepEqual(layout.findings.map((f) => [f.code, f.message.split(':')[0]]), [[FindingCode.FAT_TIME_CLAMPED, '/old.txt']]);
  const vol = await openFatVolume(new MemorySource(await collect(layout.emit())), new Findings(true));
  const [old, future] = await vol.readDirectory(vol.root);
  assert.equal(old?.mtimeMs, Date.UTC(1980, 0, 1));
  assert.equal(future?.mtimeMs, BUILD);
  const unclamped = planFatVolume(tree, { sectorCount: 70_000, dateMs: BUILD, clampTimes: false });
  const v2 = await openFatVolume(new MemorySource(await collect(unclamped.emit())), new Findings(true));
  assert.equal((await v2.readDirectory(v2.root))[1]?.mtimeMs, Date.UTC(2030, 0, 1));
});

test('FAT emit: memory stays flat as the volume grows (256 GiB: FATs generated from the runs)', async () => {
  const measure = async (sectorCount: number): Promise<{ heap: number; bytes: number; layout: FatVolumeLayout }> => {
    const layout = planFatVolume(small(), { sectorCount, dateMs: BUILD });
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let bytes = 0;
    for await (const c of layout.emit({ stopAfterUsed: true, reuseBuffers: true })) {
      bytes += c.length;
      if ((bytes & ((16 << 20) - 1)) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    return { heap: peak - before, bytes, layout };
  };
  const big = await measure(2 ** 38 / 512);
  assert.equal(big.layout.clusterByteLength, 32768);
  assert.equal(big.bytes, big.layout.usedByteLength);
  assert.ok(big.bytes > 60 * 2 ** 20, 'two FATs of 32 MiB went out');
  assert.ok(big.heap < 24 * 2 ** 20, `heap grew by ${(big.heap / 2 ** 20).toFixed(1)} MiB while 256 GiB's FATs were emitted`);
});
