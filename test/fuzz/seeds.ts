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
import { fixtureImage, FIXTURES, FIXTURE_DIR, RECIPES, recipeImage, type FixtureName } from '../helpers/fixtures.js';
import { sh } from '../helpers/index.js';
import { buildUdf, type BuildOptions, type UFile } from '../helpers/udf-builder.js';

/** Seeds made here, beside the recipes (value: what it holds, and the tools it needs). */
const BUILT = {
  'isokit-hybrid': { what: 'isokit: El Torito BIOS + EFI, isohybrid MBR + GPT, appended ESP', tools: [] as string[] },
  isomd5: { what: 'xorriso-rr with an implanted isomd5sum', tools: ['xorriso'] },
  'md5-tags': { what: 'xorriso --md5: superblock, tree and session tags, file MD5s', tools: ['xorriso'] },
  // UDF: built with the reader's serializers (no tool), and by genisoimage -udf / mkudffs
  'udf-type1': { what: 'UDF 1.02 type 1 partition: AED chain, embedded data, holes, symlink, hard link, device', tools: [] as string[] },
  'udf-efe-512': { what: 'UDF 2.01 Extended File Entries, 512-byte blocks', tools: [] as string[] },
  'udf-metadata': { what: 'UDF 2.50 metadata partition with its mirror', tools: [] as string[] },
  'udf-vat': { what: 'UDF 2.01 virtual partition (VAT), write-once', tools: [] as string[] },
  'udf-sparable': { what: 'UDF 2.01 sparable partition with a moved packet', tools: [] as string[] },
  'udf-bridge': { what: 'genisoimage -udf -R -J bridge (recipe udf-genisoimage)', tools: ['genisoimage'] },
  'udf-mkudffs-cdr': { what: 'mkudffs --media-type=cdr (VAT)', tools: ['mkudffs'] },
} as const;

const UDF_BUILT: Partial<Record<keyof typeof BUILT, BuildOptions>> = {
  'udf-type1': {},
  'udf-efe-512': { revision: 0x0201, blockSize: 512 },
  'udf-metadata': { revision: 0x0250, partition: 'metadata' },
  'udf-vat': { revision: 0x0201, partition: 'virtual', tailAnchors: [] },
  'udf-sparable': { revision: 0x0201, partition: 'sparable', sparedPackets: [0] },
};
/** The UDF seeds (their mutants come from the UDF mutator, udf-mutate.ts). */
export const UDF_SEEDS: readonly SeedName[] = [...(Object.keys(UDF_BUILT) as SeedName[]), 'udf-bridge', 'udf-mkudffs-cdr'];

const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * seed + 3) & 255);
/** The tree of the built UDF seeds: every way a file's data can be recorded, links, a device. */
function udfTree(): UFile {
  const shared: UFile = { name: 'shared', data: pattern(3000, 3) };
  return {
    name: '', children: [
      { name: 'a.txt', data: pattern(100, 1) },
      { name: 'chain.bin', data: pattern(24 * 2048, 5), extentBytes: 2048, adsPerExtent: 4 },
      { name: 'inline', data: pattern(40, 7), embedded: true },
      { name: 'holes', data: pattern(8 * 2048, 9), holes: [[2, 3]] },
      { name: 'd', children: [{ name: 'x', data: pattern(10, 2) }, shared, { name: 'l', kind: 'symlink', target: '../a.txt' }, { name: 'h', linkTo: shared }, { name: 'e', embedded: true, children: [{ name: 'y', data: pattern(5, 4) }] }] },
      { name: 'dev', kind: 'chardev', device: { major: 1, minor: 5 } },
    ],
  };
}
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
  const udf = UDF_BUILT[name as keyof typeof BUILT];
  if (udf) writeFileSync(out, buildUdf(udfTree(), udf).bytes);
  else if (name === 'udf-bridge') return recipeImage('udf-genisoimage');
  else if (name === 'udf-mkudffs-cdr') sh('sh', [path.join(RECIPES, 'udf-mkudffs.sh'), out], { env: { ...process.env, MEDIA: 'cdr', BLOCKS: '2000' } });
  else if (name === 'isokit-hybrid') await hybrid(out);
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
