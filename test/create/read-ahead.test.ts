/**
 * create's read-ahead (worker threads reading the file-data region into a ring of slots): the same bytes as
 * emit's own reads, changed files reported the same way, I/O errors as one-line errors, and the packing of the
 * region into slots exact.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { emitImage, planImage, type FileChange } from '../../src/create/index.js';
import { IsoKitError } from '../../src/errors/index.js';
import { packDataRegion, readAheadSource, sharedPaths } from '../../src/node/create-data.js';
import { treeFromFileSystem } from '../../src/node/fs-tree.js';
import { tmpDir } from '../helpers/index.js';

function makeSource(src: string): void {
  mkdirSync(path.join(src, 'a/b'), { recursive: true });
  let seed = 7;
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 251);
  for (let i = 0; i < 60; i++) writeFileSync(path.join(src, 'a', `f${i}.bin`), bytes(i * 97));
  writeFileSync(path.join(src, 'a/b/exact'), bytes(4096));
  writeFileSync(path.join(src, 'a/b/big'), bytes(70_000));
  writeFileSync(path.join(src, 'a/b/bigger'), bytes(200_001));
  writeFileSync(path.join(src, 'empty'), '');
}

async function plan(src: string) {
  return planImage(await treeFromFileSystem([{ path: src }]), { dateMs: Date.UTC(2024, 0, 1) });
}

async function emit(layout: Awaited<ReturnType<typeof plan>>, fileData?: ReturnType<typeof readAheadSource>): Promise<{ sha: string; changes: FileChange[] }> {
  const changes: FileChange[] = [];
  const h = createHash('sha256');
  let n = 0;
  for await (const c of emitImage(layout, { chunkByteLength: 16384, reuseBuffers: true, onFileChanged: (c) => changes.push(c), ...(fileData ? { fileData } : {}) })) {
    h.update(c);
    n += c.length;
  }
  assert.equal(n, layout.byteLength);
  return { sha: h.digest('hex'), changes: changes.sort((a, b) => (a.path < b.path ? -1 : 1)) };
}

async function build(src: string, fileData?: ReturnType<typeof readAheadSource>, mutate?: () => void): Promise<{ sha: string; changes: FileChange[] }> {
  const layout = await plan(src);
  mutate?.();
  return emit(layout, fileData);
}

const small = { enabled: true, slotBytes: 16384, slots: 3, workers: 2 } as const;

test('read-ahead: byte-identical image to emit reading the files itself (small slots, split files, 1 and 2 workers)', async () => {
  const { dir, cleanup } = tmpDir('read-ahead');
  try {
    const src = path.join(dir, 'src');
    makeSource(src);
    // one plan, emitted several ways (a second scan would see the atimes the first emit's reads changed)
    const layout = await plan(src);
    const plain = await emit(layout);
    assert.equal((await emit(layout, readAheadSource(small))).sha, plain.sha);
    assert.equal((await emit(layout, readAheadSource({ ...small, workers: 1, slots: 2 }))).sha, plain.sha);
    assert.equal((await emit(layout, readAheadSource({ enabled: true }))).sha, plain.sha);
    // 'auto' leaves a small tree to emit, false never reads ahead
    assert.equal(readAheadSource({ enabled: 'auto' })([], {}), undefined);
    assert.equal(readAheadSource({ enabled: false })([], {}), undefined);
  } finally {
    cleanup();
  }
});

test('read-ahead: content patches (boot-info-table and the like) land in the same bytes, across slot boundaries', async () => {
  const { dir, cleanup } = tmpDir('read-ahead-patch');
  try {
    const src = path.join(dir, 'src');
    makeSource(src);
    const tree = await treeFromFileSystem([{ path: src }]);
    const a = tree.children?.find((c) => c.name === 'a');
    const b = a?.children?.find((c) => c.name === 'b');
    const bigger = b?.children?.find((c) => c.name === 'bigger');
    const f4 = a?.children?.find((c) => c.name === 'f4.bin');
    assert.ok(bigger && f4);
    const bytes = Uint8Array.from({ length: 40 }, (_, i) => 200 + i);
    const layout = planImage(tree, {
      dateMs: Date.UTC(2024, 0, 1),
      boot: { patches: () => [{ node: bigger, byteOffset: 16370, bytes }, { node: bigger, byteOffset: 0, bytes }, { node: f4, byteOffset: 8, bytes: bytes.subarray(0, 4) }] },
    });
    const plain = await emit(layout);
    assert.equal((await emit(layout, readAheadSource(small))).sha, plain.sha);
  } finally {
    cleanup();
  }
});

test('read-ahead: files changed after planning are padded/cut and reported like emit does', async () => {
  const { dir, cleanup } = tmpDir('read-ahead-changed');
  try {
    const src = path.join(dir, 'src');
    makeSource(src);
    writeFileSync(path.join(src, 'a/b/touched'), new Uint8Array(30_000).fill(9));
    writeFileSync(path.join(src, 'a/b/grown'), new Uint8Array(20_000).fill(8));
    const layout = await plan(src);
    utimesSync(path.join(src, 'a/b/touched'), new Date(Date.UTC(2030, 0, 1)), new Date(Date.UTC(2030, 0, 1))); // split, same size, modified
    appendFileSync(path.join(src, 'a/b/grown'), 'more'); // split, longer (fstat size)
    appendFileSync(path.join(src, 'a/f3.bin'), 'more'); // small, longer
    truncateSync(path.join(src, 'a/f5.bin'), 10); // small, shorter
    rmSync(path.join(src, 'a/f7.bin')); // small, removed
    truncateSync(path.join(src, 'a/b/bigger'), 50_000); // split over slots, shorter
    rmSync(path.join(src, 'a/b/big')); // split, removed
    const plain = await emit(layout);
    const ahead = await emit(layout, readAheadSource(small));
    assert.equal(plain.changes.length, 7);
    assert.deepEqual(ahead.changes, plain.changes);
    assert.deepEqual(ahead.changes.filter((c) => /touched|grown/.test(c.path)).map((c) => c.reason), ['its size changed from 20000 to 20004 bytes', 'it was modified']);
    assert.equal(ahead.sha, plain.sha);
  } finally {
    cleanup();
  }
});

test('read-ahead: a source that can no longer be read fails with a one-line error naming it', async () => {
  const { dir, cleanup } = tmpDir('read-ahead-error');
  try {
    const src = path.join(dir, 'src');
    makeSource(src);
    const victim = path.join(src, 'a/f9.bin');
    await assert.rejects(
      build(src, readAheadSource(small), () => {
        rmSync(victim);
        mkdirSync(victim); // open works on a directory, read fails with EISDIR
      }),
      (e: unknown) => e instanceof IsoKitError && e.message.includes('f9.bin') && !e.message.includes('\n'),
    );
  } finally {
    cleanup();
  }
});

test('read-ahead: onThreadsStarted is called when the reader threads are up (again for a thread slower than the 1 s wait)', async () => {
  const { dir, cleanup } = tmpDir('read-ahead-started');
  try {
    const src = path.join(dir, 'src');
    makeSource(src);
    let calls = 0;
    const layout = await plan(src); // planned once: reading the files may update their atimes (Rock Ridge TF)
    const plain = await emit(layout);
    const ahead = await emit(layout, readAheadSource({ ...small, onThreadsStarted: () => calls++ }));
    // once after the wait; on a loaded machine a thread that came up after the 1 s wait calls it again
    assert.ok(calls >= 1 && calls <= 1 + small.workers, `${calls} calls`);
    assert.equal(ahead.sha, plain.sha);
  } finally {
    cleanup();
  }
});

test('read-ahead: a consumer that stops early (before the file data) leaves no reader thread behind', async () => {
  const { dir, cleanup } = tmpDir('read-ahead-stop');
  try {
    const src = path.join(dir, 'src');
    makeSource(src);
    const layout = await plan(src);
    let closed = 0;
    const source = readAheadSource(small);
    const wrapped: typeof source = (items, o) => {
      const chunks = source(items, o);
      return chunks && { [Symbol.asyncIterator]: () => chunks[Symbol.asyncIterator](), close: () => (closed++, chunks.close()) };
    };
    for await (const c of emitImage(layout, { chunkByteLength: 4096, reuseBuffers: true, fileData: wrapped })) {
      assert.ok(c.length > 0);
      break; // system area: the workers have started, the file data was never asked for
    }
    assert.equal(closed, 1);
  } finally {
    cleanup();
  }
});

test('packDataRegion: slots cover the region exactly; small files whole, large ones split', () => {
  const sizes = [1, 2048, 2049, 5000, 7000, 40000, 0, 8191, 8192];
  const slot = 8192;
  const p = packDataRegion(sizes, slot);
  const region = sizes.reduce((a, n) => a + Math.ceil(n / 2048) * 2048, 0);
  assert.equal(Array.from(p.slotLength).reduce((a, n) => a + n, 0), region);
  assert.ok(Array.from(p.slotLength).every((n) => n > 0 && n <= slot));
  assert.equal(p.itemsDone[p.itemsDone.length - 1], sizes.length);
  for (let s = 0; s < p.slotLength.length; s++) {
    let len = 0;
    for (let k = p.slotFirstPiece[s] as number; k < (p.slotFirstPiece[s + 1] as number); k++) len += p.regionLength[k] as number;
    assert.equal(len, p.slotLength[s]);
  }
  // the 40000-byte file (index 5) spans several slots; its pieces add up to its blocks
  let spans = 0;
  for (let k = 0; k < p.item.length; k++) if (p.item[k] === 5) spans += p.regionLength[k] as number;
  assert.equal(spans, Math.ceil(40000 / 2048) * 2048);
});

test('read-ahead: paths rebuilt from shared directory + name bytes (non-ASCII names, a file given as a source)', async () => {
  const { dir, cleanup } = tmpDir('read-ahead-paths');
  try {
    const src = path.join(dir, 'src é');
    mkdirSync(path.join(src, 'ünï/日本'), { recursive: true });
    writeFileSync(path.join(src, 'ünï/日本/データ.txt'), 'kanji '.repeat(500));
    writeFileSync(path.join(src, 'ünï/a b=c'), 'spaces and equals');
    const single = path.join(dir, 'single ✓.bin');
    writeFileSync(single, 'x'.repeat(5000));
    const tree = await treeFromFileSystem([{ path: src }, { path: single }]);
    const layout = planImage(tree, { dateMs: Date.UTC(2024, 0, 1) });
    const paths = sharedPaths(layout.iso.tree.data);
    assert.equal(paths.dirOf.length, 3);
    // the joined bytes are each file's own path
    const names = Buffer.from(paths.nameBytes), dirs = Buffer.from(paths.dirBytes);
    const joined = Array.from(paths.dirOf, (d, i) => {
      const dirPath = dirs.subarray(d ? paths.dirEnds[d - 1] : 0, paths.dirEnds[d]).toString();
      const name = names.subarray(i ? paths.nameEnds[i - 1] : 0, paths.nameEnds[i]).toString();
      return name ? `${dirPath}/${name}` : dirPath;
    });
    assert.deepEqual(joined.sort(), [path.join(src, 'ünï/a b=c'), path.join(src, 'ünï/日本/データ.txt'), single].sort());
    const plain = await emit(layout);
    const ahead = await emit(layout, readAheadSource(small));
    assert.equal(ahead.sha, plain.sha);
    assert.deepEqual(ahead.changes, []);
  } finally {
    cleanup();
  }
});
