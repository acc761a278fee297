/**
 * Extraction of an image file through the worker threads (batches of files, spans of small files read at
 * once) and while walking the image: the same result as on the calling thread and as the source folder
 * (bytes, modes, mtimes, symlinks, hard links); damaged content, existing files and interruption.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, ftruncateSync, linkSync, mkdirSync, openSync, closeSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IsoKitError } from '../../src/errors/index.js';
import { extractImage, extractTree, type ExtractOptions, type ExtractSummary } from '../../src/node/extract.js';
import { openImageFile } from '../../src/node/open-image.js';
import { diffSnapshots, snapshotDir } from '../helpers/xorriso-compare.js';
import { needTools, sh, tmpDir } from '../helpers/index.js';

const T = Date.UTC(2021, 4, 5, 6, 7, 8) / 1000;

/** A folder with 700 small files in 7 directories, a 6 MiB file, hard links, symlinks, odd modes; and its image. */
function makeImage(dir: string): { src: string; iso: string } {
  const src = path.join(dir, 'src');
  let seed = 1;
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
  for (let d = 0; d < 7; d++) {
    const sub = path.join(src, `d${d}`, 'deeper');
    mkdirSync(sub, { recursive: true });
    for (let i = 0; i < 100; i++) {
      const f = path.join(i % 2 ? sub : path.dirname(sub), `f${i}.dat`);
      writeFileSync(f, bytes((i * 37 + d * 11) % 3000));
      chmodSync(f, i % 5 === 0 ? 0o600 : i % 7 === 0 ? 0o4755 : 0o644);
      utimesSync(f, T + i, T + i);
    }
  }
  writeFileSync(path.join(src, 'big.bin'), bytes(6 * 1024 * 1024 + 123));
  writeFileSync(path.join(src, 'empty'), '');
  linkSync(path.join(src, 'd1/f2.dat'), path.join(src, 'hard-a'));
  linkSync(path.join(src, 'd1/f2.dat'), path.join(src, 'd3/hard-b'));
  symlinkSync('d1/f2.dat', path.join(src, 'link'));
  symlinkSync('../..', path.join(src, 'd2/up'));
  for (const p of ['big.bin', 'empty', 'hard-a', 'd3/hard-b']) utimesSync(path.join(src, p), T, T);
  for (let d = 0; d < 7; d++) {
    utimesSync(path.join(src, `d${d}/deeper`), T - 10, T - 10);
    chmodSync(path.join(src, `d${d}`), d === 4 ? 0o700 : 0o755);
    utimesSync(path.join(src, `d${d}`), T - d, T - d);
  }
  const iso = path.join(dir, 'img.iso');
  sh('xorriso', ['-outdev', iso, '-hardlinks', 'on', '-map', src, '/']);
  return { src, iso };
}

async function extractWith(iso: string, out: string, opts: ExtractOptions, viaTree = false): Promise<ExtractSummary> {
  const image = await openImageFile(iso, { deferTree: !viaTree });
  try {
    return viaTree ? await extractTree(image.tree, out, opts) : await extractImage(image, out, opts);
  } finally {
    await image.source.close?.();
  }
}

const contents = (dir: string) => {
  const s = snapshotDir(dir);
  s.delete('');
  return s;
};

test('workers, this thread and the tree give the source folder back', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('xw');
  try {
    const { src, iso } = makeImage(dir);
    const want = contents(src);
    for (const [name, opts, viaTree] of [['w2', { workers: 2, chunkSize: 64 * 1024 }, false], ['w0', { workers: 0 }, false], ['tree', { workers: 3 }, true], ['auto', {}, false]] as const) {
      const out = path.join(dir, name);
      const s = await extractWith(iso, out, opts, viaTree);
      assert.deepEqual([s.files, s.hardlinks, s.symlinks, s.dirs, s.failed.length], [702, 2, 2, 14, 0], name);
      assert.deepEqual(diffSnapshots(want, contents(out)), [], name);
    }
  } finally {
    cleanup();
  }
});

test('workers: damaged content fails those files only, no partial file stays', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('xw');
  try {
    const { iso } = makeImage(dir);
    const cut = path.join(dir, 'cut.iso');
    copyFileSync(iso, cut);
    const size = statSync(cut).size;
    const fd = openSync(cut, 'r+');
    ftruncateSync(fd, size - 4 * 1024 * 1024); // inside the data area (the 6 MiB file, maybe small files after it)
    closeSync(fd);
    const out = path.join(dir, 'out');
    const s = await extractWith(cut, out, { workers: 2 });
    assert.ok(s.failed.length >= 1, 'some files failed');
    for (const f of s.failed) assert.match(f.message, /ends at byte \d+|hard link to .* could not be read/);
    for (const f of s.failed) assert.throws(() => statSync(path.join(out, f.path)), /ENOENT/, `${f.path} not left behind`);
    assert.equal(s.files + s.failed.filter((f) => !/hard link/.test(f.message)).length, 702, 'every file written or reported');
    assert.ok(s.files > 0, 'the readable files are extracted');
  } finally {
    cleanup();
  }
});

test('workers: an existing file is an EXISTS error without overwrite, replaced with it', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('xw');
  try {
    const { src, iso } = makeImage(dir);
    const out = path.join(dir, 'out');
    mkdirSync(path.join(out, 'd5'), { recursive: true });
    writeFileSync(path.join(out, 'd5/f10.dat'), 'old');
    let err: unknown;
    try {
      await extractWith(iso, out, { workers: 2 });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof IsoKitError && err.code === 'EXISTS', String(err));
    assert.match((err as Error).message, /d5\/f10\.dat already exists/);
    assert.ok(!readdirSync(path.join(out, 'd5')).some((n) => n.endsWith('.isokit-tmp')));
    const s = await extractWith(iso, out, { workers: 2, overwrite: true });
    assert.equal(s.failed.length, 0);
    assert.deepEqual(diffSnapshots(contents(src), contents(out)), []);
  } finally {
    cleanup();
  }
});

test('workers: an interrupted extraction stops with ABORTED and leaves no temporary or short file', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('xw');
  try {
    const { src, iso } = makeImage(dir);
    const out = path.join(dir, 'out');
    const ac = new AbortController();
    let err: unknown;
    try {
      await extractWith(iso, out, { workers: 2, chunkSize: 64 * 1024, signal: ac.signal, onProgress: () => ac.abort() });
    } catch (e) {
      err = e;
    }
    // (on a fast machine the walk may end before the first progress report: then it simply completed)
    if (err !== undefined) assert.ok(err instanceof IsoKitError && err.code === 'ABORTED', String(err));
    const want = contents(src);
    for (const [p, e] of contents(out)) {
      assert.ok(!p.endsWith('.isokit-tmp'), p);
      if (e.kind === 'file') assert.equal(e.size, want.get(p)?.size, `${p}: complete`);
    }
  } finally {
    cleanup();
  }
});
