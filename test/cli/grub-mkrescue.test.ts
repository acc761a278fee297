/**
 * `grub-mkrescue --xorriso=WRAPPER` with WRAPPER = `exec node bin/isokit.js xorriso "$@"`: GRUB's own rescue
 * image builder drives isokit exactly as it drives xorriso (-as mkisofs -help probes, then --grub2-mbr,
 * --protective-msdos-label, --efi-boot, -efi-boot-part --efi-boot-image, HFS+ options that isokit ignores).
 *
 * The source folder holds a boot/grub/grub.cfg that switches GRUB to COM1, prints cmdpath= (so boot-check can
 * tell the boot path) and ISOKIT-BOOT-OK-BIOS-GRUB or ISOKIT-BOOT-OK-UEFI by $grub_platform, then halts. The
 * image must boot under SeaBIOS and OVMF, as CD-ROM and as disk (UEFI disk through the GPT's ESP). The same
 * folder made by grub-mkrescue with the real xorriso boots the same way (the marker approach is sound), and
 * both images mean the same El Torito catalog and MBR.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BIN, IN_CI, needTools, tmpDir } from '../helpers/index.js';
import { maskedReport } from '../boot/helpers.js';
import { bootCells, bootHarnessReady } from './boot-cells.js';

const tmp = tmpDir('grub-mkrescue');
after(() => tmp.cleanup());
const out = (name: string) => path.join(tmp.dir, name);

const BIOS = 'ISOKIT-BOOT-OK-BIOS-GRUB';
const UEFI = 'ISOKIT-BOOT-OK-UEFI';
const GRUB_CFG = `serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
echo "cmdpath=$cmdpath"
echo "prefix=$prefix"
echo "root=$root"
if [ "$grub_platform" = "efi" ]; then
  echo "${UEFI}"
else
  echo "${BIOS}"
fi
halt
`;

const grubReady = () => existsSync('/usr/lib/grub/i386-pc') && existsSync('/usr/lib/grub/x86_64-efi');

interface Built { mine?: string; ref?: string; error?: string }
const built: Built = {};

function mkrescue(xorriso: string | undefined, image: string, src: string): string | undefined {
  const r = spawnSync('grub-mkrescue', [...(xorriso ? [`--xorriso=${xorriso}`] : []), '-o', image, src], {
    encoding: 'utf8', env: { ...process.env, ISOKIT_NO_PROGRESS: '1' }, timeout: 300_000,
  });
  return r.status === 0 && existsSync(image) ? undefined : `grub-mkrescue ${xorriso ?? '(xorriso)'} exit ${r.status}: ${r.stderr}`;
}

before(() => {
  if (!grubReady() || spawnSync('sh', ['-c', 'command -v grub-mkrescue && command -v mformat && command -v xorriso'], { stdio: 'ignore' }).status !== 0) return;
  const src = out('src');
  mkdirSync(path.join(src, 'boot/grub'), { recursive: true });
  writeFileSync(path.join(src, 'boot/grub/grub.cfg'), GRUB_CFG);
  writeFileSync(path.join(src, 'README.txt'), 'isokit grub-mkrescue test\n');
  const wrapper = out('isokit-xorriso');
  writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" xorriso "$@"\n`);
  chmodSync(wrapper, 0o755);
  built.error = mkrescue(wrapper, out('isokit-rescue.iso'), src);
  if (!built.error) built.mine = out('isokit-rescue.iso');
  const refError = mkrescue(undefined, out('xorriso-rescue.iso'), src);
  if (!refError) built.ref = out('xorriso-rescue.iso');
});

function ready(t: import('node:test').TestContext): boolean {
  if (!needTools(t, 'grub-mkrescue', 'mformat', 'xorriso')) return false;
  if (!grubReady()) {
    if (IN_CI) throw new Error('grub-pc-bin / grub-efi-amd64-bin missing');
    t.skip('GRUB platform files missing');
    return false;
  }
  assert.equal(built.error, undefined, built.error);
  return true;
}

test('grub-mkrescue --xorriso=isokit builds an image; its El Torito catalog and MBR match xorriso\'s', (t) => {
  if (!ready(t)) return;
  assert.ok(built.mine && built.ref);
  const mine = maskedReport(built.mine);
  const ref = maskedReport(built.ref);
  const pick = (lines: string[]) => lines.filter((l) => /^(El Torito|MBR|System area summary)/.test(l)).map((l) => l.replace(/ APM$/, ''));
  assert.deepEqual(pick(mine), pick(ref));
  // the ESP is the El Torito EFI image, exposed as a GPT partition (-efi-boot-part --efi-boot-image)
  assert.ok(mine.includes('GPT partname local : 2 EFI boot partition'), mine.join('\n'));
  assert.ok(mine.includes('GPT type GUID : 2 28732ac11ff8d211ba4b00a0c93ec93b'), mine.join('\n'));
});

test('the isokit-made rescue image boots: SeaBIOS and OVMF, CD-ROM and disk', { timeout: 900_000 }, async (t) => {
  if (!ready(t) || !bootHarnessReady(t)) return;
  const img = built.mine as string;
  const failures = await bootCells([
    [img, 'bios', 'cdrom', 'eltorito', BIOS],
    [img, 'bios', 'disk', 'mbr', BIOS],
    [img, 'uefi', 'cdrom', 'eltorito', UEFI],
    [img, 'uefi', 'disk', 'gpt', UEFI],
  ]);
  assert.deepEqual(failures, []);
});

test('sanity of the marker approach: xorriso\'s own grub-mkrescue image boots the same way', { timeout: 600_000 }, async (t) => {
  if (!ready(t) || !bootHarnessReady(t)) return;
  assert.ok(built.ref, 'grub-mkrescue with xorriso failed');
  const failures = await bootCells([
    [built.ref, 'bios', 'cdrom', 'eltorito', BIOS],
    [built.ref, 'uefi', 'disk', 'gpt', UEFI],
  ]);
  assert.deepEqual(failures, []);
});
