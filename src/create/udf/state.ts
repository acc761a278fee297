/**
 * The UDF group's tables over the format-neutral plan tree (ECMA-167 4/8, OSTA UDF 2.3): where each File
 * Entry and each directory's File Identifier Descriptors go inside the "ICB space" (the blocks after the File
 * Set Descriptor), each entry's unique id, and the counts the Logical Volume Integrity Descriptor records.
 * Hard links share one File Entry (keyed by the entry's serial number). Computed before placement: only the
 * partition's start and the file data's blocks are filled in later, by the regions' plans.
 *
 * ICB space, in blocks relative to its start (UDF 1.02/2.01: the partition's block 0; 2.50: the metadata
 * partition's block 0):
 *   0 File Set Descriptor, 1 Terminating Descriptor, then for each directory (breadth-first, name order):
 *   its File Entry, its FIDs, then the File Entry of each child that is not a directory (first name only).
 */
import { FindingCode } from '../../errors/index.js';
import { encodeCs0, sizeOfFileIdentifierDescriptor } from '../../formats/udf/index.js';
import type { ResolvedOptions } from '../options.js';
import { pathOf, type PlanDirEntry, type PlanEntry, type PlanTree } from '../tree.js';
import { BLOCK_SIZE } from '../types.js';

/** UDF 2.3.4.2: a File Identifier is at most 255 bytes of CS0. */
const MAX_IDENTIFIER_BYTES = 255;
/** Windows writes extents of this size (pycdlib comment in UDFFileEntry.new); at most 2^30 − 1 bytes fit an AD. */
export const UDF_EXTENT_BYTES = 0x3ff00000;
/** UDF 2.2.10: the metadata partition's allocation unit in blocks (32 × 2 KiB, as mkudffs and Windows) */
export const METADATA_ALLOCATION_UNIT = 32;

export class UdfState {
  /** ICB-space block of each serial number's File Entry */
  readonly icb: Uint32Array;
  /** ICB-space block and byte length of each directory's FIDs (by serial number) */
  readonly dirData: Uint32Array;
  readonly dirBytes: Float64Array;
  /** each entry's File Identifier (CS0) by entry id, when it differs from the plain 8-bit encoding of its name */
  readonly names = new Map<number, Uint8Array>();
  /** blocks of the ICB space (FSD + TD + entries + directories) */
  icbBlocks = 0;
  fileCount = 0;
  directoryCount = 0;
  /** physical partition: first block of the image, and its length (filled in by the regions' plans) */
  partitionStart = 0;
  partitionBlocks = 0;
  /** where the main and reserve volume descriptor sequences and the integrity sequence are */
  mainVds = 0;
  reserveVds = 0;
  integrity = 0;
  /** UDF 2.50: the metadata file's extent (physical partition blocks) and its mirror's */
  metadataBlock = 0;
  mirrorBlock = 0;
  /** the anchors' sectors */
  anchors: number[] = [];

  constructor(
    readonly tree: PlanTree,
    readonly options: ResolvedOptions,
    readonly revision: number,
  ) {
    const n = tree.lastIno + 1;
    this.icb = new Uint32Array(n);
    this.dirData = new Uint32Array(n);
    this.dirBytes = new Float64Array(n);
  }

  /** UDF 2.50: the metadata file's blocks (the ICB space rounded up to the allocation unit) */
  get metadataBlocks(): number {
    return Math.ceil(this.icbBlocks / METADATA_ALLOCATION_UNIT) * METADATA_ALLOCATION_UNIT;
  }

  /** NSR03 (descriptor version 3) from UDF 2.00 on. */
  get version(): 2 | 3 {
    return this.revision >= 0x0200 ? 3 : 2;
  }

  /** UDF 2.50+: Extended File Entries and a metadata partition (its map is partition reference 1). */
  get metadata(): boolean {
    return this.revision >= 0x0250;
  }

  /** Partition reference of the ICB space. */
  get icbRef(): number {
    return this.metadata ? 1 : 0;
  }

  /** UDF 2.3.6.5 / 3.2.1.1: root 0, the rest from 16 (the low 32 bits also go into each FID). */
  uniqueId(e: PlanEntry): number {
    return e === this.tree.root ? 0 : 15 + e.ino;
  }

  get nextUniqueId(): number {
    return 16 + this.tree.lastIno;
  }

  /** Whether an entry is in the UDF tree (files and directories; other kinds only when asked for). */
  has(e: PlanEntry): boolean {
    return e.kind === 'file' || e.kind === 'dir' || this.options.udfSpecialFiles;
  }

  identifier(e: PlanEntry): Uint8Array {
    return this.names.get(e.id) ?? encodeCs0(e.name);
  }
}

/** A File Identifier of at most 255 bytes: 8-bit CS0 when every character allows, else 16-bit; cut when too long. */
function identifierFor(s: UdfState, e: PlanEntry): number {
  let id = encodeCs0(e.name);
  if (id.length > MAX_IDENTIFIER_BYTES) {
    const perChar = id[0] === 8 ? 1 : 2;
    let cut = e.name.slice(0, Math.floor((MAX_IDENTIFIER_BYTES - 1) / perChar));
    if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
    id = encodeCs0(cut, id[0] as 8 | 16);
    s.tree.findings.warn(FindingCode.BAD_NAME, `${pathOf(e)}: UDF names hold at most 255 bytes; cut to ${cut.length} characters`, undefined, 'UDF');
  }
  if (id[0] !== 8 || id.length !== e.name.length + 1) s.names.set(e.id, id);
  return id.length;
}

/** Place every File Entry and directory of the tree in the ICB space; count files and directories. */
export function prepareUdf(tree: PlanTree, o: ResolvedOptions): UdfState {
  const s = new UdfState(tree, o, o.udfRevision as number);
  const seen = new Uint8Array(tree.lastIno + 1);
  let k = 2; // FSD, TD
  for (const d of tree.dirs) {
    s.icb[d.ino] = k++;
    s.directoryCount++;
    const bytes = directoryBytes(s, d);
    s.dirData[d.ino] = k;
    s.dirBytes[d.ino] = bytes;
    k += Math.ceil(bytes / BLOCK_SIZE);
    for (const c of d.dir.children) {
      if (c.dir || seen[c.ino] || !s.has(c)) continue;
      seen[c.ino] = 1;
      s.icb[c.ino] = k++;
      s.fileCount++;
    }
  }
  s.icbBlocks = k;
  return s;
}

/** Bytes of a directory's FIDs: the parent entry, then one per child. */
function directoryBytes(s: UdfState, d: PlanDirEntry): number {
  let bytes = sizeOfFileIdentifierDescriptor(0, 0);
  for (const c of d.dir.children) if (s.has(c)) bytes += sizeOfFileIdentifierDescriptor(0, identifierFor(s, c));
  return bytes;
}
