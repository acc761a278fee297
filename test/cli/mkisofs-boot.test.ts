/**
 * Bootable images through the mkisofs front end: every reference layout of ../shared/boot/README.md — (a) BIOS
 * ISOLINUX, (b2) isohybrid MBR, (c) BIOS GRUB, (d) UEFI only, (e1) isohybrid + appended ESP + isohybrid GPT,
 * (e2) grub-mkrescue style (GRUB hybrid MBR, -partition_offset 16, protective MBR + GPT, appended ESP as the
 * El Torito EFI image), (e3) isohybrid + ESP file inside — built with `isokit xorriso -as mkisofs` and
 * `isokit mkisofs` from the very command lines xorriso gets, must mean the same as xorriso's image (its own
 * -report_el_torito / -report_system_area with locations masked, and isokit's parse of catalog and tables),
 * and boot in QEMU: (a) BIOS CD, (b2) BIOS disk, (c) BIOS CD, (d) UEFI CD, (e2) UEFI disk via the GPT,
 * (e3) BIOS disk. (b1, made hybrid afterwards by the isohybrid tool, is no mkisofs command line.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { BOOT, IN_CI, needTools, runCli, sh, tmpDir } from '../helpers/index.js';
import { bootStructure, bootToolsPresent, DATE_MS, GRUB_HYBRID, ISOHDPFX, maskedReport, xorrisoEnv } from '../boot/helpers.js';
import { bootCells, bootHarnessReady, type Cell } from './boot-cells.js';

const tmp = tmpDir('mkisofs-boot');
after(() => tmp.cleanup());
const out = (name: string) => path.join(tmp.dir, name);

interface Payloads { isolinux: string; grub: string; uefi: string; all: string }
let P: Payloads | undefined;

before(() => {
  if (!bootToolsPresent()) return;
  const env = { ...process.env, BOOT_NO_INSTALL: process.env.BOOT_NO_INSTALL ?? '' };
  const stage = (name: keyof Payloads, flags: string[]) => {
    const dir = out(`payload-${name}`);
    sh(path.join(BOOT, 'make-payload.sh'), [dir, ...flags], { env });
    return dir;
  };
  P = { isolinux: stage('isolinux', ['--bios-isolinux']), grub: stage('grub', ['--bios-grub']), uefi: stage('uefi', ['--uefi']), all: stage('all', []) };
});

const ISOLINUX = ['-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table'];

/** The README's reference command lines (without -o), by vector id. */
const VECTORS: Record<string, (p: Payloads) => string[]> = {
  a: (p) => ['-R', '-J', '-V', 'ISOKIT_A', ...ISOLINUX, p.isolinux],
  b2: (p) => ['-R', '-J', '-V', 'ISOKIT_B2', '-isohybrid-mbr', ISOHDPFX, ...ISOLINUX, p.isolinux],
  c: (p) => ['-R', '-J', '-V', 'ISOKIT_C', '-b', 'boot/grub/bios.img', '-c', 'boot.catalog', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', p.grub],
  d: (p) => ['-R', '-J', '-V', 'ISOKIT_D', '-e', 'images/efiboot.img', '-c', 'boot.catalog', '-no-emul-boot', p.uefi],
  e1: (p) => ['-R', '-J', '-V', 'ISOKIT_E1', '-isohybrid-mbr', ISOHDPFX, ...ISOLINUX, '-eltorito-alt-boot',
    '-e', '--interval:appended_partition_2:all::', '-no-emul-boot', '-append_partition', '2', '0xef', path.join(p.all, 'images/efiboot.img'),
    '-isohybrid-gpt-basdat', p.all],
  e2: (p) => ['-R', '-J', '-V', 'ISOKIT_E2', '--grub2-mbr', GRUB_HYBRID, '-partition_offset', '16', '--mbr-force-bootable',
    '-append_partition', '2', '0xef', path.join(p.all, 'images/efiboot.img'), '-appended_part_as_gpt', '-c', 'boot.catalog',
    '-b', 'boot/grub/bios.img', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', '--grub2-boot-info',
    '-eltorito-alt-boot', '-e', '--interval:appended_partition_2:all::', '-no-emul-boot', p.all],
  e3: (p) => ['-R', '-J', '-V', 'ISOKIT_E3', '-isohybrid-mbr', ISOHDPFX, ...ISOLINUX, '-eltorito-alt-boot',
    '-e', 'images/efiboot.img', '-no-emul-boot', '-isohybrid-gpt-basdat', p.all],
};

const env = { SOURCE_DATE_EPOCH: String(DATE_MS / 1000) };

function payload(t: import('node:test').TestContext): Payloads | undefined {
  if (!needTools(t, 'xorriso')) return undefined;
  if (!P) {
    if (IN_CI) throw new Error('boot payload could not be staged (../shared/boot, syslinux, grub)');
    t.skip('boot payload tools missing');
  }
  return P;
}

/** Build vector `id` with isokit (`xorriso -as mkisofs` or `mkisofs`); returns the image path. */
function isokit(id: string, p: Payloads, via: 'xorriso' | 'mkisofs'): string {
  const img = out(`isokit-${via}-${id}.iso`);
  const args = (VECTORS[id] as (p: Payloads) => string[])(p);
  const r = runCli([...(via === 'xorriso' ? ['xorriso', '-as', 'mkisofs'] : ['mkisofs']), '-o', img, ...args], { env });
  assert.equal(r.status, 0, `${via} ${id}: ${r.stderr}`);
  return img;
}

for (const id of Object.keys(VECTORS)) {
  test(`(${id}) isokit xorriso -as mkisofs and isokit mkisofs mean what xorriso's image means`, async (t) => {
    const p = payload(t);
    if (!p) return;
    const ref = out(`xorriso-${id}.iso`);
    sh('xorriso', ['-as', 'mkisofs', '-o', ref, ...(VECTORS[id] as (p: Payloads) => string[])(p)], { env: xorrisoEnv });
    const want = maskedReport(ref);
    const wantParsed = await bootStructure(ref);
    for (const via of ['xorriso', 'mkisofs'] as const) {
      const img = isokit(id, p, via);
      assert.deepEqual(maskedReport(img), want, `${via} ${id}`);
      assert.deepEqual(await bootStructure(img), wantParsed, `${via} ${id}`);
    }
  });
}

test('mkisofs boot errors are one clear line naming the option', (t) => {
  const p = payload(t);
  if (!p) return;
  const fails = (args: string[], status: number, re: RegExp) => {
    const r = runCli(['xorriso', '-as', 'mkisofs', '-o', out('bad.iso'), ...args, p.isolinux]);
    assert.equal(r.status, status, r.stderr);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').filter((l) => !/warning/.test(l)).length, 1, r.stderr);
    assert.ok(!existsSync(out('bad.iso')));
  };
  fails(['-b', 'no/such.bin', '-no-emul-boot'], 1, /no\/such\.bin/);
  fails(['-append_partition', '2', '0xef', out('missing.img'), '-appended_part_as_apm'], 1, /-appended_part_as_apm/);
  fails(['-iso_mbr_part_type', 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7', '-b', 'isolinux/isolinux.bin', '-no-emul-boot'], 1, /-iso_mbr_part_type/);
  fails(['-isohybrid-mbr', out('missing-mbr.bin'), ...ISOLINUX], 1, /missing-mbr\.bin/);
});

test('vectors built by isokit xorriso -as mkisofs boot: (a) (c) BIOS CD, (b2) (e3) BIOS disk, (d) UEFI CD, (e2) UEFI disk via GPT', { timeout: 900_000 }, async (t) => {
  const p = payload(t);
  if (!p || !bootHarnessReady(t)) return;
  const img = (id: string) => isokit(id, p, 'xorriso');
  const ISO = 'ISOKIT-BOOT-OK-BIOS-ISOLINUX', GRUB = 'ISOKIT-BOOT-OK-BIOS-GRUB', UEFI = 'ISOKIT-BOOT-OK-UEFI';
  const cells: Cell[] = [
    [img('a'), 'bios', 'cdrom', 'eltorito', ISO],
    [img('b2'), 'bios', 'disk', 'mbr', ISO],
    [img('c'), 'bios', 'cdrom', 'eltorito', GRUB],
    [img('e3'), 'bios', 'disk', 'mbr', ISO],
    [img('d'), 'uefi', 'cdrom', 'eltorito', UEFI],
    [img('e2'), 'uefi', 'disk', 'gpt', UEFI],
  ];
  assert.deepEqual(await bootCells(cells), []);
});
