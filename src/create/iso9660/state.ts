/**
 * The ISO 9660 group's tables (ECMA-119 with Joliet and Rock Ridge) over the format-neutral plan tree: each
 * entry's ISO 9660 and Joliet identifiers, each directory's record orders and extents, Rock Ridge
 * continuation areas, and the entries only the ISO 9660 tree has (RRIP 4.1.5 relocation: `rr_moved` and the
 * CL placeholders). Nothing here is stored on the entries themselves.
 */
import type { ResolvedOptions } from '../options.js';
import type { PlanDirEntry, PlanEntry, PlanTree } from '../tree.js';

/** A Rock Ridge continuation area (SUSP 5.1), possibly chained over several blocks. */
export interface CeArea {
  /** byte length of each chained part (each within one block) */
  readonly partByteLengths: number[];
  /** where each part landed (filled in when the directory's continuation blocks are placed) */
  parts: { lba: number; offsetInBlock: number }[];
}

/** One directory as the ISO 9660 and Joliet trees record it. */
export interface IsoDir {
  /** children in ISO 9660 record order (9.3), CL placeholders in place of relocated directories */
  children: PlanEntry[];
  /** children in Joliet record order (files and directories only) */
  jolietChildren: PlanEntry[];
  isoLba: number;
  isoByteLength: number;
  jolietLba: number;
  jolietByteLength: number;
  /** 1-based numbers in the ISO 9660 / Joliet path tables */
  pathTableNumber: number;
  jolietPathTableNumber: number;
  /** continuation areas of the "." and ".." records */
  selfCe?: CeArea;
  parentCe?: CeArea;
  /** RRIP relocation: this directory was moved to rr_moved; its ".." carries PL → this original parent */
  relocatedFrom?: PlanDirEntry;
}

/**
 * How the addresses a structure records are written: as they are (`sameLba`), or relative to a partition
 * (xorriso -partition_offset: a second copy of the trees whose addresses count from the partition start).
 */
export type LbaMap = (lba: number) => number;
export const sameLba: LbaMap = (lba) => lba;

export interface PathTablePlacement {
  byteLength: number;
  lLba: number;
  mLba: number;
}

export class IsoState {
  /** ISO 9660 / Joliet identifiers by entry id ('' for entries without one) */
  readonly isoName: string[] = [];
  readonly jolietName: string[] = [];
  /** each directory's ISO 9660 / Joliet view (rr_moved included) */
  private readonly dirs = new Map<PlanEntry, IsoDir>();
  /** parents in the ISO 9660 tree that differ from the source parent (relocated directories) */
  private readonly movedTo = new Map<PlanEntry, PlanDirEntry>();
  /** continuation areas of child records */
  private readonly ces = new Map<PlanEntry, CeArea>();
  /** CL placeholders → the relocated directory each stands for */
  readonly clTarget = new Map<PlanEntry, PlanDirEntry>();
  /** relocated directories (their record in rr_moved carries RE) */
  readonly relocated = new Set<PlanEntry>();
  /** directories in ISO 9660 / Joliet path table order */
  isoDirs: PlanDirEntry[] = [];
  jolietDirs: PlanDirEntry[] = [];
  /** blocks of Rock Ridge continuation areas after each directory that has some */
  readonly ceBlocks = new Map<PlanDirEntry, number>();
  /** where the path tables landed (filled in by the path-tables region) */
  pathTables: { iso9660?: PathTablePlacement; joliet?: PathTablePlacement } = {};

  constructor(
    readonly tree: PlanTree,
    readonly options: ResolvedOptions,
  ) {}

  get root(): PlanDirEntry {
    return this.tree.root;
  }

  dir(e: PlanEntry): IsoDir {
    let d = this.dirs.get(e);
    if (!d) {
      d = { children: [], jolietChildren: [], isoLba: 0, isoByteLength: 0, jolietLba: 0, jolietByteLength: 0, pathTableNumber: 0, jolietPathTableNumber: 0 };
      this.dirs.set(e, d);
    }
    return d;
  }

  /** The parent in the ISO 9660 tree (rr_moved for relocated directories). */
  isoParent(e: PlanEntry): PlanEntry {
    return this.movedTo.get(e) ?? e.parent;
  }

  moveTo(e: PlanEntry, parent: PlanDirEntry): void {
    this.movedTo.set(e, parent);
  }

  ce(e: PlanEntry): CeArea | undefined {
    return this.ces.get(e);
  }

  setCe(e: PlanEntry, ce: CeArea | undefined): void {
    if (ce) this.ces.set(e, ce);
    else this.ces.delete(e);
  }

  /** A directory record (not a CL placeholder) for this entry. */
  isDirRecord(e: PlanEntry): e is PlanDirEntry {
    return e.dir !== undefined && !this.clTarget.has(e);
  }

  /** '/'-joined ISO 9660 path of an entry ('/A/B.TXT;1'). */
  isoPath(e: PlanEntry): string {
    const parts: string[] = [];
    for (let c = e; this.isoParent(c) !== c; c = this.isoParent(c)) parts.push(this.isoName[c.id] as string);
    return '/' + parts.reverse().join('/');
  }
}
