/**
 * The files of a Windows stick, from the ISO's UDF tree: the same directories and files (contents stream
 * from the ISO), `sources/install.wim` replaced by `install.swm`, `install2.swm`, … when it is too big for
 * FAT32 (or larger than the part size asked for), and `autounattend.xml` added at the root when asked.
 * Everything FAT32 cannot hold is refused here, before a byte is written, naming the file.
 */
import { ErrorCode, IsoKitError, type Finding } from '../../errors/index.js';
import { concatSource, isSyncSource, type ByteSource, type SyncByteSource } from '../../io/index.js';
import type { ContentReader, ReadableContent } from '../engine/index.js';
import { bytesContent, type Content, type TreeNode } from '../../model/index.js';
import { WIM_SPLIT_DEFAULT_PART_BYTE_LENGTH, planWimSplit, type Sha1Factory, type WimSplitPlan } from '../../formats/wim/index.js';
import { FAT_MAX_FILE_BYTES } from '../fat/index.js';

export interface StickTreeOptions {
  /**
   * Split `sources/install.wim` into parts of at most this many bytes when it is larger (default: only when
   * it is larger than FAT32's 4 GiB − 1, into parts of 4094 MiB, as Rufus and WoeUSB do).
   */
  splitByteLength?: number;
  /** bytes of an answer file written as `autounattend.xml` at the root (replacing one the ISO has) */
  unattend?: Uint8Array;
  /** for WIMs with an integrity table (their parts get one too) */
  createSha1?: Sha1Factory;
  signal?: AbortSignal;
}

export interface StickSplit {
  /** e.g. "sources/install.wim" */
  readonly sourcePath: string;
  readonly sourceByteLength: number;
  readonly partByteLength: number;
  readonly parts: readonly { readonly name: string; readonly byteLength: number }[];
  readonly findings: readonly Finding[];
}

export interface StickTree {
  readonly root: TreeNode;
  readonly split: StickSplit | undefined;
}

const GIB = 2 ** 30;
const sizeText = (n: number): string => (n >= GIB ? `${(n / GIB).toFixed(2)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`);

/**
 * A file stored as ranges of a source that reads synchronously (a local ISO): read straight into the output
 * chunk at emit (one copy, no buffer per read) instead of through `stream`.
 */
function readableRanges(content: Content): Content {
  const ranges = content.ranges;
  if (!ranges?.length || !ranges.every((r) => isSyncSource(r.source))) return content;
  const reader: ContentReader = {
    read(dest, destOffset, byteLength, position) {
      let base = 0;
      for (const r of ranges) {
        if (position < base + r.byteLength) {
          const off = position - base;
          const n = Math.min(byteLength, r.byteLength - off);
          return (r.source as SyncByteSource).readIntoSync(r.byteOffset + off, dest.subarray(destOffset, destOffset + n));
        }
        base += r.byteLength;
      }
      return 0;
    },
    close: () => undefined,
  };
  const out: ReadableContent = {
    byteLength: content.byteLength, ranges, stream: (opts) => content.stream(opts), openReader: () => reader,
    ...(content.identity !== undefined ? { identity: content.identity } : {}),
  };
  return out;
}

/** Directories and file nodes copied (new objects, contents shared): the ISO's tree is never changed. */
function copyDirs(n: TreeNode): TreeNode {
  if (n.kind !== 'dir') return n.content ? { ...n, content: readableRanges(n.content) } : n;
  return { ...n, children: (n.children ?? []).map(copyDirs) };
}

const byName = (dir: TreeNode, name: string): number => (dir.children ?? []).findIndex((k) => k.name.toLowerCase() === name.toLowerCase());

/** A ByteSource over a file's stored ranges in the image (one range, or UDF extents laid end to end). */
function contentSource(content: Content | undefined, name: string): ByteSource {
  const ranges = content?.ranges;
  if (!content || !ranges) throw new IsoKitError(ErrorCode.UNSUPPORTED, `${name}: its bytes are not stored as plain ranges of the image, so it cannot be split while streaming`);
  return concatSource(ranges, name);
}

function tooBig(path: string, byteLength: number, extra: string): IsoKitError {
  return new IsoKitError(ErrorCode.UNSUPPORTED, `${path} is ${sizeText(byteLength)} (${byteLength} bytes): FAT32 holds files of at most 4 GiB − 1 byte; ${extra}`, { data: { path, byteLength } });
}

async function splitInstallWim(sources: TreeNode, index: number, path: string, opts: StickTreeOptions, partByteLength: number): Promise<StickSplit> {
  const node = (sources.children as TreeNode[])[index] as TreeNode;
  let plan: WimSplitPlan;
  try {
    plan = await planWimSplit(contentSource(node.content, path), {
      partByteLength, baseName: 'install', ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.createSha1 ? { createSha1: opts.createSha1 } : {}),
    });
  } catch (e) {
    if (e instanceof IsoKitError && e.code !== ErrorCode.ABORTED && e.code !== ErrorCode.IO) {
      throw new IsoKitError(e.code === ErrorCode.UNSUPPORTED ? e.code : ErrorCode.CORRUPT, `${path} must be split for FAT32 but cannot be: ${e.message}`, { cause: e });
    }
    throw e;
  }
  const oversized = plan.parts.find((p) => p.byteLength > FAT_MAX_FILE_BYTES);
  if (oversized) throw tooBig(`sources/${oversized.name}`, oversized.byteLength, `one resource of ${path} alone is larger than a FAT32 file can be`);
  const parts: TreeNode[] = plan.parts.map((p) => ({
    name: p.name, kind: 'file', size: p.byteLength, content: p.content as Content,
    ...(node.mtimeMs !== undefined ? { mtimeMs: node.mtimeMs } : {}),
    ...(node.birthtimeMs !== undefined ? { birthtimeMs: node.birthtimeMs } : {}),
    ...(node.atimeMs !== undefined ? { atimeMs: node.atimeMs } : {}),
  }));
  (sources.children as TreeNode[]).splice(index, 1, ...parts);
  return {
    sourcePath: path, sourceByteLength: node.content?.byteLength ?? node.size, partByteLength,
    parts: plan.parts.map((p) => ({ name: p.name, byteLength: p.byteLength })), findings: plan.findings,
  };
}

/** Files FAT32 cannot hold, other than an install.wim that gets split. */
function checkSizes(root: TreeNode, skip: TreeNode | undefined): void {
  const stack: { n: TreeNode; path: string }[] = [{ n: root, path: '' }];
  while (stack.length) {
    const { n, path } = stack.pop() as { n: TreeNode; path: string };
    for (const k of n.children ?? []) {
      const p = path ? `${path}/${k.name}` : k.name;
      if (k.kind === 'dir') stack.push({ n: k, path: p });
      else if (k !== skip && (k.content?.byteLength ?? k.size) > FAT_MAX_FILE_BYTES) {
        const esd = /(^|\/)install\.esd$/i.test(p);
        throw tooBig(p, k.content?.byteLength ?? k.size, esd
          ? 'an ESD is one solid LZMS-compressed resource and cannot be split into .swm parts. Convert it to a non-solid WIM first (`wimlib-imagex export install.esd all install.wim --compress=LZX`, then split or rebuild the ISO), or write the ISO with a tool that makes an NTFS stick (Rufus with UEFI:NTFS)'
          : 'isokit makes FAT32 sticks (the only file system UEFI firmware reads everywhere), and only sources/install.wim can be split');
      }
    }
  }
}

/** The stick's tree from the ISO's UDF tree (module comment). Reads the WIM's header and tables when it splits. */
export async function planStickTree(udfRoot: TreeNode, opts: StickTreeOptions = {}): Promise<StickTree> {
  const root = copyDirs(udfRoot);
  const si = byName(root, 'sources');
  const sources = si >= 0 ? (root.children as TreeNode[])[si] : undefined;
  const wi = sources?.kind === 'dir' ? byName(sources, 'install.wim') : -1;
  const wim = wi >= 0 ? (sources?.children as TreeNode[])[wi] : undefined;
  const wimLength = wim?.content?.byteLength ?? wim?.size ?? 0;
  const asked = opts.splitByteLength;
  if (asked !== undefined && (!Number.isSafeInteger(asked) || asked < 1 << 20 || asked > FAT_MAX_FILE_BYTES)) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `split size ${asked}: must be 1 MiB … 4 GiB − 1 byte`);
  }
  let split: StickSplit | undefined;
  checkSizes(root, wim?.kind === 'file' ? wim : undefined);
  if (wim?.kind === 'file' && sources && (wimLength > FAT_MAX_FILE_BYTES || (asked !== undefined && wimLength > asked))) {
    split = await splitInstallWim(sources, wi, `${sources.name}/${wim.name}`, opts, asked ?? WIM_SPLIT_DEFAULT_PART_BYTE_LENGTH);
  }
  if (opts.unattend) {
    const kids = root.children as TreeNode[];
    const at = byName(root, 'autounattend.xml');
    const node: TreeNode = { name: 'autounattend.xml', kind: 'file', size: opts.unattend.length, content: bytesContent(opts.unattend), ...(udfRoot.mtimeMs !== undefined ? { mtimeMs: udfRoot.mtimeMs } : {}) };
    if (at >= 0) kids.splice(at, 1, node);
    else kids.push(node);
  }
  return { root, split };
}
