/**
 * The reader seam: every namespace an image can hold (ISO 9660, Joliet, Rock Ridge, UDF, FAT) is read through
 * one `DirectoryReader` — its root node and its directories one at a time — and every traversal (the whole
 * tree, the streaming walk, listings, extraction) is written once over that interface (traverse.ts).
 */
import type { Namespace, TreeNode } from '../model/index.js';

export interface ReadDirectoryOptions {
  /**
   * Listing mode: nodes without `content` and `extents`, and only the attributes a listing shows (a reader
   * may ignore it and give full nodes).
   */
  readonly lean?: boolean;
}

export interface DirectoryReader {
  readonly namespace: Namespace;
  /** The root directory node (its `children` are not read by the reader itself). */
  readonly root: TreeNode;
  /**
   * The entries of a directory node this reader produced, in the order the medium records them.
   * Subdirectories come unread; a directory the reader will not read (a loop, too deep — reported as a
   * finding when it was met) gives an empty list.
   */
  readDirectory(dir: TreeNode, opts?: ReadDirectoryOptions): Promise<TreeNode[]>;
  /** Hint: these directories are read next, in this order (a reader over a slow source may ask ahead). */
  prefetch?(dirs: readonly TreeNode[]): void;
  /**
   * The whole tree below `root`, when the reader has its own way of reading it (UDF: a directory listed by
   * several entries is read once, files sharing a File Entry get one link group). `readTree` uses it.
   */
  readTree?(): Promise<TreeNode>;
}
