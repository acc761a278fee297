/**
 * How other region groups join an ISO image: a `BootHook` (El Torito + MBR/GPT + appended partitions, made by
 * `createBootHook`; later UDF) adds regions before any region of the image (by name), extra volume
 * descriptors, the system area's bytes, patches to file contents, and the volume space size the descriptors
 * record. The ISO 9660 group itself knows nothing about boot structures.
 */
import type { TreeNode } from '../model/index.js';
import type { ResolvedOptions } from './options.js';
import type { PartitionOffset } from './iso9660/partition-offset.js';
import type { IsoState } from './iso9660/state.js';
import type { ImageLayout, ImageRegion } from './types.js';

/** Bytes to overwrite inside one file's data as it is emitted (boot-info-table, GRUB2 boot info). */
export interface ContentPatch {
  /** the file (tree node) whose stored copy is patched; the source is never modified */
  readonly node: TreeNode;
  /** offset inside the file */
  readonly byteOffset: number;
  readonly bytes: Uint8Array;
}

/** Names of the ISO image's own regions, in image order; any placed region's name is an anchor too. */
export type RegionName =
  | 'system-area'
  | 'volume-descriptors'
  | 'path-tables'
  | 'directories-iso9660'
  | 'directories-joliet'
  | 'file-data'
  | 'padding'
  | 'end';

/** What a group sees of the image while it adds its regions (after the tree is built, before placement). */
export interface ImagePlanView {
  readonly options: ResolvedOptions;
  /** @internal the ISO 9660 group's tables (directories, path tables) */
  readonly iso: IsoState;
}

/** A region placed before the region named `before` ('end': after all of them). */
export interface RegionSlot {
  readonly before: RegionName | (string & {});
  readonly region: ImageRegion;
}

export interface BootHook {
  /** The 16-block system area (LBA 0-15), computed once the layout is final (MBR/GPT need the total size). */
  systemArea?: (layout: ImageLayout) => Uint8Array;
  /** Extra volume descriptors placed right after the PVD (the El Torito boot record), serialized after planning. */
  descriptors?: readonly ((layout: ImageLayout) => Uint8Array)[];
  /** Extra regions (boot catalog before the directories, appended partitions, GPT backup…). */
  regions?: (view: ImagePlanView) => readonly RegionSlot[];
  /** Patches to file contents, computed once the layout is final (boot-info-table needs the file's own LBA). */
  patches?: (layout: ImageLayout) => readonly ContentPatch[];
  /**
   * The volume space size the PVD/SVDs record (default: the whole image). Appended partitions and the backup
   * GPT after the ISO 9660 volume are not part of it (xorriso -append_partition).
   */
  volumeSpaceBlockCount?: (layout: ImageLayout) => number;
  /** xorriso -partition_offset: the ISO 9660 group also writes its descriptors and trees relative to this block */
  partitionOffset?: PartitionOffset;
}
