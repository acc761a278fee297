/**
 * Issue 16: a Windows install ISO (the windows-stick recipe: no Microsoft file, README-only ISO 9660, the
 * files in UDF, a GRUB EFI as efi/boot/bootx64.efi) written by the built CLI as a FAT32 stick. Checked with
 * independent tools only: sgdisk -v / sfdisk (layout), fsck.fat -n (clean), mtools and 7-Zip (every file,
 * same names and bytes as 7-Zip's UDF extraction of the ISO), wimlib-imagex (the .swm split set) and OVMF
 * (the stick boots as a USB stick). Faults: too small, corrupted ISO, a target failing mid-way.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, readSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { BOOT, IN_CI, needBootHarness, needTools, runCli, sh, shAsync, tmpDir } from '../helpers/index.js';
import { recipeImage } from '../helpers/fixtures.js';
import { attachLoop, detachLoop, noise, sha256Of } from './helpers.js';

const TOOLS = ['7zz', 'sgdisk', 'sfdisk', 'fsck.fat', 'mcopy', 'mdir', 'wimlib-imagex', 'grub-mkimage', 'mkfs.fat'];
const BASIC_DATA = 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7';
const MIB = 1048576;
const isRoot = process.getuid?.() === 0;
function needRoot(t: { skip: (m: string) => void }): boolean {
  if (isRoot) return true;
  if (IN_CI) throw new Error('device tests need root under CI');
  t.skip('needs root (loop devices)');
  return false;
}

/** relative path → sha256 of every file below `dir` (directories as "dir/"). */
function treeOf(dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(p).isDirectory()) {
      out.set(`${rel}/`, 'dir');
      for (const [k, v] of treeOf(p, rel)) out.set(k, v);
    } else out.set(rel, createHash('sha256').update(readFileSync(p)).digest('hex'));
  }
  return out;
}

/** bytes [byteOffset, byteOffset + byteLength) of a file into a new file */
function cut(file: string, byteOffset: number, byteLength: number, out: string): void {
  const fd = openSync(file, 'r');
  const wd = openSync(out, 'w');
  try {
    const buf = Buffer.alloc(4 * MIB);
    for (let done = 0; done < byteLength;) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, byteLength - done), byteOffset + done);
      if (n === 0) break;
      writeSync(wd, buf, 0, n);
      done += n;
    }
  } finally {
    closeSync(fd);
    closeSync(wd);
  }
}

const MTOOLS_ENV = { ...process.env, MTOOLS_SKIP_CHECK: '1', LC_ALL: 'C.UTF-8' };

interface SfdiskJson { partitiontable: { label: string; partitions: { node: string; start: number; size: number; type: string; name?: string; bootable?: boolean }[] } }

/** The UDF tree of the ISO as 7-Zip extracts it (the reference), cached per test file. */
let reference: { dir: string; tree: Map<string, string> } | undefined;
const refDir = tmpDir('winstick-ref');
after(() => refDir.cleanup());
function udfReference(iso: string): Map<string, string> {
  if (!reference) {
    const out = path.join(refDir.dir, 'udf-ref');
    sh('7zz', ['x', '-tudf', '-y', `-o${out}`, iso], { stdio: 'pipe' });
    reference = { dir: out, tree: treeOf(out) };
  }
  return reference.tree;
}

/** Check a written stick image: layout, fsck, mtools + 7-Zip against the ISO's UDF tree. Returns the FAT tree. */
function checkStick(img: string, iso: string, dir: string, scheme: 'gpt' | 'mbr', expect: (ref: Map<string, string>, got: Map<string, string>) => Map<string, string> = (r) => r): Map<string, string> {
  const dump = JSON.parse(sh('sfdisk', ['--json', img])) as SfdiskJson;
  const diskSectors = statSync(img).size / 512;
  assert.equal(dump.partitiontable.label, scheme === 'gpt' ? 'gpt' : 'dos');
  assert.equal(dump.partitiontable.partitions.length, 1);
  const p = dump.partitiontable.partitions[0]!;
  assert.equal(p.start, 2048, 'the partition starts at 1 MiB');
  if (scheme === 'gpt') {
    assert.match(sh('sgdisk', ['-v', img]), /No problems found/);
    assert.equal(p.type, BASIC_DATA, 'Basic Data, not an ESP');
    assert.ok(diskSectors - (p.start + p.size) < 2048 + 34, 'the partition runs to the end of the disk');
  } else {
    assert.equal(p.type, 'c', 'MBR type 0x0C (FAT32 LBA)');
    assert.equal(p.bootable, true, 'the partition is active');
    assert.ok(diskSectors - (p.start + p.size) < 2048, 'the partition runs to the end of the disk');
  }
  const part = path.join(dir, `${path.basename(img)}.part`);
  cut(img, p.start * 512, p.size * 512, part);
  const fsck = sh('fsck.fat', ['-n', '-v', part]);
  assert.match(fsck, /32 bit entries/);
  assert.doesNotMatch(fsck, /differ|wrong|uninitialized|dirty|truncat|bad |invalid|contains/i, fsck); // fsck.fat -n also exits 1 on a problem
  assert.match(fsck, /: \d+ files, \d+\/\d+ clusters\n$/);
  // mtools, straight from the disk image at the partition's offset
  const viaMtools = path.join(dir, `${path.basename(img)}.mtools`);
  mkdirSync(viaMtools);
  sh('mcopy', ['-s', '-n', '-m', '-i', `${img}@@1M`, '::/*', viaMtools], { env: MTOOLS_ENV });
  const got = treeOf(viaMtools);
  const want = expect(udfReference(iso), got);
  assert.deepEqual(new Map([...got].sort()), new Map([...want].sort()), 'mtools reads the same names and bytes as 7-Zip\'s UDF extraction');
  // 7-Zip's FAT reader on the partition
  const via7z = path.join(dir, `${path.basename(img)}.7z`);
  sh('7zz', ['x', '-tfat', '-y', `-o${via7z}`, part], { stdio: 'pipe' });
  assert.deepEqual(new Map([...treeOf(via7z)].sort()), new Map([...want].sort()), '7-Zip reads the same names and bytes');
  const label = sh('mlabel', ['-s', '-i', `${img}@@1M`, '::'], { env: MTOOLS_ENV });
  assert.match(label, /CCCOMA_X64F/, 'label from the ISO 9660 volume id');
  return got;
}

async function fixture(t: { skip: (m: string) => void }): Promise<string | undefined> {
  if (!needTools(t as never, ...TOOLS)) return undefined;
  return recipeImage('windows-stick');
}

test('write --mode auto: Windows install media → GPT + FAT32 stick image; layout, fsck, mtools and 7-Zip agree with the UDF tree; boots under OVMF as a USB stick', async (t) => {
  const iso = await fixture(t);
  if (!iso) return;
  const { dir, cleanup } = tmpDir('winstick');
  try {
    const img = path.join(dir, 'stick.img');
    const r = runCli(['write', iso, img, '--yes', '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /Windows install media \(bootmgr, bootmgr\.efi, efi\/boot\/bootx64\.efi, sources\/install\.wim\)/);
    assert.match(r.stderr, /legacy-BIOS boot of Windows media is not provided/);
    const s = JSON.parse(r.stdout) as { ok: boolean; windows: { sticks: { byteLength: number; writtenByteLength: number; scheme: string }[] }; targets: { ok: boolean; verified: boolean; verifyMethod: string }[] };
    assert.equal(s.ok, true);
    assert.equal(s.targets[0]!.verified, true);
    assert.equal(s.targets[0]!.verifyMethod, 'compare');
    const stick = s.windows.sticks[0]!;
    assert.equal(stick.scheme, 'gpt');
    assert.equal(statSync(img).size, stick.byteLength, 'the image file is the whole disk');
    assert.ok(statSync(img).blocks * 512 <= stick.writtenByteLength + MIB, 'free clusters left as holes');
    checkStick(img, iso, dir, 'gpt');
    if (!needBootHarness(t, 'boot-check')) return;
    const boot = await shAsync(path.join(BOOT, 'boot-check'), [img, '--firmware', 'uefi', '--as', 'usb', '--expect', 'ISOKIT-WINSTICK-UEFI-OK', '--timeout', '120']);
    assert.equal(boot.code, 0, boot.output);
    assert.match(boot.output, /BOOT OK ISOKIT-WINSTICK-UEFI-OK/);
  } finally {
    cleanup();
  }
});

test('write --mode windows --scheme mbr --size: one active 0x0C partition on a disk of the size asked; --mode raw still copies raw', async (t) => {
  const iso = await fixture(t);
  if (!iso) return;
  const { dir, cleanup } = tmpDir('winstick-mbr');
  try {
    const img = path.join(dir, 'mbr.img');
    const r = runCli(['write', iso, img, '--yes', '--mode', 'windows', '--scheme', 'mbr', '--size', '100M']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(statSync(img).size, 100 * MIB);
    checkStick(img, iso, dir, 'mbr');
    const raw = path.join(dir, 'raw.img');
    const rr = runCli(['write', iso, raw, '--yes', '--mode', 'raw']);
    assert.equal(rr.status, 0, rr.stderr);
    assert.equal(sha256Of(raw, statSync(iso).size), sha256Of(iso, statSync(iso).size), 'raw: byte for byte');
  } finally {
    cleanup();
  }
});

test('--split-size: install.wim becomes install.swm, install2.swm, …, each within the size; wimlib-imagex lists the same image and verifies the set', async (t) => {
  const iso = await fixture(t);
  if (!iso) return;
  const { dir, cleanup } = tmpDir('winstick-split');
  try {
    const img = path.join(dir, 'split.img');
    const r = runCli(['write', iso, img, '--yes', '--split-size', '1M', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { windows: { sticks: { split: { parts: { name: string; byteLength: number }[] } }[] } };
    const parts = s.windows.sticks[0]!.split.parts;
    assert.ok(parts.length >= 3, `${parts.length} parts`);
    assert.deepEqual(parts.map((p) => p.name), parts.map((_, i) => (i ? `install${i + 1}.swm` : 'install.swm')));
    // every file but install.wim as in the ISO; the parts' bytes are checked by wimlib-imagex below
    const fat = checkStick(img, iso, dir, 'gpt', (ref, got) => {
      const want = new Map([...ref].filter(([k]) => k !== 'sources/install.wim'));
      for (const p of parts) want.set(`sources/${p.name}`, got.get(`sources/${p.name}`) ?? 'missing');
      return want;
    });
    assert.ok(!fat.has('sources/install.wim'));
    const sources = path.join(dir, 'split.img.mtools', 'sources');
    for (const p of parts) {
      assert.ok(statSync(path.join(sources, p.name)).size <= MIB, `${p.name} ≤ 1 MiB`);
      assert.equal(statSync(path.join(sources, p.name)).size, p.byteLength);
    }
    const wim = path.join(reference!.dir, 'sources', 'install.wim');
    for (const image of ['1', '2']) {
      const swm = sh('wimlib-imagex', ['dir', path.join(sources, 'install.swm'), image, `--ref=${path.join(sources, 'install*.swm')}`]);
      assert.equal(swm, sh('wimlib-imagex', ['dir', wim, image]), `image ${image} lists the same files`);
    }
    sh('wimlib-imagex', ['verify', path.join(sources, 'install.swm'), `--ref=${path.join(sources, 'install*.swm')}`]);
  } finally {
    cleanup();
  }
});
