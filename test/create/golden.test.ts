/**
 * Byte-identical output across refactors: the SHA-256 of reproducible images (fixed dates, in-memory trees,
 * synthetic boot files) pinned from the writer as it was before the layout engine was generalised (issue 12).
 * A change to any of these hashes is a change to the bytes isokit writes: it needs a reason, not a new pin.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBootHook, type BootSpec } from '../../src/create/boot/index.js';
import { emitImage, planImage, type BuildOptions } from '../../src/create/index.js';
import { planRemaster } from '../../src/create/remaster/index.js';
import { openImageFile } from '../../src/node/open-image.js';
import { bytesContent, type Content, type TreeNode } from '../../src/model/index.js';
import { IN_CI } from '../helpers/index.js';
import { T0, dir, file, symlink } from './helpers.js';

const GRUB_RESCUE = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';

async function sha256Of(tree: TreeNode, opts: BuildOptions, spec?: BootSpec): Promise<{ sha256: string; byteLength: number }> {
  const o: BuildOptions = { dateMs: T0, ...opts };
  const boot = spec ? await createBootHook(spec, tree, { dateMs: o.dateMs as number, volumeId: o.volumeId ?? 'CDROM' }) : undefined;
  const layout = planImage(tree, { ...o, ...(boot ? { boot } : {}) });
  const h = createHash('sha256');
  let n = 0;
  for await (const c of emitImage(layout, { reuseBuffers: true })) {
    h.update(c);
    n += c.length;
  }
  assert.equal(n, layout.byteLength);
  return { sha256: h.digest('hex'), byteLength: n };
}

/** Deterministic bytes (xorshift) so that synthetic boot files are not all zeros. */
function noise(byteLength: number, seed: number): Uint8Array {
  const out = new Uint8Array(byteLength);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < byteLength; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A content of `byteLength` zero bytes that is never held in memory (a sparse file). */
function zeroContent(byteLength: number): Content {
  return {
    byteLength,
    async *stream() {
      const buf = new Uint8Array(1 << 20);
      for (let left = byteLength; left > 0; left -= buf.length) yield left >= buf.length ? buf : buf.subarray(0, left);
    },
  };
}

/** A FAT12 floppy boot sector (1.44 MB) followed by zeros: what an EFI El Torito image looks like to the writer. */
function fatImage(byteLength = 1474560): Uint8Array {
  const b = new Uint8Array(byteLength);
  const v = new DataView(b.buffer);
  b.set([0xeb, 0x3c, 0x90], 0);
  b.set(new TextEncoder().encode('MSWIN4.1'), 3);
  v.setUint16(11, 512, true);
  b[13] = 1;
  v.setUint16(14, 1, true);
  b[16] = 2;
  v.setUint16(17, 224, true);
  v.setUint16(19, byteLength / 512, true);
  b[21] = 0xf0;
  v.setUint16(22, 9, true);
  v.setUint16(24, 18, true);
  v.setUint16(26, 2, true);
  b[38] = 0x29;
  b.set(new TextEncoder().encode('EFIBOOT    FAT12   '), 43);
  b[510] = 0x55;
  b[511] = 0xaa;
  return b;
}

function mixedTree(): TreeNode {
  return dir('', [
    file('README.txt', 'hello\n'),
    file('a-rather-long-file-name-with-several-parts.tar.gz', noise(5000, 1)),
    file('empty', ''),
    dir('docs', [file('guide.md', '# guide\n'), file('Überblick.txt', 'ü'), file('日本語.txt', 'nihongo')]),
    dir('bin', [file('tool', noise(70000, 2), { mode: 0o100755 }), symlink('tool-link', 'tool')]),
    file('UPPER.TXT', 'upper'),
    file('lower.txt', 'lower'),
    file('dot.in.name.txt', 'dots'),
  ]);
}

function deepTree(): TreeNode {
  let d: TreeNode = file('bottom.txt', 'deep');
  for (let i = 12; i >= 1; i--) d = dir(`level${i}`, [d, file(`f${i}`, `at ${i}`)]);
  return dir('', [d]);
}

function linksTree(): TreeNode {
  const shared = bytesContent(noise(3000, 3));
  const hl = (name: string): TreeNode => ({ name, kind: 'file', size: 3000, content: shared, mode: 0o100644, uid: 1000, gid: 1000, mtimeMs: T0, nlink: 2, linkGroup: 'g1', ino: 77 });
  return dir('', [
    dir('a', [hl('one'), symlink('rel', '../b/two'), symlink('abs', '/etc/passwd'), symlink('long', `${'x'.repeat(120)}/${'y'.repeat(130)}/${'z'.repeat(110)}`)]),
    dir('b', [hl('two')]),
    { name: 'null', kind: 'chardev', size: 0, device: { major: 1, minor: 3 }, mode: 0o20666, uid: 0, gid: 0, mtimeMs: T0 },
    { name: 'loop0', kind: 'blockdev', size: 0, device: { major: 7, minor: 0 }, mode: 0o60660, uid: 0, gid: 6, mtimeMs: T0 },
    { name: 'pipe', kind: 'fifo', size: 0, mode: 0o10644, uid: 0, gid: 0, mtimeMs: T0 },
  ]);
}

function wideTree(): TreeNode {
  const kids: TreeNode[] = [];
  for (let i = 0; i < 5000; i++) kids.push(file(`file-${String(i).padStart(5, '0')}.dat`, `content ${i}\n`, { mtimeMs: T0 + i * 1000 }));
  return dir('', [dir('many', kids)]);
}

function bootTree(): TreeNode {
  return dir('', [
    dir('isolinux', [file('isolinux.bin', noise(24 * 1024, 4)), file('isolinux.cfg', 'default linux\n')]),
    dir('images', [file('efiboot.img', fatImage())]),
    dir('boot', [dir('grub', [dir('i386-pc', [file('eltorito.img', noise(30 * 1024, 5))]), file('grub.cfg', 'set timeout=0\n')])]),
    file('README', 'boot me\n'),
  ]);
}

function mbrTemplate(seed: number): Uint8Array {
  const t = new Uint8Array(512);
  t.set(noise(432, seed));
  return t;
}

interface Case { name: string; sha256: string; byteLength: number; run: () => Promise<{ sha256: string; byteLength: number }>; skip?: () => string | undefined }

const cases: Case[] = [
  { name: 'plain ISO 9660 level 1', sha256: 'aec6dceb49c7e501e09007130d80590bf40c39994752004f8a9a5e9b88251d0f', byteLength: 446464, run: () => sha256Of(mixedTree(), { isoLevel: 1, joliet: false, rockRidge: false, volumeId: 'LEVEL1' }) },
  { name: 'ISO 9660:1999 level 4 + RR + Joliet', sha256: '7798bf81514cb9e1b3b2f1c3217b9a82ca9a1efd24134b4a77c6a49ada131922', byteLength: 462848, run: () => sha256Of(mixedTree(), { isoLevel: 4, volumeId: 'LEVEL4' }) },
  { name: 'Rock Ridge + Joliet (defaults)', sha256: 'a7c8060e5766a9b2db7e6ff359e10f07f832ff19cf5c4f69fcd4387a40fc5427', byteLength: 460800, run: () => sha256Of(mixedTree(), { volumeId: 'RRJ', publisherId: 'isokit tests', applicationId: 'GOLDEN' }) },
  { name: 'Rock Ridge 1.10 + long Joliet + clamped times', sha256: '850495a65750143512591729f13681b972ae536a9f586a3463e03f3385eb2c3d', byteLength: 460800, run: () => sha256Of(mixedTree(), { rripVersion: '1.10', joliet: 'long', clampTimes: true, dateMs: T0 - 86400000 }) },
  { name: 'deep tree, relocated', sha256: '5a9d99525f77eb92ba8d9e8d58de8bb6e9f8847240ad368eb847e81340cdb53b', byteLength: 438272, run: () => sha256Of(deepTree(), { relocateDeepDirectories: true }) },
  { name: 'deep tree, in place', sha256: '755358d5a8db0494ce4aab603e4f4994b9825a714179b315bcb307c4896b9563', byteLength: 436224, run: () => sha256Of(deepTree(), {}) },
  { name: 'hard links, symlinks, devices', sha256: '80c60333adb45117dd4dc9cc3828056a2ab2cd46b7fda820656a92ef75f6c52c', byteLength: 374784, run: () => sha256Of(linksTree(), {}) },
  { name: '5,000 files in a folder', sha256: 'a46b2e98f6c5b9af55b0ef185c2dff44e00a3002d7e728300b1c3c36c65e0626', byteLength: 11644928, run: () => sha256Of(wideTree(), {}) },
  {
    name: 'sparse multi-extent file (4.5 GiB)', sha256: 'd53cf8d294f0f23655bb520f7229e93c885f1d92cb34b121af23eaa791768f1c', byteLength: 4832200704,
    run: () => sha256Of(dir('', [file('small.txt', 'x'), { name: 'big.img', kind: 'file', size: 4.5 * 2 ** 30, content: zeroContent(4.5 * 2 ** 30), mode: 0o100644, mtimeMs: T0 }]), {}),
  },
  {
    name: 'ISOLINUX hybrid + EFI image + GPT', sha256: '7e1950411ca3866b2c1b0cb395327cf7b430326d66ac4b1793d5de32c37278c9', byteLength: 2097152,
    run: () => sha256Of(bootTree(), { volumeId: 'HYBRID' }, {
      entries: [
        { platform: 'bios', image: { kind: 'file', path: '/isolinux/isolinux.bin' }, loadSize: 4, bootInfoTable: true },
        { platform: 'efi', image: { kind: 'file', path: '/images/efiboot.img' }, isohybridGpt: 'basdat' },
      ],
      catalog: { path: '/isolinux/boot.cat' },
      systemArea: { template: mbrTemplate(6), kind: 'isohybrid', gpt: true },
    }),
  },
  {
    name: 'GRUB layout: partition offset 16 + appended ESP as GPT', sha256: 'e4b78ec6d589b21b84b71c613fcc6a1ac1f60a2016edc86ebf46806cb4d214c5', byteLength: 4968448,
    run: () => sha256Of(bootTree(), { volumeId: 'GRUBLIKE' }, {
      entries: [
        { platform: 'bios', image: { kind: 'file', path: '/boot/grub/i386-pc/eltorito.img' }, loadSize: 4, bootInfoTable: true, grub2BootInfo: true },
        { platform: 'efi', image: { kind: 'appended-partition', partition: 2 } },
      ],
      catalog: { path: '/boot.catalog', hidden: true },
      systemArea: {
        template: mbrTemplate(7), kind: 'grub2', partitionOffset: 16, mbrForceBootable: true, appendedPartAsGpt: true,
        appendedPartitions: [{ number: 2, mbrType: 0xef, content: fatImage(2880 * 1024) }],
      },
    }),
  },
  {
    name: 'remaster of grub-rescue-cdrom.iso (+ one file, - one folder)', sha256: '06288cfc50f60754d14bfc16820ac7ee89e2cb4dc69bca5f002fdced2578b5db', byteLength: 5040128,
    skip: () => (existsSync(GRUB_RESCUE) ? undefined : `${GRUB_RESCUE} missing (Debian grub-rescue-pc)`),
    run: async () => {
      const image = await openImageFile(GRUB_RESCUE);
      try {
        const plan = await planRemaster(image, { remove: ['/boot/grub/i386-pc/zfs.mod'], add: [{ path: '/added/hello.txt', node: file('hello.txt', 'added\n') }] }, { dateMs: T0 });
        return await sha256Of(plan.tree, plan.buildOptions, plan.bootSpec);
      } finally {
        await image.source.close?.();
      }
    },
  },
];

for (const c of cases) {
  test(`golden image: ${c.name}`, async (t) => {
    const why = c.skip?.();
    if (why) {
      if (IN_CI) throw new Error(why);
      t.skip(why);
      return;
    }
    const got = await c.run();
    if (process.env.ISOKIT_PRINT_GOLDEN) console.log(`GOLDEN ${JSON.stringify(c.name)} ${got.sha256} ${got.byteLength}`);
    assert.deepEqual(got, { sha256: c.sha256, byteLength: c.byteLength });
  });
}
