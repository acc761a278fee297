/**
 * El Torito boot images that are no file of any tree and lie in no appended partition: oscdimg-style Windows
 * media (and pycdlib's Windows-shaped images) keep `etfsboot.com` and `efisys.bin` as hidden copies beside the
 * UDF files of the same bytes. Such an image is replayed from the tree's file with exactly its bytes (same
 * length, same content), so the remaster boots the same code; without one it stays unreplayable (an error).
 */
import { bytesEqual } from '../../bytes/index.js';
import { collect, type ByteSource } from '../../io/index.js';
import { walkTree, type TreeNode } from '../../model/index.js';
import type { BootImageInfo } from '../../read/boot.js';

const MAX_HIDDEN_IMAGE = 64 * 1024 * 1024;

/** `images` with `path` set for the hidden ones that equal a file of `tree` (the original's tree). */
export async function matchHiddenBootImages(
  images: readonly BootImageInfo[],
  tree: TreeNode,
  source: ByteSource,
  inPartition: (byteOffset: number) => boolean,
  signal?: AbortSignal,
): Promise<BootImageInfo[]> {
  const hidden = images.filter((i) => !i.path && !inPartition(i.byteOffset) && i.byteLength > 0 && i.byteLength <= MAX_HIDDEN_IMAGE && i.byteOffset + i.byteLength <= source.byteLength);
  if (!hidden.length) return [...images];
  const sizes = new Set(hidden.map((i) => i.byteLength));
  const candidates: { path: string; node: TreeNode }[] = [];
  for (const { node, path } of walkTree(tree)) {
    if (node.kind === 'file' && node.content && sizes.has(node.size)) candidates.push({ path, node });
  }
  const found = new Map<number, string>();
  for (const img of hidden) {
    const bytes = await source.read(img.byteOffset, img.byteLength, signal ? { signal } : undefined);
    for (const c of candidates) {
      if (c.node.size !== img.byteLength || !c.node.content) continue;
      if (bytesEqual(bytes, await collect(c.node.content.stream()))) {
        found.set(img.index, c.path);
        break;
      }
    }
  }
  return images.map((i) => (found.has(i.index) ? { ...i, path: found.get(i.index) as string } : i));
}
