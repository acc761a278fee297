/**
 * From a parsed mkisofs request to an image: the writer's BuildOptions (src/build/options.ts), the file
 * system scan options (src/node/fs-tree.ts), the tree adjustments mkisofs makes (-r, -uid, modes,
 * --sort-weight), then planImage → emitImage into an atomically renamed file (or standard output).
 *
 * What the writer cannot do yet is refused with an UNSUPPORTED error naming the options: boot records,
 * system area and appended partitions (the El Torito / MBR / GPT writer is being built), hiding files
 * from one tree (-hide), and the copyright/abstract/bibliographic file ids. Nothing is faked.
 */
import * as path from 'node:path';
import { emitImage, planImage, type BuildOptions, type ImageLayout } from '../../build/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { ProgressMeter, throwIfAborted, type ByteSink, type ProgressCallback } from '../../io/index.js';
import { AtomicFileSink, partialName } from '../../node/atomic-file.js';
import { checkFreeSpace } from '../../node/create.js';
import { treeFromFileSystem, type FsTreeOptions, type GraftSource } from '../../node/fs-tree.js';
import { adjustTree } from './tree-adjust.js';
import type { MkisofsRequest } from './types.js';

/** xorriso and genisoimage pad 150 blocks (300 KiB). */
const PADDING_BLOCKS = 150;

/** Refuse what isokit's writer cannot produce yet, naming the options. */
export function checkSupported(req: MkisofsRequest): void {
  if (req.boot) {
    const opts = [...new Set(req.boot.options)].join(' ');
    throw new IsoKitError(
      ErrorCode.UNSUPPORTED,
      `boot options are not supported by isokit's image writer yet (El Torito, hybrid MBR/GPT and appended partitions are being added): ${opts}`,
      { data: { options: req.boot.options } },
    );
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

class StreamSink implements ByteSink {
  constructor(private readonly out: NodeJS.WritableStream) {}
  write(chunk: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.write(chunk, (e) => (e ? reject(new IsoKitError(ErrorCode.IO, `writing to standard output: ${e.message}`, { cause: e })) : resolve()));
    });
  }
  async close(): Promise<void> {}
  async abort(): Promise<void> {}
}

function buildDate(req: MkisofsRequest, o: MkisofsRunOptions): { dateMs: number; clamp: boolean } {
  const sde = o.env?.SOURCE_DATE_EPOCH;
  if (sde !== undefined && sde !== '') {
    if (!/^\d+$/.test(sde.trim())) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `SOURCE_DATE_EPOCH must be seconds since 1970, got "${sde}"`);
    return { dateMs: Number(sde) * 1000, clamp: true };
  }
  return { dateMs: req.modificationDateMs ?? o.nowMs ?? Date.now(), clamp: false };
}

async function writeLayout(layout: ImageLayout, output: string, o: MkisofsRunOptions): Promise<void> {
  const toStdout = output === '-';
  if (!toStdout) checkFreeSpace(output, layout.byteLength);
  const sink: ByteSink & { writeSync?: (c: Uint8Array) => void } = toStdout ? new StreamSink(o.stdout ?? process.stdout) : new AtomicFileSink(output);
  const meter = new ProgressMeter('writing', layout.byteLength);
  try {
    let lastYield = Date.now();
    const emit = emitImage(layout, {
      reuseBuffers: true,
      chunkByteLength: 4 << 20,
      ...(o.signal ? { signal: o.signal } : {}),
      onFileChanged: (c) => o.onWarning?.(`${c.path} changed while the image was written (${c.reason}); stored as ${c.plannedByteLength} bytes`),
      onProgress: (p) => o.onProgress?.(meter.update(p.bytes, { files: p.files ?? 0, totalFiles: p.totalFiles ?? 0 })),
    });
    for await (const chunk of emit) {
      if (sink.writeSync) sink.writeSync(chunk);
      else await sink.write(chunk);
      if (Date.now() - lastYield > 100) {
        await new Promise((r) => setImmediate(r));
        lastYield = Date.now();
        throwIfAborted(o.signal);
      }
    }
    throwIfAborted(o.signal);
    await sink.close();
  } catch (e) {
    await sink.abort(e);
    throw e;
  }
}

/** Build the image a mkisofs request describes. */
export async function runMkisofsRequest(req: MkisofsRequest, o: MkisofsRunOptions = {}): Promise<MkisofsRunReport> {
  const t0 = performance.now();
  checkSupported(req);
  const warn = (m: string) => o.onWarning?.(m);
  const cwd = o.cwd ?? process.cwd();
  const output = req.output === '-' ? '-' : path.resolve(cwd, req.output);
  const fsOpts: FsTreeOptions = {
    exclude: toFsExcludes(req, cwd, warn),
    followSymlinks: req.followLinks,
    hidden: true,
    skipPaths: output === '-' ? [] : [output, partialName(output)],
    onWarning: warn,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  };
  const sources: GraftSource[] = req.sources.map((g) => ({ path: path.resolve(cwd, g.source), ...(g.dest !== undefined ? { dest: g.dest } : {}) }));
  const tree = await treeFromFileSystem(sources, fsOpts);
  throwIfAborted(o.signal);
  for (const w of adjustTree(tree, req)) warn(w);
  const { dateMs, clamp } = buildDate(req, o);
  const layout = planImage(tree, toBuildOptions(req, dateMs, clamp));
  const report: MkisofsRunReport = {
    output, byteLength: layout.byteLength, blockCount: layout.blockCount, sizeOnly: req.printSize,
    files: layout.stats.files, directories: layout.stats.directories, seconds: 0,
  };
  if (!req.printSize) await writeLayout(layout, output, o);
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}
