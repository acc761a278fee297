/** The extractor on hand-built trees: safety, overwrite rules, hard links, modes and times. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bytesContent, type TreeNode } from '../../src/model/index.js';
import { extractTree } from '../../src/node/extract.js';
import { IsoKitError } from '../../src/errors/index.js';
import { globToRegExp } from '../../src/node/glob.js';
import { tmpDir } from '../helpers/index.js';

const T = Date.UTC(2020, 0, 2, 3, 4, 5);
const enc = new TextEncoder();
const file = (name: string, text: string, extra: Partial<TreeNode> = {}): TreeNode => {
  const b = enc.encode(text);
  return { name, kind: 'file', size: b.length, content: bytesContent(b), mode: 0o100644, mtimeMs: T, ...extra };
};
const dir = (name: string, children: TreeNode[], extra: Partial<TreeNode> = {}): TreeNode => ({ name, kind: 'dir', size: 0, children, mode: 0o40755, mtimeMs: T, ...extra });
const link = (name: string, target: string): TreeNode => ({ name, kind: 'symlink', size: 0, symlinkTarget: target, mode: 0o120777, mtimeMs: T });

async function rejectsCode(p: Promise<unknown>, code: string, re?: RegExp): Promise<void> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  if (!(err instanceof IsoKitError)) throw new Error(`expected IsoKitError ${code}, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  if (re) assert.match(err.message, re);
}

test('extracts files, dirs, symlinks with modes and mtimes', async () => {
  const { dir: d, cleanup } = tmpDir('x');
  try {
    const dirT = Date.UTC(2001, 1, 3, 4, 5, 6);
    const root = dir('', [
      dir('sub', [file('a.txt', 'hello', { mode: 0o100600 }), file('ro', 'x', { mode: 0o100444 }), file('sx', '#!', { mode: 0o104755 })], { mode: 0o40500, mtimeMs: dirT }),
      link('l', 'sub/a.txt'),
      file('empty', ''),
    ]);
    const s = await extractTree(root, d);
    assert.deepEqual([s.files, s.dirs, s.symlinks, s.bytes], [4, 1, 1, 8]);
    assert.equal(readFileSync(path.join(d, 'sub/a.txt'), 'utf8'), 'hello');
    assert.equal(statSync(path.join(d, 'sub/a.txt')).mode & 0o7777, 0o600);
    assert.equal(statSync(path.join(d, 'sub/ro')).mode & 0o7777, 0o444);
    assert.equal(statSync(path.join(d, 'sub/sx')).mode & 0o7777, 0o4755);
    assert.equal(statSync(path.join(d, 'sub')).mode & 0o7777, 0o500);
    // the directory's mtime survives the files written into it afterwards
    assert.equal(statSync(path.join(d, 'sub')).mtimeMs, dirT);
    assert.equal(statSync(path.join(d, 'sub/a.txt')).mtimeMs, T);
    assert.equal(readlinkSync(path.join(d, 'l')), 'sub/a.txt');
    assert.equal(lstatSync(path.join(d, 'l')).mtimeMs, T);
    assert.equal(statSync(path.join(d, 'empty')).size, 0);
    // no temporary names left behind
    assert.deepEqual(readdirSync(d).sort(), ['empty', 'l', 'sub']);
  } finally {
    cleanup();
  }
});

test('--no-permissions leaves modes to the umask', async () => {
  const { dir: d, cleanup } = tmpDir('x');
  try {
    await extractTree(dir('', [file('f', 'x', { mode: 0o100700 })]), d, { permissions: false });
    const umask = process.umask();
    assert.equal(statSync(path.join(d, 'f')).mode & 0o777, 0o666 & ~umask);
  } finally {
    cleanup();
  }
});

for (const bad of ['..', '.', 'a/b', 'nul\0x', '']) {
  test(`refuses the unsafe name ${JSON.stringify(bad)} before writing anything`, async () => {
    const { dir: d, cleanup } = tmpDir('x');
    try {
      const root = dir('', [file('first', 'x'), dir('d', [file(bad, 'evil')])]);
      await rejectsCode(extractTree(root, path.join(d, 'out')), 'UNSAFE_PATH');
      assert.ok(!existsSync(path.join(d, 'out', 'first')), 'nothing written');
      assert.ok(!existsSync(path.join(d, 'b')) && !existsSync(path.join(d, 'evil')));
    } finally {
      cleanup();
    }
  });
}

test('a symlink a -> /tmp/x followed by a file a/evil: never writes through the link', async () => {
  const { dir: d, cleanup } = tmpDir('x');
  try {
    const outside = path.join(d, 'outside');
    mkdirSync(outside);
    const out = path.join(d, 'out');
    // Same name as a symlink and as a directory (a hostile image can say that).
    const root = dir('', [link('a', outside), dir('a', [file('evil', 'pwned')])]);
    await assert.rejects(extractTree(root, out));
    assert.deepEqual(readdirSync(outside), [], 'nothing written outside');
    // A symlink left in the destination by an earlier run is refused as a path component.
    const out2 = path.join(d, 'out2');
    mkdirSync(out2);
    symlinkSync(outside, path.join(out2, 'a'));
    await rejectsCode(extractTree(dir('', [dir('a', [file('evil', 'pwned')])]), out2, { overwrite: true }), 'UNSAFE_PATH', /symbolic link/);
    assert.deepEqual(readdirSync(outside), []);
    // …and a symlink at a file's own name is replaced with --overwrite, not written through.
    writeFileSync(path.join(outside, 'victim'), 'safe');
    symlinkSync(path.join(outside, 'victim'), path.join(out2, 'f'));
    await rejectsCode(extractTree(dir('', [file('f', 'pwned')]), out2), 'EXISTS', /f already exists/);
    await extractTree(dir('', [file('f', 'new')]), out2, { overwrite: true });
    assert.equal(readFileSync(path.join(outside, 'victim'), 'utf8'), 'safe');
    assert.ok(lstatSync(path.join(out2, 'f')).isFile());
    assert.equal(readFileSync(path.join(out2, 'f'), 'utf8'), 'new');
  } finally {
    cleanup();
  }
});

test('a symlink to .. is created as-is and later entries do not follow it', async () => {
  const { dir: d, cleanup } = tmpDir('x');
  try {
    const out = path.join(d, 'out');
    const root = dir('', [dir('s', [link('up', '..'), link('up2', '../../..')]), file('f', 'x')]);
    const s = await extractTree(root, out);
    assert.equal(s.symlinks, 2);
    assert.equal(readlinkSync(path.join(out, 's/up')), '..');
    assert.equal(readlinkSync(path.join(out, 's/up2')), '../../..');
    assert.deepEqual(readdirSync(d), ['out']);
    // selecting a path through the link is a "not found", not a walk out of the tree
    await rejectsCode(extractTree(root, out, { select: ['s/up/f'], overwrite: true }), 'NOT_FOUND');
  } finally {
    cleanup();
  }
});

test('existing files are not overwritten without overwrite; with it they are replaced', async () => {
  const { dir: d, cleanup } = tmpDir('x');
  try {
    mkdirSync(path.join(d, 'sub'));
    writeFileSync(path.join(d, 'sub/f'), 'old');
    const root = dir('', [dir('sub', [file('f', 'new'), link('l', 'f')])]);
    await rejectsCode(extractTree(root, d), 'EXISTS', /sub\/f already exists/);
    assert.equal(readFileSync(path.join(d, 'sub/f'), 'utf8'), 'old');
    await extractTree(root, d, { overwrite: true });
    assert.equal(readFileSync(path.join(d, 'sub/f'), 'utf8'), 'new');
    await extractTree(root, d, { overwrite: true }); // symlink replaced too
    assert.equal(readlinkSync(path.join(d, 'sub/l')), 'f');
    assert.deepEqual(readdirSync(path.join(d, 'sub')).sort(), ['f', 'l']);
  } finally {
    cleanup();
  }
});

test('hard links are restored as links, written once', async () => {
  const { dir: d, cleanup } = tmpDir('x');
  try {
    const shared = { linkGroup: 'g1', nlink: 3 };
    const root = dir('', [file('a', 'same', shared), dir('x', [file('b', 'same', shared)]), file('c', 'same', shared), file('d', 'same')]);
    const s = await extractTree(root, d);
    assert.equal(s.files, 2);
    assert.equal(s.hardlinks, 2);
    assert.equal(s.bytes, 8);
    const ino = statSync(path.join(d, 'a')).ino;
    assert.equal(statSync(path.join(d, 'x/b')).ino, ino);
    assert.equal(statSync(path.join(d, 'c')).ino, ino);
    assert.notEqual(statSync(path.join(d, 'd')).ino, ino);
    assert.equal(statSync(path.join(d, 'a')).nlink, 3);
    // again with --overwrite: the links are replaced, not duplicated
    await extractTree(root, d, { overwrite: true });
    assert.equal(statSync(path.join(d, 'a')).nlink, 3);
    assert.deepEqual(readdirSync(d).sort(), ['a', 'c', 'd', 'x']);
  } finally {
    cleanup();
  }
});

test('selected paths and globs keep their place below the destination', async () => {
  const { dir: d, cleanup } = tmpDir('x');
  try {
    const root = dir('', [dir('docs', [file('a.md', 'a'), file('b.txt', 'b'), dir('deep', [file('c.md', 'c')])]), file('top.md', 't')]);
    await extractTree(root, d, { select: ['docs/**/*.md', '/top.md'] });
    assert.equal(readFileSync(path.join(d, 'docs/deep/c.md'), 'utf8'), 'c');
    assert.ok(existsSync(path.join(d, 'docs/a.md')) && existsSync(path.join(d, 'top.md')));
    assert.ok(!existsSync(path.join(d, 'docs/b.txt')));
    await rejectsCode(extractTree(root, d, { select: ['nope'] }), 'NOT_FOUND', /nope/);
    await rejectsCode(extractTree(root, d, { select: ['*.iso'] }), 'NOT_FOUND', /matches/);
  } finally {
    cleanup();
  }
});

test('glob patterns', () => {
  const m = (p: string, s: string) => globToRegExp(p).test(s);
  assert.ok(m('*.md', 'a.md') && !m('*.md', 'd/a.md'));
  assert.ok(m('**/*.md', 'a.md') && m('**/*.md', 'd/e/a.md'));
  assert.ok(m('d/**', 'd/e/f') && !m('d/**', 'e/f'));
  assert.ok(m('f?le', 'file') && !m('f?le', 'f/le'));
  assert.ok(m('a.(b)+', 'a.(b)+') && !m('a.b', 'aXb'));
});

test('devices and fifos are skipped without devices', async () => {
  const { dir: d, cleanup } = tmpDir('x');
  try {
    const root = dir('', [
      { name: 'null', kind: 'chardev', size: 0, device: { major: 1, minor: 3 }, mode: 0o20666, mtimeMs: T },
      { name: 'pipe', kind: 'fifo', size: 0, mode: 0o10644, mtimeMs: T },
    ]);
    const s = await extractTree(root, d);
    assert.equal(s.skipped.length, 2);
    assert.deepEqual(readdirSync(d), []);
    if (process.getuid?.() === 0) {
      const s2 = await extractTree(root, d, { devices: true });
      assert.equal(s2.devices + s2.fifos, 2);
      assert.ok(lstatSync(path.join(d, 'null')).isCharacterDevice());
      assert.ok(lstatSync(path.join(d, 'pipe')).isFIFO());
      assert.equal(lstatSync(path.join(d, 'pipe')).mode & 0o7777, 0o644);
    }
  } finally {
    cleanup();
  }
});

test('owners are restored when asked (root only)', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root');
  const { dir: d, cleanup } = tmpDir('x');
  try {
    await extractTree(dir('', [file('f', 'x', { uid: 1234, gid: 5678, mode: 0o102755 })], { uid: 42, gid: 43 }), d, { owners: true });
    const st = statSync(path.join(d, 'f'));
    assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [1234, 5678, 0o2755]);
  } finally {
    cleanup();
  }
});
