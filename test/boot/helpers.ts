/**
 * Boot-writer test helpers: stage the boot payload (../shared/boot/make-payload.sh), build bootable images with
 * the library or xorriso, and describe images in a location-free form to compare isokit with xorriso.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { createBootHook, type BootSpec } from '../../src/create/boot/index.js';
import { emitImage, planImage } from '../../src/create/index.js';
import { openImageFile } from '../../src/node/open-image.js';
import { treeFromFileSystem } from '../../src/node/fs-tree.js';
import { BOOT, sh } from '../helpers/index.js';

export const DATE_MS = 1_700_000_000_000;
export const ISOHDPFX = '/usr/lib/ISOLINUX/isohdpfx.bin';
export const GRUB_HYBRID = '/usr/lib/grub/i386-pc/boot_hybrid.img';

export interface Payload {
  all: string;
  isolinux: string;
  esp: string;
}

/** Stage both payload trees (all loaders; ISOLINUX only) under `dir`. */
export function stagePayload(dir: string): Payload {
  const env = { ...process.env, BOOT_NO_INSTALL: process.env.BOOT_NO_INSTALL ?? '' };
  sh(path.join(BOOT, 'make-payload.sh'), [path.join(dir, 'all')], { env });
  sh(path.join(BOOT, 'make-payload.sh'), [path.join(dir, 'isolinux'), '--bios-isolinux'], { env });
  return { all: path.join(dir, 'all'), isolinux: path.join(dir, 'isolinux'), esp: path.join(dir, 'all/images/efiboot.img') };
}

export const bootToolsPresent = (): boolean => existsSync(path.join(BOOT, 'make-payload.sh')) && existsSync(ISOHDPFX) && existsSync(GRUB_HYBRID);

/** The boot harness (../shared/boot, boot-check and its payload tools): false and a skip outside CI, an error in CI. */
export function needBootHarness(t: import('node:test').TestContext): boolean {
  if (bootToolsPresent() && existsSync(path.join(BOOT, 'boot-check'))) return true;
  if (process.env.CI === 'true') throw new Error('boot harness missing (../shared/boot)');
  t.skip('boot harness missing');
  return false;
}

/** Build `src` with the library and the given boot spec into `out`. */
export async function buildWithLibrary(src: string, out: string, spec: BootSpec, volumeId: string): Promise<void> {
  const tree = await treeFromFileSystem([{ path: src }], {});
  const hook = await createBootHook(spec, tree, { dateMs: DATE_MS, volumeId });
  const layout = planImage(tree, { dateMs: DATE_MS, volumeId, boot: hook });
  const fd = openSync(out, 'w');
  try {
    for await (const c of emitImage(layout)) writeSync(fd, c);
  } finally {
    closeSync(fd);
  }
}

export const xorrisoEnv = { ...process.env, SOURCE_DATE_EPOCH: String(DATE_MS / 1000) };

export function buildWithXorriso(out: string, args: string[]): void {
  sh('xorriso', ['-as', 'mkisofs', '-R', '-J', '-o', out, ...args], { env: xorrisoEnv });
}

export const readBytes = (p: string): Uint8Array => new Uint8Array(readFileSync(p));

/**
 * `xorriso -report_el_torito plain -report_system_area plain` with the locations masked: LBAs, sector
 * starts/sizes and image sizes become '#', path lines that only say which file happens to start somewhere go.
 */
export function maskedReport(image: string): string[] {
  const out = sh('xorriso', ['-indev', image, '-report_el_torito', 'plain', '-report_system_area', 'plain'], { env: xorrisoEnv });
  const lines: string[] = [];
  for (const raw of out.split('\n')) {
    const l = raw.trimEnd();
    if (!l || /partition path|Found hidden El-Torito|EFI image start/.test(l)) continue;
    let m: RegExpExecArray | null;
    if ((m = /^(El Torito catalog\s*:)\s*\d+\s+(\d+)$/.exec(l))) lines.push(`${m[1]} # ${m[2]}`);
    else if ((m = /^(El Torito boot img\s*:.*?)\s+\d+$/.exec(l))) lines.push(`${m[1]} #`);
    else if ((m = /^(ISO image size\/512\s*:)/.exec(l))) lines.push(`${m[1]} #`);
    else if ((m = /^(MBR partition\s*:\s+\d+\s+0x\w+\s+0x\w+)\s+(\d+)\s+(\d+)$/.exec(l))) lines.push(`${m[1]} ${Number(m[2]) <= 64 ? m[2] : '#'} #`);
    else if ((m = /^(GPT start and size\s*:\s+\d+)\s+(\d+)\s+(\d+)$/.exec(l))) lines.push(`${m[1]} ${Number(m[2]) <= 64 ? m[2] : '#'} #`);
    else if ((m = /^(GPT lba range\s*:)\s+(\d+)\s+\d+\s+\d+$/.exec(l))) lines.push(`${m[1]} ${m[2]} # #`);
    else lines.push(l.replace(/\s+/g, ' '));
  }
  return lines;
}

/** Parsed boot structures without locations (isokit's reader). */
export async function bootStructure(image: string): Promise<Record<string, unknown>> {
  const img = await openImageFile(image);
  const b = img.bootCatalog;
  const pt = img.partitions;
  const small = (n: number) => (n <= 64 ? n : '#');
  return {
    catalog: b && {
      path: b.catalogPath,
      validationPlatform: b.catalog.validation.platformId,
      sections: b.catalog.sections.map((s) => ({ header: s.headerIndicator, platform: s.platformId, entries: s.entryCount, id: s.id })),
      images: b.images.map((i) => ({
        index: i.index, platform: i.platform, bootable: i.bootable, emulation: i.emulation, loadSegment: i.entry.loadSegment,
        systemType: i.entry.systemType, sectorCount: i.entry.sectorCount, path: i.path, bootInfoTable: i.bootInfoTable?.checksumOk ?? false,
        bootInfoPvd: i.bootInfoTable?.pvdLba, bootInfoLength: i.bootInfoTable?.imageByteLength, grub2BootInfo: i.grub2BootInfo, byteLength: i.byteLength,
      })),
    },
    mbr: pt.mbr && {
      bootCode: pt.mbr.bootCodeKind,
      partitions: pt.mbr.partitions.filter((p) => !p.empty).map((p) => ({ index: p.index, status: p.status, type: p.type, start: small(p.startLba) })),
    },
    gpt: pt.gpt && {
      entries: pt.gpt.header.partitionEntryCount,
      firstUsable: pt.gpt.header.firstUsableLba,
      diskGuid: pt.gpt.header.diskGuid,
      arrayCrcOk: pt.gpt.arrayCrcOk,
      backup: pt.gpt.backup.status,
      partitions: pt.gpt.partitions.map((p) => ({ index: p.index, type: p.typeGuid, guid: p.uniqueGuid, name: p.name, attributes: p.attributes, start: small(p.firstLba) })),
    },
    kinds: pt.kinds,
  };
}
