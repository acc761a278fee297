/**
 * Extension points for the next layer of the writer (bootable images: MBR/GPT system area, El Torito boot
 * record + catalog, boot-info-table patches, appended partitions). Nothing here builds boot structures; it
 * only lets such a feature add regions, descriptors and content patches without touching the planner.
 */
import type { TreeNode } from '../model/index.js';
import type { ImageLayout, Region } from './types.js';

/** Bytes to overwrite inside one file's data as it is emitted (boot-info-table, GRUB2 boot info). */
export interface ContentPatch {
  /** the file (tree node) whose stored copy is patched; the source is never modified */
  readonly node: TreeNode;
  /** offset inside the file */
  readonly byteOffset: number;
  readonly bytes: Uint8Array;
}

/** Names of the built-in regions, in image order (anchors for inserted regions). */
export type RegionName =
  | 'system-area'
  | 'volume-descriptors'
  | 'path-tables'
  | 'directories-iso9660'
  | 'directories-joliet'
  | 'file-data'
  | 'padding'
  | 'end';

export interface BootHook {
  /** The 16-block system area (LBA 0-15), computed once the layout is final (MBR/GPT need the total size). */
  systemArea?: (layout: ImageLayout) => Uint8Array;
  /** Extra volume descriptors placed right after the PVD (the El Torito boot record), serialized after planning. */
  descriptors?: readonly ((layout: ImageLayout) => Uint8Array)[];
  /** Extra regions (boot catalog before the directories, appended partitions at 'end', GPT backup…). */
  regions?: readonly { before: RegionName; region: Region }[];
  /** Patches to file contents, computed once the layout is final (boot-info-table needs the file's own LBA). */
  patches?: (layout: ImageLayout) => readonly ContentPatch[];
  /**
   * The volume space size the PVD/SVDs record (default: the whole image). Appended partitions and the backup
   * GPT after the ISO 9660 volume are not part of it (xorriso -append_partition).
   */
  volumeSpaceBlockCount?: (layout: ImageLayout) => number;
}
