/**
 * Rock Ridge entries cut from real images (xorriso default = RRIP 1.10, xorriso -compliance new_rr = 1.12,
 * genisoimage -R and -r) and compared with what xorriso lists and with the source tree itself.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync, linkSync, lutimesSync, utimesSync } from 'node:fs';
import * as path from 'node:path';
import { Findings } from '../../src/errors/index.js';
import { parseSuspArea } from '../../src/formats/rockridge/index.js';
import { needTools, sh, tmpDir } from '../helpers/index.js';
import { modeString, parseLsdl, walkRockRidge, type WalkResult } from './rockridge-walk.js';

const isRoot = process.getuid?.() === 0;
const LONG_NAME = 'n'.repeat(215) + 'é'.repeat(20); // 255 bytes of UTF-8
const LONG_TARGET = '../' + 'L'.repeat(255) + '/' + Array.from({ length: 14 }, (_, i) => `comp${String(i).padStart(3, '0')}${'x'.repeat(40)}`).join('/') + '/./end';
const DEEP = 'a/b/c/d/e/f/g/h/i/j';
const T = new Date(Date.UTC(2023, 4, 6, 7, 8, 9));

function makeTree(dir: string): void {
  mkdirSync(path.join(dir, DEEP), { recursive: true });
  writeFileSync(path.join(dir, DEEP, 'file'), 'deep\n');
  symlinkSync('/abs/path', path.join(dir, 'abslink'));
  symlinkSync(LONG_TARGET, path.join(dir, 'longlink'));
  writeFileSync(path.join(dir, LONG_NAME), '');
  writeFileSync(path.join(dir, 'hard1'), 'hello\n');
  linkSync(path.join(dir, 'hard1'), path.join(dir, 'hard2'));
  writeFileSync(path.join(dir, 'setuid'), '#!/bin/sh\n', { mode: 0o4755 });
  sh('mkfifo', [path.join(dir, 'fifo')]);
  if (isRoot) {
    sh('mknod', [path.join(dir, 'chr'), 'c', '259', '300']);
    sh('mknod', [path.join(dir, 'blk'), 'b', '8', '1']);
  }
  // fixed times, deepest first so directory times stick
  const all = sh('find', [dir, '-depth']).trim().split('\n');
  for (const p of all) (lstatSync(p).isSymbolicLink() ? lutimesSync : utimesSync)(p, T, T);
}

const DEVICES: Record<string, string> = { '/chr': '259,300', '/blk': '8,1' };

interface Built {
  img: string;
  walk: WalkResult;
  lsdl: ReturnType<typeof parseLsdl>;
}

async function build(t: import('node:test').TestContext, kind: 'x110' | 'x112' | 'gR' | 'gr', src: string, out: string): Promise<Built> {
  const img = path.join(out, `${kind}.iso`);
  if (kind === 'x110') sh('xorriso', ['-outdev', img, '-map', src, '/']);
  else if (kind === 'x112') sh('xorriso', ['-compliance', 'new_rr', '-outdev', img, '-map', src, '/']);
  else sh('genisoimage', ['-quiet', kind === 'gR' ? '-R' : '-r', '-m', 'longlink', '-o', img, src]);
  const walk = await walkRockRidge(new Uint8Array(readFileSync(img)));
  const lsdl = parseLsdl(sh('xorriso', ['-indev', img, '-find', '/', '-exec', 'lsdl'], { stdio: ['ignore', 'pipe', 'ignore'] }));
  t.diagnostic(`${kind}: ${walk.records.length} records`);
  return { img, walk, lsdl };
}

function compareWithXorriso(b: Built, kind: string, src: string): void {
  const byPath = new Map(b.walk.records.map((r) => [r.path, r]));
  const listed = b.lsdl.filter((l) => l.path !== '/');
  assert.deepEqual([...byPath.keys()].sort(), listed.map((l) => l.path).sort(), `${kind}: same paths as xorriso`);
  for (const l of listed) {
    const r = byPath.get(l.path);
    assert.ok(r, l.path);
    const info = r.info;
    assert.equal(modeString(info.mode ?? 0), l.perms, `${kind} ${l.path} mode`);
    assert.equal(info.uid, l.uid);
    assert.equal(info.gid, l.gid);
    if (l.target !== undefined) assert.equal(info.symlinkTarget, l.target, `${kind} ${l.path} target`);
    if (info.symlinkTarget !== undefined) assert.equal(info.symlinkTarget, readlinkSync(path.join(src, l.path)));
    if (DEVICES[l.path]) {
      assert.equal(`${info.device?.major},${info.device?.minor}`, DEVICES[l.path], `${kind} ${l.path} device`);
      if (kind.startsWith('x')) assert.equal(l.size, DEVICES[l.path]);
    }
    if (l.path !== '/rr_moved') assert.equal(info.mtimeMs, T.getTime(), `${kind} ${l.path} mtime`); // rr_moved is made up
  }
}

test('Rock Ridge from xorriso (RRIP 1.10 and 1.12) and genisoimage (-R, -r)', async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage', 'mkfifo', 'find')) return;
  const { dir, cleanup } = tmpDir('rr-img');
  try {
    const src = path.join(dir, 'src');
    mkdirSync(src);
    makeTree(src);
    for (const kind of ['x110', 'x112', 'gR', 'gr'] as const) {
      const b = await build(t, kind, src, dir);
      const w = b.walk;
      assert.deepEqual(w.findings.list, [], `${kind}: no findings`);
      compareWithXorriso(b, kind, src);
      const rec = (p: string) => w.records.find((r) => r.path === p);
      // names: the 255-byte UTF-8 name came through NM continuation
      assert.ok(rec('/' + LONG_NAME), `${kind}: long name`);
      assert.ok((rec('/' + LONG_NAME)?.entries.filter((e) => e.signature === 'NM').length ?? 0) >= 2);
      assert.equal(rec('/hard1')?.info.nlink, 2);
      assert.equal(rec('/setuid')?.info.mode, kind === 'gr' ? 0o100555 : 0o104755); // -r clears set-id bits
      const er = w.root.info.extensions?.map((e) => e.id);
      assert.deepEqual(er, [kind === 'x112' ? 'IEEE_1282' : 'RRIP_1991A']);
      assert.equal(w.root.info.lenSkp, 0);
      const pxLengths = new Set(w.records.map((r) => r.info.pxLength));
      assert.deepEqual([...pxLengths], [kind === 'x112' ? 44 : 36]);
      if (kind === 'x112') {
        assert.equal(rec('/hard1')?.info.ino, rec('/hard2')?.info.ino);
        assert.notEqual(rec('/hard1')?.info.ino, rec('/setuid')?.info.ino);
      }
      if (kind.startsWith('x')) {
        // the long link needs SL component continuation and a continuation area
        const ll = rec('/longlink');
        assert.equal(ll?.info.symlinkTarget, LONG_TARGET);
        assert.ok((ll?.entries.filter((e) => e.signature === 'SL').length ?? 0) >= 4);
        assert.ok(parseSuspArea(ll?.systemUse ?? new Uint8Array(), 0, new Findings()).continuation, 'CE used');
        assert.equal(w.relocated.length, 0, 'xorriso does not relocate by default');
      } else {
        // deep directory relocated to rr_moved: CL placeholder, RE in rr_moved, PL in the relocated "..".
        const placeholder = w.records.find((r) => r.info.childLinkLba !== undefined);
        assert.ok(placeholder, 'CL placeholder');
        assert.equal(w.relocated.length, 1);
        assert.equal(w.relocated[0]?.lba, placeholder.info.childLinkLba);
        const parentPath = path.posix.dirname(placeholder.path);
        const parent = rec(parentPath);
        assert.equal(w.dotdot.get(placeholder.path)?.info.parentLinkLba, parent?.lba);
        assert.ok(rec('/' + DEEP + '/file'));
        assert.ok(rec('/rr_moved'));
      }
    }
  } finally {
    cleanup();
  }
});

test('genisoimage long symlink: its oversized SL entry gives findings, not an exception', async (t) => {
  if (!needTools(t, 'genisoimage')) return;
  const { dir, cleanup } = tmpDir('rr-gl');
  try {
    const src = path.join(dir, 'src');
    mkdirSync(src);
    symlinkSync(LONG_TARGET, path.join(src, 'longlink'));
    const img = path.join(dir, 'g.iso');
    sh('genisoimage', ['-quiet', '-R', '-o', img, src]);
    const w = await walkRockRidge(new Uint8Array(readFileSync(img)));
    const ll = w.records.find((r) => r.path === '/longlink');
    // genisoimage 1.1.11 writes one SL entry longer than 255 bytes (its length byte wraps): damaged on disc
    assert.ok(ll?.info.symlinkTarget && LONG_TARGET.startsWith(ll.info.symlinkTarget.slice(0, 200)));
    assert.ok(w.findings.list.length > 0);
    assert.ok(w.findings.list.every((f) => f.byteOffset !== undefined && f.structure));
  } finally {
    cleanup();
  }
});
