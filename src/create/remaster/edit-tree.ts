/**
 * Tree edits for remastering: a copy of the original tree (directory nodes copied, file contents shared, so the
 * opened image's tree is never modified), removals, and additions merged mkisofs-style (a directory's children
 * go into the directory at the path; a file replaces the file there and keeps its namespace names).
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { walkTree, type TreeNode } from '../../model/index.js';
import type { RemasterAdd, RemasterEditReport } from './types.js';

/** A copy of every node (shallow: contents, names and metadata are shared; children arrays are new). */
export function cloneTree(node: TreeNode): TreeNode {
  const copy: TreeNode = { ...node };
  if (node.children) copy.children = node.children.map(cloneTree);
  return copy;
}

export function splitTreePath(path: string, what: string): string[] {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${what}: "${path}" may not contain ".."`);
  return parts;
}

const showPath = (parts: readonly string[]) => '/' + parts.join('/');

/** Exact name first; with `caseInsensitive`, then a unique case-insensitive match (ISO 9660-only trees). */
function childIndex(dir: TreeNode, name: string, caseInsensitive: boolean): number {
  const kids = dir.children ?? [];
  const exact = kids.findIndex((k) => k.name === name);
  if (exact >= 0 || !caseInsensitive) return exact;
  const lower = name.toLowerCase();
  const matches = kids.map((k, i) => (k.name.toLowerCase() === lower ? i : -1)).filter((i) => i >= 0);
  return matches.length === 1 ? (matches[0] as number) : -1;
}

/** Files and file bytes in a subtree (hard links counted per name). */
export function subtreeStats(node: TreeNode): { files: number; byteLength: number } {
  let files = 0;
  let byteLength = 0;
  for (const { node: n } of walkTree(node)) {
    if (n.kind !== 'file') continue;
    files++;
    byteLength += n.content?.byteLength ?? n.size;
  }
  return { files, byteLength };
}

export interface EditContext {
  readonly caseInsensitive: boolean;
  readonly edits: RemasterEditReport[];
  readonly added: Set<TreeNode>;
  /** nodes a removal took out of the tree */
  readonly dropped: TreeNode[];
}

/** Remove the node at `path` (with its subtree). */
export function removePath(root: TreeNode, path: string, ctx: EditContext): void {
  const parts = splitTreePath(path, 'remove');
  if (!parts.length) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'remove: the root directory cannot be removed');
  let dir = root;
  for (const [i, part] of parts.entries()) {
    const at = childIndex(dir, part, ctx.caseInsensitive);
    const node = at >= 0 ? (dir.children as TreeNode[])[at] : undefined;
    if (!node) throw new IsoKitError(ErrorCode.NOT_FOUND, `remove: ${showPath(parts.slice(0, i + 1))} is not in the image`);
    if (i === parts.length - 1) {
      (dir.children as TreeNode[]).splice(at, 1);
      const s = subtreeStats(node);
      ctx.edits.push({ op: 'remove', path: showPath(parts), kind: node.kind, byteLength: s.byteLength, files: s.files });
      ctx.dropped.push(node);
      return;
    }
    if (node.kind !== 'dir') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `remove: ${showPath(parts.slice(0, i + 1))} is not a directory`);
    dir = node;
  }
}

function markAdded(node: TreeNode, ctx: EditContext): void {
  for (const { node: n } of walkTree(node)) ctx.added.add(n);
}

function newDirectory(name: string, like: TreeNode): TreeNode {
  return { name, kind: 'dir', size: 0, children: [], mode: 0o40755, ...(like.mtimeMs !== undefined ? { mtimeMs: like.mtimeMs } : {}) };
}

/** Put `node` (named `name`) into `dir`: merge directories, replace files, insert what is new. */
function putChild(dir: TreeNode, name: string, node: TreeNode, parts: string[], ctx: EditContext): void {
  dir.children ??= [];
  const at = childIndex(dir, name, ctx.caseInsensitive);
  const old = at >= 0 ? dir.children[at] : undefined;
  const path = showPath(parts);
  if (old && old.kind === 'dir' && node.kind === 'dir') {
    for (const kid of node.children ?? []) putChild(old, kid.name, kid, [...parts, kid.name], ctx);
    return;
  }
  if (old && old.kind === 'dir') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `add: ${path} is a directory in the image; remove it first to put a ${node.kind} there`);
  const placed: TreeNode = { ...node, name: old?.name ?? name };
  delete placed.names;
  // a replaced file keeps the names the original gave it in each namespace (e.g. its ISO 9660 8.3 name)
  if (old?.names) placed.names = { ...old.names };
  if (placed.children) placed.children = placed.children.map(cloneTree);
  markAdded(placed, ctx);
  const s = subtreeStats(placed);
  ctx.edits.push({ op: old ? 'replace' : 'add', path, kind: placed.kind, byteLength: s.byteLength, files: s.files });
  if (old) dir.children[at] = placed;
  else dir.children.push(placed);
}

/** Apply one addition (see RemasterAdd). */
export function addPath(root: TreeNode, add: RemasterAdd, ctx: EditContext): void {
  const parts = splitTreePath(add.path, 'add');
  if (!parts.length) {
    if (add.node.kind !== 'dir') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `add: only a directory can be merged at the root (got a ${add.node.kind})`);
    for (const kid of add.node.children ?? []) putChild(root, kid.name, kid, [kid.name], ctx);
    return;
  }
  let dir = root;
  for (const [i, part] of parts.slice(0, -1).entries()) {
    dir.children ??= [];
    const at = childIndex(dir, part, ctx.caseInsensitive);
    let next = at >= 0 ? dir.children[at] : undefined;
    if (next && next.kind !== 'dir') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `add: ${showPath(parts.slice(0, i + 1))} is not a directory in the image`);
    if (!next) {
      next = newDirectory(part, add.node);
      dir.children.push(next);
      ctx.added.add(next);
    }
    dir = next;
  }
  putChild(dir, parts[parts.length - 1] as string, add.node, parts, ctx);
}

/** Path of every node in a tree ('/a/b'), for looking up boot images after edits. */
export function pathsOf(root: TreeNode): Map<TreeNode, string> {
  const out = new Map<TreeNode, string>();
  for (const { node, path } of walkTree(root)) out.set(node, '/' + path);
  return out;
}
