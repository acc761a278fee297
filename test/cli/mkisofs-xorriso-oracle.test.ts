/**
 * xorriso as the oracle for the El Torito part of the grammar: every vector (grub-mkrescue, live-build,
 * archiso, the boot harness's reference commands, the order quirks) is run through the real
 * `xorriso -as mkisofs` on a small payload, and the boot catalog xorriso wrote (`-report_el_torito plain`)
 * must match the entries isokit's parser derived: platform, bootable, emulation, load size, image path,
 * boot-info-table / grub2-boot-info, catalog path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseMkisofsArgs, type MkisofsRequest } from '../../src/cli/mkisofs/index.js';
import { needTools, sh, tmpDir } from '../helpers/index.js';
import { ARCHISO_GPT, ARCHISO_HYBRID, GRUB_MKRESCUE, LIVE_BUILD_GRUB_PC, LIVE_BUILD_SYSLINUX, QUIRKS, REFERENCE, type Vector, type VectorPaths } from './mkisofs-vectors.js';

const SIZES: Record<string, number> = {
  'isolinux/isolinux.bin': 38912, 'boot/grub/bios.img': 5000, 'images/efiboot.img': 1 << 20, 'boot/grub/i386-pc/eltorito.img': 6000,
  'efi.img': 512 << 10, 'boot/grub/grub_eltorito': 7000, 'boot/grub/efi.img': 256 << 10, 'syslinux/isolinux.bin': 40960,
  'System/Library/CoreServices/.disk_label': 100, 'System/Library/CoreServices/boot.efi': 3000, 'EFI/BOOT/BOOTX64.EFI': 4000, 'readme.txt': 10,
};

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    b[i] = x & 0xff;
  }
  return b;
}

function payload(dir: string): VectorPaths {
  const P = path.join(dir, 'iso');
  const work = path.join(dir, 'work');
  mkdirSync(work, { recursive: true });
  let seed = 1;
  for (const [rel, n] of Object.entries(SIZES)) {
    mkdirSync(path.dirname(path.join(P, rel)), { recursive: true });
    writeFileSync(path.join(P, rel), bytes(n, seed++));
  }
  writeFileSync(path.join(work, 'efiboot.img'), new Uint8Array(1 << 20));
  const template = (system: string, name: string) => {
    const p = path.join(work, name);
    if (existsSync(system)) copyFileSync(system, p);
    else writeFileSync(p, bytes(512, seed++));
    return p;
  };
  const isohdpfx = template('/usr/lib/ISOLINUX/isohdpfx.bin', 'isohdpfx.bin');
  copyFileSync(isohdpfx, path.join(P, 'syslinux/isohdpfx.bin'));
  return { P, work, out: path.join(dir, 'out.iso'), isohdpfx, grubMbr: template('/usr/lib/grub/i386-pc/boot_hybrid.img', 'boot_hybrid.img') };
}

interface Reported { platform: string; bootable: boolean; emulation: string; loadSize: number; path?: string; opts: string[] }

function report(iso: string): { catalog?: string; entries: Reported[] } {
  const text = sh('xorriso', ['-indev', iso, '-report_el_torito', 'plain'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const entries: Reported[] = [];
  let catalog: string | undefined;
  for (const line of text.split('\n')) {
    let m = /^El Torito cat path : (.*)$/.exec(line);
    if (m) catalog = m[1];
    m = /^El Torito boot img :\s+(\d+)\s+(\S+)\s+([yn])\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)/.exec(line);
    if (m) entries[Number(m[1]) - 1] = { platform: m[2] as string, bootable: m[3] === 'y', emulation: m[4] as string, loadSize: Number(m[7]), opts: [] };
    m = /^El Torito img path :\s+(\d+)\s+(.*)$/.exec(line);
    if (m) (entries[Number(m[1]) - 1] as Reported).path = m[2];
    m = /^El Torito img opts :\s+(\d+)\s+(.*)$/.exec(line);
    if (m) (entries[Number(m[1]) - 1] as Reported).opts = (m[2] as string).split(/\s+/).filter((o) => o === 'boot-info-table' || o === 'grub2-boot-info');
  }
  return { ...(catalog ? { catalog } : {}), entries };
}

/** What xorriso's report should say for isokit's parsed entries. */
function expected(req: MkisofsRequest, p: VectorPaths): { catalog?: string; entries: Reported[] } {
  const sizeOf = (e: NonNullable<MkisofsRequest['boot']>['entries'][number]) => {
    if (e.image.kind === 'file') return statSync(path.join(p.P, e.image.path)).size;
    const part = req.boot?.systemArea.appendedPartitions.find((a) => e.image.kind === 'appended-partition' && a.number === e.image.partition);
    return statSync(part?.source.path as string).size;
  };
  const entries = (req.boot?.entries ?? []).map((e) => ({
    platform: e.platform === 'bios' ? 'BIOS' : e.platform === 'efi' ? 'UEFI' : `0x${e.platformId.toString(16).padStart(2, '0')}`,
    bootable: e.bootable,
    emulation: e.emulation === 'none' ? 'none' : e.emulation,
    loadSize: e.loadSize === 'full' ? Math.ceil(sizeOf(e) / 2048) * 4 : (e.loadSize as number),
    ...(e.image.kind === 'file' ? { path: e.image.path } : {}),
    opts: [...(e.bootInfoTable ? ['boot-info-table'] : []), ...(e.grub2BootInfo ? ['grub2-boot-info'] : [])],
  }));
  return { ...(req.boot?.catalog ? { catalog: req.boot.catalog.path } : {}), entries };
}

const VECTORS: Vector[] = [GRUB_MKRESCUE, LIVE_BUILD_SYSLINUX, LIVE_BUILD_GRUB_PC, ARCHISO_HYBRID, ARCHISO_GPT, ...REFERENCE, ...QUIRKS];

test('El Torito entries parsed by isokit = the catalog xorriso writes for the same arguments', (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('mkisofs-oracle');
  try {
    const p = payload(dir);
    for (const v of VECTORS) {
      const argv = v.argv(p);
      const inv = parseMkisofsArgs(argv, { personality: 'xorriso' });
      assert.equal(inv.action, 'build');
      const req = (inv as { request: MkisofsRequest }).request;
      sh('xorriso', ['-report_about', 'SORRY', '-as', 'mkisofs', ...argv], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      assert.deepEqual(report(p.out), expected(req, p), v.name);
    }
  } finally {
    cleanup();
  }
});
