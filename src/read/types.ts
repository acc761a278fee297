/** Public types of the image reader (contract 4). */
import type { Finding, Findings } from '../errors/index.js';
import type { ByteSource } from '../io/index.js';
import type { Namespace, TreeNode } from '../model/index.js';
import type { BootCatalogInfo } from './boot.js';
import type { DirectoryReader } from './namespace.js';
import type { PartitionTables } from './partitions.js';
import type { UdfVolumeInfo } from './udf/info.js';

export type NamespaceChoice = 'auto' | Namespace;

export interface OpenImageOptions {
  /** which namespace `tree` is built from (default 'auto': Rock Ridge, else UDF, else Joliet, else ISO 9660, else FAT) */
  namespace?: NamespaceChoice;
  /** turn findings (warnings and errors) into thrown IsoKitErrors (default false) */
  strict?: boolean;
  signal?: AbortSignal;
  /**
   * Do not build the tree (default false). Descriptors, namespaces, partitions and the boot catalog are
   * read as usual, except that boot images are not matched to the files of the tree (no `catalogPath`, no
   * boot image path or length taken from a file) and `namespaces.iso9660.level` stays 1 (it is learnt from
   * the tree). Read the tree a directory at a time with `walkImage(image)`, or all at once with
   * `openTree(ns)`; `image.tree` throws. For listing huge images with little memory.
   */
  deferTree?: boolean;
}

/** Identification of the volume, from the PVD (the newest session's). Dates are ms since the epoch (UTC). */
export interface VolumeInfo {
  readonly systemId: string;
  readonly volumeId: string;
  readonly volumeSetId: string;
  readonly publisherId: string;
  readonly dataPreparerId: string;
  readonly applicationId: string;
  readonly copyrightFileId: string;
  readonly abstractFileId: string;
  readonly bibliographicFileId: string;
  readonly creationMs?: number;
  readonly modificationMs?: number;
  readonly expirationMs?: number;
  readonly effectiveMs?: number;
  /** volume space size (ECMA-119 8.4.8), in blocks */
  readonly blockCount: number;
  /** logical block size (always 2048 for images isokit reads) */
  readonly blockSize: number;
  /** blockCount × blockSize */
  readonly byteLength: number;
  /** the Joliet volume id when it differs (it can carry Unicode) */
  readonly jolietVolumeId?: string;
}

export interface VolumeDescriptorSummary {
  readonly lba: number;
  /** descriptor type byte (0 boot, 1 primary, 2 supplementary/enhanced, 3 partition, 255 terminator) */
  readonly type: number;
  readonly kind: 'primary' | 'supplementary' | 'enhanced' | 'boot' | 'terminator' | 'partition' | 'unknown' | 'udf';
  readonly version: number;
  /** e.g. "CD001", "BEA01", "NSR02", "TEA01" */
  readonly identifier: string;
  readonly volumeId?: string;
  readonly joliet?: 1 | 2 | 3;
  readonly bootSystemId?: string;
}

export interface NamespacesInfo {
  /** absent on an image without an ISO 9660 PVD (UDF-only, FAT) */
  iso9660?: { level: 1 | 2 | 3 };
  iso9660_1999?: true;
  joliet?: { level: 1 | 2 | 3 };
  rockridge?: { version: string; extensionId?: string };
  /** `seen`: a UDF volume recognition sequence is there; `readable`: isokit reads its tree */
  udf?: { seen: true; readable?: boolean; revision?: string };
  /** a FAT volume (at byte 0, or in a partition of a disk image at `partitionByteOffset`) */
  fat?: { type: 'FAT12' | 'FAT16' | 'FAT32'; partitionByteOffset: number; label?: string };
}

export interface SessionInfo {
  readonly startLba: number;
  readonly blockCount: number;
}

export interface IsoImage {
  readonly source: ByteSource;
  readonly volume: VolumeInfo;
  readonly descriptors: VolumeDescriptorSummary[];
  readonly namespaces: NamespacesInfo;
  /** the namespace `tree` was built from */
  readonly namespace: Namespace;
  /** the tree of `namespace` (throws INVALID_ARGUMENT when opened with `deferTree`) */
  readonly tree: TreeNode;
  readonly bootCatalog?: BootCatalogInfo;
  /** the UDF volume (revision, ids, partitions, integrity, counts), when the image has a readable one */
  readonly udf?: UdfVolumeInfo;
  readonly partitions: PartitionTables;
  /** sessions of a multi-session image (oldest first); the newest is what `tree` shows */
  readonly sessions: SessionInfo[];
  /** findings so far (trees built later by openTree add theirs) */
  readonly findings: Finding[];
  /** Build (once, then cached) the tree of another namespace. Throws NOT_FOUND when the image lacks it. */
  openTree(ns: Namespace): Promise<TreeNode>;
  /** A new directory reader of a namespace (default: `namespace`), for reading a directory at a time. */
  reader(ns?: Namespace, opts?: { findings?: Findings }): Promise<DirectoryReader>;
}
