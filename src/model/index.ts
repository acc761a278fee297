/**
 * The format-neutral tree (design guide §2, "the model is not the records"): one node per file with its
 * name in each namespace and one content handle. The reader produces it; the writer consumes it; the
 * ISO 9660, Joliet, Rock Ridge and UDF records all point at the same content.
 */
import type { ByteSource, ByteStream, ReadOptions } from '../io/index.js';
import { readRange } from '../io/index.js';
import { ErrorCode, IsoKitError } from '../errors/index.js';

export type NodeKind = 'file' | 'dir' | 'symlink' | 'chardev' | 'blockdev' | 'fifo' | 'socket';
export type Namespace = 'rockridge' | 'joliet' | 'iso9660' | 'udf' | 'fat';

/** POSIX file type bits (st_mode & S_IFMT). */
export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;

export function kindFromMode(mode: number): NodeKind | undefined {
  switch ((mode & S_IFMT) >>> 0) {
    case S_IFDIR: return 'dir';
    case S_IFREG: return 'file';
    case S_IFLNK: return 'symlink';
    case S_IFCHR: return 'chardev';
    case S_IFBLK: return 'blockdev';
    case S_IFIFO: return 'fifo';
    case S_IFSOCK: return 'socket';
    default: return undefined;
  }
}
export function typeBits(kind: NodeKind): number {
  return { dir: S_IFDIR, file: S_IFREG, symlink: S_IFLNK, chardev: S_IFCHR, blockdev: S_IFBLK, fifo: S_IFIFO, socket: S_IFSOCK }[kind];
}

/** A contiguous byte range of a source: how content stored in an image is described (cheap to copy). */
export interface SourceRange {
  readonly source: ByteSource;
  readonly byteOffset: number;
  readonly byteLength: number;
}

/** A file's bytes, wherever they live. */
export interface Content {
  readonly byteLength: number;
  /** Stream the bytes (exactly byteLength of them, or an IsoKitError). */
  stream(opts?: ReadOptions & { chunkSize?: number }): ByteStream;
  /** When the content is stored as plain ranges of a source (an image's extents, a file on disk): them. */
  readonly ranges?: readonly SourceRange[];
  /** A stable identity for hard-link and dedup detection when known (e.g. "dev:ino"). */
  readonly identity?: string;
}

/**
 * Content made of source ranges, concatenated (multi-extent files, files inside an image). Streams exactly
 * `byteLength` bytes, or throws TRUNCATED when a range runs past the end of its source (never a short file).
 * A class, not a closure per file: readers make one per file of trees of 100,000 files.
 */
class RangesContent implements Content {
  readonly byteLength: number;
  constructor(
    readonly ranges: readonly SourceRange[],
    readonly identity?: string,
  ) {
    let byteLength = 0;
    for (const r of ranges) byteLength += r.byteLength;
    this.byteLength = byteLength;
  }
  async *stream(opts?: ReadOptions & { chunkSize?: number }): ByteStream {
    for (const r of this.ranges) {
      let got = 0;
      for await (const chunk of readRange(r.source, r.byteOffset, r.byteLength, opts?.chunkSize ?? 1 << 20, opts)) {
        got += chunk.length;
        yield chunk;
      }
      if (got < r.byteLength) {
        // no byte offset: the missing bytes lie past the end of the source (the message says where)
        throw new IsoKitError(ErrorCode.TRUNCATED, `a file needs bytes ${r.byteOffset + got}-${r.byteOffset + r.byteLength} but ${r.source.name} ends at byte ${r.source.byteLength}`, {
          structure: 'SourceRange',
        });
      }
    }
  }
}

export function rangesContent(ranges: readonly SourceRange[], identity?: string): Content {
  return new RangesContent(ranges, identity);
}

/** Content held in memory. */
export function bytesContent(bytes: Uint8Array): Content {
  return {
    byteLength: bytes.length,
    async *stream() {
      if (bytes.length) yield bytes;
    },
  };
}

/** Content whose bytes are a Blob (a dropped or chosen File): consumers that take Blobs use it by reference. */
export interface BlobContent extends Content {
  readonly blob: Blob;
}

/** The Blob behind a content made by `blobContent`, if any. */
export const blobOf = (c: Content | undefined): Blob | undefined => (c as Partial<BlobContent> | undefined)?.blob;

/** Content from a Blob (browser). */
export function blobContent(blob: Blob): BlobContent {
  return {
    blob,
    byteLength: blob.size,
    async *stream(opts) {
      const chunk = opts?.chunkSize ?? 1 << 20;
      for (let o = 0; o < blob.size; o += chunk) yield new Uint8Array(await blob.slice(o, Math.min(blob.size, o + chunk)).arrayBuffer());
    },
  };
}

/** Where a node's data sits in an image (reader output). */
export interface ImageExtent {
  readonly lba: number;
  readonly byteLength: number;
}

export interface TreeNode {
  /** Name in the namespace this tree was built from (empty for the root). */
  name: string;
  /** Names per namespace when known (reader: each namespace that has this node; writer: overrides). */
  names?: Partial<Record<Namespace, string>>;
  kind: NodeKind;
  /** Permission bits and type bits as st_mode; undefined when the namespace carries none (plain ISO 9660, Joliet). */
  mode?: number;
  uid?: number;
  gid?: number;
  /** link count as recorded (Rock Ridge PX), if any */
  nlink?: number;
  /** file serial number (RRIP 1.12 PX) if recorded */
  ino?: number;
  mtimeMs?: number;
  atimeMs?: number;
  ctimeMs?: number;
  birthtimeMs?: number;
  /** byte length of the file (after zisofs decompression for compressed files) */
  size: number;
  content?: Content;
  symlinkTarget?: string;
  device?: { major: number; minor: number };
  children?: TreeNode[];
  /** ISO 9660 "existence" flag (hidden) */
  hidden?: boolean;
  /** ISO 9660 associated file */
  associated?: boolean;
  /** reader: where the data sits in the image */
  extents?: ImageExtent[];
  /** reader: zisofs-compressed in the image (transparently decompressed by `content`) */
  zisofs?: { blockSizeLog2: number; storedBytes: number };
  /** Nodes sharing one hard-link group carry the same key (reader: shared extent or RRIP serial; fs: dev:ino). */
  linkGroup?: string;
  /** Builder: sort weight (higher first), like mkisofs --sort-weight. */
  sortWeight?: number;
}

export const isDir = (n: TreeNode): n is TreeNode & { children: TreeNode[] } => n.kind === 'dir';

/** Walk a tree depth-first, parents before children. `path` is '/'-joined from the root ('' for the root). */
export function* walkTree(root: TreeNode, prefix = ''): Generator<{ node: TreeNode; path: string; depth: number }> {
  const stack: { node: TreeNode; path: string; depth: number }[] = [{ node: root, path: prefix, depth: 0 }];
  while (stack.length) {
    const e = stack.pop() as { node: TreeNode; path: string; depth: number };
    yield e;
    const kids = e.node.children;
    if (kids) for (let i = kids.length - 1; i >= 0; i--) {
      const k = kids[i] as TreeNode;
      stack.push({ node: k, path: e.path ? `${e.path}/${k.name}` : k.name, depth: e.depth + 1 });
    }
  }
}

/** Find a node by '/'-separated path ('' or '/' is the root). Exact name match first, then case-insensitive. */
export function findNode(root: TreeNode, path: string): TreeNode | undefined {
  const parts = path.split('/').filter((p) => p && p !== '.');
  let cur: TreeNode | undefined = root;
  for (const p of parts) {
    if (!cur?.children) return undefined;
    const kids: TreeNode[] = cur.children;
    cur = kids.find((k) => k.name === p) ?? kids.find((k) => k.name.toLowerCase() === p.toLowerCase());
  }
  return cur;
}
