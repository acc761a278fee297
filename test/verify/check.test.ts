/** `isokit check`: clean on reference images; each hand-made fault found at the right offset. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { crc32, readU32LE, writeU32BE, writeU32LE } from '../../src/bytes/index.js';
import { MemorySource } from '../../src/io/index.js';
import { checkImage, type CheckReport } from '../../src/verify/index.js';
import { needTools, runCli, sh, tmpDir } from '../helpers/index.js';

const ISOLINUX = '/usr/lib/ISOLINUX';
const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };

function tree(dir: string): string {
  const src = path.join(dir, 'src');
  mkdirSync(path.join(src, 'd1', 'd2'), { recursive: true });
  writeFileSync(path.join(src, 'a.txt'), 'a'.repeat(5000));
  writeFileSync(path.join(src, 'd1', 'b.bin'), Buffer.alloc(9000, 7));
  writeFileSync(path.join(src, 'd1', 'd2', 'c.txt'), 'c\n');
  if (existsSync(ISOLINUX)) writeFileSync(path.join(src, 'isolinux.bin'), readFileSync(path.join(ISOLINUX, 'isolinux.bin')));
  return src;
}

const errorsOf = (r: CheckReport, code: string) => r.findings.filter((x) => x.code === code && x.severity === 'error');
const check = (b: Uint8Array) => checkImage(new MemorySource(b, 'mem'));

/** byte offset of the directory record named `name` inside the directory extent at `lba` */
function recordOffset(img: Uint8Array, lba: number, name: string): number {
  for (let o = lba * 2048; o < (lba + 1) * 2048; ) {
    const len = img[o] as number;
    if (!len) break;
    const id = Buffer.from(img.subarray(o + 33, o + 33 + (img[o + 32] as number))).toString('latin1');
    if (id.replace(/;1$/, '') === name) return o;
    o += len;
  }
  throw new Error(`no record ${name}`);
}

test('check: clean on xorriso, genisoimage and hybrid images', async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  const { dir, cleanup } = tmpDir('check');
  try {
    const src = tree(dir);
    const images: string[] = [];
    const x = path.join(dir, 'x.iso');
    sh('xorriso', ['-as', 'mkisofs', '-R', '-J', '-o', x, src], { env });
    images.push(x);
    const g = path.join(dir, 'g.iso');
    sh('genisoimage', ['-quiet', '-R', '-J', '-o', g, src], { env });
    images.push(g);
    if (existsSync(ISOLINUX)) {
      const h = path.join(dir, 'h.iso');
      sh('xorriso', ['-as', 'mkisofs', '-R', '-J', '-b', 'isolinux.bin', '-c', 'boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table',
        '-isohybrid-mbr', path.join(ISOLINUX, 'isohdpfx.bin'), '-isohybrid-gpt-basdat', '-o', h, src], { env });
      images.push(h);
    }
    for (const iso of images) {
      const r = await check(new Uint8Array(readFileSync(iso)));
      assert.equal(r.errors, 0, `${iso}: ${JSON.stringify(r.findings)}`);
      assert.ok(r.directories >= 3 && r.files >= 3);
    }
    const cli = runCli(['check', x, '--json']);
    assert.equal(cli.status, 0, cli.stdout);
    assert.equal(JSON.parse(cli.stdout).ok, true);
  } finally {
    cleanup();
  }
});

test('check: hand-made faults are found with the right offset', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('checkf');
  try {
    const src = tree(dir);
    const iso = path.join(dir, 'x.iso');
    sh('xorriso', ['-as', 'mkisofs', '-R', '-J', '-o', iso, src], { env });
    const clean = new Uint8Array(readFileSync(iso));
    const rootLba = readU32LE(clean, 16 * 2048 + 156 + 2);

    // endian mismatch in the PVD volume space size (BE half)
    let b = clean.slice();
    writeU32BE(b, 16 * 2048 + 84, readU32LE(b, 16 * 2048 + 80) + 1);
    let r = await check(b);
    assert.ok(errorsOf(r, 'BOTH_ENDIAN_MISMATCH').some((x) => x.byteOffset === 16 * 2048 + 80), JSON.stringify(r.findings));

    // extent past the end: a.txt's data length grows beyond the volume
    b = clean.slice();
    const a = recordOffset(b, rootLba, 'A.TXT');
    writeU32LE(b, a + 10, 50_000_000);
    writeU32BE(b, a + 14, 50_000_000);
    r = await check(b);
    assert.ok(errorsOf(r, 'EXTENT_PAST_END').some((x) => x.byteOffset === a), JSON.stringify(r.findings));
    assert.equal(runCli(['check', iso]).status, 0);
    writeFileSync(path.join(dir, 'bad.iso'), b);
    const cli = runCli(['check', path.join(dir, 'bad.iso')]);
    assert.equal(cli.status, 3, cli.stdout);
    assert.match(cli.stdout, new RegExp(`at byte 0x${a.toString(16)}.*EXTENT_PAST_END`));

    // overlapping extents: a.txt moved to start one block into another file's extent (partial overlap)
    b = clean.slice();
    const d1Lba = readU32LE(b, recordOffset(b, rootLba, 'D1') + 2);
    const bb = recordOffset(b, d1Lba, 'B.BIN');
    const bLba = readU32LE(b, bb + 2);
    const a2 = recordOffset(b, rootLba, 'A.TXT');
    writeU32LE(b, a2 + 2, bLba + 1);
    writeU32BE(b, a2 + 6, bLba + 1);
    r = await check(b);
    assert.ok(errorsOf(r, 'EXTENT_OVERLAP').some((x) => x.byteOffset === a2 || x.byteOffset === bb), JSON.stringify(r.findings));
    // identical extents (hard links / dedup) are fine
    writeU32LE(b, a2 + 2, bLba);
    writeU32BE(b, a2 + 6, bLba);
    writeU32LE(b, a2 + 10, 9000);
    writeU32BE(b, a2 + 14, 9000);
    assert.equal(errorsOf(await check(b), 'EXTENT_OVERLAP').length, 0);
  } finally {
    cleanup();
  }
});

test('check: bad El Torito checksum and bad GPT CRC are reported where they are', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  if (!existsSync(ISOLINUX)) return t.skip('isolinux not installed');
  const { dir, cleanup } = tmpDir('checkb');
  try {
    const src = tree(dir);
    const iso = path.join(dir, 'h.iso');
    sh('xorriso', ['-as', 'mkisofs', '-R', '-J', '-b', 'isolinux.bin', '-c', 'boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table',
      '-isohybrid-mbr', path.join(ISOLINUX, 'isohdpfx.bin'), '-isohybrid-gpt-basdat', '-o', iso, src], { env });
    const clean = new Uint8Array(readFileSync(iso));
    // El Torito validation entry checksum (catalog LBA at boot record + 0x47)
    let b = clean.slice();
    const catalog = readU32LE(b, 17 * 2048 + 0x47) * 2048;
    b[catalog + 28] = (b[catalog + 28] as number) ^ 0xff;
    let r = await check(b);
    const et = r.findings.filter((x) => x.code === 'ELTORITO_CHECKSUM');
    assert.ok(et.length && et[0]?.severity === 'error', JSON.stringify(r.findings));
    assert.ok(et.some((x) => x.byteOffset !== undefined && x.byteOffset >= catalog && x.byteOffset < catalog + 32), JSON.stringify(et));
    assert.equal(r.ok, false);
    // GPT header CRC (primary header at byte 512)
    b = clean.slice();
    assert.equal(Buffer.from(b.subarray(512, 520)).toString('latin1'), 'EFI PART');
    b[512 + 16] = (b[512 + 16] as number) ^ 0xff;
    assert.notEqual(readU32LE(b, 512 + 16), crc32(b.subarray(512, 512 + 92)));
    r = await check(b);
    const gpt = r.findings.filter((x) => /GPT/.test(x.code) && x.byteOffset !== undefined && x.byteOffset >= 512 && x.byteOffset < 1024);
    assert.ok(gpt.length, JSON.stringify(r.findings));
  } finally {
    cleanup();
  }
});
