/** Options, layout and emit options of a FAT32 volume built from a tree (plan.ts, emit.ts). */
import type { Finding } from '../../errors/index.js';
import type { ChunkWriter } from '../engine/index.js';
import type { EmitOptions } from '../emit.js';

export interface FatVolumeOptions {
  /** the partition's size in 512-byte sectors (the volume fills it: BPB_TotSec32) */
  sectorCount: number;
  /** only 512 is supported: every USB stick and disk image isokit writes has 512-byte logical sectors */
  bytesPerSector?: 512;
  /** the partition's first sector on the disk (BPB_HiddSec; also used to align cluster 2 to 1 MiB of the disk) */
  hiddenSectors?: number;
  /** volume label (boot sector and root label entry): upper-cased, characters FAT labels cannot hold become `_`, cut to 11 */
  label?: string;
  /** BS_VolID; default: derived from `dateMs` and the label, so the same input gives the same volume */
  volumeSerial?: number;
  /**
   * The build time in ms since 1970 (the label entry's time; files without times get it). Default: the newest
   * mtime in the tree, else 1980-01-01. The CLI passes the clock or SOURCE_DATE_EPOCH × 1000.
   */
  dateMs?: number;
  /** Clamp file times newer than `dateMs` to it (SOURCE_DATE_EPOCH semantics). Default: true when `dateMs` is given. */
  clampTimes?: boolean;
  /** FAT times are local time: minutes east of UTC to store them in (default 0: UTC) */
  timeZoneOffsetMinutes?: number;
  /** cluster size override in bytes (512 … 65536); default: Windows' table by volume size, Rufus's 32 KiB above 32 GiB */
  clusterByteLength?: number;
  /** BS_OEMName (8 characters), default 'MSWIN4.1' */
  oemName?: string;
}

export interface FatSection {
  readonly name: 'reserved' | 'fat1' | 'fat2' | 'data';
  readonly byteOffset: number;
  readonly byteLength: number;
}

export interface FatVolumeStats {
  files: number;
  directories: number;
  /** bytes of file contents */
  dataBytes: number;
  freeClusters: number;
}

/**
 * The ISO writer's emit options (signal, chunk size and buffers, strict, onFileChanged, onProgress), plus
 * `stopAfterUsed`. `chunkByteLength` must be a multiple of 512 here.
 */
export interface FatEmitOptions extends Pick<EmitOptions, 'signal' | 'chunkByteLength' | 'reuseBuffers' | 'allocate' | 'strict' | 'onFileChanged' | 'onProgress'> {
  /** stop after the last used cluster (`usedByteLength` bytes); the free clusters after it need not be written */
  stopAfterUsed?: boolean;
}

export interface FatVolumeLayout {
  /** the whole volume: sectorCount × 512 */
  readonly byteLength: number;
  /** bytes up to the end of the last used cluster: what `emit({ stopAfterUsed: true })` yields */
  readonly usedByteLength: number;
  readonly clusterByteLength: number;
  readonly clusterCount: number;
  /** reserved area, FAT 1, FAT 2, data (cluster 2 to the volume's end), in order, covering the volume */
  readonly sections: readonly FatSection[];
  readonly stats: FatVolumeStats;
  /** BS_VolID and the label as written ('' when none) */
  readonly volumeSerial: number;
  readonly label: string;
  /** what planning changed (times clamped into FAT's range) */
  readonly findings: readonly Finding[];
  /** the volume's bytes in ascending order: exactly byteLength (or usedByteLength) of them */
  emit(opts?: FatEmitOptions): AsyncGenerator<Uint8Array, void, undefined>;
  /** the same bytes written into a caller's ChunkWriter (a region of a larger layout); yields the chunks that fill */
  emitInto(out: ChunkWriter, opts?: Omit<FatEmitOptions, 'chunkByteLength' | 'reuseBuffers' | 'allocate'>): AsyncGenerator<Uint8Array, void, undefined>;
}
