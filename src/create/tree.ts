/**
 * The writer's working tree, format-neutral: one `PlanEntry` per source node with its source name, parent,
 * shared data extent (hard links and deduplicated contents point at one `StoredData`), link count and serial
 * number; directories list their children sorted by name. What a format adds (ISO 9660 and Joliet names and
 * record orders, Rock Ridge continuation areas, UDF file entries, FAT short names) lives in that region group's
 * own tables, keyed by the entry or its dense `id`. Built once by `buildTree`; kept small because 100,000
 * files must plan in well under 150 MB.
 */
import { ErrorCode, Findings, IsoKitError } from '../errors/index.js';
import type { Content, NodeKind, TreeNode } from '../model/index.js';
import type { ResolvedOptions } from './options.js';
import { BLOCK_SIZE } from './types.js';

/** ISO 9660 single-extent limit (9.1.4 is 32-bit) and the extent size xorriso uses for larger files. */
export const MAX_EXTENT_BYTES = 0xffffffff;
export const MULTI_EXTENT_STEP_BYTES = 0xfffff800;

/** One stored copy of file data. */
export interface BData {
  readonly content: Content | undefined;
  readonly byteLength: number;
  /** 2048-byte blocks it takes */
  readonly blockCount: number;
  lba: number;
  /** the entry whose path names the data in messages */
  readonly first: PlanEntry;
}

/** BData with its block count derived, not stored (one field less on each of 100,000 objects). */
class StoredData implements BData {
  lba = 0;
  constructor(
    readonly content: Content | undefined,
    readonly byteLength: number,
    readonly first: PlanEntry,
  ) {}

  get blockCount(): number {
    return Math.ceil(this.byteLength / BLOCK_SIZE);
  }
}

export interface PlanEntry {
  readonly node: TreeNode;
  readonly kind: NodeKind;
  /** the source name (Rock Ridge NM, UDF and Joliet names are derived from it) */
  readonly name: string;
  /** dense number (root 0); groups index their per-entry tables by it */
  readonly id: number;
  /** parent in the source tree; the root is its own parent */
  readonly parent: PlanEntry;
  data: BData | undefined;
  /** POSIX link count (directories: 2 + subdirectories) and serial number */
  nlink: number;
  ino: number;
  /** directories: the children, sorted by source name (code unit order), and the depth below the root */
  dir?: { readonly children: PlanEntry[]; readonly depth: number };
}

export type PlanDirEntry = PlanEntry & { dir: NonNullable<PlanEntry['dir']> };
export const isPlanDir = (e: PlanEntry): e is PlanDirEntry => e.dir !== undefined;

export interface PlanStats {
  files: number;
  directories: number;
  symlinks: number;
  specialFiles: number;
  hardLinks: number;
  dedupedFiles: number;
  dedupSavedBytes: number;
  relocatedDirectories: number;
}

export interface PlanTree {
  readonly root: PlanDirEntry;
  /** every directory, breadth-first in name order (the root first) */
  readonly dirs: readonly PlanDirEntry[];
  /** stored data in layout order (groups may reorder it before placement, e.g. by sort weight) */
  data: BData[];
  /**
   * The entry of each source node. Built on first use and then kept: only boot patches, `locate`/`namesOf`
   * ask, and a map of 100,000 entries costs ~4 MB.
   */
  readonly byNode: Map<TreeNode, PlanEntry>;
  readonly findings: Findings;
  readonly stats: PlanStats;
  /** a fresh id for an entry a group adds (e.g. a relocation directory) */
  nextId(): number;
  /** the highest serial number given (a group's own entries continue from it) */
  lastIno: number;
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
export function entryTimes(e: PlanEntry, o: Pick<ResolvedOptions, 'dateMs' | 'clampTimes'>): { mtimeMs: number | undefined; atimeMs: number | undefined; ctimeMs: number | undefined } {
  const n = e.node;
  return { mtimeMs: recordedTime(n.mtimeMs, o), atimeMs: recordedTime(n.atimeMs ?? n.mtimeMs, o), ctimeMs: recordedTime(n.ctimeMs ?? n.mtimeMs, o) };
}

/** An entry's recorded modification time (directory records). */
export const entryMtime = (e: PlanEntry, o: Pick<ResolvedOptions, 'dateMs' | 'clampTimes'>): number | undefined => recordedTime(e.node.mtimeMs, o);

/** '/'-joined source path of an entry (for messages). */
export function pathOf(e: PlanEntry): string {
  const parts: string[] = [];
  let cur = e;
  while (cur.parent !== cur) {
    parts.push(cur.name);
    cur = cur.parent;
  }
  return '/' + parts.reverse().join('/');
}

const badName = (name: string) => !name || name === '.' || name === '..' || name.includes('/') || name.includes('\0');
const byName = (a: PlanEntry, b: PlanEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

interface Builder {
  readonly tree: PlanTree;
  readonly o: ResolvedOptions;
  readonly seen: Set<TreeNode>;
  readonly links: Map<string, PlanEntry[]>;
  readonly dedup: Map<string, BData>;
  ino: number;
}

function makeEntry(b: Builder, node: TreeNode, parent: PlanEntry | undefined): PlanEntry {
  // `dir` is left out: only directories (a few thousand) get it later (then an out-of-object property);
  // every other entry is 8 bytes smaller
  const e = { node, kind: node.kind, name: node.name, id: b.tree.nextId(), parent: parent as PlanEntry, data: undefined, nlink: 1, ino: 0 } as PlanEntry;
  if (!parent) (e as { parent: PlanEntry }).parent = e;
  if (b.seen.has(node)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${pathOf(e)}: the same tree node appears twice (use linkGroup for hard links)`);
  b.seen.add(node);
  return e;
}

/** Build the working tree: validate names, share hard-linked / deduplicated data, assign serials. */
export function buildTree(root: TreeNode, o: ResolvedOptions): PlanTree {
  if (root.kind !== 'dir') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'the root of an image must be a directory');
  let ids = 0;
  const dirs: PlanDirEntry[] = [];
  const tree = newTree(dirs, new Findings(), () => ids++);
  const b: Builder = { tree, o, seen: new Set(), links: new Map(), dedup: new Map(), ino: 0 };
  const rootEntry = makeEntry(b, root, undefined);
  rootEntry.dir = { children: [], depth: 0 };
  (tree as { root: PlanDirEntry }).root = rootEntry as PlanDirEntry;
  dirs.push(rootEntry as PlanDirEntry);
  // breadth-first: path table order falls out directly (children are sorted before they are queued)
  for (let qi = 0; qi < dirs.length; qi++) {
    const d = dirs[qi] as PlanDirEntry;
    d.ino = ++b.ino;
    tree.stats.directories++;
    const kids = d.dir.children;
    for (const c of d.node.children ?? []) {
      const e = makeEntry(b, c, d);
      if (badName(c.name)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${pathOf(d)}: invalid file name ${JSON.stringify(c.name)}`);
      kids.push(e);
    }
    kids.sort(byName);
    for (let i = 1; i < kids.length; i++) {
      if ((kids[i] as PlanEntry).name === (kids[i - 1] as PlanEntry).name) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${pathOf(kids[i] as PlanEntry)} appears twice`);
    }
    let subdirs = 0;
    for (const e of kids) {
      if (e.kind === 'dir') {
        e.dir = { children: [], depth: d.dir.depth + 1 };
        dirs.push(e as PlanDirEntry);
        subdirs++;
      } else {
        setupLeaf(b, e);
      }
    }
    d.nlink = 2 + subdirs;
  }
  // the array grew by pushes (up to 1.5× its length): an exact copy for the rest of the build
  tree.data = tree.data.slice();
  for (const group of b.links.values()) for (const e of group) e.nlink = group.length;
  tree.lastIno = b.ino;
  return tree;
}

/**
 * The tree with its lazily built `byNode`, made outside `buildTree`: a closure there would share buildTree's
 * context and keep its working sets (the node set of 100,000 entries) alive as long as the tree.
 */
function newTree(dirs: PlanDirEntry[], findings: Findings, nextId: () => number): PlanTree {
  let byNode: Map<TreeNode, PlanEntry> | undefined;
  const tree: PlanTree = {
    root: undefined as unknown as PlanDirEntry, dirs, data: [], findings, nextId, lastIno: 0,
    stats: { files: 0, directories: 0, symlinks: 0, specialFiles: 0, hardLinks: 0, dedupedFiles: 0, dedupSavedBytes: 0, relocatedDirectories: 0 },
    get byNode() {
      return (byNode ??= indexEntries(dirs));
    },
  };
  return tree;
}

/** Every entry by its node: the root, then each directory's children. */
function indexEntries(dirs: readonly PlanDirEntry[]): Map<TreeNode, PlanEntry> {
  const map = new Map<TreeNode, PlanEntry>();
  const root = dirs[0];
  if (root) map.set(root.node, root);
  for (const d of dirs) for (const c of d.dir.children) map.set(c.node, c);
  return map;
}

function setupLeaf(b: Builder, e: PlanEntry): void {
  const { stats } = b.tree;
  const node = e.node;
  if (e.kind === 'symlink') stats.symlinks++;
  else if (e.kind === 'file') stats.files++;
  else stats.specialFiles++;
  if (e.kind === 'symlink' && node.symlinkTarget === undefined) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${pathOf(e)}: symbolic link without a target`);
  }
  const group = node.linkGroup !== undefined ? b.links.get(node.linkGroup) : undefined;
  if (group) {
    const first = group[0] as PlanEntry;
    if (first.kind !== e.kind) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${pathOf(e)}: hard link to ${pathOf(first)} of another kind`);
    group.push(e);
    e.ino = first.ino;
    e.data = first.data;
    stats.hardLinks++;
    return;
  }
  e.ino = ++b.ino;
  if (node.linkGroup !== undefined) b.links.set(node.linkGroup, [e]);
  if (e.kind === 'file') setupData(b, e);
}

function setupData(b: Builder, e: PlanEntry): void {
  const { stats } = b.tree;
  const node = e.node;
  const byteLength = node.content?.byteLength ?? node.size ?? 0;
  if (!Number.isSafeInteger(byteLength) || byteLength < 0) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${pathOf(e)}: invalid size ${byteLength}`);
  if (byteLength > 0 && !node.content) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${pathOf(e)}: ${byteLength} bytes but no content`);
  if (byteLength > MAX_EXTENT_BYTES && b.o.isoLevel < 3 && b.o.isoLargeFiles === 'multi-extent') {
    throw new IsoKitError(ErrorCode.UNSUPPORTED, `${pathOf(e)} is ${byteLength} bytes: files of 4 GiB and more need ISO level 3 or 4 (multi-extent)`);
  }
  const key = byteLength > 0 ? b.o.contentKeys?.get(node) : undefined;
  const shared = key !== undefined ? b.dedup.get(key) : undefined;
  if (shared && shared.byteLength === byteLength) {
    e.data = shared;
    stats.dedupedFiles++;
    stats.dedupSavedBytes += byteLength;
    return;
  }
  const data: BData = new StoredData(node.content, byteLength, e);
  e.data = data;
  if (byteLength > 0) b.tree.data.push(data);
  if (key !== undefined) b.dedup.set(key, data);
}
