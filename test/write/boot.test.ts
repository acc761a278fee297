/**
 * A hybrid GRUB ISO (BIOS + UEFI, the boot README's layout e2: GRUB hybrid MBR, protective MBR + GPT,
 * ESP appended as a GPT partition) written by `isokit write` to a loop device boots from that device as a
 * disk under SeaBIOS (via the MBR) and OVMF (via the GPT). boot-check takes regular files, so the device's
 * whole content is copied to a file first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { BOOT, IN_CI, needBootHarness, needTools, runCli, sh, shAsync, tmpDir } from '../helpers/index.js';
import { attachLoop, detachLoop, sha256Of } from './helpers.js';

const GRUB_HYBRID_MBR = '/usr/lib/grub/i386-pc/boot_hybrid.img';

test('hybrid GRUB image written to a loop device boots as a disk under SeaBIOS and OVMF', { timeout: 300_000 }, async (t) => {
  if (process.getuid?.() !== 0) {
    if (IN_CI) throw new Error('needs root under CI');
    t.skip('needs root (loop devices)');
    return;
  }
  if (!needTools(t, 'xorriso', 'losetup', 'qemu-system-x86_64') || !needBootHarness(t)) return;
  const { dir, cleanup } = tmpDir('write-boot');
  let dev: string | undefined;
  try {
    const payload = path.join(dir, 'payload');
    const manifest = JSON.parse(execFileSync(path.join(BOOT, 'make-payload.sh'), [payload], { stdio: ['ignore', 'pipe', 'pipe'] }).toString()) as {
      entries: { biosGrub: { marker: string }; uefi: { marker: string } };
    };
    const iso = path.join(dir, 'e2-hybrid-grub.iso');
    sh('xorriso', [
      '-as', 'mkisofs', '-R', '-J', '-V', 'ISOKIT_E2', '-o', iso,
      '--grub2-mbr', GRUB_HYBRID_MBR, '-partition_offset', '16', '--mbr-force-bootable',
      '-append_partition', '2', '0xef', path.join(payload, 'images/efiboot.img'), '-appended_part_as_gpt',
      '-c', 'boot.catalog',
      '-b', 'boot/grub/bios.img', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', '--grub2-boot-info',
      '-eltorito-alt-boot',
      '-e', '--interval:appended_partition_2:all::', '-no-emul-boot', payload,
    ], { stdio: 'pipe' });
    const stick = path.join(dir, 'stick.bin');
    writeFileSync(stick, new Uint8Array(0));
    truncateSync(stick, 64 * 1048576);
    dev = attachLoop(stick, true);
    const r = runCli(['write', iso, dev, '--yes', '--json']);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const summary = JSON.parse(r.stdout) as { inspection: { kind: string }; targets: { ok: boolean; verified: boolean; notes: string[] }[] };
    assert.equal(summary.inspection.kind, 'hybrid-iso');
    assert.equal(summary.targets[0]?.verified, true);
    assert.ok(summary.targets[0]?.notes.some((n) => /re-read the partition table/.test(n)), summary.targets[0]?.notes.join('; '));
    // --json progress: one JSON object per line on stderr
    const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { type: string; phase?: string });
    assert.ok(events.some((e) => e.type === 'progress' && e.phase === 'verifying'));
    const isoBytes = Number(sh('stat', ['-c', '%s', iso]).trim());
    assert.equal(sha256Of(dev, isoBytes), sha256Of(iso, isoBytes));

    // boot-check boots regular files: take a byte copy of the whole device (64 MiB stick)
    const copy = path.join(dir, 'stick-copy.img');
    sh('dd', [`if=${dev}`, `of=${copy}`, 'bs=4M', 'status=none']);
    const checks: [string, string, string][] = [
      ['bios', manifest.entries.biosGrub.marker, 'mbr'],
      ['uefi', manifest.entries.uefi.marker, 'gpt'],
    ];
    const results = await Promise.all(
      checks.map(([fw, marker, via]) => shAsync(path.join(BOOT, 'boot-check'), [copy, '--firmware', fw, '--as', 'disk', '--expect', marker, '--via', via])),
    );
    results.forEach((res, i) => assert.equal(res.code, 0, `${checks[i]?.[0]}:\n${res.output}`));
  } finally {
    detachLoop(dev);
    cleanup();
  }
});
