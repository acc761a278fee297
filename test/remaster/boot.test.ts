/**
 * Remastered images really boot (../shared/boot/boot-check, QEMU under SeaBIOS / OVMF):
 * - e2 (GRUB hybrid MBR, partition offset, protective MBR + GPT, appended ESP) after --add and --rm: BIOS and
 *   UEFI, as CD and as disk (UEFI disk via the GPT);
 * - e1 (ISOLINUX isohybrid, isohybrid GPT, appended ESP) after --add and --rm: BIOS CD/disk, UEFI CD/disk;
 * - Debian's grub-rescue-cdrom.iso with a file added and /boot/grub/grub.cfg replaced by one that prints a
 *   marker on COM1 (the original's menu only shows on VGA): BIOS as CD and as disk. This boots the original's
 *   El Torito image with regenerated boot info, its GRUB modules read from the remastered ISO 9660 tree.
 * At most two QEMUs run at once.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { BOOT, needTools, shAsync, tmpDir } from '../helpers/index.js';
import { bootToolsPresent, stagePayload, type Payload } from '../boot/helpers.js';
import { buildLayout, GRUB_RESCUE, remaster, writeText } from './helpers.js';

const tmp = tmpDir('remaster-boot');
let P: Payload | undefined;
const BOOT_CHECK = path.join(BOOT, 'boot-check');
const TIMEOUT_S = '120';
before(() => {
  if (bootToolsPresent()) P = stagePayload(path.join(tmp.dir, 'payload'));
});
after(() => tmp.cleanup());

function ready(t: import('node:test').TestContext): Payload | undefined {
  if (!needTools(t, 'qemu-system-x86_64', 'xorriso')) return undefined;
  if (!P || !existsSync(BOOT_CHECK)) {
    if (process.env.CI === 'true') throw new Error('boot harness or payload missing (../shared/boot)');
    t.skip('boot harness missing');
  }
  return P;
}

type Cell = [image: string, firmware: 'bios' | 'uefi', as: 'cdrom' | 'disk', via: string | undefined, marker: string];

async function boot(cells: Cell[]): Promise<string[]> {
  const failures: string[] = [];
  for (let i = 0; i < cells.length; i += 2) {
    const pair = cells.slice(i, i + 2);
    const results = await Promise.all(pair.map(([img, fw, as, via, marker]) =>
      shAsync(BOOT_CHECK, [img, '--firmware', fw, '--as', as, ...(via ? ['--via', via] : []), '--expect', marker, '--timeout', TIMEOUT_S])));
    results.forEach((r, k) => {
      const [img, fw, as, via] = pair[k] as Cell;
      if (r.code !== 0) failures.push(`${path.basename(img)} ${fw}/${as} via ${via ?? 'any'}: exit ${r.code}\n${r.output}`);
    });
  }
  return failures;
}

const GRUB = 'ISOKIT-BOOT-OK-BIOS-GRUB';
const ISOLINUX = 'ISOKIT-BOOT-OK-BIOS-ISOLINUX';
const UEFI = 'ISOKIT-BOOT-OK-UEFI';

test('e2 remastered (--add, --rm): BIOS and UEFI, CD and disk (UEFI disk via GPT)', { timeout: 600_000 }, async (t) => {
  const p = ready(t);
  if (!p) return;
  const orig = buildLayout('e2', p.all, path.join(tmp.dir, 'e2.iso'));
  const out = path.join(tmp.dir, 'e2-out.iso');
  await remaster(orig, out, [{ dest: '/isokit/added.txt', path: writeText(path.join(tmp.dir, 'a.txt'), 'added\n') }], ['/isolinux/cat.c32']);
  const failures = await boot([
    [out, 'bios', 'cdrom', 'eltorito', GRUB], [out, 'bios', 'disk', 'mbr', GRUB],
    [out, 'uefi', 'cdrom', 'eltorito', UEFI], [out, 'uefi', 'disk', 'gpt', UEFI],
  ]);
  assert.deepEqual(failures, []);
});

test('e1 remastered (--add, --rm): BIOS CD and disk (isohybrid MBR), UEFI CD and disk', { timeout: 600_000 }, async (t) => {
  const p = ready(t);
  if (!p) return;
  const orig = buildLayout('e1', p.all, path.join(tmp.dir, 'e1.iso'));
  const out = path.join(tmp.dir, 'e1-out.iso');
  await remaster(orig, out, [{ dest: '/isokit/added.txt', path: writeText(path.join(tmp.dir, 'b.txt'), 'added\n') }], ['/boot/grub/bios.img']);
  // an isohybrid GPT has no 0xEE entry: OVMF boots such a disk through El Torito (README "Boot path")
  const failures = await boot([
    [out, 'bios', 'cdrom', 'eltorito', ISOLINUX], [out, 'bios', 'disk', 'mbr', ISOLINUX],
    [out, 'uefi', 'cdrom', 'eltorito', UEFI], [out, 'uefi', 'disk', 'eltorito', UEFI],
  ]);
  assert.deepEqual(failures, []);
});

test('grub-rescue-cdrom.iso remastered: BIOS as CD and as disk reach the replaced grub.cfg', { timeout: 300_000 }, async (t) => {
  if (!ready(t)) return;
  if (!existsSync(GRUB_RESCUE)) {
    if (process.env.CI === 'true') throw new Error(`${GRUB_RESCUE} missing (apt-get install grub-rescue-pc)`);
    t.skip('grub-rescue-pc not installed');
    return;
  }
  const marker = 'ISOKIT-GRUB-RESCUE-REMASTER-OK';
  const cfg = writeText(path.join(tmp.dir, 'grub.cfg'), `serial --unit=0 --speed=115200\nterminal_output serial\necho ${marker}\nhalt\n`);
  const out = path.join(tmp.dir, 'rescue-out.iso');
  const r = await remaster(GRUB_RESCUE, out, [
    { dest: '/isokit/added.txt', path: writeText(path.join(tmp.dir, 'c.txt'), 'added\n') },
    { dest: '/boot/grub/grub.cfg', path: cfg },
  ]);
  assert.deepEqual(r.plan.edits.map((e) => `${e.op} ${e.path}`).sort(), ['add /isokit', 'replace /boot/grub/grub.cfg']);
  const failures = await boot([[out, 'bios', 'cdrom', 'eltorito', marker], [out, 'bios', 'disk', 'mbr', marker]]);
  assert.deepEqual(failures, []);
});
