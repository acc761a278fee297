/**
 * Reference bootable images for the boot-format tests, built once per machine with xorriso / isohybrid from the
 * boot harness payload (../shared/boot/make-payload.sh) using the layouts of ../shared/boot/README.md, plus a
 * parser for `xorriso -report_el_torito plain -report_system_area plain`.
 */
import { existsSync, mkdirSync, renameSync, rmSync, copyFileSync, readFileSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { BOOT, IN_CI, ROOT, hasTool, sh } from '../helpers/index.js';

export const ISOHDPFX = '/usr/lib/ISOLINUX/isohdpfx.bin';
export const GRUB_HYBRID_MBR = '/usr/lib/grub/i386-pc/boot_hybrid.img';
export const GRUB_RESCUE = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';

export type Layout = 'a' | 'b1' | 'b2' | 'c' | 'd' | 'e1' | 'e2' | 'e3' | 'u' | 'apm';
export const LAYOUTS: readonly Layout[] = ['a', 'b1', 'b2', 'c', 'd', 'e1', 'e2', 'e3', 'u', 'apm'];

const VERSION = 'v1';
const ENV = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };

/** Tools the fixtures need; tests call needTools(t, ...FIXTURE_TOOLS). */
export const FIXTURE_TOOLS = ['xorriso', 'isohybrid', 'grub-mkimage', 'mkfs.fat', 'mcopy'] as const;

function xorriso(args: string[], cwd: string): void {
  sh('xorriso', ['-as', 'mkisofs', ...args], { cwd, env: ENV });
}

function build(dir: string): void {
  const P = path.join(dir, 'payload');
  sh(path.join(BOOT, 'make-payload.sh'), [P], { env: ENV });
  const bios = ['-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table'];
  const efiImg = path.join(P, 'images/efiboot.img');
  xorriso(['-R', '-J', '-V', 'ISOKIT_A', '-o', 'a.iso', ...bios, P], dir);
  copyFileSync(path.join(dir, 'a.iso'), path.join(dir, 'b1.iso'));
  sh('isohybrid', [path.join(dir, 'b1.iso')]);
  xorriso(['-R', '-J', '-V', 'ISOKIT_B2', '-o', 'b2.iso', '-isohybrid-mbr', ISOHDPFX, ...bios, P], dir);
  xorriso(['-R', '-J', '-V', 'ISOKIT_C', '-o', 'c.iso', '-b', 'boot/grub/bios.img', '-c', 'boot.catalog', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', P], dir);
  xorriso(['-R', '-J', '-V', 'ISOKIT_D', '-o', 'd.iso', '-e', 'images/efiboot.img', '-c', 'boot.catalog', '-no-emul-boot', P], dir);
  xorriso(['-R', '-J', '-V', 'ISOKIT_E1', '-o', 'e1.iso', '-isohybrid-mbr', ISOHDPFX, ...bios, '-eltorito-alt-boot',
    '-e', '--interval:appended_partition_2:all::', '-no-emul-boot', '-append_partition', '2', '0xef', efiImg, '-isohybrid-gpt-basdat', P], dir);
  xorriso(['-R', '-J', '-V', 'ISOKIT_E2', '-o', 'e2.iso', '--grub2-mbr', GRUB_HYBRID_MBR, '-partition_offset', '16', '--mbr-force-bootable',
    '-append_partition', '2', '0xef', efiImg, '-appended_part_as_gpt', '-c', 'boot.catalog',
    '-b', 'boot/grub/bios.img', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', '--grub2-boot-info',
    '-eltorito-alt-boot', '-e', '--interval:appended_partition_2:all::', '-no-emul-boot', P], dir);
  xorriso(['-R', '-J', '-V', 'ISOKIT_E3', '-o', 'e3.iso', '-isohybrid-mbr', ISOHDPFX, ...bios, '-eltorito-alt-boot',
    '-e', 'images/efiboot.img', '-no-emul-boot', '-isohybrid-gpt-basdat', P], dir);
  // syslinux isohybrid --uefi: its own MBR + GPT code (not libisofs)
  xorriso(['-R', '-J', '-V', 'ISOKIT_U', '-o', 'u.iso', ...bios, '-eltorito-alt-boot', '-e', 'images/efiboot.img', '-no-emul-boot', P], dir);
  sh('isohybrid', ['-u', path.join(dir, 'u.iso')]);
  // Apple Partition Map (xorriso -hfsplus)
  xorriso(['-R', '-V', 'ISOKIT_APM', '-o', 'apm.iso', '-hfsplus', path.join(P, 'isolinux')], dir);
}

let cached: string | undefined;

/** Build (once per machine and fixture version) and return the folder holding `<layout>.iso`. */
export function bootFixtureDir(): string {
  if (cached) return cached;
  const root = path.join(process.env.ISOKIT_TEST_TMP ?? path.join(ROOT, '.test-tmp'));
  const final = path.join(root, `boot-fixtures-${VERSION}`);
  if (!LAYOUTS.every((l) => existsSync(path.join(final, `${l}.iso`)))) {
    mkdirSync(root, { recursive: true });
    const tmp = mkdtempSync(path.join(root, 'boot-fixtures-build-'));
    try {
      build(tmp);
      // keep payload/images/efiboot.img for length checks; drop the rest of the payload
      copyFileSync(path.join(tmp, 'payload/images/efiboot.img'), path.join(tmp, 'efiboot.img'));
      rmSync(path.join(tmp, 'payload'), { recursive: true, force: true });
      try {
        renameSync(tmp, final);
      } catch {
        // another test process won the race; its images are equivalent
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return (cached = final);
}

export const fixture = (layout: Layout): string => path.join(bootFixtureDir(), `${layout}.iso`);
export const readFixture = (file: string): Uint8Array => new Uint8Array(readFileSync(file));
/** Whether Debian's grub-rescue-cdrom.iso is there (tests add it to their list); missing under CI=true: a failure. */
export const haveGrubRescue = (): boolean => {
  if (existsSync(GRUB_RESCUE)) return true;
  if (IN_CI) throw new Error(`${GRUB_RESCUE} missing under CI (package grub-rescue-pc)`);
  return false;
};
export const haveTemplates = (): boolean => existsSync(ISOHDPFX) && existsSync(GRUB_HYBRID_MBR) && hasTool('xorriso');

// ---------------------------------------------------------------------------------------------------------------
// xorriso -report_el_torito plain -report_system_area plain

export interface XorrisoBootImage {
  n: number; platform: string; bootable: boolean; emul: string; ldSeg: number; hdpt: number; ldsiz: number; lba: number;
  path?: string; opts: string[]; blks?: number;
}
export interface XorrisoReport {
  catalogLba?: number;
  catalogPath?: string;
  images: XorrisoBootImage[];
  mbr: { n: number; status: number; type: number; start: number; blocks: number }[];
  gpt?: {
    diskGuidHex: string; entryCount: number; firstUsable: number; lastUsable: number; backupLba: number;
    parts: { n: number; nameHex: string; guidHex: string; typeHex: string; flags: string; start: number; size: number }[];
  };
  apm: { n: number; name: string; type: string; start: number; size: number }[];
  summary?: string;
}

export function xorrisoReport(image: string): XorrisoReport {
  const out = sh('xorriso', ['-indev', image, '-report_el_torito', 'plain', '-report_system_area', 'plain'], { env: ENV });
  const r: XorrisoReport = { images: [], mbr: [], apm: [] };
  const img = (n: number) => r.images.find((i) => i.n === n) as XorrisoBootImage;
  const gptPart = (n: number) => {
    const g = r.gpt as NonNullable<XorrisoReport['gpt']>;
    let p = g.parts.find((x) => x.n === n);
    if (!p) g.parts.push((p = { n, nameHex: '', guidHex: '', typeHex: '', flags: '', start: -1, size: -1 }));
    return p;
  };
  const apmPart = (n: number) => {
    let p = r.apm.find((x) => x.n === n);
    if (!p) r.apm.push((p = { n, name: '', type: '', start: -1, size: -1 }));
    return p;
  };
  for (const line of out.split('\n')) {
    const m = /^(.+?)\s*:\s?(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1] as string;
    const f = (m[2] as string).trim().split(/\s+/);
    const num = (i: number) => Number(f[i]);
    switch (key) {
      case 'El Torito catalog': r.catalogLba = num(0); break;
      case 'El Torito cat path': r.catalogPath = f[0] as string; break;
      case 'El Torito boot img':
        r.images.push({ n: num(0), platform: f[1] as string, bootable: f[2] === 'y', emul: f[3] as string, ldSeg: parseInt(f[4] as string, 16), hdpt: parseInt(f[5] as string, 16), ldsiz: num(6), lba: num(7), opts: [] });
        break;
      case 'El Torito img path': img(num(0)).path = f[1] as string; break;
      case 'El Torito img opts': img(num(0)).opts = f.slice(1); break;
      case 'El Torito img blks': img(num(0)).blks = num(1); break;
      case 'System area summary': r.summary = f.join(' '); break;
      case 'MBR partition': r.mbr.push({ n: num(0), status: parseInt(f[1] as string, 16), type: parseInt(f[2] as string, 16), start: num(3), blocks: num(4) }); break;
      case 'GPT disk GUID': r.gpt = { diskGuidHex: f[0] as string, entryCount: 0, firstUsable: 0, lastUsable: 0, backupLba: 0, parts: [] }; break;
      case 'GPT entry array': if (r.gpt) r.gpt.entryCount = num(1); break;
      case 'GPT lba range': if (r.gpt) [r.gpt.firstUsable, r.gpt.lastUsable, r.gpt.backupLba] = [num(0), num(1), num(2)]; break;
      case 'GPT partition name': gptPart(num(0)).nameHex = f[1] ?? ''; break;
      case 'GPT partition GUID': gptPart(num(0)).guidHex = f[1] as string; break;
      case 'GPT type GUID': gptPart(num(0)).typeHex = f[1] as string; break;
      case 'GPT partition flags': gptPart(num(0)).flags = f[1] as string; break;
      case 'GPT start and size': Object.assign(gptPart(num(0)), { start: num(1), size: num(2) }); break;
      case 'APM partition name': apmPart(num(0)).name = f.slice(1).join(' '); break;
      case 'APM partition type': apmPart(num(0)).type = f.slice(1).join(' '); break;
      case 'APM start and size': Object.assign(apmPart(num(0)), { start: num(1), size: num(2) }); break;
      default: break;
    }
  }
  return r;
}

/** Lower-case hex of bytes as xorriso prints GUIDs and names (stored byte order). */
export const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
