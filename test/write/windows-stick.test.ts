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
function checkStick(img: string, iso: string, dir: string, scheme: 'gpt' | 'mbr', expect: (ref: Map<string, string>, got: Map<string, string>) => Map<string, string> = (r) => r, diskByteLength = statSync(img).size): Map<string, string> {
  const dump = JSON.parse(sh('sfdisk', ['--json', img])) as SfdiskJson;
  const diskSectors = diskByteLength / 512;
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

test('--unattend FILE and --win11-bypass put autounattend.xml at the root; --unattend with --win11-bypass is refused', async (t) => {
  const iso = await fixture(t);
  if (!iso) return;
  const { dir, cleanup } = tmpDir('winstick-unattend');
  try {
    const answer = path.join(dir, 'mine.xml');
    writeFileSync(answer, '<?xml version="1.0"?>\r\n<unattend xmlns="urn:schemas-microsoft-com:unattend"/>\r\n');
    const a = path.join(dir, 'a.img');
    const r = runCli(['write', iso, a, '--yes', '--unattend', answer]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(sh('mtype', ['-i', `${a}@@1M`, '::/autounattend.xml'], { env: MTOOLS_ENV }), readFileSync(answer, 'utf8'));
    const b = path.join(dir, 'b.img');
    const rb = runCli(['write', iso, b, '--yes', '--win11-bypass']);
    assert.equal(rb.status, 0, rb.stderr);
    const xml = sh('mtype', ['-i', `${b}@@1M`, '::/autounattend.xml'], { env: MTOOLS_ENV });
    for (const v of ['BypassTPMCheck', 'BypassSecureBootCheck', 'BypassRAMCheck']) {
      assert.match(xml, new RegExp(`<settings pass="windowsPE">[\\s\\S]*reg add HKLM\\\\SYSTEM\\\\Setup\\\\LabConfig /v ${v} /t REG_DWORD /d 1 /f[\\s\\S]*</settings>[\\s\\S]*pass="specialize"`));
    }
    assert.match(xml, /<settings pass="specialize">[\s\S]*OOBE \/v BypassNRO \/t REG_DWORD \/d 1/);
    sh('python3', ['-c', 'import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read())'], { input: xml }); // well-formed
    const both = runCli(['write', iso, path.join(dir, 'c.img'), '--yes', '--win11-bypass', '--unattend', answer]);
    assert.equal(both.status, 2, both.stderr);
    assert.match(both.stderr, /give one/);
  } finally {
    cleanup();
  }
});

test('faults: too small (file and device, untouched), corrupted ISO beside its checksum file, a plain ISO with --mode windows: clear refusals, nothing written', async (t) => {
  const iso = await fixture(t);
  if (!iso) return;
  const { dir, cleanup } = tmpDir('winstick-faults');
  let dev: string | undefined;
  try {
    const small = path.join(dir, 'small.img');
    const r = runCli(['write', iso, small, '--yes', '--size', '36M']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /the stick is too small: 37748736 bytes, the files need a disk of at least \d+ bytes/);
    assert.equal(existsSync(small), false, 'nothing created');
    // a corrupted copy of the ISO with the original's checksum beside it
    const bad = path.join(dir, 'win.iso');
    copyFileSync(iso, bad);
    writeFileSync(path.join(dir, 'SHA256SUMS'), `${sha256Of(iso, statSync(iso).size)}  win.iso\n`);
    const fd = openSync(bad, 'r+');
    writeSync(fd, Buffer.from('corrupt'), 0, 7, 3 * MIB);
    closeSync(fd);
    const out = path.join(dir, 'out.img');
    const rc = runCli(['write', bad, out, '--yes']);
    assert.notEqual(rc.status, 0);
    assert.match(rc.stderr, /CHECKSUM MISMATCH.*SHA256SUMS.*--force/);
    assert.equal(existsSync(out), false, 'nothing written');
    // not Windows media
    const plain = path.join(dir, 'plain.iso');
    sh('xorriso', ['-as', 'mkisofs', '-o', plain, path.join(reference?.dir ?? dir, 'support')], { stdio: 'pipe' });
    const rp = runCli(['write', plain, out, '--yes', '--mode', 'windows']);
    assert.notEqual(rp.status, 0);
    assert.match(rp.stderr, /--mode windows needs Windows install media: the image has no UDF file system/);
    if (!isRoot || !needTools(t, 'losetup')) return;
    const backing = path.join(dir, 'tiny.bin');
    writeFileSync(backing, noise(24 * MIB, 7));
    dev = attachLoop(backing);
    const before = sha256Of(dev, 24 * MIB);
    const rd = runCli(['write', iso, dev, '--yes', '--force']);
    assert.notEqual(rd.status, 0);
    assert.match(rd.stderr, new RegExp(`${dev} is too small`));
    assert.equal(sha256Of(dev, 24 * MIB), before, 'the device is untouched');
  } finally {
    detachLoop(dev);
    cleanup();
  }
});

test('loop devices: a stick written to a device (partition table re-read, layout, fsck.fat, mtools, 7-Zip), and several sticks at once where one fails mid-way (loop over a full tmpfs)', async (t) => {
  if (!needRoot(t) || !needTools(t, 'losetup', 'mount', 'umount')) return;
  const iso = await fixture(t);
  if (!iso) return;
  const { dir, cleanup } = tmpDir('winstick-dev');
  const tmpfs = path.join(dir, 'tmpfs');
  const devs: string[] = [];
  try {
    const goodBacking = path.join(dir, 'good.bin');
    writeFileSync(goodBacking, noise(96 * MIB, 9)); // stale bytes: the free clusters keep them, FAT ignores them
    const good = attachLoop(goodBacking, true);
    devs.push(good);
    mkdirSync(tmpfs);
    sh('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', tmpfs]);
    const sparse = path.join(tmpfs, 'sparse.bin');
    writeFileSync(sparse, new Uint8Array(0));
    truncateSync(sparse, 80 * MIB); // an 80 MiB device with 4 MiB of space behind it
    const failing = attachLoop(sparse);
    devs.push(failing);
    const fileTarget = path.join(dir, 'out.img');
    const r = runCli(['write', iso, good, failing, fileTarget, '--yes', '--force', '--json']);
    assert.equal(r.status, 1, r.stderr);
    const s = JSON.parse(r.stdout) as { ok: boolean; windows: { sticks: { targets: string[]; byteLength: number }[] }; targets: { path: string; ok: boolean; phase: string; verified?: boolean; notes: string[]; error?: { message: string } }[] };
    assert.equal(s.ok, false);
    assert.equal(s.windows.sticks.length, 3, 'one layout per target size');
    const [okDev, bad, okFile] = s.targets;
    assert.equal(bad!.ok, false);
    assert.equal(bad!.phase, 'writing');
    assert.match(bad!.error?.message ?? '', /write failed at byte \d+: E(IO|NOSPC)/);
    for (const x of [okDev!, okFile!]) {
      assert.equal(x.ok, true, JSON.stringify(x));
      assert.equal(x.verified, true);
    }
    assert.equal(s.windows.sticks.find((k) => k.targets.includes(good))?.byteLength, 96 * MIB, 'the partition runs to the end of the device');
    // (whether partitions then show up is the kernel's business: some sandboxes' kernels list none)
    assert.ok(okDev!.notes.some((n) => /re-read the partition table/.test(n)), okDev!.notes.join('; '));
    checkStick(good, iso, dir, 'gpt', undefined, 96 * MIB);
    checkStick(fileTarget, iso, dir, 'gpt');
  } finally {
    for (const d of devs) detachLoop(d);
    try {
      sh('umount', [tmpfs]);
    } catch {
      /* not mounted */
    }
    cleanup();
  }
});
