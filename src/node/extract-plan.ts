/**
 * What an extraction will do, decided before anything touches the disk: which nodes are selected (image
 * paths or glob patterns), every name checked for safety, and the entries in the order they are written.
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';
import type { TreeNode } from '../model/index.js';
import { globToRegExp, hasGlobChars, normaliseImagePath } from './glob.js';
import { checkEntryName, printable } from './safe-path.js';

export interface PlanEntry {
  readonly node: TreeNode;
  /** image path below the image root, '/'-joined ('' for the root itself) */
  readonly rel: string;
  /** `rel` of the parent directory ('' for entries in the root) */
  readonly dir: string;
  readonly name: string;
}

export interface ExtractPlan {
  /** every selected node, parents before children */
  readonly entries: PlanEntry[];
  /** directories above a selected node (`rel` paths), created without image metadata */
  readonly ancestors: string[];
}

/**
 * A plan entry keeps only its node and its directory's path (shared by the directory's entries); its own
 * path is made when asked for. Planning 100,000 files then needs no string per file.
 */
class Entry implements PlanEntry {
  constructor(
    readonly node: TreeNode,
    readonly dir: string,
  ) {}
  get name(): string {
    return this.node.name;
  }
  get rel(): string {
    return this.dir ? `${this.dir}/${this.node.name}` : this.node.name;
  }
}

const entryOf = (node: TreeNode, dir: string): PlanEntry => new Entry(node, dir);

let lastDir = '';

/** The entry of a node met at image path `path` while walking an image; its name is checked (UNSAFE_PATH). */
export function walkEntry(node: TreeNode, path: string): PlanEntry {
  checkEntryName(node.name, path);
  const i = path.lastIndexOf('/');
  // consecutive entries of one directory share its path string
  if (i !== lastDir.length || !path.startsWith(lastDir)) lastDir = i < 0 ? '' : path.slice(0, i);
  return new Entry(node, lastDir);
}
const ROOT_ENTRY = (root: TreeNode): PlanEntry => ({ node: root, rel: '', dir: '', name: '' });

/** Resolve one exact image path (exact names first, then case-insensitive, like `findNode`). */
function resolvePath(root: TreeNode, path: string): PlanEntry | undefined {
  const want = normaliseImagePath(path);
  let e: PlanEntry = ROOT_ENTRY(root);
  for (const p of want ? want.split('/') : []) {
    const kids = e.node.children;
    if (!kids) return undefined;
    const next = kids.find((k) => k.name === p) ?? kids.find((k) => k.name.toLowerCase() === p.toLowerCase());
    if (!next) return undefined;
    e = entryOf(next, e.rel);
  }
  return e;
}

/** All nodes below and including `start` (parents first). */
function* walkEntries(start: PlanEntry): Generator<PlanEntry> {
  const stack: PlanEntry[] = [start];
  while (stack.length) {
    const e = stack.pop() as PlanEntry;
    yield e;
    const kids = e.node.children;
    if (!kids?.length) continue;
    const rel = e.rel; // one string shared by the children
    for (let i = kids.length - 1; i >= 0; i--) stack.push(entryOf(kids[i] as TreeNode, rel));
  }
}


/** The selected subtrees: whole image when `select` is empty; otherwise paths or globs (each must match). */
export function selectEntries(root: TreeNode, select: readonly string[] = []): PlanEntry[] {
  if (!select.length) return [ROOT_ENTRY(root)];
  const picked = new Map<string, PlanEntry>();
  for (const pattern of select) {
    if (!hasGlobChars(pattern)) {
      const e = resolvePath(root, pattern);
      if (!e) throw new IsoKitError(ErrorCode.NOT_FOUND, `${printable(pattern)}: no such file or directory in the image`);
      picked.set(e.rel, e);
      continue;
    }
    const re = globToRegExp(pattern);
    let n = 0;
    for (const e of walkEntries(ROOT_ENTRY(root))) {
      if (e.rel && re.test(e.rel)) {
        picked.set(e.rel, e);
        n++;
      }
    }
    if (!n) throw new IsoKitError(ErrorCode.NOT_FOUND, `no path in the image matches "${printable(pattern)}"`);
  }
  // Drop selections inside another selected directory (they come with it).
  const keys = [...picked.keys()].sort();
  const out: PlanEntry[] = [];
  let covering: string | undefined;
  for (const k of keys) {
    if (covering !== undefined && (covering === '' || k.startsWith(covering + '/'))) continue;
    const e = picked.get(k) as PlanEntry;
    out.push(e);
    if (e.node.kind === 'dir') covering = k;
  }
  return out;
}

/** Build the plan: selected subtrees expanded, every name checked (UNSAFE_PATH before anything is written). */
export function planExtraction(root: TreeNode, select: readonly string[] = []): ExtractPlan {
  const entries: PlanEntry[] = [];
  const ancestors = new Set<string>();
  for (const sel of selectEntries(root, select)) {
    let a = sel.dir;
    while (a) {
      ancestors.add(a);
      const i = a.lastIndexOf('/');
      checkEntryName(a.slice(i + 1), a);
      a = i < 0 ? '' : a.slice(0, i);
    }
    for (const e of walkEntries(sel)) {
      if (e.rel) checkEntryName(e.name, e.rel);
      entries.push(e);
    }
  }
  for (const e of entries) ancestors.delete(e.rel);
  return { entries, ancestors: [...ancestors].sort() };
}
