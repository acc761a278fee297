/** Shared by the WIM tests: the recipe's WIM set, writing split parts to files, wimlib-imagex wrappers. */
import { closeSync, openSync, readFileSync, writeSync, ftruncateSync, readdirSync } from 'node:fs';
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
