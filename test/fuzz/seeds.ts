/**
 * Seed images for the fuzz harness: the reference recipes (test/fixtures/recipes, built by xorriso and
 * genisoimage) plus images made for one reader: a hybrid isokit image (El Torito BIOS + EFI, isohybrid MBR,
 * GPT, an appended ESP; library-built, no tool needed), an image with an implanted isomd5sum and one with
 * xorriso's MD5 tags. Built once per process into a temporary folder (`seedImage` returns the path).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createImageFile } from '../../src/node/create.js';
import { implantIsoMd5File } from '../../src/node/verify-file.js';
import { fixtureImage, FIXTURES, FIXTURE_DIR, type FixtureName } from '../helpers/fixtures.js';
import { sh } from '../helpers/index.js';

/** Seeds made here, beside the recipes (value: what it holds, and the tools it needs). */
const BUILT = {
  'isokit-hybrid': { what: 'isokit: El Torito BIOS + EFI, isohybrid MBR + GPT, appended ESP', tools: [] as string[] },
  isomd5: { what: 'xorriso-rr with an implanted isomd5sum', tools: ['xorriso'] },
  'md5-tags': { what: 'xorriso --md5: superblock, tree and session tags, file MD5s', tools: ['xorriso'] },
} as const;
export type SeedName = FixtureName | keyof typeof BUILT;

/** Tools the recipes use. */
export const RECIPE_TOOLS = ['xorriso', 'genisoimage'];

/** External tools a seed needs (the harness skips or fails, as tests do, when they are missing). */
export function seedTools(name: SeedName): readonly string[] {
  if (name in BUILT) return BUILT[name as keyof typeof BUILT].tools;
  return name === 'grub-rescue' ? [] : RECIPE_TOOLS;
}

export const isSeedName = (s: string): s is SeedName => s in BUILT || s in FIXTURES || s === 'grub-rescue';

let workDir: string | undefined;
const built = new Map<SeedName, Promise<string>>();

function work(): string {
  if (!workDir) {
    mkdirSync(FIXTURE_DIR, { recursive: true });
    const dir = mkdtempSync(path.join(FIXTURE_DIR, '.fuzz-seeds-'));
    workDir = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return workDir;
}

async function hybrid(out: string): Promise<void> {
  const src = path.join(work(), 'hybrid-src');
  mkdirSync(path.join(src, 'boot'), { recursive: true });
  mkdirSync(path.join(src, 'docs'), { recursive: true });
  writeFileSync(path.join(src, 'boot', 'bios.img'), new Uint8Array(4096).fill(0x90));
  writeFileSync(path.join(src, 'boot', 'efi.img'), new Uint8Array(64 * 1024));
  writeFileSync(path.join(src, 'docs', 'readme.txt'), 'hybrid seed\n');
  const esp = new Uint8Array(128 * 1024);
  esp.set([0xeb, 0x3c, 0x90], 0);
  await createImageFile({
    sources: [{ path: src }],
    output: out,
    dateMs: Date.UTC(2024, 0, 1),
    clampTimes: true,
    bootSpec: {
      entries: [
        { platform: 'bios', image: { kind: 'file', path: '/boot/bios.img' }, bootInfoTable: true, isohybridGpt: 'basdat' },
        { platform: 'efi', image: { kind: 'file', path: '/boot/efi.img' } },
      ],
      systemArea: { kind: 'isohybrid', template: new Uint8Array(432).fill(0xfa), gpt: true, appendedPartitions: [{ number: 2, mbrType: 0xef, content: esp }] },
    },
  });
}

async function build(name: SeedName): Promise<string> {
  if (!(name in BUILT)) return fixtureImage(name as FixtureName);
  const out = path.join(work(), `${name}.iso`);
  if (name === 'isokit-hybrid') await hybrid(out);
  else if (name === 'isomd5') {
    copyFileSync(await fixtureImage('xorriso-rr'), out);
    await implantIsoMd5File(out);
  } else {
    const src = path.join(work(), 'md5-src');
    mkdirSync(path.join(src, 'sub'), { recursive: true });
    writeFileSync(path.join(src, 'a.txt'), 'hello\n');
    writeFileSync(path.join(src, 'sub', 'b.bin'), new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff));
    sh('xorriso', ['-report_about', 'SORRY', '-as', 'mkisofs', '--md5', '-R', '-J', '-o', out, src], { env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } });
  }
  return out;
}

/** Path of seed image `name`, built on first use. */
export function seedImage(name: SeedName): Promise<string> {
  let p = built.get(name);
  if (!p) {
    p = build(name);
    built.set(name, p);
  }
  return p;
}
