/**
 * RRIP 4.1.5 directory relocation, for ISO 9660 trees that must respect the 8-level limit (ECMA-119 6.8.2.1):
 * a directory at level 9 moves (in the ISO 9660 tree only) into `/rr_moved` with an RE entry; a placeholder
 * file record with CL takes its place; the moved directory's ".." carries PL back to the original parent.
 * Rock Ridge readers show the original tree; Joliet keeps the original tree anyway. The relocation
 * directory is called `rr_moved` like genisoimage's (libarchive accepts no other name).
 */
import type { TreeNode } from '../../model/index.js';
import { isPlanDir, type PlanDirEntry, type PlanEntry } from '../tree.js';
import { compareIdentifiers, isoNames, type Level } from './names/iso9660.js';
import type { IsoState } from './state.js';

/** Directories at ISO 9660 depth ≥ 8 below the root (level 9 and deeper) move. */
const MAX_DEPTH = 7;

export function relocateDeepDirectories(s: IsoState): void {
  let moved: PlanDirEntry | undefined;
  const queue: { d: PlanDirEntry; depth: number }[] = [{ d: s.root, depth: 0 }];
  for (let i = 0; i < queue.length; i++) {
    const { d, depth } = queue[i] as { d: PlanDirEntry; depth: number };
    const kids = s.dir(d).children;
    for (let k = 0; k < kids.length; k++) {
      const c = kids[k] as PlanEntry;
      if (!isPlanDir(c) || !s.isDirRecord(c)) continue;
      if (depth + 1 <= MAX_DEPTH) {
        queue.push({ d: c, depth: depth + 1 });
        continue;
      }
      moved ??= makeRelocationDir(s);
      kids[k] = placeholder(s, c, d);
      s.moveTo(c, moved);
      s.relocated.add(c);
      s.dir(c).relocatedFrom = d;
      s.dir(moved).children.push(c);
      s.tree.stats.relocatedDirectories++;
      queue.push({ d: c, depth: 2 });
    }
  }
  if (moved) renameMoved(s, moved, s.options.isoLevel);
}

/** A file record with CL standing where `target` was (its ISO 9660 name, link count and serial number). */
function placeholder(s: IsoState, target: PlanDirEntry, parent: PlanDirEntry): PlanEntry {
  const e: PlanEntry = { node: target.node, kind: 'file', name: target.name, id: s.tree.nextId(), parent, data: undefined, nlink: target.nlink, ino: target.ino };
  s.isoName[e.id] = s.isoName[target.id] as string;
  s.clTarget.set(e, target);
  return e;
}

function makeRelocationDir(s: IsoState): PlanDirEntry {
  const { root, options: o, tree } = s;
  const node: TreeNode = { name: 'rr_moved', kind: 'dir', mode: 0o40555, size: 0, children: [], ...(o.dateMs !== undefined ? { mtimeMs: o.dateMs } : {}) };
  let isoName = o.isoLevel === 4 ? 'rr_moved' : 'RR_MOVED';
  const rootView = s.dir(root);
  const taken = new Set(rootView.children.map((c) => s.isoName[c.id]));
  for (let n = 1; taken.has(isoName); n++) isoName = `RR_MOV${n}`;
  const e: PlanDirEntry = { node, kind: 'dir', name: 'rr_moved', id: tree.nextId(), parent: root, data: undefined, nlink: 2, ino: ++tree.lastIno, dir: { children: [], depth: 1 } };
  s.isoName[e.id] = isoName;
  rootView.children.push(e);
  rootView.children.sort((a, b) => compareIdentifiers(s.isoName[a.id] as string, s.isoName[b.id] as string));
  root.nlink++;
  tree.stats.directories++;
  return e;
}

/** Names inside rr_moved come from many parents: make them unique again, deterministically. */
function renameMoved(s: IsoState, moved: PlanDirEntry, level: Level): void {
  const view = s.dir(moved);
  const kids = view.children.slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.ino - b.ino));
  const names = isoNames(kids.map((k) => ({ name: k.name, isDir: true })), level);
  kids.forEach((k, i) => (s.isoName[k.id] = names[i] as string));
  view.children = kids.sort((a, b) => compareIdentifiers(s.isoName[a.id] as string, s.isoName[b.id] as string));
  moved.nlink = 2 + kids.length;
}
