/** Planner and emitter: determinism, invariants, exact sizes, multi-extent records, 100,000 files, dedup. */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { emitImage, findDuplicateContents, planImage, type Region } from '../../src/create/index.js';
import { Findings } from '../../src/errors/index.js';
import { parseDirectoryRecord, DirFlag } from '../../src/formats/iso9660/index.js';
import { memorySource } from '../../src/io/index.js';
import type { Content, TreeNode } from '../../src/model/index.js';
import { openImage } from '../../src/read/index.js';
import { buildBytes, dir, file, symlink, T0 } from './helpers.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function shuffled(n: TreeNode, seed: number): TreeNode {
  const kids = (n.children ?? []).map((c, i) => shuffled(c, seed + i));
  for (let i = kids.length - 1; i > 0; i--) {
    const j = (seed * 7919 + i * 104729) % (i + 1);
    [kids[i], kids[j]] = [kids[j] as TreeNode, kids[i] as TreeNode];
  }
  return n.children ? { ...n, children: kids } : { ...n };
}

const tree = () =>
  dir('Repro', [
    file('b.txt', 'b'), file('a.txt', 'a', { mtimeMs: T0 + 5000 }), dir('z', [file('1', '1'), file('2', '22'), symlink('s', '../a.txt')]),
    dir('y', [dir('x', [file('deep', 'deep')])]), file('h1', 'hh', { linkGroup: 'L' }), file('h2', 'hh', { linkGroup: 'L' }),
  ]);

test('same tree in any child order, same bytes; times after the build date are clamped', async () => {
  const a = await buildBytes(tree(), { dateMs: T0, clampTimes: true });
  const later = (n: TreeNode): TreeNode => ({ ...n, mtimeMs: T0 + 86400000, atimeMs: T0 + 1e9, ...(n.children ? { children: n.children.map(later) } : {}) });
  const b = await buildBytes(shuffled(later(tree()), 3), { dateMs: T0, clampTimes: true });
  assert.equal(sha(a.bytes), sha(b.bytes));
  const c = await buildBytes(shuffled(tree(), 5), { dateMs: T0 + 1000, clampTimes: true });
  assert.notEqual(sha(a.bytes), sha(c.bytes), 'the build date is recorded');
});

test('layout knows the exact size and where each region lands; emit yields exactly that', async () => {
  const layout = planImage(tree(), { dateMs: T0 });
  let total = 0;
  for await (const c of emitImage(layout, { chunkByteLength: 4096 })) total += c.length;
  assert.equal(total, layout.byteLength);
  assert.equal(layout.regions[0]?.name, 'system-area');
  const names = layout.regions.map((r) => r.name);
  assert.deepEqual(names, ['system-area', 'volume-descriptors', 'path-tables', 'directories-iso9660', 'directories-joliet', 'file-data', 'padding']);
  const data = layout.locate((tree().children as TreeNode[])[0] as TreeNode);
  assert.equal(data, undefined, 'a node from another tree is unknown');
});

test('a region that emits the wrong number of bytes is an INTERNAL error; boot hooks insert regions and patches', async () => {
  const bad: Region = { name: 'bad', plan: () => 1, async *emit(out) { yield* out.zeros(100); } };
  const layout = planImage(tree(), { dateMs: T0, boot: { regions: () => [{ before: 'file-data', region: bad }] } });
  await assert.rejects(async () => { for await (const _ of emitImage(layout)) void _; }, (e: Error & { code?: string }) => e.code === 'INTERNAL' && /region bad emitted 100 bytes, 2048/.test(e.message));
  const t = tree();
  const target = (t.children as TreeNode[])[0] as TreeNode;
  const good: Region = { name: 'catalog', plan: () => 1, *extents() { yield { lba: 0, blockCount: 1, what: 'catalog' }; }, async *emit(out) { yield* out.zeros(2048); } };
  assert.throws(() => planImage(t, { boot: { regions: () => [{ before: 'file-data', region: good }] } }), /invariant broken: catalog .* outside region catalog|overlaps/);
  const { bytes, layout: l2 } = await buildBytes(t, { boot: { patches: () => [{ node: target, byteOffset: 0, bytes: Uint8Array.of(0x42) }], systemArea: () => Uint8Array.of(1, 2, 3) } });
  const at = l2.locate(target) as { lba: number };
  assert.equal(bytes[at.lba * 2048], 0x42, 'patched copy');
  assert.deepEqual([...bytes.subarray(0, 4)], [1, 2, 3, 0]);
});

/** A virtual content of zeros with a marker at the end (never held in memory). */
function zeros(byteLength: number): Content {
  return {
    byteLength,
    async *stream() {
      const chunk = new Uint8Array(1 << 20);
      for (let o = 0; o < byteLength; o += chunk.length) {
        const n = Math.min(chunk.length, byteLength - o);
        yield n === chunk.length ? chunk : chunk.subarray(0, n);
      }
    },
  };
}

test('files over 4 GiB get multi-extent records of 4 GiB − 2 KiB in both trees; levels 1-2 refuse them', async () => {
  const size = 4.5 * 1024 ** 3;
  const t = dir('M', [{ name: 'big.bin', kind: 'file', size, content: zeros(size), mode: 0o100644, mtimeMs: T0 }, file('after', 'x')]);
  const layout = planImage(t, { dateMs: T0 });
  assert.ok(layout.byteLength > size);
  const root = layout.iso.dir(layout.iso.root);
  for (const lba of [root.isoLba, root.jolietLba]) {
    // emit just the metadata regions and parse the root directory's records
    const meta = new Uint8Array(((layout.regions.find((r) => r.name === 'file-data')?.lba) as number) * 2048);
    let o = 0;
    for await (const c of emitImage(layout)) {
      const n = Math.min(c.length, meta.length - o);
      meta.set(c.subarray(0, n), o);
      o += n;
      if (o >= meta.length) break;
    }
    const recs = [];
    for (let p = lba * 2048; ; ) {
      const r = parseDirectoryRecord(meta, p, p, new Findings());
      if (!r) break;
      recs.push(r);
      p += r.recordLength;
    }
    const big = recs.filter((r) => !(r.flags & DirFlag.DIRECTORY) && r.dataLength > 1000);
    assert.equal(big.length, 2);
    assert.equal(big[0]?.dataLength, 0xfffff800);
    assert.equal((big[0]?.flags as number) & DirFlag.MULTI_EXTENT, DirFlag.MULTI_EXTENT);
    assert.equal(big[1]?.dataLength, size - 0xfffff800);
    assert.equal(big[1]?.lba, (big[0]?.lba as number) + 0xfffff800 / 2048);
  }
  assert.throws(() => planImage(t, { isoLevel: 2 }), /need ISO level 3/);
});

test('100,000 files plan and emit in bounded time and memory, and read back', async () => {
  const before = process.memoryUsage().rss;
  const kids: TreeNode[] = [];
  for (let d = 0; d < 100; d++) {
    const files: TreeNode[] = [];
    for (let f = 0; f < 1000; f++) files.push(f % 100 === 0 ? file(`f${f}.txt`, `${d}/${f}`) : { name: `file-number-${f}.dat`, kind: 'file', size: 0, mode: 0o100644, mtimeMs: T0 });
    kids.push(dir(`dir${d}`, files));
  }
  const t0 = performance.now();
  const layout = planImage(dir('Many', kids), { dateMs: T0 });
  const planMs = performance.now() - t0;
  const out = new Uint8Array(layout.byteLength);
  let o = 0;
  for await (const c of emitImage(layout, { reuseBuffers: true })) {
    out.set(c, o);
    o += c.length;
  }
  const totalMs = performance.now() - t0;
  const rssMiB = (process.memoryUsage().rss - before) / 1048576;
  assert.equal(o, layout.byteLength);
  assert.equal(layout.stats.files, 100000);
  const img = await openImage(memorySource(out));
  const d7 = img.tree.children?.find((c) => c.name === 'dir7');
  assert.equal(d7?.children?.length, 1000);
  console.log(`# 100k files: plan ${planMs.toFixed(0)} ms, plan+emit ${totalMs.toFixed(0)} ms, image ${(layout.byteLength / 1048576).toFixed(1)} MiB, RSS +${rssMiB.toFixed(0)} MiB`);
  assert.ok(totalMs < 60000);
});

test('dedup: same-size files are compared, identical contents stored once', async () => {
  const t = dir('D', [file('a', 'same bytes'), file('b', 'same bytes'), file('c', 'diff bytes'), file('d', 'unique size!'), file('e', 'same bytes', { linkGroup: 'q' }), file('f', 'same bytes', { linkGroup: 'q' })]);
  const r = await findDuplicateContents(t);
  assert.equal(r.duplicateFiles, 2);
  const l1 = planImage(t, { dateMs: T0 });
  const l2 = planImage(t, { dateMs: T0, contentKeys: r.contentKeys });
  assert.equal(l1.stats.dataBytes - l2.stats.dataBytes, 20);
  const kids = t.children as TreeNode[];
  assert.equal(l2.locate(kids[0] as TreeNode)?.lba, l2.locate(kids[1] as TreeNode)?.lba);
  assert.equal(l2.locate(kids[0] as TreeNode)?.lba, l2.locate(kids[4] as TreeNode)?.lba);
  assert.notEqual(l2.locate(kids[0] as TreeNode)?.lba, l2.locate(kids[2] as TreeNode)?.lba);
});

test('bad trees give one clear error', () => {
  assert.throws(() => planImage(dir('x', [file('a', 'a'), file('a', 'b')])), /\/a appears twice/);
  assert.throws(() => planImage(dir('x', [file('a/b', 'a')])), /invalid file name/);
  assert.throws(() => planImage(file('x', 'a')), /must be a directory/);
  assert.throws(() => planImage(dir('x', [{ name: 's', kind: 'symlink', size: 0 }])), /without a target/);
  assert.throws(() => planImage(dir('x', []), { volumeId: 'x'.repeat(33) }), /volume id is 33 characters/);
});
