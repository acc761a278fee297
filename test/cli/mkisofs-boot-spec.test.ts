/**
 * The mkisofs boot plan → BootSpec mapping: entries carried over option for option, the system-area template
 * read through the interval reader (byte range, then zeroizers: zero_mbrpt, zero_gpt, zero_apm, START-END),
 * appended partitions streamed with their zeroizers, --gpt_disk_guid random (derived from the date when the
 * build is reproducible), and the refusals of what BootSpec cannot say.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, IsoKitError } from '../../src/errors/index.js';
import { parseMkisofsArgs, type MkisofsRequest } from '../../src/cli/mkisofs/index.js';
import { bootSpecFromPlan, zeroizeBytes, zeroizeSpans, zeroizedContent } from '../../src/cli/mkisofs/boot-spec.js';
import { bytesContent, type Content } from '../../src/model/index.js';
import { tmpDir } from '../helpers/index.js';

const req = (argv: string[]) => (parseMkisofsArgs(argv, { personality: 'xorriso' }) as { request: MkisofsRequest }).request;

async function readAll(c: Content): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of c.stream()) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
}

/** 64 KiB with an MBR (0x55AA), a GPT header at 512 (entries at LBA 2: 4 × 128 bytes) and filler 0x11. */
function diskHead(): Uint8Array {
  const b = new Uint8Array(65536).fill(0x11);
  b[510] = 0x55; b[511] = 0xaa;
  b.set(new TextEncoder().encode('EFI PART'), 512);
  const dv = new DataView(b.buffer);
  dv.setUint32(512 + 72, 2, true); dv.setUint32(512 + 76, 0, true);
  dv.setUint32(512 + 80, 4, true); dv.setUint32(512 + 84, 128, true);
  return b;
}

test('zeroizers: MBR partition table, GPT header and entries, APM map, byte ranges; nothing when the signature is missing', () => {
  const b = diskHead();
  assert.deepEqual(zeroizeSpans(b, b.length, ['zero_mbrpt']), [{ start: 446, end: 510 }]);
  assert.deepEqual(zeroizeSpans(b, b.length, ['zero_gpt']), [{ start: 512, end: 1024 }, { start: 1024, end: 1536 }]);
  assert.deepEqual(zeroizeSpans(b, 600, [{ startByte: 440, endByte: 443 }, 'zero_gpt']), [{ start: 440, end: 444 }, { start: 512, end: 600 }]);
  const z = zeroizeBytes(b, ['zero_mbrpt', 'zero_gpt']);
  assert.equal(z[445], 0x11);
  assert.ok(z.subarray(446, 510).every((x) => x === 0));
  assert.deepEqual([z[510], z[511]], [0x55, 0xaa]);
  assert.ok(z.subarray(512, 1536).every((x) => x === 0));
  assert.equal(z[1536], 0x11);
  assert.equal(b[446], 0x11, 'the input is not changed');
  const plain = new Uint8Array(4096).fill(1);
  assert.deepEqual(zeroizeSpans(plain, plain.length, ['zero_mbrpt', 'zero_gpt', 'zero_apm']), []);
  const apm = new Uint8Array(8192);
  apm.set([0x45, 0x52, 0x08, 0x00]); // 'ER', block size 2048
  apm.set([0x50, 0x4d, 0, 0, 0, 0, 0, 2], 2048); // 'PM', 2 map entries
  assert.deepEqual(zeroizeSpans(apm, apm.length, ['zero_apm']), [{ start: 2048, end: 6144 }]);
});

test('zeroizedContent streams the spans as zeros, across chunk borders', async () => {
  const inner: Content = {
    byteLength: 10,
    async *stream() {
      yield Uint8Array.of(1, 2, 3, 4);
      yield Uint8Array.of(5, 6, 7, 8, 9, 10);
    },
  };
  assert.deepEqual([...await readAll(zeroizedContent(inner, [{ start: 2, end: 6 }, { start: 9, end: 10 }]))], [1, 2, 0, 0, 0, 0, 7, 8, 9, 0]);
  const same = bytesContent(Uint8Array.of(1));
  assert.equal(zeroizedContent(same, []), same);
});

test('plan → BootSpec: entries, catalog, template through an interval with zeroizers, appended partition, GUIDs', async () => {
  const { dir, cleanup } = tmpDir('boot-spec');
  try {
    const tpl = path.join(dir, 'orig.iso');
    writeFileSync(tpl, diskHead());
    const r = req([
      '-G', `--interval:local_fs:0-32767:zero_mbrpt,zero_gpt,440-443:${tpl}`, '--protective-msdos-label', '--mbr-force-bootable',
      '-partition_offset', '16', '-partition_cyl_align', 'off', '-iso_mbr_part_type', '0x83', '--gpt_disk_guid', 'random',
      '-append_partition', '2', 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B', `--interval:local_fs:1024-2047:zero_mbrpt:${tpl}`, '-appended_part_as_gpt',
      '-c', 'boot/boot.cat', '--boot-catalog-hide', '-b', 'boot/bios.img', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', '--grub2-boot-info',
      '-eltorito-alt-boot', '-e', '--interval:appended_partition_2:all::', '-no-emul-boot', '-eltorito-id', 'UEFI', 'src',
    ]);
    assert.ok(r.boot);
    const spec = await bootSpecFromPlan(r.boot, { cwd: dir, reproducible: true });
    assert.deepEqual(spec.entries.map((e) => [e.platform, e.image, e.emulation, e.loadSize, e.bootInfoTable, e.grub2BootInfo, e.idString]), [
      ['bios', { kind: 'file', path: '/boot/bios.img' }, 'none', 4, true, true, undefined],
      ['efi', { kind: 'appended-partition', partition: 2 }, 'none', 'full', false, false, 'UEFI'],
    ]);
    assert.deepEqual(spec.catalog, { path: '/boot/boot.cat', hidden: true, hiddenJoliet: true });
    const sa = spec.systemArea;
    assert.ok(sa?.template);
    assert.equal(sa.template.length, 32768);
    assert.ok(sa.template.subarray(440, 444).every((x) => x === 0) && sa.template[439] === 0x11 && sa.template[444] === 0x11);
    assert.ok(sa.template.subarray(446, 510).every((x) => x === 0) && sa.template.subarray(512, 1536).every((x) => x === 0));
    assert.deepEqual([sa.kind, sa.protectiveMsdosLabel, sa.mbrForceBootable, sa.partitionOffset, sa.cylinderAlign, sa.isoMbrPartType, sa.appendedPartAsGpt],
      ['generic', true, true, 16, 'off', 0x83, true]);
    assert.equal(sa.gptDiskGuid, undefined, 'random + reproducible: derived from the date');
    const part = sa.appendedPartitions?.[0];
    assert.deepEqual([part?.number, part?.mbrType, part?.gptType], [2, 0xef, 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B']);
    const bytes = await readAll(part?.content as Content);
    assert.equal(bytes.length, 1024);
    assert.ok(bytes.every((x) => x === 0x11), 'zero_mbrpt finds no MBR signature at byte 510 of the interval');
    const random = await bootSpecFromPlan(r.boot, { cwd: dir, reproducible: false });
    assert.match(random.systemArea?.gptDiskGuid ?? '', /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  } finally {
    cleanup();
  }
});

test('what BootSpec cannot say is refused by option name', async () => {
  const fails = async (argv: string[], re: RegExp) => {
    const r = req([...argv, 'src']);
    assert.ok(r.boot);
    await assert.rejects(bootSpecFromPlan(r.boot, { cwd: '/', reproducible: true }), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.UNSUPPORTED && re.test(e.message));
  };
  await fails(['-append_partition', '2', '0xef', '/dev/null', '-appended_part_as_apm'], /-appended_part_as_apm/);
  await fails(['-iso_mbr_part_type', 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7', '-b', 'x', '-no-emul-boot'], /-iso_mbr_part_type/);
});
