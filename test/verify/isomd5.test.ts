/**
 * isomd5sum, both ways, against implantisomd5 / checkisomd5 (isomd5sum 1.2.x): same MD5 and same fragment
 * string, on small (< 688 KiB hashed), large and hybrid (isohybrid MBR, GPT) images; a flipped byte is
 * found by both and isokit names the fragment.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, openSync, readSync, closeSync, writeFileSync, writeSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MemorySource } from '../../src/io/index.js';
import { checkIsoMd5, locateIsoMd5 } from '../../src/verify/index.js';
import { parseIsoMd5AppData, serializeIsoMd5AppData, fragmentChars } from '../../src/formats/isomd5/index.js';
import { implantIsoMd5File, verifyImageFile } from '../../src/node/verify-file.js';
import { createNodeHasher } from '../../src/node/hash-file.js';
import { openFileSource } from '../../src/node/file-source.js';
import { needTools, runCli, sh, tmpDir } from '../helpers/index.js';

const ISOHDPFX = '/usr/lib/ISOLINUX/isohdpfx.bin';

function makeIso(dir: string, name: string, payloadBytes: number, extra: string[] = [], files: Record<string, Uint8Array> = {}): string {
  const src = path.join(dir, `${name}-src`);
  mkdirSync(src, { recursive: true });
  for (const [n, b] of Object.entries(files)) writeFileSync(path.join(src, n), b);
  writeFileSync(path.join(src, 'payload.bin'), randomBytes(payloadBytes));
  writeFileSync(path.join(src, 'readme.txt'), `image ${name}\n`);
  const out = path.join(dir, `${name}.iso`);
  sh('xorriso', ['-as', 'mkisofs', '-R', '-J', ...extra, '-o', out, src], { env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } });
  return out;
}

/** implantisomd5's printed fragment string and md5 */
function toolImplant(iso: string): { md5: string; frag: string } {
  const out = sh('implantisomd5', [iso]);
  return { md5: /md5 = ([0-9a-f]{32})/.exec(out)?.[1] ?? '', frag: /fragmd5 = (\S*)/.exec(out)?.[1] ?? '' };
}
const checkTool = (iso: string): number => spawnSync('checkisomd5', [iso], { stdio: 'ignore' }).status ?? -1;

function flipByte(file: string, byteOffset: number): void {
  const fd = openSync(file, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, byteOffset);
  b[0] = (b[0] as number) ^ 0x40;
  writeSync(fd, b, 0, 1, byteOffset);
  closeSync(fd);
}

async function roundTrip(iso: string, large: boolean): Promise<void> {
  const mine = iso.replace(/\.iso$/, '-isokit.iso');
  copyFileSync(iso, mine);
  // implantisomd5 implants → isokit computes the same string, and passes
  const tool = toolImplant(iso);
  const plan = await implantIsoMd5File(mine);
  assert.equal(plan.md5, tool.md5, 'same MD5 as implantisomd5');
  assert.equal(plan.fragmentSums, tool.frag, 'same fragment string as implantisomd5');
  assert.equal(plan.fragmentSums.length === 60, large, `60 fragment characters exactly when large (${plan.fragmentSums.length})`);
  assert.deepEqual(readFileSync(mine), readFileSync(iso), 'byte-identical to the implantisomd5 result');
  const src = await openFileSource(iso);
  try {
    const r = await checkIsoMd5(src, { factory: createNodeHasher });
    assert.equal(r.status, 'pass', r.message);
    assert.equal(r.checkisomd5Agrees, large);
  } finally {
    await src.close();
  }
  // isokit implants → checkisomd5 passes (it has a known bug on small images: it then fails both tools' sums alike)
  assert.equal(checkTool(mine), large ? 0 : 1);
  assert.equal(checkTool(iso), large ? 0 : 1);
}

test('isomd5sum: small and large images, same string as implantisomd5, accepted both ways', async (t) => {
  if (!needTools(t, 'xorriso', 'implantisomd5', 'checkisomd5')) return;
  const { dir, cleanup } = tmpDir('isomd5');
  try {
    await roundTrip(makeIso(dir, 'small', 200_000), false);
    await roundTrip(makeIso(dir, 'large', 24 << 20), true);
  } finally {
    cleanup();
  }
});

test('isomd5sum on hybrid images (isohybrid MBR, GPT)', async (t) => {
  if (!needTools(t, 'xorriso', 'implantisomd5', 'checkisomd5')) return;
  if (!existsSync(ISOHDPFX)) {
    if (process.env.CI === 'true') throw new Error(`${ISOHDPFX} missing (install isolinux)`);
    return t.skip('isolinux not installed');
  }
  const { dir, cleanup } = tmpDir('isomd5h');
  try {
    const boot = { 'isolinux.bin': new Uint8Array(readFileSync(path.join(path.dirname(ISOHDPFX), 'isolinux.bin'))) };
    const bios = ['-b', 'isolinux.bin', '-c', 'boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', '-isohybrid-mbr', ISOHDPFX];
    await roundTrip(makeIso(dir, 'mbr', 3 << 20, bios, boot), true);
    const esp = path.join(dir, 'esp.img');
    writeFileSync(esp, new Uint8Array(1 << 20));
    const gpt = makeIso(dir, 'gpt', 3 << 20, [...bios, '-append_partition', '2', '0xef', esp, '-appended_part_as_gpt'], boot);
    assert.equal(readFileSync(gpt).subarray(512, 520).toString('latin1'), 'EFI PART', 'the image has a GPT');
    await roundTrip(gpt, true);
  } finally {
    cleanup();
  }
});

test('a flipped byte: both tools fail, isokit names the fragment and its byte range', async (t) => {
  if (!needTools(t, 'xorriso', 'implantisomd5', 'checkisomd5')) return;
  const { dir, cleanup } = tmpDir('isomd5f');
  try {
    const iso = makeIso(dir, 'flip', 6 << 20);
    await implantIsoMd5File(iso);
    assert.equal(checkTool(iso), 0);
    const at = 4_000_000;
    flipByte(iso, at);
    assert.equal(checkTool(iso), 1, 'checkisomd5 fails');
    const report = await verifyImageFile(iso, { implanted: true });
    assert.equal(report.status, 'mismatch');
    const bad = report.implanted?.badFragment;
    assert.ok(bad, 'a fragment is named');
    assert.ok(bad.startByteOffset <= at && at < bad.endByteOffset, `flip at ${at} within ${bad.startByteOffset}..${bad.endByteOffset}`);
    assert.match(report.message, new RegExp(`fragment ${bad.index} of 20`));
    const cli = runCli(['verify', iso, '--implanted']);
    assert.equal(cli.status, 3, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /fragment \d+ of 20/);
    // a flip outside the hashed range (the last 15 sectors) goes unnoticed by design
    const untouched = makeIso(dir, 'tail', 1 << 20);
    await implantIsoMd5File(untouched);
    const size = readFileSync(untouched).length;
    flipByte(untouched, size - 1000);
    assert.equal(checkTool(untouched), 0);
    assert.equal((await verifyImageFile(untouched, { implanted: true })).status, 'matches-unsigned');
  } finally {
    cleanup();
  }
});

test('implant refuses a used Application Use field without --force; block-device style sources read only the declared size', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('isomd5r');
  try {
    const iso = makeIso(dir, 'used', 100_000);
    const fd = openSync(iso, 'r+');
    writeSync(fd, Buffer.from('HELLO'), 0, 5, 16 * 2048 + 883);
    closeSync(fd);
    await assert.rejects(implantIsoMd5File(iso), /already holds application data; use --force/);
    const r = runCli(['implant', iso]);
    assert.equal(r.status, 1);
    const ok = runCli(['implant', iso, '--force', '--json']);
    assert.equal(ok.status, 0, ok.stderr);
    const bytes = new Uint8Array(readFileSync(iso));
    // trailing data beyond the declared size (like a larger USB stick) is not read
    const padded = new Uint8Array(bytes.length + 5_000_000);
    padded.set(bytes);
    padded.fill(7, bytes.length);
    const res = await checkIsoMd5(new MemorySource(padded, 'device'));
    assert.equal(res.status, 'pass', res.message);
    const loc = await locateIsoMd5(new MemorySource(padded));
    assert.equal(loc.volumeByteLength, bytes.length);
    // truncated: reported, not thrown
    const short = await checkIsoMd5(new MemorySource(bytes.subarray(0, 60_000), 'short'));
    assert.equal(short.status, 'fail');
    assert.match(short.message, /truncated/);
  } finally {
    cleanup();
  }
});

test('record format: serialize/parse round trip and fragment characters', () => {
  const area = serializeIsoMd5AppData({ md5: '0123456789abcdef0123456789abcdef', fragmentSums: 'abc'.repeat(20), supported: true });
  const text = new TextDecoder().decode(area).trimEnd();
  assert.equal(
    text,
    'ISO MD5SUM = 0123456789abcdef0123456789abcdef;SKIPSECTORS = 15;RHLISOSTATUS=1;FRAGMENT SUMS = ' +
      'abc'.repeat(20) +
      ';FRAGMENT COUNT = 20;THIS IS NOT THE SAME AS RUNNING MD5SUM ON THIS ISO!!',
  );
  const rec = parseIsoMd5AppData(area);
  assert.deepEqual(rec, { md5: '0123456789abcdef0123456789abcdef', skipSectors: 15, supported: true, fragmentSums: 'abc'.repeat(20), fragmentCount: 20 });
  assert.equal(parseIsoMd5AppData(new Uint8Array(512).fill(0x20)), undefined);
  assert.equal(fragmentChars(Uint8Array.of(0x00, 0x0f, 0xa1)), '0fa');
});
