/**
 * openFatVolume: a FAT12/16/32 volume on a ByteSource → the format-neutral tree (browser-safe).
 * Directories are read when asked (`readDirectory`) or all at once (`readTree`); file contents are `rangesContent`
 * over the source, one range per run of adjacent clusters. Damage becomes findings: long names whose checksum
 * or sequence is wrong (the 8.3 name is used), chains that break, loop or leave the volume (the file keeps what
 * was readable), directories that point back at an ancestor, a backup boot sector or FSInfo that disagree.
 * Times are read as UTC unless `timeZoneOffsetMinutes` says in which zone the volume's local times are.
 */
import { ErrorCode, FindingCode, IsoKitError, type Findings } from '../../errors/index.js';
import {
  FatAttr, fatBootSectorProblem, fatGeometry, parseFatBootSector, parseFsInfo, FSINFO_UNKNOWN, decodeFatTime,
  type FatBootSector, type FatGeometry, type FatType, type FsInfo,
} from '../../formats/fat/index.js';
import { readExact, throwIfAborted, type ByteSource } from '../../io/index.js';
import { rangesContent, S_IFDIR, S_IFREG, type SourceRange, type TreeNode } from '../../model/index.js';
import { parseFatDirectory, type FatDirectoryItem } from './directory.js';
import { FatTable, type ClusterRun } from './fat-table.js';

export interface OpenFatOptions {
  signal?: AbortSignal;
  /** minutes east of UTC in which the volume's local times were written (default 0: read them as UTC) */
  timeZoneOffsetMinutes?: number;
}

export interface FatVolumeInfo {
  readonly fatType: FatType;
  readonly bootSector: FatBootSector;
  readonly geometry: FatGeometry;
  /** the root's volume label entry, else the boot sector's label (undefined when neither or "NO NAME") */
  readonly label?: string;
  readonly volumeId?: number;
  /** FAT32 only */
  readonly fsInfo?: FsInfo;
  /** the FAT in use (0 unless FAT32 mirroring is off, BPB_ExtFlags bit 7) */
  readonly activeFat: number;
}

/** What a node of a FAT tree was read from (`fatEntryOf`). */
export interface FatNodeEntry {
  readonly shortName: string;
  readonly attributes: number;
  readonly ntFlags: number;
  readonly firstCluster: number;
  readonly byteOffset: number;
  readonly hasLongName: boolean;
}

export interface FatVolume {
  readonly info: FatVolumeInfo;
  /** the root directory; its `children` are filled by `readDirectory(root)` or `readTree()` */
  readonly root: TreeNode;
  /** the children of a directory node of this volume (also stored in its `children`) */
  readDirectory(dir: TreeNode): Promise<TreeNode[]>;
  /** every directory read: the root with the whole tree below it */
  readTree(): Promise<TreeNode>;
}

/** A directory holds at most 65,536 entries: 2 MiB. */
const MAX_DIRECTORY_BYTES = 65536 * 32;
const entries = new WeakMap<TreeNode, FatNodeEntry>();

/** The directory entry a node of a FAT tree was read from. */
export const fatEntryOf = (node: TreeNode): FatNodeEntry | undefined => entries.get(node);

interface DirState {
  /** first cluster (0 for a FAT12/16 root) */
  readonly cluster: number;
  readonly path: string;
  /** the clusters of this directory and its ancestors (directory loops) */
  readonly ancestors: ReadonlySet<number>;
}

async function readBoot(source: ByteSource, findings: Findings, signal?: AbortSignal) {
  const head = await readExact(source, 0, Math.min(4096, Math.max(512, source.byteLength)), 'FatBootSector', signal ? { signal } : {}).catch(() => undefined);
  const problem = head ? fatBootSectorProblem(head) : `the source has ${source.byteLength} bytes`;
  if (!head || problem) throw new IsoKitError(ErrorCode.CORRUPT, `not a FAT boot sector: ${problem}`, { byteOffset: 0, structure: 'FatBootSector' });
  const bs = parseFatBootSector(head) as FatBootSector;
  const fat32Layout = bs.fat32 !== undefined && bs.rootEntryCount === 0;
  let fatType = bs.fatType;
  if (fat32Layout && fatType !== 'FAT32') {
    findings.info(FindingCode.FAT_BAD_ENTRY, `the volume has FAT32's BPB but only ${bs.clusterCount} clusters (read as FAT32, as Linux and Windows do)`, 0, 'FatBootSector');
    fatType = 'FAT32';
  } else if (!fat32Layout && fatType === 'FAT32') {
    throw new IsoKitError(ErrorCode.CORRUPT, `${bs.clusterCount} clusters make a FAT32 volume but the BPB has a FAT12/16 layout`, { byteOffset: 22, structure: 'FatBootSector' });
  }
  const geometry = { ...fatGeometry(bs), fatType };
  if (geometry.byteLength > source.byteLength) {
    findings.warn(FindingCode.FAT_TRUNCATED, `the boot sector gives ${geometry.byteLength} bytes but the source has ${source.byteLength}`, 0, 'FatBootSector');
  }
  return { bs, geometry, fatType };
}

async function checkFat32Extras(source: ByteSource, bs: FatBootSector, findings: Findings): Promise<FsInfo | undefined> {
  const f = bs.fat32;
  if (!f) return undefined;
  const sector = bs.bytesPerSector;
  if (f.backupBootSector > 0 && f.backupBootSector < bs.reservedSectorCount) {
    const [main, backup] = await Promise.all([source.read(0, 512), source.read(f.backupBootSector * sector, 512)]);
    if (backup.length === 512 && main.some((v, i) => backup[i] !== v)) {
      findings.warn(FindingCode.FAT_BACKUP_BOOT_MISMATCH, `the backup boot sector (sector ${f.backupBootSector}) differs from sector 0`, f.backupBootSector * sector, 'FatBootSector');
    }
  }
  if (f.fsInfoSector === 0 || f.fsInfoSector === 0xffff || f.fsInfoSector >= bs.reservedSectorCount) return undefined;
  const at = f.fsInfoSector * sector;
  const fsInfo = parseFsInfo(await source.read(at, 512));
  if (!fsInfo.valid) findings.warn(FindingCode.FAT_FSINFO, 'FSInfo sector has bad signatures', at, 'FatFsInfo');
  else if (fsInfo.freeClusterCount !== FSINFO_UNKNOWN && fsInfo.freeClusterCount > bs.clusterCount) {
    findings.warn(FindingCode.FAT_FSINFO, `FSInfo free count ${fsInfo.freeClusterCount} exceeds the ${bs.clusterCount} clusters`, at + 488, 'FatFsInfo');
  }
  return fsInfo;
}

export async function openFatVolume(source: ByteSource, findings: Findings, opts: OpenFatOptions = {}): Promise<FatVolume> {
  const { bs, geometry, fatType } = await readBoot(source, findings, opts.signal);
  const fsInfo = await checkFat32Extras(source, bs, findings);
  const mirrorOff = bs.fat32 !== undefined && (bs.fat32.extFlags & 0x80) !== 0;
  const activeFat = mirrorOff ? Math.min((bs.fat32 as { extFlags: number }).extFlags & 0x0f, bs.fatCount - 1) : 0;
  const table = new FatTable(source, geometry, fatType, activeFat, opts.signal ? { signal: opts.signal } : {});
  const flags = await table.entry(1);
  const clean = fatType === 'FAT32' ? 0x08000000 : fatType === 'FAT16' ? 0x8000 : 0;
  const flagsAt = geometry.fatByteOffset + (fatType === 'FAT32' ? 4 : 2);
  if (clean && flagsAt + 4 <= source.byteLength && (flags & clean) === 0) findings.info(FindingCode.FAT_DIRTY, 'the volume was not unmounted cleanly (FAT entry 1)', flagsAt, 'Fat');
  const rootCluster = bs.fat32?.rootCluster ?? 0;
  if (fatType === 'FAT32' && (rootCluster < 2 || rootCluster > table.lastCluster)) {
    throw new IsoKitError(ErrorCode.CORRUPT, `root directory cluster ${rootCluster} is outside 2 … ${table.lastCluster}`, { byteOffset: 44, structure: 'FatBootSector' });
  }
  const reader = new FatReader(source, table, findings, opts);
  const root: TreeNode = { name: '', kind: 'dir', size: 0, mode: S_IFDIR | 0o755 };
  reader.dirs.set(root, { cluster: rootCluster, path: '', ancestors: new Set([rootCluster]) });
  const rootItems = await reader.directoryItems(root);
  const label = rootItems.label ?? (bs.volumeLabel && bs.volumeLabel !== 'NO NAME' ? bs.volumeLabel : undefined);
  const info: FatVolumeInfo = {
    fatType, bootSector: bs, geometry, activeFat,
    ...(label ? { label } : {}), ...(bs.volumeId !== undefined ? { volumeId: bs.volumeId } : {}), ...(fsInfo ? { fsInfo } : {}),
  };
  return {
    info,
    root,
    readDirectory: (dir) => reader.readDirectory(dir),
    async readTree() {
      const stack = [root];
      while (stack.length) {
        throwIfAborted(opts.signal);
        for (const k of await reader.readDirectory(stack.pop() as TreeNode)) if (k.kind === 'dir') stack.push(k);
      }
      return root;
    },
  };
}

class FatReader {
  readonly dirs = new WeakMap<TreeNode, DirState>();
  private readonly contents = new WeakMap<TreeNode, ReturnType<typeof parseFatDirectory>>();

  constructor(
    private readonly source: ByteSource,
    private readonly table: FatTable,
    private readonly findings: Findings,
    private readonly opts: OpenFatOptions,
  ) {}

  /** The raw items of a directory (read once). */
  async directoryItems(dir: TreeNode): Promise<ReturnType<typeof parseFatDirectory>> {
    const known = this.contents.get(dir);
    if (known) return known;
    const state = this.dirs.get(dir);
    if (!state) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${dir.name || '/'} is not a directory of this FAT volume`);
    const g = this.table.geometry;
    const what = `/${state.path}`;
    let ranges: SourceRange[];
    if (state.cluster === 0) ranges = [{ source: this.source, byteOffset: g.rootDirByteOffset, byteLength: g.rootDirByteLength }];
    else {
      const chain = await this.table.chain(state.cluster, Math.ceil(MAX_DIRECTORY_BYTES / g.clusterByteLength), `directory ${what}`, this.findings, entries.get(dir)?.byteOffset);
      if (chain.end === 'limit') this.findings.warn(FindingCode.FAT_DIRECTORY_TOO_LARGE, `directory ${what} runs past 65,536 entries; the rest is not read`, entries.get(dir)?.byteOffset, 'FatDirectoryEntry');
      ranges = this.rangesOf(chain.runs, chain.clusterCount * g.clusterByteLength);
    }
    const parts = await Promise.all(ranges.map((r) => this.source.read(r.byteOffset, r.byteLength, this.opts.signal ? { signal: this.opts.signal } : {})));
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    const sourceOffset = (i: number): number => {
      let o = i;
      for (const r of ranges) {
        if (o < r.byteLength) return r.byteOffset + o;
        o -= r.byteLength;
      }
      return (ranges[0]?.byteOffset ?? 0) + i;
    };
    const contents = parseFatDirectory(bytes, sourceOffset, this.findings, `directory ${what}`);
    this.contents.set(dir, contents);
    return contents;
  }

  private rangesOf(runs: readonly ClusterRun[], byteLength: number): SourceRange[] {
    const out: SourceRange[] = [];
    let left = byteLength;
    for (const r of runs) {
      if (left <= 0) break;
      const n = Math.min(left, r.count * this.table.geometry.clusterByteLength);
      out.push({ source: this.source, byteOffset: this.table.clusterByteOffset(r.first), byteLength: n });
      left -= n;
    }
    return out;
  }

  async readDirectory(dir: TreeNode): Promise<TreeNode[]> {
    if (dir.children) return dir.children;
    const state = this.dirs.get(dir);
    const { items } = await this.directoryItems(dir);
    const kids: TreeNode[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      throwIfAborted(this.opts.signal);
      const key = item.name.toUpperCase();
      if (seen.has(key)) this.findings.warn(FindingCode.FAT_DUPLICATE_NAME, `/${state?.path ? `${state.path}/` : ''}${item.name}: a second entry with this name`, item.byteOffset, 'FatDirectoryEntry');
      seen.add(key);
      const node = await this.nodeOf(item, state as DirState);
      if (node) kids.push(node);
    }
    dir.children = kids;
    return kids;
  }

  private times(item: FatDirectoryItem, path: string): Pick<TreeNode, 'mtimeMs' | 'atimeMs' | 'birthtimeMs'> {
    const e = item.entry;
    const tz = this.opts.timeZoneOffsetMinutes ?? 0;
    const m = decodeFatTime(e.writeDate, e.writeTime, 0, tz);
    const c = decodeFatTime(e.createDate, e.createTime, e.createTenMs, tz);
    const a = decodeFatTime(e.accessDate, 0, 0, tz);
    if (m === undefined && e.writeDate !== 0) this.findings.warn(FindingCode.FAT_BAD_TIME, `/${path}: write date/time 0x${e.writeDate.toString(16)}/0x${e.writeTime.toString(16)} out of range`, item.byteOffset + 22, 'FatDirectoryEntry');
    return { ...(m !== undefined ? { mtimeMs: m } : {}), ...(a !== undefined ? { atimeMs: a } : {}), ...(c !== undefined ? { birthtimeMs: c } : {}) };
  }

  private async nodeOf(item: FatDirectoryItem, parent: DirState): Promise<TreeNode | undefined> {
    const e = item.entry;
    const path = parent.path ? `${parent.path}/${item.name}` : item.name;
    const isDir = (e.attributes & FatAttr.DIRECTORY) !== 0;
    const readOnly = (e.attributes & FatAttr.READ_ONLY) !== 0;
    const node: TreeNode = {
      name: item.name, kind: isDir ? 'dir' : 'file', size: 0,
      mode: isDir ? S_IFDIR | 0o755 : S_IFREG | (readOnly ? 0o444 : 0o644),
      ...this.times(item, path),
      ...((e.attributes & FatAttr.HIDDEN) !== 0 ? { hidden: true } : {}),
    };
    entries.set(node, { shortName: item.shortName, attributes: e.attributes, ntFlags: e.ntFlags, firstCluster: e.firstCluster, byteOffset: item.byteOffset, hasLongName: item.hasLongName });
    const inRange = e.firstCluster >= 2 && e.firstCluster <= this.table.lastCluster;
    if (isDir) {
      if (e.fileSize !== 0) this.findings.info(FindingCode.FAT_BAD_ENTRY, `/${path}: a directory with size ${e.fileSize}`, item.byteOffset + 28, 'FatDirectoryEntry');
      if (!inRange || parent.ancestors.has(e.firstCluster)) {
        const why = inRange ? 'points back at a directory above it' : `starts at cluster ${e.firstCluster}, outside 2 … ${this.table.lastCluster}`;
        this.findings.warn(inRange ? FindingCode.FAT_DIRECTORY_LOOP : FindingCode.FAT_CLUSTER_RANGE, `/${path}: directory ${why}; read as empty`, item.byteOffset + 20, 'FatDirectoryEntry');
        node.children = [];
        return node;
      }
      this.dirs.set(node, { cluster: e.firstCluster, path, ancestors: new Set([...parent.ancestors, e.firstCluster]) });
      return node;
    }
    return this.withContent(node, item, path, inRange);
  }

  private async withContent(node: TreeNode, item: FatDirectoryItem, path: string, inRange: boolean): Promise<TreeNode> {
    const e = item.entry;
    if (e.fileSize === 0) return node;
    if (!inRange) {
      this.findings.warn(FindingCode.FAT_CLUSTER_RANGE, `/${path}: ${e.fileSize} bytes starting at cluster ${e.firstCluster}, outside 2 … ${this.table.lastCluster}; read as empty`, item.byteOffset + 20, 'FatDirectoryEntry');
      return node;
    }
    const g = this.table.geometry;
    const needed = Math.ceil(e.fileSize / g.clusterByteLength);
    const chain = await this.table.chain(e.firstCluster, Math.min(needed, g.clusterCount), `/${path}`, this.findings, item.byteOffset);
    let size = e.fileSize;
    if (chain.clusterCount < needed) {
      size = chain.clusterCount * g.clusterByteLength;
      this.findings.warn(FindingCode.FAT_CHAIN_BROKEN, `/${path}: ${e.fileSize} bytes but only ${chain.clusterCount} of ${needed} clusters can be read; ${size} bytes kept`, item.byteOffset + 28, 'FatDirectoryEntry');
    } else if (chain.end === 'limit') {
      this.findings.info(FindingCode.FAT_CHAIN_LONG, `/${path}: the cluster chain goes on past the ${needed} clusters of its ${e.fileSize} bytes`, item.byteOffset + 28, 'FatDirectoryEntry');
    }
    node.size = size;
    node.content = rangesContent(this.rangesOf(chain.runs, size));
    return node;
  }
}
