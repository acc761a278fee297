/**
 * A planned FAT32 volume's bytes, strictly ascending, never seeking:
 * reserved area (boot sector 0, FSInfo 1, backup boot sector 6, backup FSInfo 7, zeros elsewhere; sector 12
 * stays free for Windows' NT6 boot code), FAT 1 and FAT 2 (identical, generated from the cluster runs as they
 * are written: memory does not grow with the volume), then the clusters in order (directories serialized on the
 * spot, file contents read while emitting), then zeros for the free clusters and the sectors after the last
 * cluster, unless `stopAfterUsed`. Each section must end where the plan says, or IsoKitError INTERNAL.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import {
  FAT32_ENTRY0, FAT32_ENTRY1, FAT32_EOC, serializeFat32BootSector, serializeFsInfo, FSINFO_UNKNOWN,
} from '../../formats/fat/index.js';
import { throwIfAborted } from '../../io/index.js';
import { ChunkWriter } from '../engine/index.js';
import { serializeFatDirectory } from './directory.js';
import { copyContent } from '../files/copy-content.js';
import { FAT_SECTOR_BYTES } from './geometry.js';
import type { FatItem, FatPlan } from './plan.js';
import type { FatEmitOptions } from './types.js';

const BACKUP_BOOT_SECTOR = 6;

function reservedArea(plan: FatPlan): Uint8Array {
  const g = plan.geometry;
  const b = new Uint8Array(g.reservedSectorCount * FAT_SECTOR_BYTES);
  const boot = serializeFat32BootSector({
    oemName: plan.oemName, bytesPerSector: FAT_SECTOR_BYTES, sectorsPerCluster: g.sectorsPerCluster,
    reservedSectorCount: g.reservedSectorCount, fatCount: g.fatCount, totalSectors: g.sectorCount, sectorsPerFat: g.sectorsPerFat,
    hiddenSectors: plan.hiddenSectors, volumeId: plan.volumeSerial, volumeLabel: plan.label, backupBootSector: BACKUP_BOOT_SECTOR,
  });
  const free = g.clusterCount - plan.usedClusters;
  const fsInfo = serializeFsInfo({ freeClusterCount: free, nextFreeCluster: free > 0 ? 2 + plan.usedClusters : FSINFO_UNKNOWN });
  for (const at of [0, BACKUP_BOOT_SECTOR]) {
    b.set(boot, at * FAT_SECTOR_BYTES);
    b.set(fsInfo, (at + 1) * FAT_SECTOR_BYTES);
  }
  return b;
}

function putEntry(b: Uint8Array, p: number, v: number): void {
  b[p] = v & 0xff;
  b[p + 1] = (v >>> 8) & 0xff;
  b[p + 2] = (v >>> 16) & 0xff;
  b[p + 3] = v >>> 24;
}

/** One FAT: entries 0 and 1, then each run's chain (next cluster, EOC on its last), then free (0) entries. */
function* fatTable(plan: FatPlan, out: ChunkWriter): Generator<Uint8Array, void, undefined> {
  const head = new Uint8Array(8);
  putEntry(head, 0, FAT32_ENTRY0);
  putEntry(head, 4, FAT32_ENTRY1);
  yield* out.put(head);
  for (const it of plan.items) {
    const last = it.firstCluster + it.clusterCount - 1;
    for (let c = it.firstCluster; it.clusterCount && c <= last;) {
      if (out.isFull) yield out.take() as Uint8Array;
      const space = out.space();
      const n = Math.min(space.length >>> 2, last - c + 1);
      if (n === 0) {
        const e = new Uint8Array(4);
        putEntry(e, 0, c === last ? FAT32_EOC : c + 1);
        yield* out.put(e);
        c++;
        continue;
      }
      for (let i = 0; i < n; i++, c++) putEntry(space, i * 4, c === last ? FAT32_EOC : c + 1);
      out.advance(n * 4);
    }
  }
  yield* out.zeros(plan.geometry.sectorsPerFat * FAT_SECTOR_BYTES - (2 + plan.usedClusters) * 4);
}

interface EmitState {
  readonly out: ChunkWriter;
  readonly start: number;
  readonly opts: FatEmitOptions;
  files: number;
}

function checkAt(s: EmitState, what: string, byteOffset: number): void {
  const at = s.out.position - s.start;
  if (at !== byteOffset) {
    throw new IsoKitError(ErrorCode.INTERNAL, `FAT volume: ${what} should start at byte ${byteOffset} but the emit is at ${at}`, { structure: 'FatVolume' });
  }
}

async function* dataArea(plan: FatPlan, s: EmitState): AsyncGenerator<Uint8Array, void, undefined> {
  const clusterBytes = plan.geometry.clusterByteLength;
  const dataStart = plan.geometry.dataSector * FAT_SECTOR_BYTES;
  for (const it of plan.items) {
    throwIfAborted(s.opts.signal);
    if (!it.clusterCount) continue;
    checkAt(s, `/${it.path}`, dataStart + (it.firstCluster - 2) * clusterBytes);
    if (it.isDir) {
      yield* s.out.put(serializeFatDirectory(it, plan));
      continue;
    }
    yield* fileClusters(it, s, clusterBytes);
  }
}

async function* fileClusters(it: FatItem, s: EmitState, clusterBytes: number): AsyncGenerator<Uint8Array, void, undefined> {
  const outcome = yield* copyContent(it.node.content, it.byteLength, s.out, s.opts.signal);
  if (outcome.problem) {
    const change = { path: `/${it.path}`, plannedByteLength: it.byteLength, ...(outcome.actualByteLength !== undefined ? { actualByteLength: outcome.actualByteLength } : {}), reason: outcome.problem };
    if (s.opts.strict) {
      throw new IsoKitError(ErrorCode.IO, `${change.path} changed while the volume was written (${change.reason}; planned ${change.plannedByteLength} bytes)`);
    }
    s.opts.onFileChanged?.(change);
  }
  yield* s.out.zeros(it.clusterCount * clusterBytes - it.byteLength);
  s.files++;
}

/** The volume's sections in order into `out`; yields every chunk that fills. */
async function* sections(plan: FatPlan, s: EmitState, endByteOffset: number): AsyncGenerator<Uint8Array, void, undefined> {
  const g = plan.geometry;
  const fatBytes = g.sectorsPerFat * FAT_SECTOR_BYTES;
  yield* s.out.put(reservedArea(plan));
  for (let i = 0; i < g.fatCount; i++) {
    checkAt(s, `FAT ${i + 1}`, g.reservedSectorCount * FAT_SECTOR_BYTES + i * fatBytes);
    throwIfAborted(s.opts.signal);
    yield* fatTable(plan, s.out);
  }
  checkAt(s, 'the data area', g.dataSector * FAT_SECTOR_BYTES);
  yield* dataArea(plan, s);
  checkAt(s, 'the free clusters', g.dataSector * FAT_SECTOR_BYTES + plan.usedClusters * g.clusterByteLength);
  // free clusters (and the sectors after the last cluster), a chunk at a time so that abort is honoured
  for (let left = endByteOffset - (s.out.position - s.start); left > 0;) {
    throwIfAborted(s.opts.signal);
    const n = Math.min(left, s.out.chunkByteLength);
    yield* s.out.zeros(n);
    left -= n;
  }
  checkAt(s, 'the end', endByteOffset);
}

/**
 * Emit a planned volume. Without `out`: its own chunks (the last one flushed); with `out` (a region of a larger
 * layout): into the caller's ChunkWriter, which keeps the unfilled rest of the last chunk.
 */
export async function* emitFatVolume(plan: FatPlan, opts: FatEmitOptions, shared?: ChunkWriter): AsyncGenerator<Uint8Array, void, undefined> {
  const chunk = opts.chunkByteLength ?? 1 << 20;
  if (!shared && (!Number.isSafeInteger(chunk) || chunk < FAT_SECTOR_BYTES || chunk % FAT_SECTOR_BYTES !== 0)) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `chunk size ${chunk}: must be a positive multiple of ${FAT_SECTOR_BYTES}`);
  }
  const out = shared ?? new ChunkWriter(chunk, opts.reuseBuffers ?? false, opts.allocate);
  const s: EmitState = { out, start: out.position, opts, files: 0 };
  const g = plan.geometry;
  const end = opts.stopAfterUsed ? g.dataSector * FAT_SECTOR_BYTES + plan.usedClusters * g.clusterByteLength : g.sectorCount * FAT_SECTOR_BYTES;
  const totalFiles = plan.items.reduce((n, it) => n + (it.isDir ? 0 : 1), 0);
  const progress = () => opts.onProgress?.({ phase: 'write', bytes: out.position - s.start, totalBytes: end, files: s.files, totalFiles });
  for await (const c of sections(plan, s, end)) {
    yield c;
    progress();
  }
  if (!shared) {
    const last = out.take();
    if (last) {
      yield last;
      progress();
    }
  }
}
