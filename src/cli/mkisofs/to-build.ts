/**
 * From a parsed mkisofs request to an image: the writer's BuildOptions (src/create/options.ts), the file
 * system scan options (src/node/fs-tree.ts), the tree adjustments mkisofs makes (-r, -uid, modes,
 * --sort-weight), the boot plan as a BootSpec (boot-spec.ts), then createImageFile (src/node/create.ts:
 * scan, plan, emit into an atomically renamed file or standard output).
 *
 * What the writer cannot do is refused with an UNSUPPORTED error naming the options: APM appended partitions,
 * a GUID for -iso_mbr_part_type, hiding files from one tree (-hide), and the copyright/abstract/bibliographic
 * file ids. Nothing is faked.
 */
import * as path from 'node:path';
import type { BuildOptions } from '../../create/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import type { ProgressCallback } from '../../io/index.js';
import { bootSpecFromPlan } from './boot-spec.js';
import { adjustTree } from './tree-adjust.js';
import type { MkisofsRequest } from './types.js';

/** xorriso and genisoimage pad 150 blocks (300 KiB). */
const PADDING_BLOCKS = 150;

/** Refuse what isokit's writer cannot produce yet, naming the options. */
export function checkSupported(req: MkisofsRequest): void {
  const sa = req.boot?.systemArea;
  if (sa?.appendedPartAsApm) throw new IsoKitError(ErrorCode.UNSUPPORTED, '-appended_part_as_apm: appended partitions in an Apple Partition Map are not supported');
  if (sa?.isoMbrPartType && sa.isoMbrPartType !== 'default' && !sa.isoMbrPartType.startsWith('0x')) {
    throw new IsoKitError(ErrorCode.UNSUPPORTED, `-iso_mbr_part_type ${sa.isoMbrPartType}: a GPT type GUID for the ISO partition is not supported (give an MBR type byte such as 0x83)`);
  }
  const hide = [...req.hide.iso9660.map((p) => `-hide ${p}`), ...req.hide.joliet.map((p) => `-hide-joliet ${p}`)];
  if (hide.length) throw new IsoKitError(ErrorCode.UNSUPPORTED, `hiding files from one directory tree is not supported yet: ${hide.join(', ')} (only the boot catalog can be hidden)`);
  const v = req.volume;
  const ids = [v.copyrightFile !== undefined && '-copyright', v.abstractFile !== undefined && '-abstract', v.bibliographicFile !== undefined && '-biblio'].filter(Boolean);
  if (ids.length) throw new IsoKitError(ErrorCode.UNSUPPORTED, `${ids.join(', ')}: the copyright / abstract / bibliographic file ids are not written yet`);
}

/** The writer's options for a request. `dateMs`: the build date (SOURCE_DATE_EPOCH or the clock). */
export function toBuildOptions(req: MkisofsRequest, dateMs: number, clampTimes: boolean): BuildOptions {
  const v = req.volume;
  return {
    isoLevel: req.isoLevel,
    joliet: req.joliet ? (req.jolietLong ? 'long' : true) : false,
    ...(req.jolietUtf16 ? { jolietUtf16: true } : {}),
    ...(req.udf ? { udf: '1.02' as const, ...(req.allowLimitedSize ? { isoLargeFiles: 'limited-size' as const } : {}), ...(req.udfSymlinks ? { udfSpecialFiles: true } : {}) } : {}),
    rockRidge: req.rockRidge,
    ...(req.rripVersion ? { rripVersion: req.rripVersion } : {}),
    relocateDeepDirectories: req.relocateDeepDirectories,
    ...(v.volumeId !== undefined ? { volumeId: v.volumeId } : {}),
    ...(v.volumeSetId !== undefined ? { volumeSetId: v.volumeSetId } : {}),
    ...(v.publisherId !== undefined ? { publisherId: v.publisherId } : {}),
    ...(v.dataPreparerId !== undefined ? { dataPreparerId: v.dataPreparerId } : {}),
    ...(v.applicationId !== undefined ? { applicationId: v.applicationId } : {}),
    ...(v.systemId !== undefined ? { systemId: v.systemId } : {}),
    dateMs: req.modificationDateMs ?? dateMs,
    clampTimes,
    paddingBlockCount: req.padding ? PADDING_BLOCKS : 0,
  };
}

/**
 * -m patterns: without '/' they match names anywhere (as fs-tree does); with '/' they are disk paths
 * (absolute or relative to the working directory, as xorriso resolves them), turned into paths below
 * each source directory they fall under.
 */
export function toFsExcludes(req: Pick<MkisofsRequest, 'excludes' | 'sources'>, cwd: string, warn: (m: string) => void): string[] {
  const out: string[] = [];
  for (const pat of req.excludes) {
    if (!pat.replace(/^\/+|\/+$/g, '').includes('/')) {
      out.push(pat);
      continue;
    }
    const abs = path.resolve(cwd, pat);
    let hit = false;
    for (const src of req.sources) {
      const rel = path.relative(path.resolve(cwd, src.source), abs);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) {
        out.push(rel.split(path.sep).join('/'));
        hit = true;
      }
    }
    if (!hit) warn(`-m ${pat}: not below any source; nothing excluded`);
  }
  return [...new Set(out)];
}

export interface MkisofsRunOptions {
  signal?: AbortSignal;
  /** environment (SOURCE_DATE_EPOCH) */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** where output '-' goes */
  stdout?: NodeJS.WritableStream;
  onProgress?: ProgressCallback;
  onWarning?: (message: string) => void;
  /** the clock, for tests */
  nowMs?: number;
}

export interface MkisofsRunReport {
  output: string;
  byteLength: number;
  blockCount: number;
  /** true with -print-size: nothing was written */
  sizeOnly: boolean;
  files: number;
  directories: number;
  seconds: number;
}

function buildDate(req: MkisofsRequest, o: MkisofsRunOptions): { dateMs: number; clamp: boolean } {
  const sde = o.env?.SOURCE_DATE_EPOCH;
  if (sde !== undefined && sde !== '') {
    if (!/^\d+$/.test(sde.trim())) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `SOURCE_DATE_EPOCH must be seconds since 1970, got "${sde}"`);
    return { dateMs: Number(sde) * 1000, clamp: true };
  }
  return { dateMs: req.modificationDateMs ?? o.nowMs ?? Date.now(), clamp: false };
}

/** Build the image a mkisofs request describes. */
export async function runMkisofsRequest(req: MkisofsRequest, o: MkisofsRunOptions = {}): Promise<MkisofsRunReport> {
  const t0 = performance.now();
  checkSupported(req);
  const warn = (m: string) => o.onWarning?.(m);
  const cwd = o.cwd ?? process.cwd();
  const output = req.output === '-' ? '-' : path.resolve(cwd, req.output);
  const { dateMs, clamp } = buildDate(req, o);
  const build = toBuildOptions(req, dateMs, clamp);
  const bootSpec = req.boot
    ? await bootSpecFromPlan(req.boot, { cwd, reproducible: clamp || req.modificationDateMs !== undefined })
    : undefined;
  const { createImageFile } = await import('../../node/create.js');
  const r = await createImageFile({
    ...build,
    sources: req.sources.map((g) => ({ path: path.resolve(cwd, g.source), ...(g.dest !== undefined ? { dest: g.dest } : {}) })),
    output,
    exclude: toFsExcludes(req, cwd, warn),
    followSymlinks: req.followLinks,
    hidden: true,
    onWarning: warn,
    transformTree: (tree) => {
      for (const w of adjustTree(tree, req)) warn(w);
    },
    dryRun: req.printSize,
    ...(bootSpec ? { bootSpec } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.stdout ? { stdout: o.stdout } : {}),
    onFileChanged: (c) => warn(`${c.path} changed while the image was written (${c.reason}); stored as ${c.plannedByteLength} bytes`),
  });
  return {
    output, byteLength: r.byteLength, blockCount: r.blockCount, sizeOnly: req.printSize,
    files: r.layout.stats.files, directories: r.layout.stats.directories, seconds: (performance.now() - t0) / 1000,
  };
}
