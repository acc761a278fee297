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
  /** image path components below the image root ([] for the root itself) */
  readonly parts: readonly string[];
}

export interface ExtractPlan {
  /** every selected node, parents before children */
  readonly entries: PlanEntry[];
  /** directories above a selected node that are created without image metadata */
  readonly ancestors: (readonly string[])[];
}

/** Resolve one exact image path (exact names first, then case-insensitive, like `findNode`). */
function resolvePath(root: TreeNode, path: string): PlanEntry | undefined {
  const want = normaliseImagePath(path);
  const parts: string[] = [];
  let cur: TreeNode = root;
  for (const p of want ? want.split('/') : []) {
    const kids = cur.children;
    if (!kids) return undefined;
    const next = kids.find((k) => k.name === p) ?? kids.find((k) => k.name.toLowerCase() === p.toLowerCase());
    if (!next) return undefined;
    parts.push(next.name);
    cur = next;
  }
  return { node: cur, parts };
}

/** All nodes (parents first) with their component lists. */
function* walkParts(node: TreeNode, parts: readonly string[]): Generator<PlanEntry> {
  const stack: PlanEntry[] = [{ node, parts }];
  while (stack.length) {
    const e = stack.pop() as PlanEntry;
    yield e;
    const kids = e.node.children;
    if (kids) for (let i = kids.length - 1; i >= 0; i--) {
      const k = kids[i] as TreeNode;
      stack.push({ node: k, parts: [...e.parts, k.name] });
    }
  }
}

/** The selected subtrees: whole image when `select` is empty; otherwise paths or globs (each must match). */
export function selectEntries(root: TreeNode, select: readonly string[] = []): PlanEntry[] {
  if (!select.length) return [{ node: root, parts: [] }];
  const picked = new Map<string, PlanEntry>();
  for (const pattern of select) {
    if (!hasGlobChars(pattern)) {
      const e = resolvePath(root, pattern);
      if (!e) throw new IsoKitError(ErrorCode.NOT_FOUND, `${printable(pattern)}: no such file or directory in the image`);
      picked.set(e.parts.join('/'), e);
      continue;
    }
    const re = globToRegExp(pattern);
    let n = 0;
    for (const e of walkParts(root, [])) {
      if (e.parts.length && re.test(e.parts.join('/'))) {
        picked.set(e.parts.join('/'), e);
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
  const ancestors = new Map<string, readonly string[]>();
  for (const sel of selectEntries(root, select)) {
    for (let i = 1; i < sel.parts.length; i++) {
      const a = sel.parts.slice(0, i);
      checkEntryName(a[i - 1] as string, a.join('/'));
      ancestors.set(a.join('/'), a);
    }
    for (const e of walkParts(sel.node, sel.parts)) {
      if (e.parts.length) checkEntryName(e.parts[e.parts.length - 1] as string, e.parts.join('/'));
      entries.push(e);
    }
  }
  for (const e of entries) ancestors.delete(e.parts.join('/'));
  return { entries, ancestors: [...ancestors.values()] };
}
