/**
 * Differential check against xorriso: what xorriso extracts from an image (names, types, modes, sizes,
 * mtimes to the second, owners, symlink targets, device numbers, hard-link groups, file bytes) must be
 * what isokit's tree says. Reusable for `isokit extract` vs `xorriso -extract` (compare two directories
 * with `snapshotDir` + `diffSnapshots`).
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { walkTree, type NodeKind, type TreeNode } from '../../src/model/index.js';
import { sh } from './index.js';

export interface SnapEntry {
  kind: NodeKind;
  /** permission bits (07777) */
  perm?: number;
  size?: number;
  mtimeSec?: number;
  uid?: number;
  gid?: number;
  target?: string;
  device?: string;
  sha256?: string;
  /** hard-link group key (paths with the same key are one inode) */
  link?: string;
}
export type Snapshot = Map<string, SnapEntry>;

const kindOfStat = (s: import('node:fs').Stats): NodeKind =>
  s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : s.isFIFO() ? 'fifo' : s.isCharacterDevice() ? 'chardev' : s.isBlockDevice() ? 'blockdev' : s.isSocket() ? 'socket' : 'file';

/** Snapshot a directory on disk ('' = the directory itself). */
export function snapshotDir(root: string): Snapshot {
  const out: Snapshot = new Map();
  const inodes = new Map<number, string[]>();
  const visit = (rel: string) => {
    const abs = rel ? path.join(root, rel) : root;
    const s = lstatSync(abs);
    const kind = kindOfStat(s);
    const e: SnapEntry = { kind, perm: s.mode & 0o7777, uid: s.uid, gid: s.gid };
    if (kind !== 'symlink') e.mtimeSec = Math.floor(s.mtimeMs / 1000);
    if (kind === 'file') {
      e.size = s.size;
      e.sha256 = createHash('sha256').update(readFileSync(abs)).digest('hex');
    }
    if (kind === 'symlink') e.target = readlinkSync(abs);
    if (kind === 'chardev' || kind === 'blockdev') e.device = `${Math.floor(s.rdev / 256) % 4096},${s.rdev % 256}`;
    if (kind !== 'dir' && s.nlink > 1) inodes.set(s.ino, [...(inodes.get(s.ino) ?? []), rel]);
    out.set(rel, e);
    if (kind === 'dir') for (const name of readdirSync(abs)) visit(rel ? `${rel}/${name}` : name);
  };
  visit('');
  for (const paths of inodes.values()) {
    if (paths.length < 2) continue;
    const key = [...paths].sort()[0] as string;
    for (const p of paths) (out.get(p) as SnapEntry).link = key;
  }
  return out;
}

/** Snapshot an isokit tree (hashes every file's content). */
export async function snapshotTree(tree: TreeNode): Promise<Snapshot> {
  const out: Snapshot = new Map();
  const groups = new Map<string, string[]>();
  for (const { node, path: p } of walkTree(tree)) {
    const e: SnapEntry = { kind: node.kind };
    if (node.mode !== undefined) e.perm = node.mode & 0o7777;
    if (node.uid !== undefined) e.uid = node.uid;
    if (node.gid !== undefined) e.gid = node.gid;
    if (node.kind !== 'symlink' && node.mtimeMs !== undefined) e.mtimeSec = Math.floor(node.mtimeMs / 1000);
    if (node.kind === 'file') {
      e.size = node.size;
      const h = createHash('sha256');
      if (node.content) for await (const chunk of node.content.stream()) h.update(chunk);
      e.sha256 = h.digest('hex');
    }
    if (node.symlinkTarget !== undefined) e.target = node.symlinkTarget;
    if (node.device) e.device = `${node.device.major},${node.device.minor}`;
    if (node.linkGroup) groups.set(node.linkGroup, [...(groups.get(node.linkGroup) ?? []), p]);
    out.set(p, e);
  }
  for (const paths of groups.values()) {
    const key = [...paths].sort()[0] as string;
    for (const p of paths) (out.get(p) as SnapEntry).link = key;
  }
  return out;
}

export interface DiffOptions {
  /** compare permission bits (default: only where `actual` has them) */
  perm?: boolean;
  mtime?: boolean;
  owners?: boolean;
  links?: boolean;
  /** compare directory mtimes too (default true) */
  dirMtime?: boolean;
}

/** Differences between an expected snapshot (the reference tool) and an actual one (isokit), as lines. */
export function diffSnapshots(expected: Snapshot, actual: Snapshot, opts: DiffOptions = {}): string[] {
  const d: string[] = [];
  for (const p of expected.keys()) if (!actual.has(p)) d.push(`missing in isokit: /${p}`);
  for (const p of actual.keys()) if (!expected.has(p)) d.push(`extra in isokit: /${p}`);
  for (const [p, e] of expected) {
    const a = actual.get(p);
    if (!a) continue;
    const cmp = (what: string, x: unknown, y: unknown) => {
      if (x !== y) d.push(`/${p}: ${what} expected ${String(x)} got ${String(y)}`);
    };
    cmp('kind', e.kind, a.kind);
    // symlink permissions cannot be set on Linux (always 0777 on disk)
    if (opts.perm !== false && a.perm !== undefined && e.kind !== 'symlink') cmp('perm', e.perm?.toString(8), a.perm.toString(8));
    cmp('size', e.size, a.size);
    cmp('sha256', e.sha256, a.sha256);
    cmp('symlink target', e.target, a.target);
    cmp('device', e.device, a.device);
    if (opts.mtime !== false && (e.kind !== 'dir' || opts.dirMtime !== false)) cmp('mtime', e.mtimeSec, a.mtimeSec);
    if (opts.owners !== false && a.uid !== undefined) {
      cmp('uid', e.uid, a.uid);
      cmp('gid', e.gid, a.gid);
    }
    if (opts.links !== false) cmp('hard-link group', e.link, a.link);
  }
  return d;
}

export interface XorrisoExtractOptions {
  /** read the Joliet tree (xorriso -joliet on) when there is no Rock Ridge */
  joliet?: boolean;
  /** which tree xorriso reads (-read_fs): 'norock' = Joliet if present, 'ecma119' = plain ISO 9660 */
  readFs?: 'any' | 'norock' | 'nojoliet' | 'ecma119';
}

/** Extract the whole image with xorriso (device files, hard links) into `dir` (must not exist). */
export function xorrisoExtract(image: string, dir: string, opts: XorrisoExtractOptions = {}): void {
  sh('xorriso', [
    '-report_about', 'SORRY', ...(opts.joliet ? ['-joliet', 'on'] : []), ...(opts.readFs ? ['-read_fs', opts.readFs] : []),
    '-hardlinks', 'on', '-osirrox', 'on:device_files', '-indev', image, '-extract', '/', dir,
  ]);
}

/** Extract with xorriso into `dir` and diff against the isokit tree; returns the differences (empty = agree). */
export async function compareWithXorriso(image: string, tree: TreeNode, dir: string, opts: XorrisoExtractOptions & DiffOptions = {}): Promise<string[]> {
  xorrisoExtract(image, dir, opts);
  return diffSnapshots(snapshotDir(dir), await snapshotTree(tree), opts);
}
