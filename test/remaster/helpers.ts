/**
 * Remaster test helpers: reference hybrid layouts built by xorriso from the boot payload (README of
 * ../shared/boot, layouts b2, e1, e2, e3), the grub-rescue image Debian installs, a location-free comparison
 * of xorriso's boot reports, and a comparison of what xorriso extracts from the original and the remaster.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { remasterImageFile, type RemasterFileReport } from '../../src/node/remaster.js';
import { diffSnapshots, snapshotDir, xorrisoExtract } from '../helpers/xorriso-compare.js';
import { DATE_MS, GRUB_HYBRID, ISOHDPFX, buildWithXorriso, maskedReport } from '../boot/helpers.js';

export const GRUB_RESCUE = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';

export type LayoutName = 'b2' | 'e1' | 'e2' | 'e3';

/** The xorriso command lines of ../shared/boot/README.md for layouts b2, e1, e2, e3 (payload dir `all`). */
export function buildLayout(name: LayoutName, all: string, out: string): string {
  const esp = path.join(all, 'images/efiboot.img');
  const isolinux = ['-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table'];
  const args: Record<LayoutName, string[]> = {
    b2: ['-V', 'ISOKIT_B2', '-isohybrid-mbr', ISOHDPFX, ...isolinux],
    e1: ['-V', 'ISOKIT_E1', '-isohybrid-mbr', ISOHDPFX, ...isolinux, '-eltorito-alt-boot', '-e', '--interval:appended_partition_2:all::', '-no-emul-boot',
      '-append_partition', '2', '0xef', esp, '-isohybrid-gpt-basdat'],
    e2: ['-V', 'ISOKIT_E2', '--grub2-mbr', GRUB_HYBRID, '-partition_offset', '16', '--mbr-force-bootable', '-append_partition', '2', '0xef', esp,
      '-appended_part_as_gpt', '-c', 'boot.catalog', '-b', 'boot/grub/bios.img', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table',
      '--grub2-boot-info', '-eltorito-alt-boot', '-e', '--interval:appended_partition_2:all::', '-no-emul-boot'],
    e3: ['-V', 'ISOKIT_E3', '-isohybrid-mbr', ISOHDPFX, ...isolinux, '-eltorito-alt-boot', '-e', 'images/efiboot.img', '-no-emul-boot', '-isohybrid-gpt-basdat'],
  };
  buildWithXorriso(out, [...args[name], all]);
  return out;
}

/** xorriso's El Torito + system area report with locations and GUIDs (date-seeded or random) masked. */
export function bootReport(image: string): string[] {
  return maskedReport(image).filter((l) => !/GUID\s*:/.test(l) || /type GUID/.test(l));
}

export async function remaster(input: string, output: string, add: { dest: string; path: string }[], remove: string[] = []): Promise<RemasterFileReport> {
  return remasterImageFile({ input, output, add, remove, dateMs: DATE_MS });
}

/** Bytes 8–63 (boot info table) and 2548–2555 (GRUB2 boot info) of a patched boot image are address-dependent. */
function maskBootInfo(b: Uint8Array): Uint8Array {
  const c = b.slice();
  c.fill(0, 8, 64);
  if (c.length >= 2556) c.fill(0, 2548, 2556);
  return c;
}

/**
 * Extract both images with xorriso and compare: every original file except `removed` is in the remaster with
 * the same bytes and metadata (boot images patched with new addresses compared outside the patched fields;
 * the boot catalog skipped), and `added` (path → expected bytes) is there.
 */
export function compareExtracts(orig: string, out: string, work: string, opts: { added: Record<string, string>; removed: string[]; bootImages: string[]; catalog?: string }): void {
  const a = path.join(work, 'x-orig');
  const b = path.join(work, 'x-out');
  xorriso(orig, a);
  xorriso(out, b);
  const sa = snapshotDir(a);
  const sb = snapshotDir(b);
  const skip = new Set([...opts.bootImages, ...(opts.catalog ? [opts.catalog] : [])].map((p) => p.replace(/^\//, '')));
  for (const r of opts.removed) {
    const rel = r.replace(/^\//, '');
    assert.ok(sa.has(rel), `${r} was in the original`);
    assert.ok(!sb.has(rel), `${r} was removed`);
    for (const k of [...sa.keys()]) if (k === rel || k.startsWith(rel + '/')) sa.delete(k);
  }
  for (const [p, text] of Object.entries(opts.added)) {
    const rel = p.replace(/^\//, '');
    assert.equal(readFileSync(path.join(b, rel), 'utf8'), text, `${p} added`);
    for (const k of [...sb.keys()]) if ((k === rel || rel.startsWith(k + '/')) && !sa.has(k)) sb.delete(k);
    if (sa.has(rel)) sa.delete(rel);
    sb.delete(rel);
  }
  for (const s of skip) {
    assert.deepEqual(maskBootInfo(new Uint8Array(readFileSync(path.join(b, s)))).length, readFileSync(path.join(a, s)).length, `${s} length`);
    if (!opts.catalog || s !== opts.catalog.replace(/^\//, '')) {
      assert.deepEqual(maskBootInfo(new Uint8Array(readFileSync(path.join(b, s)))), maskBootInfo(new Uint8Array(readFileSync(path.join(a, s)))), `${s} outside its boot info`);
    }
    sa.delete(s);
    sb.delete(s);
  }
  // metadata too: modes, owners, mtimes (directories included: edited directories keep the original's)
  const diff = diffSnapshots(sa, sb);
  assert.deepEqual(diff, [], diff.join('\n'));
}

function xorriso(image: string, dir: string): void {
  xorrisoExtract(image, dir);
}

export function writeText(file: string, text: string): string {
  writeFileSync(file, text);
  return file;
}
