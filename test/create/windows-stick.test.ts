/**
 * Windows sticks at the library level: media detection from a tree, the refusals that must come before any
 * byte is written (an install.esd or another file over FAT32's 4 GiB, a solid WIM that would need splitting),
 * the stick's plan (segments, sizes) and its emit (exactly the planned bytes, reproducible).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { detectWindowsMedia } from '../../src/read/windows-media.js';
import { planStickTree, planWindowsStick, win11BypassUnattendXml } from '../../src/create/stick/index.js';
import { bytesContent, rangesContent, type Content, type TreeNode } from '../../src/model/index.js';
import { memorySource } from '../../src/io/index.js';
import { IsoKitError, ErrorCode } from '../../src/errors/index.js';
import { needTools, sh, tmpDir } from '../helpers/index.js';

const file = (name: string, content: Content, mtimeMs = Date.UTC(2024, 4, 1)): TreeNode => ({ name, kind: 'file', size: content.byteLength, content, mtimeMs });
const dir = (name: string, children: TreeNode[]): TreeNode => ({ name, kind: 'dir', size: 0, children, mtimeMs: Date.UTC(2024, 4, 1) });
const text = (s: string): Content => bytesContent(new TextEncoder().encode(s));
/** content of a given size that is never read (planning only) */
const huge = (byteLength: number): Content => ({
  byteLength,
  stream: () => {
    throw new Error('not read when planning');
  },
});

function windowsTree(install: TreeNode): TreeNode {
  return dir('', [
    file('BOOTMGR', text('bootmgr')),
    dir('EFI', [dir('Boot', [file('bootx64.efi', text('efi'))])]),
    dir('Sources', [install, file('boot.wim', text('boot'))]),
    file('setup.exe', text('setup')),
  ]);
}

test('detectWindowsMedia: boot managers, UEFI loaders and the install image, names in any case; not Windows without the install image', () => {
  const d = detectWindowsMedia(windowsTree(file('Install.ESD', text('esd'))));
  assert.equal(d.isWindowsMedia, true);
  assert.equal(d.bootmgr, true);
  assert.equal(d.bootmgrEfi, false);
  assert.deepEqual(d.uefiLoaders, ['EFI/Boot/bootx64.efi']);
  assert.equal(d.uefiX64, true);
  assert.equal(d.installImage?.path, 'Sources/Install.ESD');
  assert.equal(d.installImage?.kind, 'esd');
  const notWin = detectWindowsMedia(dir('', [file('bootmgr', text('x')), dir('efi', [dir('boot', [file('bootx64.efi', text('y'))])])]));
  assert.equal(notWin.isWindowsMedia, false);
  assert.match(notWin.summary, /no sources\/install\.wim, \.esd or \.swm/);
  assert.equal(detectWindowsMedia(dir('', [dir('sources', [file('install.wim', text('w'))])])).isWindowsMedia, false, 'an install image alone is not enough');
});

test('refused before writing: install.esd over 4 GiB (named, with what to do), any other file over 4 GiB; install.wim over 4 GiB is split', async () => {
  const esd = windowsTree(file('install.esd', huge(4.5 * 2 ** 30)));
  await assert.rejects(planWindowsStick(esd), (e: unknown) => {
    assert.ok(e instanceof IsoKitError);
    assert.equal(e.code, ErrorCode.UNSUPPORTED);
    assert.match(e.message, /^Sources\/install\.esd is 4\.50 GiB \(4831838208 bytes\): FAT32 holds files of at most 4 GiB − 1 byte; an ESD .* cannot be split .*wimlib-imagex export/);
    return true;
  });
  const other = windowsTree(file('install.wim', text('w')));
  (other.children as TreeNode[]).push(file('big.vhd', huge(2 ** 32)));
  await assert.rejects(planWindowsStick(other), /big\.vhd is 4\.00 GiB .*only sources\/install\.wim can be split/);
  // a WIM over 4 GiB must be split: this one is not a WIM, so the split's own refusal is named
  await assert.rejects(planStickTree(windowsTree(file('install.wim', { ...huge(5 * 2 ** 30), ranges: [{ source: memorySource(new Uint8Array(0)), byteOffset: 0, byteLength: 0 }] }))), /Sources\/install\.wim must be split for FAT32 but cannot be/);
});

test('a solid WIM that would need splitting is refused naming it; a normal one is split into parts that stream exactly their bytes', async (t) => {
  if (!needTools(t, 'wimlib-imagex', 'openssl')) return;
  const { dir: tmp, cleanup } = tmpDir('stick-wim');
  try {
    const src = path.join(tmp, 'src');
    sh('mkdir', ['-p', src]);
    for (let i = 1; i <= 4; i++) sh('sh', ['-c', `head -c ${600000 + i} /dev/zero | openssl enc -aes-128-ctr -nosalt -K ${String(i).padStart(32, '0')} -iv 0 > ${src}/f${i}.bin 2>/dev/null`]);
    sh('wimlib-imagex', ['capture', src, path.join(tmp, 'solid.wim'), '--solid'], { stdio: 'pipe' });
    sh('wimlib-imagex', ['capture', src, path.join(tmp, 'lzx.wim'), '--compress=LZX'], { stdio: 'pipe' });
    const wimContent = (name: string): Content => {
      const bytes = new Uint8Array(readFileSync(path.join(tmp, name)));
      return rangesContent([{ source: memorySource(bytes, name), byteOffset: 0, byteLength: bytes.length }]);
    };
    await assert.rejects(planStickTree(windowsTree(file('install.wim', wimContent('solid.wim'))), { splitByteLength: 2 ** 20 }), (e: unknown) => {
      assert.ok(e instanceof IsoKitError);
      assert.match(e.message, /^Sources\/install\.wim must be split for FAT32 but cannot be: .*solid/);
      return true;
    });
    const { root, split } = await planStickTree(windowsTree(file('install.wim', wimContent('lzx.wim'))), { splitByteLength: 2 ** 20 });
    assert.ok(split && split.parts.length >= 2, JSON.stringify(split?.parts));
    const sources = root.children?.find((k) => k.name === 'Sources');
    assert.deepEqual(sources?.children?.map((k) => k.name), [...split.parts.map((p) => p.name), 'boot.wim']);
    for (const p of sources?.children ?? []) {
      let n = 0;
      for await (const c of (p.content as Content).stream()) n += c.length;
      assert.equal(n, p.content?.byteLength);
      assert.ok(n <= 2 ** 20, `${p.name}: ${n} bytes`);
    }
  } finally {
    cleanup();
  }
});

test('planWindowsStick: segments cover the used clusters and the last MiB; the emit yields exactly them, the same bytes twice', async () => {
  const tree = windowsTree(file('install.wim', bytesContent(new Uint8Array(3 * 2 ** 20).fill(7))));
  const stick = await planWindowsStick(tree, { sectorCount: (256 * 2 ** 20) / 512, label: 'win stick', unattend: new TextEncoder().encode(win11BypassUnattendXml()) });
  assert.equal(stick.byteLength, 256 * 2 ** 20);
  assert.equal(stick.segments.length, 2);
  assert.deepEqual(stick.segments[1], { byteOffset: 255 * 2 ** 20, byteLength: 2 ** 20 });
  assert.equal(stick.segments[0]!.byteOffset, 0);
  assert.ok(stick.segments[0]!.byteLength >= 2 ** 20 + stick.fat.usedByteLength && stick.segments[0]!.byteLength % 2 ** 20 === 0);
  assert.equal(stick.fat.label, 'WIN STICK');
  assert.ok(stick.tree.children?.some((k) => k.name === 'autounattend.xml'));
  const digest = async () => {
    const h = createHash('sha256');
    let n = 0;
    for await (const c of stick.emit({ chunkByteLength: 1 << 20 })) {
      h.update(c);
      n += c.length;
    }
    assert.equal(n, stick.writtenByteLength);
    return h.digest('hex');
  };
  assert.equal(await digest(), await digest());
  await assert.rejects(planWindowsStick(tree, { sectorCount: (36 * 2 ** 20) / 512 }), /the stick is too small: 37748736 bytes, the files need a disk of at least \d+ bytes/);
});
