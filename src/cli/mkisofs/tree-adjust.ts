/**
 * Tree-wide changes mkisofs applies after the files are gathered, in xorriso's order: -r (rational Rock
 * Ridge), -dir-mode, -file-mode, -uid/-gid, then --sort-weight (later options win where paths overlap).
 */
import type { TreeNode } from '../../model/index.js';
import type { MkisofsRequest } from './types.js';

const S_IFMT = 0o170000;

/**
 * mkisofs -r / xorriso `-exec mkisofs_r`: owner and group 0; read permission for everybody; no write
 * permission; execute for everybody when anybody had it; no set-user-id, set-group-id or sticky bits.
 */
export function rationalMode(mode: number): number {
  const type = mode & S_IFMT;
  let perm = mode & 0o777;
  perm |= 0o444;
  perm &= ~0o222;
  if (perm & 0o111) perm |= 0o111;
  return type | perm;
}

function walk(n: TreeNode, fn: (n: TreeNode) => void): void {
  const stack = [n];
  while (stack.length) {
    const cur = stack.pop() as TreeNode;
    fn(cur);
    if (cur.children) for (const c of cur.children) stack.push(c);
  }
}

function find(root: TreeNode, isoPath: string): TreeNode | undefined {
  let cur: TreeNode | undefined = root;
  for (const part of isoPath.split('/').filter((p) => p && p !== '.')) {
    cur = cur?.children?.find((c) => c.name === part);
    if (!cur) return undefined;
  }
  return cur;
}

/** Apply -r, -dir-mode, -file-mode, -uid, -gid and --sort-weight to the gathered tree. Returns warnings. */
export function adjustTree(root: TreeNode, req: Pick<MkisofsRequest, 'rationalRock' | 'dirMode' | 'fileMode' | 'uid' | 'gid' | 'sortWeights'>): string[] {
  const warnings: string[] = [];
  walk(root, (n) => {
    const mode = n.mode ?? (n.kind === 'dir' ? 0o40755 : 0o100644);
    let m = mode;
    if (req.rationalRock) {
      m = rationalMode(m);
      n.uid = 0;
      n.gid = 0;
    }
    if (req.dirMode !== undefined && n.kind === 'dir') m = (m & S_IFMT) | req.dirMode;
    if (req.fileMode !== undefined && n.kind === 'file') m = (m & S_IFMT) | req.fileMode;
    if (m !== mode || n.mode === undefined) n.mode = m;
    if (req.uid !== undefined) n.uid = req.uid;
    if (req.gid !== undefined) n.gid = req.gid;
  });
  for (const { weight, path } of req.sortWeights) {
    const start = find(root, path);
    if (!start) {
      warnings.push(`--sort-weight ${weight} ${path}: no such file in the image`);
      continue;
    }
    walk(start, (n) => {
      if (n.kind === 'file') n.sortWeight = weight;
    });
  }
  return warnings;
}
