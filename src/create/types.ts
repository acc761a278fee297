/**
 * Writer types: regions (design guide §2: an ordered list; each region's plan reserves blocks; emit yields
 * bytes in ascending order, never seeks) and the finished ImageLayout.
 */
import type { Finding } from '../errors/index.js';
import type { TreeNode } from '../model/index.js';
import type { ChunkWriter } from './chunk-writer.js';
import type { DataRegionChunks } from './content-reader.js';
import type { ContentPatch } from './hooks.js';
import type { ResolvedOptions } from './options.js';
import type { BData, BuildImage } from './tree.js';

export const BLOCK_SIZE = 2048;

/** A run of blocks some structure occupies (checked: inside its region, no overlaps). */
export interface Extent {
  readonly lba: number;
  readonly blockCount: number;
  /** what it is, for error messages: "directory /a/b", "file /x (data)" (a function: built only when needed) */
  readonly what: string | (() => string);
}

/** Where each region landed. */
export interface PlacedRegion {
  readonly name: string;
  readonly lba: number;
  readonly blockCount: number;
}

export interface PlanContext {
  readonly image: BuildImage;
  readonly options: ResolvedOptions;
}

export interface EmitContext {
  readonly layout: ImageLayout;
  readonly signal?: AbortSignal;
  /** a source file's bytes differ from the plan (already padded/truncated); throws in strict mode */
  readonly fileChanged: (change: FileChange) => void;
  /** one more file's data has been emitted */
  readonly fileDone: () => void;
  /** patches by stored data (from BootHook.patches) */
  readonly patches: ReadonlyMap<BData, readonly ContentPatch[]>;
  /** the file-data region, produced ahead by EmitOptions.fileData (emit then reads no content itself) */
  readonly fileData?: DataRegionChunks;
  /** the consumer keeps chunks after pulling the next one (chunks from `fileData` are then copied) */
  readonly keepsChunks?: boolean;
}

/**
 * One region of the image. `plan` is called once, in image order, with the first free LBA; it reserves its
 * blocks and returns how many. `emit` then writes exactly `blockCount × 2048` bytes through `out`, yielding
 * whatever full chunks `out` hands back.
 */
export interface Region {
  readonly name: string;
  plan(startLba: number, ctx: PlanContext): number;
  /** the extents this region lays down (for the overlap / bounds invariant) */
  extents?(): Iterable<Extent>;
  emit(out: ChunkWriter, ctx: EmitContext): AsyncGenerator<Uint8Array, void, undefined>;
}

export interface FileChange {
  readonly path: string;
  readonly plannedByteLength: number;
  /** bytes the source actually had (when known) */
  readonly actualByteLength?: number;
  readonly reason: string;
}

export interface LayoutStats {
  files: number;
  directories: number;
  symlinks: number;
  specialFiles: number;
  /** hard-link names sharing an earlier name's extent */
  hardLinks: number;
  /** files whose identical content is stored once (dedup) */
  dedupedFiles: number;
  dedupSavedBytes: number;
  /** sum of stored file data bytes */
  dataBytes: number;
  relocatedDirectories: number;
}

/** The plan: exact size, region placement, and the internal state emit needs. */
export interface ImageLayout {
  readonly blockSize: typeof BLOCK_SIZE;
  readonly blockCount: number;
  readonly byteLength: number;
  readonly regions: readonly PlacedRegion[];
  readonly options: ResolvedOptions;
  readonly stats: LayoutStats;
  /** warnings from planning (names changed, things skipped) */
  readonly findings: readonly Finding[];
  /** Where a node's data lands (first extent LBA; contiguous), or undefined for nodes without data. */
  locate(node: TreeNode): { lba: number; byteLength: number } | undefined;
  /** The ISO 9660 path ('/A/B.TXT;1'), Joliet and Rock Ridge names a node got. */
  namesOf(node: TreeNode): { iso9660: string; joliet?: string; rockridge?: string } | undefined;
  /** @internal emit state */
  readonly image: BuildImage;
  /** @internal the regions with their emit functions */
  readonly regionList: readonly Region[];
}
