/**
 * Hard-link groups of a tree read from an image. Rock Ridge says which files are one inode:
 * - RRIP 1.12 PX carries a file serial number: files with the same serial and a link count > 1 are one
 *   inode (what xorriso `-hardlinks on` restores on extraction);
 * - RRIP 1.10 PX has no serial: files whose link count is > 1 and that share their (non-empty) first
 *   extent are one inode (what bsdtar restores). Empty files share LBAs by accident and are never grouped.
 * Without Rock Ridge there is no link count, so no groups (shared extents may just be deduplicated data).
 */
import type { TreeNode } from '../model/index.js';

/** The hard-link key of a node that is not a directory (undefined: not linked). */
export function linkKey(n: TreeNode): string | undefined {
  if ((n.nlink ?? 1) < 2) return undefined;
  if (n.ino !== undefined) return `ino:${n.ino}`;
  if (n.kind === 'file' && n.size > 0 && n.extents?.[0]) return `lba:${n.extents[0].lba}`;
  return undefined;
}

export function assignLinkGroups(root: TreeNode): void {
  const groups = new Map<string, TreeNode[]>();
  const stack: TreeNode[] = [root];
  while (stack.length) {
    const n = stack.pop() as TreeNode;
    if (n.children) {
      for (const c of n.children) stack.push(c);
      continue;
    }
    const key = linkKey(n);
    if (key === undefined) continue;
    const g = groups.get(key);
    if (g) g.push(n);
    else groups.set(key, [n]);
  }
  for (const [key, nodes] of groups) {
    if (nodes.length < 2) continue;
    for (const n of nodes) n.linkGroup = key;
  }
}
