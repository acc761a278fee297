/**
 * Joliet identifiers as xorriso writes them (libisofs iso_j_file_id / iso_j_dir_id): no ";1", 64 units plus the
 * dot of the extension for files, 64 units for directories, short extensions kept, long ones cut to 3+.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { jolietNames, proposeJolietName } from '../../src/create/iso9660/names/joliet.js';
import { createImageFile } from '../../src/node/create.js';
import { needTools, runCli, sh, tmpDir } from '../helpers/index.js';

const name = (n: string, isDir = false, max = 64, utf16 = false) => {
  const p = proposeJolietName(n, isDir, max, utf16);
  return p.stem + p.tail;
};

test('Joliet names: no version suffix; long names cut like libisofs', () => {
  assert.equal(name('short.txt'), 'short.txt');
  assert.equal(name('v'.repeat(61) + '.txt'), 'v'.repeat(61) + '.txt', '64 units + the dot fit');
  assert.equal(name('v'.repeat(62) + '.txt'), 'v'.repeat(61) + '.txt', 'extension of ≤ 3 kept, name part cut');
  assert.equal(name('w'.repeat(70)), 'w'.repeat(64));
  assert.equal(name('x'.repeat(62) + '.tar.gz'), 'x'.repeat(62) + '.gz');
  assert.equal(name('y'.repeat(58) + '.config'), 'y'.repeat(58) + '.config');
  assert.equal(name('r'.repeat(63) + '.longextensionxyz'), 'r'.repeat(61) + '.lon', 'a long extension is cut to 3');
  assert.equal(name('a.' + 'e'.repeat(80)), 'a.' + 'e'.repeat(63), 'a long extension keeps what the name part leaves');
  assert.equal(name('D'.repeat(70) + '.dir', true), 'D'.repeat(64), 'a directory is cut at 64, dot or not');
  assert.equal(name('trailing.'), 'trailing.');
  assert.equal(name('a:b;c?.txt'), 'a_b_c_.txt');
  assert.equal(name('😀'.repeat(40) + '.txt', false, 64, true).length, 64, 'UTF-16: surrogate pairs are never split');
  assert.equal(name('😀'.repeat(40) + '.txt'), '_'.repeat(40) + '.txt', 'UCS-2: one _ per character outside the BMP');
  assert.equal(name('smile😀.txt'), 'smile_.txt');
  assert.equal(name('𠀀cjk.txt'), '_cjk.txt', 'CJK extension B');
  assert.equal(name('lone\ud800.txt'), 'lone_.txt', 'a lone surrogate is no UCS-2 either');
  assert.equal(name('é 中文.txt'), 'é 中文.txt', 'the BMP is kept');
  assert.equal(name('smile😀.txt', false, 64, true), 'smile😀.txt');
  assert.equal(name('n'.repeat(110), false, 103), 'n'.repeat(103), '-joliet-long: 103 units');
  // names that become equal once cut stay unique, the extension kept
  const two = jolietNames([{ name: 'n'.repeat(70) + '.txt', isDir: false }, { name: 'n'.repeat(71) + '.txt', isDir: false }], 64);
  assert.equal(two[0], 'n'.repeat(61) + '.txt');
  assert.notEqual(two[0], two[1]);
  assert.ok((two[1] as string).endsWith('.txt') && (two[1] as string).length <= 65, two[1]);
});

/** Raw Joliet identifiers of the root directory (UCS-2 BE, version suffix included if any). */
function jolietRoot(image: string): string[] {
  const f = readFileSync(image);
  for (let lba = 16; lba < 32; lba++) {
    const vd = f.subarray(lba * 2048, lba * 2048 + 2048);
    if (vd[0] !== 2) continue;
    const rootLba = vd.readUInt32LE(156 + 2);
    const size = vd.readUInt32LE(156 + 10);
    const names: string[] = [];
    for (let pos = rootLba * 2048; pos < rootLba * 2048 + size; ) {
      const len = f[pos] as number;
      if (len === 0) {
        pos = (Math.floor(pos / 2048) + 1) * 2048;
        continue;
      }
      const id = f.subarray(pos + 33, pos + 33 + (f[pos + 32] as number));
      if (id.length > 1) names.push(Buffer.from(id).swap16().toString('utf16le'));
      pos += len;
    }
    return names.sort();
  }
  throw new Error('no Joliet SVD');
}

test('Joliet identifiers match xorriso -as mkisofs -J for long names', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('joliet-names');
  try {
    const src = path.join(dir, 'src');
    mkdirSync(src);
    // (no two names that collide once cut: xorriso then renumbers every one of them, isokit only the later ones)
    const names = ['short.txt', 'u'.repeat(61) + '.txt', 'v'.repeat(62) + '.txt', 'w'.repeat(70), 'x'.repeat(62) + '.tar.gz', 'y'.repeat(58) + '.config',
      'r'.repeat(63) + '.longextensionxyz', 'n'.repeat(60) + 'abcdefghijklmnopqrstuvwxyz0123456789.dat', 'n'.repeat(60) + 'abcdefghijklmnopqrstuvwxyz0123456789.txt'];
    for (const n of names) writeFileSync(path.join(src, n), n);
    mkdirSync(path.join(src, 'D'.repeat(70) + '.d'));
    const ours = path.join(dir, 'ours.iso');
    const theirs = path.join(dir, 'theirs.iso');
    await createImageFile({ sources: [{ path: src }], output: ours });
    sh('xorriso', ['-report_about', 'SORRY', '-as', 'mkisofs', '-R', '-J', '-o', theirs, src]);
    assert.deepEqual(jolietRoot(ours), jolietRoot(theirs));
  } finally {
    cleanup();
  }
});

/** Names outside the BMP (emoji, CJK extension B) and inside it. */
const WIDE_NAMES = ['smile😀.txt', '😀😀😀', '𠀀cjk.txt', 'é plain.txt', '中文.txt'];

test('Joliet names outside the BMP: UCS-2 like xorriso (one _ each), UTF-16 with --joliet-utf16; iso-info, 7-Zip and xorriso read both', async (t) => {
  if (!needTools(t, 'xorriso', 'iso-info', '7zz')) return;
  const { dir, cleanup } = tmpDir('joliet-ucs2');
  try {
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'dir😀'), { recursive: true });
    for (const n of WIDE_NAMES) writeFileSync(path.join(src, n), n);
    writeFileSync(path.join(src, 'dir😀', 'inner😀.txt'), 'x');
    const img = (n: string) => path.join(dir, n);
    const env = { SOURCE_DATE_EPOCH: '1700000000' };
    for (const [out, extra] of [['ucs2.iso', []], ['utf16.iso', ['--joliet-utf16']]] as const) {
      const r = runCli(['create', src, '-o', img(out), ...extra], { env });
      assert.equal(r.status, 0, r.stderr);
    }
    sh('xorriso', ['-report_about', 'SORRY', '-as', 'mkisofs', '-R', '-J', '-o', img('x.iso'), src]);
    sh('xorriso', ['-report_about', 'SORRY', '-as', 'mkisofs', '-R', '-J', '-joliet-utf16', '-o', img('x16.iso'), src]);
    // the same identifiers as xorriso, both ways
    assert.deepEqual(jolietRoot(img('ucs2.iso')), jolietRoot(img('x.iso')));
    assert.deepEqual(jolietRoot(img('utf16.iso')), jolietRoot(img('x16.iso')));
    // the mkisofs front end takes xorriso's spelling
    const r = runCli(['xorriso', '-as', 'mkisofs', '-R', '-J', '-joliet-utf16', '-o', img('m16.iso'), src], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(jolietRoot(img('m16.iso')), jolietRoot(img('x16.iso')));
    assert.deepEqual(jolietRoot(img('ucs2.iso')), ['___', '_cjk.txt', 'dir_', 'smile_.txt', 'é plain.txt', '中文.txt']);
    const rawUtf16 = readFileSync(img('utf16.iso'));
    assert.ok(rawUtf16.includes(Buffer.from('smile😀', 'utf16le').swap16()), 'surrogate pairs in the UTF-16 image');
    assert.ok(!readFileSync(img('ucs2.iso')).includes(Buffer.from('😀', 'utf16le').swap16()), 'no surrogate pair in the UCS-2 image');
    // libcdio lists the default image without complaint (it fails on surrogates)
    const info = spawnSync('iso-info', ['-l', img('ucs2.iso')], { encoding: 'utf8' });
    assert.doesNotMatch(info.stdout + info.stderr, /WARN|Error|Iconv/, info.stdout + info.stderr);
    for (const n of ['smile_.txt', '___', '_cjk.txt', 'inner_.txt', '中文.txt']) assert.match(info.stdout, new RegExp(` ${n.replace('.', '\\.')}\\n`));
    // Rock Ridge keeps the full names; xorriso reads both Joliet trees as written
    for (const out of ['ucs2.iso', 'utf16.iso']) {
      const rr = sh('xorriso', ['-indev', img(out), '-find', '/', '-type', 'f'], { stdio: ['ignore', 'pipe', 'ignore'] });
      for (const n of [...WIDE_NAMES, 'dir😀/inner😀.txt']) assert.ok(rr.includes(`'/${n}'`), `${out}: ${n} in Rock Ridge: ${rr}`);
      const j = sh('xorriso', ['-read_fs', 'norock', '-indev', img(out), '-find', '/', '-type', 'f'], { stdio: ['ignore', 'pipe', 'ignore'] });
      const want = out === 'ucs2.iso' ? ['/smile_.txt', '/___', '/_cjk.txt', '/dir_/inner_.txt'] : ['/smile😀.txt', '/😀😀😀', '/𠀀cjk.txt', '/dir😀/inner😀.txt'];
      for (const n of want) assert.ok(j.includes(`'${n}'`), `${out}: ${n} in Joliet: ${j}`);
      // 7-Zip reads the Joliet tree: every file, with the right contents
      const x = path.join(dir, `x-${out}`);
      sh('7zz', ['x', '-y', `-o${x}`, img(out)]);
      const names = out === 'ucs2.iso' ? ['smile_.txt', '___', '_cjk.txt'] : ['smile😀.txt', '😀😀😀', '𠀀cjk.txt'];
      names.forEach((n, i) => assert.equal(readFileSync(path.join(x, n), 'utf8'), WIDE_NAMES[i]));
    }
  } finally {
    cleanup();
  }
});
