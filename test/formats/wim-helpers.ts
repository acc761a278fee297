/** Shared by the WIM tests: the recipe's WIM set, writing split parts to files, wimlib-imagex wrappers. */
import { closeSync, mkdirSync, openSync, readFileSync, writeSync, ftruncateSync, readdirSync, statSync } from 'node:fs';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createJsHasher, wim } from '../../src/index.js';
import { openFileSource } from '../../src/node/index.js';
import { sh } from '../helpers/index.js';
import { RECIPES } from '../helpers/fixtures.js';

export const MiB = 2 ** 20;
export const KiB = 1024;
export const sha1 = (): wim.Sha1Hasher => createJsHasher('sha1');

/** Build the recipe's WIM set (test/fixtures/recipes/wim-set.sh) into `dir`. */
export function buildWimSet(dir: string): void {
  sh('sh', [path.join(RECIPES, 'wim-set.sh'), dir]);
}

/** Write each part's stream to `dir/part.name`; with `sparse`, all-zero chunks become holes. */
export async function writeParts(plan: wim.WimSplitPlan, dir: string, opts: { sparse?: boolean; chunkSize?: number } = {}): Promise<string[]> {
  const files: string[] = [];
  const zero = new Uint8Array(opts.chunkSize ?? wim.WIM_SPLIT_CHUNK_BYTE_LENGTH);
  for (const part of plan.parts) {
    const file = path.join(dir, part.name);
    const fd = openSync(file, 'w');
    try {
      let at = 0;
      for await (const chunk of part.content.stream(opts.chunkSize ? { chunkSize: opts.chunkSize } : {})) {
        const isHole = opts.sparse && chunk.length <= zero.length && Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).equals(zero.subarray(0, chunk.length));
        if (!isHole) {
          for (let o = 0; o < chunk.length;) o += writeSync(fd, chunk, o, chunk.length - o, at + o);
        }
        at += chunk.length;
      }
      ftruncateSync(fd, at);
    } finally {
      closeSync(fd);
    }
    files.push(file);
  }
  return files;
}

/** Plan a split of the WIM file at `file` (the source is closed after the parts are written). */
export async function splitFile(file: string, outDir: string, opts: Omit<wim.WimSplitOptions, 'createSha1'> & { sparse?: boolean; chunkSize?: number }): Promise<{ plan: wim.WimSplitPlan; files: string[] }> {
  const src = await openFileSource(file);
  try {
    const plan = await wim.planWimSplit(src, { ...opts, createSha1: sha1 });
    return { plan, files: await writeParts(plan, outDir, opts) };
  } finally {
    await src.close?.();
  }
}

/** Run wimlib-imagex; returns stdout (throws with stderr on failure). */
export const wimlib = (...args: string[]): string => sh('wimlib-imagex', args);

/** Run wimlib-imagex expecting failure; returns its exit status and stderr. */
export function wimlibFails(...args: string[]): { status: number; stderr: string } {
  const r = spawnSync('wimlib-imagex', args, { encoding: 'utf8' });
  return { status: r.status ?? -1, stderr: r.stderr };
}

/** `--ref` glob for a part set `dir/base*.swm`. */
export const refGlob = (dir: string, base = 'install'): string => `--ref=${path.join(dir, base)}*.swm`;

/** The GUID stored in a WIM or part file. */
export const guidOf = (file: string): Uint8Array => new Uint8Array(readFileSync(file).subarray(24, 40));

/** Sorted .swm files of a folder. */
export const swmFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.swm')).sort();

const FAT32_MAX_FILE = 2 ** 32 - 1;
/** Files in the big WIMs (each ~1 GiB, sparse). */
export const BIG_FILES = 5;

/** Split `source` with the default part size; check sizes, dir and verify; report speed and memory. */
export async function splitBigAndCheck(t: { diagnostic: (s: string) => void }, source: string, dir: string): Promise<void> {
  const out = path.join(dir, 'parts');
  mkdirSync(out);
  const listing = wimlib('dir', source, '1');
  const rss0 = process.resourceUsage().maxRSS;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { plan, files } = await splitFile(source, out, { partByteLength: wim.WIM_SPLIT_DEFAULT_PART_BYTE_LENGTH, sparse: true });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const size = statSync(source).size;
  assert.ok(size > 4 * 2 ** 30, `the source is over 4 GiB (${size} bytes)`);
  assert.ok(plan.totalParts >= 2, `${plan.totalParts} parts`);
  files.forEach((f, i) => {
    const bytes = statSync(f).size;
    assert.equal(bytes, plan.parts[i]?.byteLength);
    assert.ok(bytes <= wim.WIM_SPLIT_DEFAULT_PART_BYTE_LENGTH && bytes <= FAT32_MAX_FILE, `${path.basename(f)}: ${bytes} bytes fits FAT32`);
  });
  assert.equal(wimlib('dir', path.join(out, 'install.swm'), '1', refGlob(out)), listing, 'wimlib-imagex dir lists the same');
  wimlib('verify', path.join(out, 'install.swm'), refGlob(out));
  const rssMiB = (process.resourceUsage().maxRSS - rss0) / 1024;
  t.diagnostic(`split ${(size / MiB).toFixed(0)} MiB into ${plan.totalParts} parts in ${seconds.toFixed(1)} s (${cpuSeconds.toFixed(1)} s CPU): ${(size / MiB / seconds).toFixed(0)} MiB/s wall, ${(size / MiB / cpuSeconds).toFixed(0)} MiB per CPU second (sparse source and parts); peak RSS grew ${rssMiB.toFixed(0)} MiB`);
}

