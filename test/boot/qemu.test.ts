/**
 * Images made by `isokit create` really boot (../shared/boot/boot-check: QEMU under SeaBIOS / OVMF):
 * ISOLINUX El Torito as a CD; the same made isohybrid as a disk; the grub-mkrescue-style layout (GRUB hybrid
 * MBR, partition offset, protective MBR + GPT, appended ESP) as CD and disk under BIOS and UEFI; and a
 * non-bootable image fails. At most two QEMUs run at once.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { BOOT, needTools, runCli, shAsync, tmpDir } from '../helpers/index.js';
import { bootToolsPresent, DATE_MS, GRUB_HYBRID, ISOHDPFX, stagePayload, type Payload } from './helpers.js';

const tmp = tmpDir('boot-qemu');
let P: Payload | undefined;
const out = (name: string) => path.join(tmp.dir, name);
const BOOT_CHECK = path.join(BOOT, 'boot-check');
/** generous: UEFI boots take 4–9 s on a quiet machine, ~20 s when the machine is busy */
const TIMEOUT_S = '120';

before(() => {
  if (bootToolsPresent()) P = stagePayload(path.join(tmp.dir, 'payload'));
});
after(() => tmp.cleanup());

function ready(t: import('node:test').TestContext): Payload | undefined {
  if (!needTools(t, 'qemu-system-x86_64')) return undefined;
  if (!P || !existsSync(BOOT_CHECK)) {
    if (process.env.CI === 'true') throw new Error('boot harness or payload missing (../shared/boot)');
    t.skip('boot harness missing');
  }
  return P;
}

function create(args: string[]): string {
  const img = out(`${args[0]}.iso`);
  const r = runCli(['create', ...args.slice(1), '-o', img], { env: { SOURCE_DATE_EPOCH: String(DATE_MS / 1000) } });
  assert.equal(r.status, 0, r.stderr);
  return img;
}

type Cell = [image: string, firmware: 'bios' | 'uefi', as: 'cdrom' | 'disk', via: string, marker: string];

/** Boot the cells two at a time; returns the failures' reports. */
async function boot(cells: Cell[]): Promise<string[]> {
  const failures: string[] = [];
  for (let i = 0; i < cells.length; i += 2) {
    const pair = cells.slice(i, i + 2);
    const results = await Promise.all(pair.map(([img, fw, as, via, marker]) =>
      shAsync(BOOT_CHECK, [img, '--firmware', fw, '--as', as, '--via', via, '--expect', marker, '--timeout', TIMEOUT_S])));
    results.forEach((r, k) => {
      const [img, fw, as, via] = pair[k] as Cell;
      if (r.code !== 0) failures.push(`${path.basename(img)} ${fw}/${as} via ${via}: exit ${r.code}\n${r.output}`);
    });
  }
  return failures;
}

test('ISOLINUX: El Torito CD (SeaBIOS), and isohybrid as a disk', { timeout: 600_000 }, async (t) => {
  const p = ready(t);
  if (!p) return;
  const bios = ['-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat', '--boot-load-size', '4', '--boot-info-table'];
  const cd = create(['isolinux-cd', p.isolinux, ...bios]);
  const hybrid = create(['isolinux-hybrid', p.isolinux, ...bios, '--isohybrid-mbr', ISOHDPFX]);
  const marker = 'ISOKIT-BOOT-OK-BIOS-ISOLINUX';
  assert.deepEqual(await boot([[cd, 'bios', 'cdrom', 'eltorito', marker], [hybrid, 'bios', 'disk', 'mbr', marker]]), []);
});

test('GRUB BIOS + UEFI, GPT with an appended ESP: CD and disk under SeaBIOS and OVMF', { timeout: 900_000 }, async (t) => {
  const p = ready(t);
  if (!p) return;
  const img = create(['grub-e2', p.all, '-b', 'boot/grub/bios.img', '--boot-info-table', '--grub2-boot-info', '--grub2-mbr', GRUB_HYBRID,
    '--partition-offset', '16', '--mbr-force-bootable', '--append-partition', '2', '0xef', p.esp, '--appended-part-as-gpt', '--boot-efi', 'appended:2', '-c', 'boot.catalog']);
  const failures = await boot([
    [img, 'bios', 'cdrom', 'eltorito', 'ISOKIT-BOOT-OK-BIOS-GRUB'],
    [img, 'bios', 'disk', 'mbr', 'ISOKIT-BOOT-OK-BIOS-GRUB'],
    [img, 'uefi', 'cdrom', 'eltorito', 'ISOKIT-BOOT-OK-UEFI'],
    [img, 'uefi', 'disk', 'gpt', 'ISOKIT-BOOT-OK-UEFI'],
  ]);
  assert.deepEqual(failures, []);
});

test('a non-bootable image does not boot (the harness can fail)', { timeout: 300_000 }, async (t) => {
  const p = ready(t);
  if (!p) return;
  const img = create(['plain', p.isolinux]);
  const r = await shAsync(BOOT_CHECK, [img, '--firmware', 'bios', '--as', 'cdrom', '--timeout', '60']);
  assert.equal(r.code, 1, r.output);
  assert.match(r.output, /^BOOT FAIL/m);
});
