/**
 * Writer edge cases: sources that change between plan and emit (streamed contents and files on disk, padded /
 * cut to the plan and reported, or an error with `strict`); ECMA-119 and Joliet path length limits; Rock Ridge
 * symlink targets longer than one SL entry read back by bsdtar, xorriso and isokit's reader.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, readlinkSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { emitImage, planImage, type FileChange } from '../../src/create/index.js';
import { IsoKitError } from '../../src/errors/index.js';
import { memorySource } from '../../src/io/index.js';
import type { Content, TreeNode } from '../../src/model/index.js';
import { treeFromFileSystem } from '../../src/node/fs-tree.js';
import { openImage } from '../../src/read/index.js';
import { xorrisoExtract } from '../helpers/xorriso-compare.js';
import { needTools, sh, tmpDir } from '../helpers/index.js';
import { T0, buildBytes, dir, file, symlink } from './helpers.js';

/** A content that claims `byteLength` bytes but streams `actual` bytes of `fill`. */
function lyingContent(byteLength: number, actual: number, fill: number): Content {
  return {
    byteLength,
    async *stream() {
      if (actual) yield new Uint8Array(actual).fill(fill);
    },
  };
}

async function emitAll(tree: TreeNode, opts: { strict?: boolean } = {}): Promise<{ bytes: Uint8Array; changes: FileChange[]; locate: (n: TreeNode) => { lba: number } | undefined }> {
  const layout = planImage(tree, { dateMs: T0 });
  const changes: FileChange[] = [];
  const out = new Uint8Array(layout.byteLength);
  let o = 0;
  for await (const c of emitImage(layout, { onFileChanged: (c) => changes.push(c), ...opts })) {
    out.set(c, o);
    o += c.length;
  }
  assert.equal(o, layout.byteLength);
  return { bytes: out, changes, locate: (n) => layout.locate(n) };
}

test('a streamed content longer or shorter than planned is cut / zero-padded to the plan and reported; strict fails', async () => {
  const longer: TreeNode = { name: 'longer.bin', kind: 'file', size: 3000, content: lyingContent(3000, 5000, 0xaa), mtimeMs: T0 };
  const shorter: TreeNode = { name: 'shorter.bin', kind: 'file', size: 3000, content: lyingContent(3000, 1000, 0xbb), mtimeMs: T0 };
  const after = file('z-after.txt', 'after\n');
  const tree = dir('r', [longer, shorter, after]);
  const { bytes, changes, locate } = await emitAll(tree);
  assert.deepEqual(changes.map((c) => [c.path, c.reason, c.plannedByteLength, c.actualByteLength]).sort(), [
    ['/longer.bin', 'it became longer', 3000, 5000],
    ['/shorter.bin', 'it became shorter', 3000, 1000],
  ]);
  const at = (n: TreeNode) => (locate(n)?.lba ?? -1) * 2048;
  // cut at 3000 bytes, the rest of the block zero; padded with zeros after 1000 bytes
  assert.ok(bytes.subarray(at(longer), at(longer) + 3000).every((b) => b === 0xaa));
  assert.ok(bytes.subarray(at(longer) + 3000, at(longer) + 4096).every((b) => b === 0));
  assert.ok(bytes.subarray(at(shorter), at(shorter) + 1000).every((b) => b === 0xbb));
  assert.ok(bytes.subarray(at(shorter) + 1000, at(shorter) + 4096).every((b) => b === 0));
  // later files land where planned
  assert.equal(new TextDecoder().decode(bytes.subarray(at(after), at(after) + 6)), 'after\n');
  // and the image reads back with the planned sizes
  const img = await openImage(memorySource(bytes, 'changed.iso'));
  assert.equal(img.tree.children?.find((c) => c.name === 'shorter.bin')?.size, 3000);

  await assert.rejects(emitAll(dir('r', [{ ...longer, content: lyingContent(3000, 5000, 1) }]), { strict: true }), (e: unknown) => {
    assert.ok(e instanceof IsoKitError);
    assert.match(e.message, /\/longer\.bin changed while the image was written \(it became longer/);
    return true;
  });
});

test('files on disk that grow, shrink, vanish or are modified between plan and emit are reported; strict fails', async () => {
  const { dir: work, cleanup } = tmpDir('wgap-changed');
  try {
    const src = path.join(work, 'src');
    mkdirSync(src);
    const put = (name: string, n: number, fill: number) => writeFileSync(path.join(src, name), Buffer.alloc(n, fill));
    put('grow-small', 1000, 1);
    put('shrink-small', 1000, 2);
    put('vanish', 500, 3);
    put('touched-big', 6 << 20, 4); // larger than the 1 MiB chunk: read with the stat-checking reader
    put('grow-big', 3 << 20, 5);
    put('same', 777, 6);
    const plan = async () => planImage(await treeFromFileSystem([{ path: src }]), { dateMs: T0 });
    const emit = async (layout: ReturnType<typeof planImage>, strict = false) => {
      const changes: FileChange[] = [];
      let n = 0;
      for await (const c of emitImage(layout, { strict, onFileChanged: (c) => changes.push(c) })) n += c.length;
      assert.equal(n, layout.byteLength);
      return changes.map((c) => `${c.path}: ${c.reason}`).sort();
    };
    const layout = await plan();
    put('grow-small', 1500, 1);
    truncateSync(path.join(src, 'shrink-small'), 10);
    rmSync(path.join(src, 'vanish'));
    utimesSync(path.join(src, 'touched-big'), 1_000_000, 1_000_000);
    put('grow-big', (3 << 20) + 5, 5);
    assert.deepEqual(await emit(layout), [
      '/grow-big: its size changed from 3145728 to 3145733 bytes',
      '/grow-small: it became longer',
      '/shrink-small: it became shorter',
      '/touched-big: it was modified',
      '/vanish: it was removed',
    ]);
    // unchanged tree: nothing reported
    assert.deepEqual(await emit(await plan()), []);
    const layout2 = await plan();
    put('same', 778, 6);
    await assert.rejects(emit(layout2, true), /\/same changed while the image was written \(it became longer/);
  } finally {
    cleanup();
  }
});

test('Joliet paths over 240 characters leave the Joliet tree (as xorriso); ISO 9660 paths over 255 are a finding, an error when strict', async () => {
  // 9 directories of 35 characters (31 in ISO 9660): Joliet passes 240 at the 7th, ISO 9660 passes 255 at the 9th
  let deep: TreeNode = file('f.txt', 'deep\n');
  const names = Array.from({ length: 9 }, (_, i) => `${String(i)}${'d'.repeat(34)}`);
  for (const n of [...names].reverse()) deep = dir(n, [deep]);
  const tree = dir('r', [deep, file('short.txt', 'short\n')]);
  const { layout, bytes } = await buildBytes(tree, { joliet: 'long' });
  const codes = layout.findings.map((f) => f.code);
  assert.ok(codes.includes('JOLIET_PATH_TOO_LONG'), `Joliet finding missing: ${codes.join()}`);
  assert.ok(codes.includes('ISO9660_PATH_TOO_LONG'), `ISO 9660 finding missing: ${codes.join()}`);
  assert.equal(codes.filter((c) => c === 'JOLIET_PATH_TOO_LONG').length, 1, 'one finding for the omitted directory, none for what is below it');
  const img = await openImage(memorySource(bytes, 'long.iso'));
  const joliet = await img.openTree('joliet');
  const jolietPaths: string[] = [];
  const walk = (n: TreeNode, p: string, out: string[]) => {
    for (const c of n.children ?? []) {
      out.push(`${p}/${c.name}`);
      walk(c, `${p}/${c.name}`, out);
    }
  };
  walk(joliet, '', jolietPaths);
  assert.ok(jolietPaths.every((p) => p.length <= 240), jolietPaths.find((p) => p.length > 240));
  assert.ok(jolietPaths.includes('/short.txt'));
  assert.ok(jolietPaths.some((p) => p.endsWith(names[5] as string)), 'directories that fit stay in Joliet');
  assert.ok(!jolietPaths.some((p) => p.endsWith('f.txt')));
  const rr = await img.openTree('rockridge');
  const rrPaths: string[] = [];
  walk(rr, '', rrPaths);
  assert.ok(rrPaths.some((p) => p.endsWith('/f.txt')), 'the file stays in the Rock Ridge tree');
  // strict: relocation keeps directories within 8 levels, but a long file name at level 8 still passes 255
  let strictTree: TreeNode = file(`${'f'.repeat(26)}.txt`, 'x');
  for (const n of names.slice(0, 7).reverse()) strictTree = dir(n, [strictTree]);
  assert.ok(planImage(dir('r', [strictTree]), { dateMs: T0 }).findings.some((f) => f.code === 'ISO9660_PATH_TOO_LONG'));
  assert.throws(() => planImage(dir('r', [strictTree]), { dateMs: T0, strictIso9660: true }), (e: unknown) => e instanceof IsoKitError && /ISO 9660 path is \d+ characters; ECMA-119 allows 255/.test(e.message));
  // short trees: no findings
  assert.deepEqual(planImage(dir('r', [file('a', 'a')]), { dateMs: T0 }).findings, []);
});

test('symlink targets longer than one SL entry read back right with bsdtar, xorriso and isokit', async (t) => {
  const targets = {
    'slashes': 'x/'.repeat(150) + 'target', // 306 characters, many component boundaries
    'parents': '../'.repeat(100) + 'etc/passwd', // ".." components across the entry boundary
    'absolute': '/' + 'abcdefghi/'.repeat(30) + 'end', // 304 characters
    'one-long-name': 'n'.repeat(255) + '/' + 'm'.repeat(40),
    'boundary': 'a'.repeat(244) + '/b/c', // the first name exactly fills what an entry holds
  };
  const tree = dir('r', Object.entries(targets).map(([name, target]) => symlink(name, target)));
  const { bytes } = await buildBytes(tree);
  const img = await openImage(memorySource(bytes, 'sl.iso'));
  for (const [name, target] of Object.entries(targets)) {
    assert.equal(img.tree.children?.find((c) => c.name === name)?.symlinkTarget, target, `isokit: ${name}`);
  }
  if (!needTools(t, 'xorriso', 'bsdtar')) return;
  const { dir: work, cleanup } = tmpDir('wgap-sl');
  try {
    const image = path.join(work, 'sl.iso');
    writeFileSync(image, bytes);
    const xb = path.join(work, 'bsdtar');
    mkdirSync(xb);
    sh('bsdtar', ['-xf', image, '-C', xb]);
    const xx = path.join(work, 'xorriso');
    xorrisoExtract(image, xx);
    for (const [name, target] of Object.entries(targets)) {
      assert.equal(readlinkSync(path.join(xb, name)), target, `bsdtar: ${name}`);
      assert.equal(readlinkSync(path.join(xx, name)), target, `xorriso: ${name}`);
    }
  } finally {
    cleanup();
  }
});
