/**
 * Build an image tree from the file system, mkisofs-style: each source directory's *contents* are merged at
 * the root (or at DEST for a graft point `DEST=SRC`), a source file lands at /NAME (or at DEST). One
 * `readdir` (with types) and one `lstat` per entry, synchronous (cheapest per call), yielding to the event
 * loop now and then so SIGINT is seen. Children are sorted by name, so traversal order never matters.
 */
import { lstatSync, readdirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { throwIfAborted, type ProgressCallback } from '../io/index.js';
import type { TreeNode } from '../model/index.js';
import { ioError } from './errors.js';
import { FileContent } from './fs-content.js';
import { globToRegExp } from './glob.js';

export interface GraftSource {
  /** file or directory on disk */
  path: string;
  /** where it goes in the image ('/a/b'); undefined: a directory's contents go to the root, a file to /NAME */
  dest?: string;
}

export interface FsTreeOptions {
  /** glob patterns: without '/', matched against each name; with '/', against the path below the source */
  exclude?: readonly string[];
  /** follow symbolic links (store what they point to); default false */
  followSymlinks?: boolean;
  /** include names starting with '.'; default true */
  hidden?: boolean;
  /** absolute paths never to include (the output image and its temporary file) */
  skipPaths?: readonly string[];
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** a warning about something left out (sockets, dangling symlinks with followSymlinks) */
  onWarning?: (message: string) => void;
}

/** Parse a command-line source: `DEST=SRC` is a graft point (`\=` escapes), unless the whole text is an existing path. */
export function parseGraftSource(arg: string, exists: (p: string) => boolean): GraftSource {
  const m = /^((?:[^=\\]|\\.)*)=(.*)$/s.exec(arg);
  if (!m || exists(arg)) return { path: arg.replace(/\\=/g, '=') };
  return { dest: (m[1] as string).replace(/\\(.)/g, '$1'), path: m[2] as string };
}

function major(rdev: number): number {
  return Math.floor(rdev / 256) % 4096;
}
function minor(rdev: number): number {
  return (rdev % 256) + Math.floor(rdev / 1048576) * 256;
}

interface Walk {
  opts: FsTreeOptions;
  names: RegExp[];
  paths: RegExp[];
  skip: Set<string>;
  count: number;
  bytes: number;
  lastYield: number;
}

/**
 * A stat number as a small integer where it is one. `Stats` holds heap numbers (mode 33188 is a boxed 33188.0),
 * and a node field that once received one keeps a separate 16-byte box per node: mode, uid, gid and size cost
 * 64 bytes per entry that way (6 MB at 100,000 files). A value up to 2^30 is converted (exactly); larger ones
 * (sizes of 1 GiB and more, big ids) stay as they are.
 */
const small = (n: number): number => (n >= 0 && n <= 0x3fffffff ? n | 0 : n);

/**
 * One tree node per entry, built as a single object literal per kind (spreading a shared base object made
 * every node a slow dictionary twice the size). `dir` + `name` locate the entry (`name` '' = `dir` itself).
 */
function nodeFromStats(name: string, st: Stats, dir: string, fileName: string, w: Walk): TreeNode | undefined {
  const { mtimeMs, atimeMs, ctimeMs } = st;
  const mode = small(st.mode), uid = small(st.uid), gid = small(st.gid);
  if (st.isDirectory()) return { name, kind: 'dir', mode, uid, gid, mtimeMs, atimeMs, ctimeMs, size: 0, children: [] };
  const linkGroup = st.nlink > 1 ? `${st.dev}:${st.ino}` : undefined;
  const full = fileName ? `${dir}/${fileName}` : dir;
  if (st.isFile()) {
    const size = small(st.size);
    w.bytes += size;
    const content = fileName ? new FileContent(dir, size, mtimeMs, fileName) : new FileContent(dir, size, mtimeMs);
    if (linkGroup === undefined) return { name, kind: 'file', mode, uid, gid, mtimeMs, atimeMs, ctimeMs, size, content };
    return { name, kind: 'file', mode, uid, gid, mtimeMs, atimeMs, ctimeMs, size, content, linkGroup };
  }
  const link = linkGroup !== undefined ? { linkGroup } : {};
  const base = { name, mode, uid, gid, mtimeMs, atimeMs, ctimeMs, size: 0 };
  if (st.isSymbolicLink()) {
    return { ...base, ...link, kind: 'symlink', symlinkTarget: readlinkSync(full, 'utf8') };
  }
  const device = { major: major(st.rdev), minor: minor(st.rdev) };
  if (st.isCharacterDevice()) return { ...base, ...link, kind: 'chardev', device };
  if (st.isBlockDevice()) return { ...base, ...link, kind: 'blockdev', device };
  if (st.isFIFO()) return { ...base, ...link, kind: 'fifo' };
  w.opts.onWarning?.(`${full}: socket left out`);
  return undefined;
}

function excluded(name: string, rel: string, w: Walk): boolean {
  if (w.opts.hidden === false && name.startsWith('.')) return true;
  for (const r of w.names) if (r.test(name)) return true;
  for (const r of w.paths) if (r.test(rel)) return true;
  return false;
}

function statEntry(full: string, w: Walk): Stats | undefined {
  try {
    if (!w.opts.followSymlinks) return lstatSync(full);
    try {
      return statSync(full);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ELOOP') throw e;
      w.opts.onWarning?.(`${full}: dangling symbolic link kept as a link`);
      return lstatSync(full);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // vanished since readdir
    throw ioError(e, full);
  }
}

async function fill(dir: TreeNode, full: string, rel: string, w: Walk, ancestors: Set<string>): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(full);
  } catch (e) {
    throw ioError(e, full);
  }
  names.sort();
  const kids = dir.children as TreeNode[];
  const dirPath = full.endsWith('/') ? full.slice(0, -1) : full;
  for (const name of names) {
    const childFull = `${dirPath}/${name}`;
    const childRel = rel ? `${rel}/${name}` : name;
    if (excluded(name, childRel, w) || w.skip.has(childFull)) continue;
    const st = statEntry(childFull, w);
    if (!st) continue;
    const node = nodeFromStats(name, st, dirPath, name, w);
    if (!node) continue;
    kids.push(node);
    if (++w.count % 2000 === 0) {
      w.opts.onProgress?.({ phase: 'scan', bytes: w.bytes, files: w.count });
      if (Date.now() - w.lastYield > 50) {
        await new Promise((r) => setImmediate(r));
        w.lastYield = Date.now();
        throwIfAborted(w.opts.signal);
      }
    }
    if (node.kind === 'dir') {
      const id = `${st.dev}:${st.ino}`;
      if (ancestors.has(id)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${childFull}: symbolic link loop`);
      ancestors.add(id);
      await fill(node, childFull, childRel, w, ancestors);
      ancestors.delete(id);
    }
  }
}

function ensureDir(root: TreeNode, dest: string): TreeNode {
  let cur = root;
  for (const part of dest.split('/').filter((p) => p && p !== '.')) {
    if (part === '..') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `graft point ${dest}: ".." is not allowed`);
    const kids = cur.children as TreeNode[];
    let next = kids.find((k) => k.name === part);
    if (!next) {
      next = { name: part, kind: 'dir', size: 0, mode: 0o40755, children: [] };
      kids.push(next);
    } else if (next.kind !== 'dir') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `graft point ${dest}: ${part} is not a directory`);
    cur = next;
  }
  return cur;
}

function mergeInto(target: TreeNode, incoming: readonly TreeNode[], where: string): void {
  const kids = target.children as TreeNode[];
  const byName = new Map(kids.map((k) => [k.name, k]));
  for (const n of incoming) {
    const have = byName.get(n.name);
    if (!have) {
      kids.push(n);
      byName.set(n.name, n);
    } else if (have.kind === 'dir' && n.kind === 'dir') {
      mergeInto(have, n.children ?? [], `${where}/${n.name}`);
    } else {
      throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${where}/${n.name} comes from two sources`);
    }
  }
}

function sortTree(n: TreeNode): void {
  if (!n.children) return;
  n.children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const c of n.children) sortTree(c);
}

/** Scan the sources into one tree (root named after the first source directory, for the default volume id). */
export async function treeFromFileSystem(sources: readonly GraftSource[], opts: FsTreeOptions = {}): Promise<TreeNode> {
  if (!sources.length) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'no source given');
  const pats = (opts.exclude ?? []).map((p) => ({ p, re: globToRegExp(p) }));
  const w: Walk = {
    opts,
    names: pats.filter((x) => !x.p.replace(/^\/+|\/+$/g, '').includes('/')).map((x) => x.re),
    paths: pats.filter((x) => x.p.replace(/^\/+|\/+$/g, '').includes('/')).map((x) => x.re),
    skip: new Set((opts.skipPaths ?? []).map((p) => path.resolve(p))),
    count: 0,
    bytes: 0,
    lastYield: Date.now(),
  };
  const root: TreeNode = { name: '', kind: 'dir', size: 0, mode: 0o40755, children: [] };
  let rootSet = false;
  for (const src of sources) {
    const full = path.resolve(src.path);
    let st: Stats;
    try {
      st = opts.followSymlinks || src.dest === undefined ? statSync(full) : lstatSync(full);
    } catch (e) {
      throw ioError(e, src.path);
    }
    const dest = src.dest ?? '';
    if (st.isDirectory()) {
      const holder = nodeFromStats(path.basename(full), st, full, '', w) as TreeNode;
      const ancestors = new Set([`${st.dev}:${st.ino}`]);
      await fill(holder, full, '', w, ancestors);
      const target = ensureDir(root, dest);
      if (target === root && !rootSet) {
        // the first directory merged at the root gives the root its name, owner, mode and times
        Object.assign(root, { ...holder, children: root.children });
        rootSet = true;
      }
      mergeInto(target, holder.children ?? [], dest || '');
    } else {
      const isDirDest = src.dest === undefined || dest.endsWith('/');
      const name = isDirDest ? path.basename(full) : path.posix.basename(dest);
      const parent = ensureDir(root, isDirDest ? dest : path.posix.dirname(dest));
      const node = nodeFromStats(name, st, full, '', w);
      if (node) mergeInto(parent, [node], dest);
    }
  }
  if (!rootSet) root.name = path.basename(path.resolve(sources[0]?.path ?? '')).replace(/\.[^.]*$/, '');
  sortTree(root);
  return root;
}
