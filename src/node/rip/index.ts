/**
 * `ripImage`: everything `isokit rip` does, as a library call — read the disc's table of contents
 * (refusing audio), size the image from its file system, rescue it ddrescue-style into a temporary file
 * with a GNU ddrescue mapfile beside the output (resumable), rename it when the passes are done, and
 * verify what the image carries (implanted isomd5sum, xorriso MD5 tags, checksum files).
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, renameSync, write as fsWrite } from 'node:fs';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { resolve } from 'node:path';
import { DdrescueBlockMap, type DdrescueMap } from '../../formats/ddrescue-map/index.js';
import type { ByteSource } from '../../io/index.js';
import type { VerifyReport } from '../../verify/index.js';
import { partialName } from '../atomic-file.js';
import { ioError } from '../errors.js';
import { verifyImageFile } from '../verify-file.js';
import { AlignedPool, alignUp } from '../write/aligned.js';
import type { XorrisoOptions } from '../optical/xorriso.js';
import { readDiscLayout, type DiscLayout } from './disc.js';
import { findExtent, type RipExtent } from './extent.js';
import { MapFile } from './map-file.js';
import { ReadFailure, openRipReader, type RipReader, type RipSourceKind } from './reader.js';
import { blockNumbers, rescue, type RipProgress } from './rescue.js';

export type { RipProgress } from './rescue.js';

export interface RipOptions extends XorrisoOptions {
  /** an optical drive, any block device, or a file */
  source: string;
  output: string;
  /** the mapfile (default OUTPUT.map) */
  map?: string;
  /** passes over bad blocks after scraping (default 3) */
  retries?: number;
  /** continue from the map of an earlier run */
  resume?: boolean;
  /** a checksum file (path or URL) for the final verification */
  sums?: string;
  /** verify what the image carries at the end (default true) */
  verify?: boolean;
  /** sector size (default 2048, the data sector of CD/DVD/BD) */
  blockSize?: number;
  /** read size of the copying pass (default 1 MiB) */
  clusterByteLength?: number;
  /** the command line, for the map's heading */
  commandLine?: string;
  signal?: AbortSignal;
  onProgress?: (p: RipProgress) => void;
  onMessage?: (level: 'info' | 'warn', text: string) => void;
}

export interface RipSummary {
  /** every block was read */
  readonly complete: boolean;
  readonly source: { path: string; kind: RipSourceKind; byteLength: number; direct: boolean };
  readonly extent: RipExtent;
  readonly output: string;
  readonly map: string;
  readonly byteLength: number;
  readonly readBytes: number;
  readonly missingBytes: number;
  /** unreadable 2048-byte blocks (zero-filled in the output) */
  readonly missingBlocks: number;
  /** the first of them (up to 100) */
  readonly firstMissingBlocks: number[];
  readonly readErrors: number;
  readonly resumed: boolean;
  /** the final check of what the image carries (complete rips only) */
  readonly verification?: Pick<VerifyReport, 'status' | 'message' | 'implanted' | 'md5Tags' | 'reference'>;
  readonly notes: string[];
  readonly warnings: string[];
  readonly durationMs: number;
}

const RIP_BLOCK = 2048;

/** A ByteSource over the rip reader (for the file-system clues), with a few retries per read. */
function readerSource(reader: RipReader): ByteSource {
  const pool = new AlignedPool(64 * 1024, 1);
  return {
    byteLength: reader.byteLength,
    name: reader.path,
    async read(byteOffset, byteLength) {
      const end = Math.min(byteOffset + byteLength, reader.byteLength);
      const out = new Uint8Array(Math.max(0, end - byteOffset));
      const align = reader.logicalBlockSize;
      for (let at = byteOffset; at < end;) {
        const start = Math.floor(at / align) * align;
        const len = Math.min(pool.chunkByteLength, alignUp(end - start, align));
        const buf = await pool.acquire();
        try {
          let n = 0;
          for (let attempt = 0; ; attempt++) {
            try {
              n = await reader.read(buf, start, len);
              break;
            } catch (e) {
              if (!(e instanceof ReadFailure) || attempt >= 2) throw e;
            }
          }
          const take = Math.min(n - (at - start), end - at);
          if (take <= 0) return out.subarray(0, at - byteOffset);
          out.set(buf.subarray(at - start, at - start + take), at - byteOffset);
          at += take;
        } finally {
          pool.release(buf);
        }
      }
      return out;
    },
  };
}

interface Files {
  partial: string;
  fd: number;
  map: DdrescueBlockMap;
  resumed: boolean;
}

/** Open (or create) the partial output and the block map; refuse to clobber an earlier run. */
function openFiles(o: RipOptions, mapPath: string, byteLength: number, existing: DdrescueMap | undefined): Files {
  const partial = partialName(o.output);
  if (!o.resume) {
    if (existing) throw new IsoKitError(ErrorCode.EXISTS, `${mapPath} exists: a rip into ${o.output} was started before; add --resume to continue it (or remove the map to start over)`);
    if (existsSync(o.output)) throw new IsoKitError(ErrorCode.EXISTS, `${o.output} already exists`);
  } else if (!existing) {
    throw new IsoKitError(ErrorCode.NOT_FOUND, `--resume: no map ${mapPath} to continue from`);
  }
  let map = DdrescueBlockMap.fresh(byteLength);
  if (existing) {
    map = new DdrescueBlockMap(existing.blocks.length ? existing.blocks : [{ byteOffset: 0, byteLength, status: '?' }]);
    if (map.byteOffset !== 0 || map.byteLength !== byteLength) {
      throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${mapPath} covers bytes ${map.byteOffset}–${map.end}, but this source's image is ${byteLength} bytes: not the same disc, or a map of another run`);
    }
    if (!existsSync(partial)) {
      if (!existsSync(o.output)) throw new IsoKitError(ErrorCode.NOT_FOUND, `--resume: neither ${partial} nor ${o.output} exists, so the blocks ${mapPath} marks as read are gone`);
      renameSync(o.output, partial); // a finished rip with missing blocks: retry them in place
    }
  }
  let fd: number;
  try {
    fd = openSync(partial, existing ? 'r+' : 'w+');
    if (fstatSync(fd).size !== byteLength) ftruncateSync(fd, byteLength);
  } catch (e) {
    throw ioError(e, partial);
  }
  return { partial, fd, map, resumed: !!existing };
}

const writeAt = (fd: number, buf: Uint8Array, pos: number) =>
  new Promise<void>((resolve, reject) => {
    const step = (done: number) =>
      fsWrite(fd, buf, done, buf.length - done, pos + done, (e, n) => (e ? reject(e) : done + n >= buf.length ? resolve() : step(done + n)));
    step(0);
  });

/**
 * A TAO track ends with two run-out blocks that cannot be read (research notes §2.4). When the size came
 * from the TOC (no file system said where the image ends) and only the last one or two blocks failed,
 * they are the run-out, not damage: the image ends before them.
 */
function trimRunOut(map: DdrescueBlockMap, extent: RipExtent, kind: RipSourceKind): number | undefined {
  if (kind !== 'optical-drive' || extent.basis === 'iso9660' || extent.basis === 'partitions') return undefined;
  const bad = map.ranges('-', '*', '/', '?');
  if (!bad.length) return undefined;
  const first = bad[0] as { byteOffset: number };
  const tail = map.end - first.byteOffset;
  return tail > 0 && tail <= 2 * RIP_BLOCK && bad.every((b) => b.byteOffset + b.byteLength <= map.end) ? first.byteOffset : undefined;
}

async function finalVerify(o: RipOptions, onProgress?: (p: RipProgress) => void): Promise<RipSummary['verification']> {
  const r = await verifyImageFile(o.output, {
    ...(o.sums ? { sums: o.sums } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(onProgress ? { onProgress: (p) => onProgress({ ...p, phase: 'verifying' }) } : {}),
  });
  const message = r.status === 'no-reference' ? 'nothing to check against: the image carries no isomd5sum or xorriso MD5 tags, and no checksum file names it (--sums FILE|URL)' : r.message;
  return { status: r.status, message, ...(r.implanted ? { implanted: r.implanted } : {}), ...(r.md5Tags ? { md5Tags: r.md5Tags } : {}), ...(r.reference ? { reference: r.reference } : {}) };
}

/** Rip `source` into `output`. Resolves with the summary (also when blocks stayed unreadable). */
export async function ripImage(o: RipOptions): Promise<RipSummary> {
  const t0 = Date.now();
  const mapPath = o.map ?? `${o.output}.map`;
  const blockSize = o.blockSize ?? RIP_BLOCK;
  o.onProgress?.({ phase: 'checking', bytes: 0 });
  if (resolve(o.source) === resolve(o.output) || resolve(o.source) === resolve(partialName(o.output))) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `the output ${o.output} is the source itself`);
  }
  const probe = openRipReader(o.source);
  const kind = probe.kind;
  probe.close();
  // the TOC first: libburn opens the drive exclusively
  const layout: DiscLayout = kind === 'optical-drive' ? await readDiscLayout(o.source, o) : { isoSessionStarts: [], notes: [], warnings: [] };
  for (const w of layout.warnings) o.onMessage?.('warn', w);
  const reader = openRipReader(o.source);
  let files: Files | undefined;
  try {
    const extent = await findExtent(readerSource(reader), { isoSessionStarts: layout.isoSessionStarts, ...(layout.tocByteLength !== undefined ? { tocByteLength: layout.tocByteLength } : {}) });
    const notes = [...layout.notes, ...extent.notes];
    if (!reader.direct) notes.push('the source refuses direct I/O: reads go through the page cache, and a bad block may take its 4 KiB neighbour with it');
    for (const n of notes) o.onMessage?.('info', n);
    if (extent.byteLength <= 0) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${o.source} is empty`);
    const existing = MapFile.load(mapPath);
    files = openFiles(o, mapPath, extent.byteLength, existing);
    const f = files;
    const mapFile = new MapFile(mapPath, o.commandLine ?? `isokit rip ${o.source} -o ${o.output}`);
    const result = await rescue({
      reader, map: f.map, blockSize, retries: o.retries ?? 3,
      ...(o.clusterByteLength ? { clusterByteLength: o.clusterByteLength } : {}),
      write: (buf, pos) => writeAt(f.fd, buf, pos),
      // like ddrescue, the output is left to the page cache (a crash of isokit loses nothing written);
      // the map itself is synced
      checkpoint: async (state) => mapFile.save(f.map, state),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
    let map = f.map;
    const runOut = trimRunOut(map, extent, kind);
    if (runOut !== undefined) {
      ftruncateSync(f.fd, runOut);
      const trimmed = new DdrescueBlockMap(map.blocks().filter((b) => b.byteOffset < runOut).map((b) => ({ ...b, byteLength: Math.min(b.byteLength, runOut - b.byteOffset) })));
      map = trimmed;
      mapFile.save(map, { currentPos: runOut, currentStatus: '+', currentPass: 1 });
      notes.push(`the last ${(extent.byteLength - runOut) / RIP_BLOCK} block(s) of the track could not be read and were left out as TAO run-out`);
    }
    closeSync(f.fd);
    files = undefined;
    renameSync(f.partial, o.output);
    const missing = map.byteLength - map.byteCount('+');
    const bad = blockNumbers(map.blocks().map((b) => (b.status === '+' ? b : { ...b, status: '-' as const })), RIP_BLOCK);
    const complete = missing === 0;
    const verification = complete && o.verify !== false ? await finalVerify(o, o.onProgress) : undefined;
    o.onProgress?.({ phase: 'done', bytes: map.byteCount('+'), totalBytes: map.byteLength, badBytes: map.byteLength - map.byteCount('+'), readErrors: result.readErrors });
    return {
      complete,
      source: { path: o.source, kind, byteLength: reader.byteLength, direct: result.direct },
      extent, output: o.output, map: mapPath, byteLength: map.byteLength,
      readBytes: map.byteCount('+'), missingBytes: missing, missingBlocks: bad.length, firstMissingBlocks: bad.slice(0, 100),
      readErrors: result.readErrors, resumed: f.resumed, ...(verification ? { verification } : {}),
      notes, warnings: layout.warnings, durationMs: Date.now() - t0,
    };
  } catch (e) {
    if (e instanceof IsoKitError && e.code === ErrorCode.ABORTED && files) {
      const f = files;
      throw new IsoKitError(ErrorCode.ABORTED, `interrupted with ${f.map.byteCount('+')} of ${f.map.byteLength} bytes read: the partial image and ${mapPath} are kept; add --resume to continue`, { cause: e });
    }
    throw e;
  } finally {
    reader.close();
    if (files) closeSync(files.fd);
  }
}
