/**
 * Remastering (browser-safe): an opened image + edits → a new tree, build options and a BootSpec that replay
 * the original's El Torito entries, system area and appended partitions. Unchanged file contents stay ranges
 * of the original source (model `rangesContent`), so nothing is extracted: the writer copies byte ranges.
 */
import type { TreeNode } from '../../model/index.js';
import type { BuildOptions } from '../options.js';
import type { BootSpec } from '../boot/spec.js';

/** Put `node` at `path` ('/a/b'). A directory's children are merged into the directory there (created when missing). */
export interface RemasterAdd {
  readonly path: string;
  readonly node: TreeNode;
}

export interface RemasterEdits {
  /** applied in order, after the removals */
  readonly add?: readonly RemasterAdd[];
  /** paths to remove (a directory goes with everything below it) */
  readonly remove?: readonly string[];
}

export interface RemasterOptions {
  /** new volume id (default: the original's) */
  readonly volumeId?: string;
  readonly volumeSetId?: string;
  readonly publisherId?: string;
  readonly dataPreparerId?: string;
  readonly applicationId?: string;
  readonly systemId?: string;
  /** build date in ms (volume dates, GPT GUID seed); default: the original's modification date */
  readonly dateMs?: number;
  /**
   * Clamp every file time (mtime/atime/ctime, added files' and the original's) newer than the build date to it,
   * as create does with SOURCE_DATE_EPOCH: the same input and additions give the same bytes. Default false.
   */
  readonly clampTimes?: boolean;
  /** override the ISO 9660 level (default: the original's, raised to 3 when an added file needs it) */
  readonly isoLevel?: 1 | 2 | 3 | 4;
  /** drop the boot records: write a plain data image (default false) */
  readonly noBoot?: boolean;
  /** write UDF again when the original has it (default true); false drops it (a Windows-shaped original then keeps only its README) */
  readonly keepUdf?: boolean;
  readonly signal?: AbortSignal;
}

export type SystemAreaStyle = 'none' | 'isohybrid' | 'grub2' | 'generic';

export interface RemasterEntryReport {
  readonly index: number;
  readonly platform: 'bios' | 'efi' | 'other';
  readonly platformId: number;
  readonly emulation: 'none' | 'floppy' | 'hard-disk';
  readonly bootable: boolean;
  /** 512-byte sectors recorded in the original entry */
  readonly loadSize: number;
  readonly loadSegment: number;
  /** 'file /path' or 'appended partition N' */
  readonly image: string;
  readonly bootInfoTable: boolean;
  readonly grub2BootInfo: boolean;
  readonly isohybridGpt?: 'basdat' | 'hfsplus';
  /** the boot image file was replaced by an --add */
  readonly replaced?: boolean;
}

export interface RemasterPartitionReport {
  readonly number: number;
  readonly mbrType: number;
  readonly gptType?: string;
  /** where its content is copied from in the original */
  readonly byteOffset: number;
  readonly byteLength: number;
}

export interface RemasterEditReport {
  readonly op: 'add' | 'replace' | 'remove';
  readonly path: string;
  readonly kind: TreeNode['kind'];
  /** bytes of file data the edit adds or removes (whole subtree) */
  readonly byteLength: number;
  readonly files: number;
}

export interface RemasterReport {
  readonly input: { readonly byteLength: number; readonly blockCount: number; readonly volumeId: string };
  readonly volume: {
    readonly volumeId: string; readonly volumeSetId: string; readonly publisherId: string;
    readonly dataPreparerId: string; readonly applicationId: string; readonly systemId: string;
  };
  readonly namespaces: {
    readonly isoLevel: number; readonly joliet: boolean | 'long'; readonly rockRidge: false | '1.10' | '1.12';
    /** the UDF revision written (the original had UDF), and whether the tree is only in UDF (the Windows layout) */
    readonly udf?: '1.02' | '2.01' | '2.50' | false; readonly udfOnly?: boolean;
  };
  readonly edits: readonly RemasterEditReport[];
  /** file counts in the new tree: kept (content = ranges of the original), added from the edits */
  readonly files: {
    readonly kept: number; readonly keptBytes: number;
    readonly added: number; readonly addedBytes: number;
    /** kept files whose content is not a plain range (zisofs: stored expanded) */
    readonly rewritten: number; readonly rewrittenBytes: number;
    readonly removed: number; readonly removedBytes: number;
  };
  readonly boot: {
    readonly catalog?: { readonly path?: string; readonly hidden: boolean };
    readonly entries: readonly RemasterEntryReport[];
    readonly systemArea: {
      readonly style: SystemAreaStyle;
      /** bytes of the original system area kept as boot code / template */
      readonly templateByteLength: number;
      /** 'isohybrid' (partition 1 over the ISO), 'protective-msdos-label', 'protective-gpt' (0xEE), 'plain', 'none' */
      readonly mbr: 'isohybrid' | 'protective-msdos-label' | 'protective-gpt' | 'plain' | 'none';
      readonly gpt: 'none' | 'isohybrid' | 'protective';
      readonly partitionOffset: number;
      readonly cylinderAlign: 'auto' | 'on' | 'off' | 'all';
      readonly mbrForceBootable: boolean;
      readonly appendedPartitions: readonly RemasterPartitionReport[];
    };
  };
  /** what cannot be replayed exactly (one line each) */
  readonly warnings: readonly string[];
}

export interface RemasterPlan {
  /** the edited tree (a copy: the image's own tree is not modified); pass it to createBootHook and planImage */
  readonly tree: TreeNode;
  /** build options replaying the original's namespaces and volume ids (no boot hook yet) */
  readonly buildOptions: BuildOptions;
  /** undefined when the original has nothing to replay (or `noBoot`) */
  readonly bootSpec?: BootSpec;
  readonly report: RemasterReport;
  /** the nodes that came from edits (added or replacing), for layout statistics */
  readonly addedNodes: ReadonlySet<TreeNode>;
}
