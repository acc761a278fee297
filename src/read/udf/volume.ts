/**
 * An opened UDF volume: its root, one directory at a time (`readDirectory`, for streaming walks) or the
 * whole tree (`readTree`). Loops (a directory entry pointing at an ancestor, or — in the whole tree — at a
 * directory already listed) are shown as empty directories with a DIRECTORY_LOOP finding; nesting deeper
 * than MAX_TREE_DEPTH and more entries than the volume's budget are cut with findings.
 */
import { ErrorCode, FindingCode, IsoKitError } from '../../errors/index.js';
import { throwIfAborted } from '../../io/index.js';
import { FileCharacteristic } from '../../formats/udf/index.js';
import type { NodeKind, TreeNode } from '../../model/index.js';
import { badName, replacementName } from '../names.js';
import { MAX_TREE_DEPTH } from '../iso9660/reader.js';
import type { UdfContext } from './context.js';
import { parseDirectoryEntries, readDirectoryData, type FidEntry } from './directory.js';
import { fileDataOf, icbKey, isProblem, readFileBytes, readFileEntries, type FileData, type IcbProblem, type IcbRef, type ReadEntry } from './icb.js';
import type { UdfVolumeInfo } from './info.js';
import { kindOfFileType, linkKeyOf, newNode, noteExtras, symlinkTargetFrom } from './nodes.js';

export interface UdfVolume {
  readonly info: UdfVolumeInfo;
  /** the root directory (kind 'dir'); its children are not read by `openUdfVolume` */
  readonly root: TreeNode;
  /**
   * The entries of one directory of this volume (the root, or a directory node this volume returned), with
   * their subdirectories unread (`children: []`). Hard links get a `linkGroup` when their link count is > 1.
   */
  readDirectory(dir: TreeNode, opts?: { lean?: boolean }): Promise<TreeNode[]>;
  /**
   * The whole tree below the root, children filled (read once, then the same object). Files that share
   * one File Entry carry the same `linkGroup` (`udf:<partition reference>:<block>`).
   */
  readTree(): Promise<TreeNode>;
}

/** What is known about a directory node: where its File Entry and data are, and its ancestors. */
export interface DirHandle {
  readonly ref: IcbRef;
  readonly key: string;
  readonly data: FileData;
  readonly byteLength: number;
  readonly feByteOffset: number;
  readonly depth: number;
  readonly parent: DirHandle | undefined;
}

/** What readTree keeps while it reads: directories listed, and the nodes of each ICB (hard links). */
interface TreeState {
  readonly visited: Set<string>;
  /** by ICB (partition reference · 2^32 + block) */
  readonly links: Map<number, TreeNode | TreeNode[]>;
}

/** File Entries read and turned into nodes at a time, per directory. */
const ENTRY_CHUNK = 4096;
/** Largest symbolic link target read. */
const MAX_LINK_BYTES = 64 * 1024;
/** Directories read at once by readTree (round trips of slow sources overlap). */
const CONCURRENCY = 8;

export function dirHandle(entry: ReadEntry, data: FileData, depth: number, parent: DirHandle | undefined): DirHandle {
  return { ref: entry.ref, key: icbKey(entry.ref), data, byteLength: entry.fe.informationLength, feByteOffset: entry.byteOffset, depth, parent };
}

const isAncestor = (h: DirHandle, key: string): boolean => {
  for (let p: DirHandle | undefined = h; p; p = p.parent) if (p.key === key) return true;
  return false;
};

export class Volume implements UdfVolume {
  private readonly handles = new WeakMap<TreeNode, DirHandle>();
  /** directory nodes shown empty (loops, too deep) */
  private readonly empty = new WeakSet<TreeNode>();
  private tree: Promise<TreeNode> | undefined;

  constructor(
    private readonly ctx: UdfContext,
    readonly info: UdfVolumeInfo,
    readonly root: TreeNode,
    rootHandle: DirHandle,
  ) {
    this.handles.set(root, rootHandle);
  }

  /** `lean`: listing mode — files without content, extents and `names` (their allocation descriptors are not read). */
  async readDirectory(dir: TreeNode, opts: { lean?: boolean } = {}): Promise<TreeNode[]> {
    const h = this.handles.get(dir);
    if (h) return this.entriesOf(h, undefined, opts.lean ?? false);
    if (this.empty.has(dir)) return [];
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `"${dir.name}" is not a directory of this UDF volume`);
  }

  readTree(): Promise<TreeNode> {
    this.tree ??= this.buildTree();
    return this.tree;
  }

  private async buildTree(): Promise<TreeNode> {
    const rootHandle = this.handles.get(this.root) as DirHandle;
    const tree: TreeState = { visited: new Set<string>([rootHandle.key]), links: new Map() };
    let frontier: TreeNode[] = [this.root];
    while (frontier.length) {
      const next: TreeNode[] = [];
      for (let i = 0; i < frontier.length; i += CONCURRENCY) {
        await Promise.all(frontier.slice(i, i + CONCURRENCY).map(async (dir) => {
          const h = this.handles.get(dir);
          const kids = h ? await this.entriesOf(h, tree) : [];
          dir.children = kids;
          for (const k of kids) if (k.kind === 'dir') next.push(k);
        }));
      }
      frontier = next;
    }
    for (const [key, nodes] of tree.links) {
      if (!Array.isArray(nodes)) delete nodes.linkGroup;
      else for (const n of nodes) n.linkGroup = `udf:${Math.floor(key / 2 ** 32)}:${key % 2 ** 32}`;
    }
    return this.root;
  }

  /** The nodes of one directory; with `tree` (readTree), directories listed elsewhere are caught and ICBs counted. */
  private async entriesOf(h: DirHandle, tree: TreeState | undefined, lean = false): Promise<TreeNode[]> {
    const ctx = this.ctx;
    throwIfAborted(ctx.signal);
    const dirData = await readDirectoryData(ctx, h.data, h.byteLength, h.ref, h.feByteOffset);
    const fids = parseDirectoryEntries(ctx, dirData);
    const nodes: TreeNode[] = [];
    const names = new Set<string>();
    // File Entries a chunk at a time: a directory of a million entries does not hold a million entries' blocks
    for (let k = 0; k < fids.length; k += ENTRY_CHUNK) {
      const part = fids.slice(k, k + ENTRY_CHUNK);
      await this.addNodes(h, part, await readFileEntries(ctx, part.map((f) => f.icb), { lean }), names, nodes, tree, lean);
    }
    return nodes;
  }

  /** The nodes of `fids` (their File Entries in `reads`), appended to `nodes`. */
  private async addNodes(h: DirHandle, fids: FidEntry[], reads: (ReadEntry | IcbProblem)[], names: Set<string>, nodes: TreeNode[], tree: TreeState | undefined, lean: boolean): Promise<void> {
    const ctx = this.ctx;
    const links: { node: TreeNode; entry: ReadEntry; data: FileData }[] = [];
    for (let i = 0; i < fids.length; i++) {
      const fid = fids[i] as FidEntry;
      const read = reads[i] as ReadEntry | IcbProblem;
      if (isProblem(read)) {
        ctx.findings.error(FindingCode.UDF_FILE_ENTRY, `"${fid.name ?? '?'}" is not listed: ${read.problem}`, read.byteOffset ?? fid.byteOffset, 'FileEntry');
        continue;
      }
      const kind = this.kindOf(fid, read, names);
      if (!kind) continue;
      if (lean && kind.kind === 'file') {
        // a listing shows no content: the allocation descriptors are not read
        const node = newNode(ctx, kind.name, 'file', read, undefined);
        if (fid.characteristics & FileCharacteristic.HIDDEN) node.hidden = true;
        if (read.fe.linkCount > 1) node.linkGroup = linkKeyOf(read);
        noteExtras(ctx, node, read);
        nodes.push(node);
        continue;
      }
      const pending = fileDataOf(ctx, read);
      const data = pending instanceof Promise ? await pending : pending;
      const node = newNode(ctx, kind.name, kind.kind, read, data, lean);
      if (fid.characteristics & FileCharacteristic.HIDDEN) node.hidden = true;
      if (kind.kind !== 'dir' && read.fe.linkCount > 1) node.linkGroup = linkKeyOf(read);
      noteExtras(ctx, node, read);
      if (node.kind === 'dir') this.noteDirectory(h, node, read, data, fid, tree?.visited);
      else if (node.kind === 'symlink') links.push({ node, entry: read, data });
      if (tree && node.kind !== 'dir') addLink(tree.links, read.ref.partitionRef * 2 ** 32 + read.ref.blockNumber, node);
      nodes.push(node);
    }
    for (const l of links) {
      const bytes = await readFileBytes(ctx, l.entry, l.data, MAX_LINK_BYTES);
      if (bytes) l.node.symlinkTarget = symlinkTargetFrom(ctx, l.node, bytes, l.entry.byteOffset);
      else ctx.findings.error(FindingCode.UDF_SYMLINK, `symbolic link "${l.node.name}": its path components cannot be read`, l.entry.byteOffset, 'FileEntry');
    }
  }

  /** The entry's name and kind (undefined, reported, for a File Entry no directory should list). */
  private kindOf(fid: FidEntry, read: ReadEntry, names: Set<string>): { name: string; kind: NodeKind } | undefined {
    const ctx = this.ctx;
    const fe = read.fe;
    const kind = kindOfFileType(fe.fileType);
    const name = this.usableName(fid);
    if (!kind) {
      ctx.findings.error(FindingCode.UDF_FILE_ENTRY, `"${name}" has ICB file type ${fe.fileType}, which no directory entry may have (skipped)`, read.byteOffset + 27, 'FileEntry');
      return undefined;
    }
    if ((kind === 'dir') !== ((fid.characteristics & FileCharacteristic.DIRECTORY) !== 0)) {
      ctx.findings.warn(FindingCode.UDF_FID, `"${name}": the File Identifier Descriptor and the File Entry disagree on whether it is a directory (the File Entry says ${kind})`, fid.byteOffset, 'FileIdentifierDescriptor');
    }
    if (names.has(name)) ctx.findings.warn(FindingCode.DUPLICATE_NAME, `"${name}" appears twice in one directory`, fid.byteOffset, 'FileIdentifierDescriptor');
    names.add(name);
    return { name, kind };
  }

  private usableName(fid: FidEntry): string {
    const name = fid.name;
    if (name === undefined) {
      this.ctx.findings.warn(FindingCode.UDF_CS0, 'file identifier uses an unknown CS0 compression ID', fid.byteOffset, 'FileIdentifierDescriptor');
      return '_';
    }
    if (!badName(name)) return name;
    this.ctx.findings.warn(FindingCode.BAD_NAME, `file identifier ${JSON.stringify(name)} is not usable as a name`, fid.byteOffset, 'FileIdentifierDescriptor');
    return replacementName(name);
  }

  /** A subdirectory: its data for later, or (a loop, too deep) an empty directory with a finding. */
  private noteDirectory(parent: DirHandle, node: TreeNode, entry: ReadEntry, data: FileData, fid: FidEntry, visited: Set<string> | undefined): void {
    const key = icbKey(entry.ref);
    if (isAncestor(parent, key) || visited?.has(key)) {
      this.ctx.findings.error(FindingCode.DIRECTORY_LOOP, `directory "${node.name}" points at a directory already listed (block ${entry.ref.blockNumber} of partition ${entry.ref.partitionRef}: a loop or a shared directory; shown empty)`, fid.byteOffset, 'FileIdentifierDescriptor');
      this.empty.add(node);
      return;
    }
    if (parent.depth + 1 >= MAX_TREE_DEPTH) {
      this.ctx.findings.error(FindingCode.TREE_TOO_DEEP, `directories nested deeper than ${MAX_TREE_DEPTH} levels are not listed`, fid.byteOffset, 'FileIdentifierDescriptor');
      this.empty.add(node);
      return;
    }
    visited?.add(key);
    this.handles.set(node, dirHandle(entry, data, parent.depth + 1, parent));
  }
}

/** One node per key, or the nodes when several share it. */
function addLink(links: Map<number, TreeNode | TreeNode[]>, key: number, node: TreeNode): void {
  const have = links.get(key);
  if (!have) links.set(key, node);
  else if (Array.isArray(have)) have.push(node);
  else links.set(key, [have, node]);
}
