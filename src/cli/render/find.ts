/** Look up PATH (as typed by a user) in an image tree, or fail with one clear line. */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { findNode, type TreeNode } from '../../model/index.js';

export function findImagePath(root: TreeNode, path: string): TreeNode {
  const node = findNode(root, path);
  if (!node) throw new IsoKitError(ErrorCode.NOT_FOUND, `${path}: no such file or directory in the image`);
  return node;
}

/**
 * Resolve PATH inside the image, following symbolic links (absolute targets from the image root, relative
 * ones from the link's directory), at most 40 of them, like a kernel would on a mounted image.
 */
export function resolveImagePath(root: TreeNode, path: string): TreeNode {
  const todo = path.split('/').filter((c) => c && c !== '.');
  const stack: TreeNode[] = [root];
  let hops = 0;
  while (todo.length) {
    const c = todo.shift() as string;
    if (c === '..') {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const dir = stack[stack.length - 1] as TreeNode;
    if (dir.kind !== 'dir') throw new IsoKitError(ErrorCode.NOT_FOUND, `${path}: not a directory in the image`);
    const next = findNode(dir, c);
    if (!next || next === dir) throw new IsoKitError(ErrorCode.NOT_FOUND, `${path}: no such file or directory in the image`);
    if (next.kind === 'symlink') {
      if (++hops > 40) throw new IsoKitError(ErrorCode.NOT_FOUND, `${path}: too many levels of symbolic links in the image`);
      const t = next.symlinkTarget ?? '';
      if (t.startsWith('/')) stack.length = 1;
      todo.unshift(...t.split('/').filter((x) => x && x !== '.'));
      continue;
    }
    stack.push(next);
  }
  return stack[stack.length - 1] as TreeNode;
}
