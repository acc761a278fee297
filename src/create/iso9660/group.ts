/**
 * The ISO 9660 region group (ECMA-119 with Joliet and Rock Ridge): what it prepares once the plan tree is
 * built (identifiers and record orders, relocation of deep directories, path limits, path table numbers, sort
 * weights) and its regions in image order, with the stored file data in its place between the directories
 * and the padding.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import type { ResolvedOptions } from '../options.js';
import { isPlanDir, MAX_EXTENT_BYTES, type PlanDirEntry, type PlanTree } from '../tree.js';
import type { ImageRegion } from '../types.js';
import { iso9660DirectoriesRegion } from './directories-iso9660.js';
import { jolietDirectoriesRegion } from './directories-joliet.js';
import { isoNames, sortByIdentifier, LEVEL4_MAX_BYTES, LEVEL4_MAX_BYTES_WITH_SUSP } from './names/iso9660.js';
import { jolietNames } from './names/joliet.js';
import { paddingRegion } from './padding.js';
import { checkIso9660Paths, limitJolietPaths } from './path-limits.js';
import { partitionOffsetRegions } from './partition-offset.js';
import { pathTablesRegion } from './path-tables.js';
import { relocateDeepDirectories } from './relocate.js';
import { IsoState } from './state.js';
import { systemAreaRegion } from './system-area.js';
import { volumeDescriptorsRegion } from './volume-descriptors.js';

/** Unique ISO 9660 and Joliet identifiers for one directory's children, and both record orders. */
function assignNames(s: IsoState, d: PlanDirEntry): void {
  const o = s.options;
  // files of 4 GiB and more are only in UDF when asked for (isoLargeFiles 'leave-out')
  const kids = o.isoLargeFiles === 'leave-out' ? d.dir.children.filter((k) => !k.data || k.data.byteLength <= MAX_EXTENT_BYTES) : d.dir.children;
  const iso = isoNames(kids.map((k) => ({ name: k.name, isDir: k.kind === 'dir', override: k.node.names?.iso9660 })), o.isoLevel, o.rockRidge ? LEVEL4_MAX_BYTES_WITH_SUSP : LEVEL4_MAX_BYTES);
  kids.forEach((k, i) => (s.isoName[k.id] = iso[i] as string));
  const view = s.dir(d);
  view.children = sortByIdentifier(kids.slice(), (k) => s.isoName[k.id] as string);
  if (!o.joliet) return;
  // Joliet has no symlinks, devices or fifos: like xorriso, leave them out of the Joliet tree rather than
  // show them as empty files (7-Zip and Windows would extract 0-byte files in their place).
  const jk = kids.filter((k) => k.kind === 'file' || k.kind === 'dir');
  const j = jolietNames(jk.map((k) => ({ name: k.node.names?.joliet ?? k.name, isDir: k.kind === 'dir' })), o.joliet, o.jolietUtf16);
  // an unchanged name keeps the source name's string (one string per entry, not two)
  jk.forEach((k, i) => {
    const jn = j[i] as string;
    s.jolietName[k.id] = jn === k.name ? k.name : jn;
  });
  view.jolietChildren = sortByIdentifier(jk, (k) => s.jolietName[k.id] as string);
}

/** Directories in path table order: breadth-first over the children in record order. */
function dirOrder(s: IsoState, joliet: boolean): PlanDirEntry[] {
  const out: PlanDirEntry[] = [s.root];
  for (let i = 0; i < out.length; i++) {
    const v = s.dir(out[i] as PlanDirEntry);
    for (const c of joliet ? v.jolietChildren : v.children) if (isPlanDir(c) && s.isDirRecord(c)) out.push(c);
  }
  return out;
}

function orderDirectories(s: IsoState, tree: PlanTree, o: ResolvedOptions): void {
  s.isoDirs = dirOrder(s, false);
  if (s.isoDirs.length > 65535) {
    throw new IsoKitError(ErrorCode.UNSUPPORTED, `${s.isoDirs.length} directories: an ISO 9660 path table can address at most 65,535`);
  }
  s.isoDirs.forEach((d, i) => (s.dir(d).pathTableNumber = i + 1));
  if (o.joliet) {
    s.jolietDirs = dirOrder(s, true);
    s.jolietDirs.forEach((d, i) => (s.dir(d).jolietPathTableNumber = i + 1));
  }
  sortDataByWeight(tree);
}

/** Sort weight (higher first), stable: otherwise breadth-first source order. */
export function sortDataByWeight(tree: PlanTree): void {
  if (!tree.data.some((d) => d.first.node.sortWeight)) return;
  tree.data = tree.data
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (b.d.first.node.sortWeight ?? 0) - (a.d.first.node.sortWeight ?? 0) || a.i - b.i)
    .map((x) => x.d);
}

/** Everything the group decides before placement: its tables over `tree`. */
export function prepareIso9660(tree: PlanTree, o: ResolvedOptions): IsoState {
  const s = new IsoState(tree, o);
  s.isoName[tree.root.id] = '';
  for (const d of tree.dirs) assignNames(s, d);
  if (o.relocateDeep) relocateDeepDirectories(s);
  if (o.joliet) limitJolietPaths(s);
  if (o.isoLevel !== 4) checkIso9660Paths(s);
  orderDirectories(s, tree, o);
  return s;
}

/** The group's regions in image order (named: other groups anchor theirs before them), file data in its place. */
export function iso9660Regions(s: IsoState, fileData: ImageRegion): { name: string; region: ImageRegion | undefined }[] {
  const o = s.options;
  const po = o.boot?.partitionOffset ? partitionOffsetRegions(s, o.boot.partitionOffset) : undefined;
  return [
    { name: 'system-area', region: systemAreaRegion() },
    { name: 'volume-descriptors', region: volumeDescriptorsRegion(s) },
    { name: 'partition-offset-descriptors', region: po?.descriptors },
    { name: 'path-tables', region: pathTablesRegion(s) },
    { name: 'directories-iso9660', region: iso9660DirectoriesRegion(s) },
    { name: 'directories-joliet', region: o.joliet ? jolietDirectoriesRegion(s) : undefined },
    { name: 'partition-offset-trees', region: po?.trees },
    { name: 'file-data', region: fileData },
    { name: 'padding', region: paddingRegion(o.paddingBlockCount) },
  ];
}
