/**
 * RRIP 4.1.5 directory relocation, for ISO 9660 trees that must respect the 8-level limit (ECMA-119 6.8.2.1):
 * a directory at level 9 moves (in the ISO 9660 tree only) into `/rr_moved` with an RE entry; a placeholder
 * file record with CL takes its place; the moved directory's ".." carries PL back to the original parent.
 * Rock Ridge readers show the original tree; Joliet keeps the original tree anyway. The relocation
 * directory is called `rr_moved` like genisoimage's (libarchive accepts no other name).
 */
import type { TreeNode } from '../model/index.js';
import { isoNames } from './names/iso9660.js';
import { compareIdentifiers, type Level } from './names/iso9660.js';
import type { ResolvedOptions } from './options.js';
import { isBDir, type BDir, type BEntry, type BuildImage } from './tree.js';

/** Directories at ISO 9660 depth ≥ 8 below the root (level 9 and deeper) move. */
const MAX_DEPTH = 7;

export function relocateDeepDirectories(image: BuildImage, o: ResolvedOptions): void {
  const root = image.root;
  let moved: BDir | undefined;
  const queue: { d: BDir; depth: number }[] = [{ d: root, depth: 0 }];
  for (let i = 0; i < queue.length; i++) {
    const { d, depth } = queue[i] as { d: BDir; depth: number };
    const kids = d.dir.children;
    for (let k = 0; k < kids.length; k++) {
      const c = kids[k] as BEntry;
      if (!isBDir(c) || c.clTarget) continue;
      if (depth + 1 <= MAX_DEPTH) {
        queue.push({ d: c, depth: depth + 1 });
        continue;
      }
      moved ??= makeRelocationDir(image, o);
      kids[k] = placeholder(c, d);
      c.isoParent = moved;
      c.relocated = true;
      c.dir.relocatedFrom = d;
      moved.dir.children.push(c);
      image.stats.relocatedDirectories++;
      queue.push({ d: c, depth: 2 });
    }
  }
  if (moved) renameMoved(moved, o.isoLevel);
}

function placeholder(target: BDir, parent: BDir): BEntry {
  return {
    node: target.node, kind: 'file', name: target.name, parent, isoParent: parent, isoName: target.isoName, jolietName: '',
    data: undefined, nlink: target.nlink, ino: target.ino,
    clTarget: target,
  };
}

function makeRelocationDir(image: BuildImage, o: ResolvedOptions): BDir {
  const root = image.root;
  const node: TreeNode = { name: 'rr_moved', kind: 'dir', mode: 0o40555, size: 0, children: [], ...(o.dateMs !== undefined ? { mtimeMs: o.dateMs } : {}) };
  let isoName = o.isoLevel === 4 ? 'rr_moved' : 'RR_MOVED';
  const taken = new Set(root.dir.children.map((c) => c.isoName));
  for (let n = 1; taken.has(isoName); n++) isoName = `RR_MOV${n}`;
  const e: BDir = {
    node, kind: 'dir', name: 'rr_moved', parent: root, isoParent: root, isoName, jolietName: '', data: undefined, nlink: 2,
    ino: 0,
    dir: { children: [], jolietChildren: [], depth: 1, isoLba: 0, isoByteLength: 0, jolietLba: 0, jolietByteLength: 0, pathTableNumber: 0, jolietPathTableNumber: 0 },
  };
  let maxIno = 0;
  for (const x of image.byNode.values()) maxIno = Math.max(maxIno, x.ino);
  e.ino = maxIno + 1;
  image.byNode.set(node, e);
  root.dir.children.push(e);
  root.dir.children.sort((a, b) => compareIdentifiers(a.isoName, b.isoName));
  root.nlink++;
  image.stats.directories++;
  return e;
}

/** Names inside rr_moved come from many parents: make them unique again, deterministically. */
function renameMoved(moved: BDir, level: Level): void {
  const kids = moved.dir.children.slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.ino - b.ino));
  const names = isoNames(kids.map((k) => ({ name: k.name, isDir: true })), level);
  kids.forEach((k, i) => (k.isoName = names[i] as string));
  moved.dir.children = kids.sort((a, b) => compareIdentifiers(a.isoName, b.isoName));
  moved.nlink = 2 + kids.length;
}
