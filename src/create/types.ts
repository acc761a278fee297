/**
 * The image writer's types: an ISO image is a composition of region groups (ISO 9660 + Joliet + Rock Ridge,
 * the stored file data, El Torito + MBR/GPT + appended partitions) laid out by the engine in 2048-byte blocks.
 */
import type { Finding } from '../errors/index.js';
import type { TreeNode } from '../model/index.js';
import type { EmitContext, Layout, Region } from './engine/index.js';
import type { ResolvedOptions } from './options.js';
import type { IsoState } from './iso9660/state.js';
import type { BData, PlanTree } from './tree.js';

export type { Extent, FileChange, PlacedRegion, Placement, PlanContext } from './engine/index.js';

/** Logical block size of the images isokit writes (ECMA-119 6.1.2: 2048 for every CD/DVD/BD). */
export const BLOCK_SIZE = 2048;

/** A region of an ISO image (its emit reads the finished ImageLayout). */
export type ImageRegion = Region<ImageLayout>;
export type ImageEmitContext = EmitContext<ImageLayout>;

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

/** The plan of an image: exact size, region placement, and the internal state emit needs. */
export interface ImageLayout extends Layout {
  readonly options: ResolvedOptions;
  readonly stats: LayoutStats;
  /** warnings from planning (names changed, things skipped) */
  readonly findings: readonly Finding[];
  /** Where a node's data lands (first extent LBA; contiguous), or undefined for nodes without data. */
  locate(node: TreeNode): { lba: number; byteLength: number } | undefined;
  /** The ISO 9660 path ('/A/B.TXT;1'), Joliet and Rock Ridge names a node got. */
  namesOf(node: TreeNode): { iso9660: string; joliet?: string; rockridge?: string } | undefined;
  /** @internal the ISO 9660 group's tables (over the plan tree, or over the README tree of a UDF-only image) */
  readonly iso: IsoState;
  /** @internal the plan tree of the image's files (UDF's too) */
  readonly tree: PlanTree;
  /** @internal every stored data item in layout order (the file-data region) */
  readonly storedData: readonly BData[];
  /** @internal the regions with their emit functions */
  readonly regionList: readonly ImageRegion[];
}
