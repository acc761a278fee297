/**
 * The writer's working tree: one `BEntry` per source node, with its names in each namespace, its shared data
 * extent (hard links and deduplicated contents point at one `BData`), Rock Ridge link count and serial, and
 * (for directories) where its ISO 9660 and Joliet extents land. Built once by `buildTree`, then filled in by
 * the regions' `plan` steps; kept small because 100,000 files must plan in well under 150 MB.
 */
import { ErrorCode, Findings, IsoKitError } from '../errors/index.js';
import type { Content, NodeKind, TreeNode } from '../model/index.js';
import { isoNames, sortByIdentifier, LEVEL4_MAX_BYTES, LEVEL4_MAX_BYTES_WITH_SUSP } from './names/iso9660.js';
import { jolietNames } from './names/joliet.js';
import type { ResolvedOptions } from './options.js';
import { BLOCK_SIZE } from './types.js';

/** ISO 9660 single-extent limit (9.1.4 is 32-bit) and the extent size xorriso uses for larger files. */
export const MAX_EXTENT_BYTES = 0xffffffff;
export const MULTI_EXTENT_STEP_BYTES = 0xfffff800;

/** One stored copy of file data. */
export interface BData {
  readonly content: Content | undefined;
  readonly byteLength: number;
  readonly blockCount: number;
  lba: number;
  /** the entry whose path names the data in messages */
  readonly first: BEntry;
}

/** BData with its block count derived, not stored (one field less on each of 100,000 objects). */
class StoredData implements BData {
  lba = 0;
  constructor(
    readonly content: Content | undefined,
    readonly byteLength: number,
    readonly first: BEntry,
  ) {}

  get blockCount(): number {
    return Math.ceil(this.byteLength / BLOCK_SIZE);
  }
}

/** A Rock Ridge continuation area (SUSP 5.1), possibly chained over several blocks. */
export interface CeArea {
  /** byte length of each chained part (each within one block) */
  readonly partByteLengths: number[];
  /** where each part landed (filled in by the rr-continuation region) */
  parts: { lba: number; offsetInBlock: number }[];
}

export interface DirState {
  /** children in ISO 9660 record order (9.3) */
  children: BEntry[];
  /** children in Joliet record order */
  jolietChildren: BEntry[];
  depth: number;
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
  relocatedFrom?: BEntry;
}

export interface BEntry {
  readonly node: TreeNode;
  readonly kind: NodeKind;
  /** the source name (Rock Ridge NM) */
  readonly name: string;
  /** parent in the source tree (and Joliet/Rock Ridge); the root is its own parent */
  parent: BEntry;
  /** parent in the ISO 9660 tree (differs from `parent` only for relocated directories) */
  isoParent: BEntry;
  isoName: string;
  jolietName: string;
  data: BData | undefined;
  /** Rock Ridge link count and serial number */
  nlink: number;
  ino: number;
  /** (times are not kept per entry: `entryTimes` derives them from the node when a record is written) */
  ce?: CeArea;
  /** RRIP relocation: a placeholder file record whose CL points at this moved directory */
  clTarget?: BEntry;
  /** RRIP relocation: this directory's record (in rr_moved) carries RE */
  relocated?: boolean;
  dir?: DirState;
}

export type BDir = BEntry & { dir: DirState };
export const isBDir = (e: BEntry): e is BDir => e.dir !== undefined;

export interface PathTablePlacement {
  byteLength: number;
  lLba: number;
  mLba: number;
}

export interface BuildImage {
  readonly root: BDir;
  /** directories in ISO 9660 path table order (level, parent number, name) */
  isoDirs: BDir[];
  /** directories in Joliet path table order */
  jolietDirs: BDir[];
  /** stored data in image order */
  data: BData[];
  /**
   * The entry of each source node (placeholders of relocated directories excepted). Built on first use and
   * then kept: only boot patches, `locate`/`namesOf` and relocation ask, and a map of 100,000 entries costs ~4 MB.
   */
  readonly byNode: Map<TreeNode, BEntry>;
  readonly findings: Findings;
  /** where the path tables landed (filled in by the path-tables region) */
  pathTables: { iso9660?: PathTablePlacement; joliet?: PathTablePlacement };
  stats: { files: number; directories: number; symlinks: number; specialFiles: number; hardLinks: number; dedupedFiles: number; dedupSavedBytes: number; relocatedDirectories: number };
}

/** A time as recorded: the build date when the node has none, clamped to it with `clampTimes`. */
export function recordedTime(t: number | undefined, o: Pick<ResolvedOptions, 'dateMs' | 'clampTimes'>): number | undefined {
  if (t === undefined || !Number.isFinite(t)) return o.dateMs;
  return o.clampTimes && o.dateMs !== undefined && t > o.dateMs ? o.dateMs : t;
}

/**
 * An entry's recorded times (atime and ctime default to mtime), derived from its node whenever a record is
 * written rather than kept per entry (three boxed numbers per entry: ~7 MB at 100,000 files).
 */
export function entryTimes(e: BEntry, o: Pick<ResolvedOptions, 'dateMs' | 'clampTimes'>): { mtimeMs: number | undefined; atimeMs: number | undefined; ctimeMs: number | undefined } {
  const n = e.node;
  return { mtimeMs: recordedTime(n.mtimeMs, o), atimeMs: recordedTime(n.atimeMs ?? n.mtimeMs, o), ctimeMs: recordedTime(n.ctimeMs ?? n.mtimeMs, o) };
}

/** An entry's recorded modification time (directory records). */
export const entryMtime = (e: BEntry, o: Pick<ResolvedOptions, 'dateMs' | 'clampTimes'>): number | undefined => recordedTime(e.node.mtimeMs, o);

/** '/'-joined source path of an entry (for messages). */
export function pathOf(e: BEntry): string {
  const parts: string[] = [];
  let cur = e;
  while (cur.parent !== cur) {
    parts.push(cur.name);
    cur = cur.parent;
  }
  return '/' + parts.reverse().join('/');
}

const badName = (name: string) => !name || name === '.' || name === '..' || name.includes('/') || name.includes('\0');
const byName = (a: BEntry, b: BEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Build the working tree: validate names, share hard-linked / deduplicated data, assign names and serials. */
export function buildTree(root: TreeNode, o: ResolvedOptions): BuildImage {
  if (root.kind !== 'dir') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'the root of an image must be a directory');
  const findings = new Findings();
  const stats = { files: 0, directories: 0, symlinks: 0, specialFiles: 0, hardLinks: 0, dedupedFiles: 0, dedupSavedBytes: 0, relocatedDirectories: 0 };
  const seen = new Set<TreeNode>();
  const links = new Map<string, BEntry[]>();
  const dedup = new Map<string, BData>();
  const make = (node: TreeNode, parent: BEntry | undefined): BEntry => {
    // `dir` and `ce` are left out: only directories (a few thousand) and records with continuation areas get
    // them later (each then an out-of-object property array); every other entry is 16 bytes smaller
    const e: BEntry = {
      node, kind: node.kind, name: node.name, parent: parent as BEntry, isoParent: parent as BEntry, isoName: '', jolietName: '',
      data: undefined, nlink: 1, ino: 0,
    };
    if (!parent) e.parent = e.isoParent = e;
    if (seen.has(node)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${pathOf(e)}: the same tree node appears twice (use linkGroup for hard links)`);
    seen.add(node);
    return e;
  };
  const rootEntry = make(root, undefined);
  rootEntry.dir = newDirState(0);
  const image = newImage(rootEntry as BDir, findings, stats);
  let ino = 0;
  // breadth-first: path table order falls out directly (children are sorted before they are queued)
  const queue: BDir[] = [rootEntry as BDir];
  for (let qi = 0; qi < queue.length; qi++) {
    const d = queue[qi] as BDir;
    d.ino = ++ino;
    stats.directories++;
    const kids: BEntry[] = [];
    for (const c of d.node.children ?? []) {
      const e = make(c, d);
      if (badName(c.name)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${pathOf(d)}: invalid file name ${JSON.stringify(c.name)}`);
      kids.push(e);
    }
    kids.sort(byName);
    for (let i = 1; i < kids.length; i++) {
      if ((kids[i] as BEntry).name === (kids[i - 1] as BEntry).name) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${pathOf(kids[i] as BEntry)} appears twice`);
    }
    let subdirs = 0;
    for (const e of kids) {
      if (e.kind === 'dir') {
        e.dir = newDirState(d.dir.depth + 1);
        queue.push(e as BDir);
        subdirs++;
      } else {
        setupLeaf(e, image, o, links, dedup, () => ++ino);
      }
    }
    d.nlink = 2 + subdirs;
    assignNames(d, kids, o);
  }
  // the array grew by pushes (up to 1.5× its length): an exact copy for the rest of the build
  image.data = image.data.slice();
  if (queue.length > 65535) {
    throw new IsoKitError(ErrorCode.UNSUPPORTED, `${queue.length} directories: an ISO 9660 path table can address at most 65,535`);
  }
  for (const group of links.values()) for (const e of group) e.nlink = group.length;
  image.isoDirs = queue;
  return image;
}

/**
 * The image with its lazily built `byNode`, made outside `buildTree`: a closure there would share buildTree's
 * context and keep its working sets (the node set of 100,000 entries) alive as long as the image.
 */
function newImage(root: BDir, findings: Findings, stats: BuildImage['stats']): BuildImage {
  let byNode: Map<TreeNode, BEntry> | undefined;
  const image: BuildImage = {
    root, isoDirs: [], jolietDirs: [], data: [], findings, stats, pathTables: {},
    get byNode() {
      return (byNode ??= indexEntries(image));
    },
  };
  return image;
}

/** Every entry by its node: the root, then each directory's children in ISO 9660 order (relocated ones under rr_moved). */
function indexEntries(image: BuildImage): Map<TreeNode, BEntry> {
  const map = new Map<TreeNode, BEntry>([[image.root.node, image.root]]);
  for (const d of image.isoDirs) for (const c of d.dir.children) if (!c.clTarget) map.set(c.node, c);
  return map;
}

function newDirState(depth: number): DirState {
  return { children: [], jolietChildren: [], depth, isoLba: 0, isoByteLength: 0, jolietLba: 0, jolietByteLength: 0, pathTableNumber: 0, jolietPathTableNumber: 0 };
}

function setupLeaf(e: BEntry, image: BuildImage, o: ResolvedOptions, links: Map<string, BEntry[]>, dedup: Map<string, BData>, nextIno: () => number): void {
  const { stats } = image;
  const node = e.node;
  if (e.kind === 'symlink') stats.symlinks++;
  else if (e.kind === 'file') stats.files++;
  else stats.specialFiles++;
  if (e.kind === 'symlink' && node.symlinkTarget === undefined) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${pathOf(e)}: symbolic link without a target`);
  }
  const group = node.linkGroup !== undefined ? links.get(node.linkGroup) : undefined;
  if (group) {
    const first = group[0] as BEntry;
    if (first.kind !== e.kind) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${pathOf(e)}: hard link to ${pathOf(first)} of another kind`);
    group.push(e);
    e.ino = first.ino;
    e.data = first.data;
    stats.hardLinks++;
    return;
  }
  e.ino = nextIno();
  if (node.linkGroup !== undefined) links.set(node.linkGroup, [e]);
  if (e.kind !== 'file') return;
  const byteLength = node.content?.byteLength ?? node.size ?? 0;
  if (!Number.isSafeInteger(byteLength) || byteLength < 0) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${pathOf(e)}: invalid size ${byteLength}`);
  if (byteLength > 0 && !node.content) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${pathOf(e)}: ${byteLength} bytes but no content`);
  if (byteLength > MAX_EXTENT_BYTES && o.isoLevel < 3) {
    throw new IsoKitError(ErrorCode.UNSUPPORTED, `${pathOf(e)} is ${byteLength} bytes: files of 4 GiB and more need ISO level 3 or 4 (multi-extent)`);
  }
  const key = byteLength > 0 ? o.contentKeys?.get(node) : undefined;
  const shared = key !== undefined ? dedup.get(key) : undefined;
  if (shared && shared.byteLength === byteLength) {
    e.data = shared;
    stats.dedupedFiles++;
    stats.dedupSavedBytes += byteLength;
    return;
  }
  const data: BData = new StoredData(node.content, byteLength, e);
  e.data = data;
  if (byteLength > 0) image.data.push(data);
  if (key !== undefined) dedup.set(key, data);
}

/** Assign unique ISO 9660 and Joliet names to one directory's children and sort both record orders. */
function assignNames(d: BDir, kids: BEntry[], o: ResolvedOptions): void {
  const iso = isoNames(kids.map((k) => ({ name: k.name, isDir: k.kind === 'dir', override: k.node.names?.iso9660 })), o.isoLevel, o.rockRidge ? LEVEL4_MAX_BYTES_WITH_SUSP : LEVEL4_MAX_BYTES);
  kids.forEach((k, i) => (k.isoName = iso[i] as string));
  d.dir.children = sortByIdentifier(kids.slice(), (k) => k.isoName);
  if (o.joliet) {
    // Joliet has no symlinks, devices or fifos: like xorriso, leave them out of the Joliet tree rather than
    // show them as empty files (7-Zip and Windows would extract 0-byte files in their place).
    const jk = kids.filter((k) => k.kind === 'file' || k.kind === 'dir');
    const j = jolietNames(jk.map((k) => ({ name: k.node.names?.joliet ?? k.name, isDir: k.kind === 'dir' })), o.joliet, o.jolietUtf16);
    // an unchanged name keeps the source name's string (one string per entry, not two)
    jk.forEach((k, i) => {
      const jn = j[i] as string;
      k.jolietName = jn === k.name ? k.name : jn;
    });
    d.dir.jolietChildren = sortByIdentifier(jk, (k) => k.jolietName);
  }
}

/** Directories in Joliet path table order (BFS over Joliet-sorted children). */
export function jolietDirOrder(root: BDir): BDir[] {
  const out: BDir[] = [root];
  for (let i = 0; i < out.length; i++) {
    for (const c of (out[i] as BDir).dir.jolietChildren) if (isBDir(c)) out.push(c);
  }
  return out;
}

/** Directories in ISO 9660 path table order (BFS over ISO-sorted children, after any relocation). */
export function isoDirOrder(root: BDir): BDir[] {
  const out: BDir[] = [root];
  for (let i = 0; i < out.length; i++) {
    for (const c of (out[i] as BDir).dir.children) if (isBDir(c)) out.push(c);
  }
  return out;
}
