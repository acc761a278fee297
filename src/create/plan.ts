/**
 * planImage: tree + options → ImageLayout. Pure and deterministic (no clock, no I/O, no randomness): the same
 * tree and options give the same layout and, through emitImage, the same bytes. Knows the exact size.
 *
 * Region order (design guide §2; libisofs ecma119.c writes the same): system area, volume descriptors, path
 * tables, ISO 9660 directories (each followed by its Rock Ridge continuation areas), Joliet directories, file
 * data, padding.
 * BootHook.regions insert more before any of these (or at 'end').
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';
import type { TreeNode } from '../model/index.js';
import type { RegionName } from './hooks.js';
import { checkLayout } from './invariants.js';
import { resolveOptions, type BuildOptions, type ResolvedOptions } from './options.js';
import { iso9660DirectoriesRegion } from './regions/directories-iso9660.js';
import { jolietDirectoriesRegion } from './regions/directories-joliet.js';
import { fileDataRegion } from './regions/file-data.js';
import { paddingRegion } from './regions/padding.js';
import { pathTablesRegion } from './regions/path-tables.js';
import { systemAreaRegion } from './regions/system-area.js';
import { volumeDescriptorsRegion } from './regions/volume-descriptors.js';
import { checkIso9660Paths, limitJolietPaths } from './path-limits.js';
import { relocateDeepDirectories } from './relocate.js';
import { buildTree, isoDirOrder, jolietDirOrder, pathOf, type BuildImage } from './tree.js';
import { BLOCK_SIZE, type ImageLayout, type PlacedRegion, type Region } from './types.js';

function regionList(o: ResolvedOptions): Region[] {
  const base: [RegionName, Region | undefined][] = [
    ['system-area', systemAreaRegion()],
    ['volume-descriptors', volumeDescriptorsRegion()],
    ['path-tables', pathTablesRegion()],
    ['directories-iso9660', iso9660DirectoriesRegion()],
    ['directories-joliet', o.joliet ? jolietDirectoriesRegion() : undefined],
    ['file-data', fileDataRegion()],
    ['padding', paddingRegion()],
  ];
  const extra = o.boot?.regions ?? [];
  const out: Region[] = [];
  for (const [name, region] of base) {
    for (const x of extra) if (x.before === name) out.push(x.region);
    if (region) out.push(region);
  }
  for (const x of extra) if (x.before === 'end') out.push(x.region);
  for (const x of extra) {
    if (!base.some(([n]) => n === x.before) && x.before !== 'end') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `unknown region anchor "${x.before}"`);
  }
  return out;
}

function orderDirectories(image: BuildImage, o: ResolvedOptions): void {
  image.isoDirs = isoDirOrder(image.root);
  image.isoDirs.forEach((d, i) => (d.dir.pathTableNumber = i + 1));
  if (o.joliet) {
    image.jolietDirs = jolietDirOrder(image.root);
    image.jolietDirs.forEach((d, i) => (d.dir.jolietPathTableNumber = i + 1));
  }
  // sort weight (higher first), stable: otherwise breadth-first source order
  if (image.data.some((d) => d.first.node.sortWeight)) {
    image.data = image.data
      .map((d, i) => ({ d, i }))
      .sort((a, b) => (b.d.first.node.sortWeight ?? 0) - (a.d.first.node.sortWeight ?? 0) || a.i - b.i)
      .map((x) => x.d);
  }
}

/** Plan an image of `tree` (a 'dir' node). Throws INVALID_ARGUMENT/UNSUPPORTED for trees that cannot be written. */
export function planImage(tree: TreeNode, options: BuildOptions = {}): ImageLayout {
  const o = resolveOptions(options, tree);
  const image = buildTree(tree, o);
  if (o.relocateDeep) relocateDeepDirectories(image, o);
  if (o.joliet) limitJolietPaths(image.root, image.findings);
  if (o.isoLevel !== 4) checkIso9660Paths(image.root, o, image.findings);
  orderDirectories(image, o);
  const regions = regionList(o);
  const placed: PlacedRegion[] = [];
  let lba = 0;
  for (const r of regions) {
    const blockCount = r.plan(lba, { image, options: o });
    placed.push({ name: r.name, lba, blockCount });
    lba += blockCount;
  }
  let dataBytes = 0;
  for (const d of image.data) dataBytes += d.byteLength;
  const layout: ImageLayout = {
    blockSize: BLOCK_SIZE,
    blockCount: lba,
    byteLength: lba * BLOCK_SIZE,
    regions: placed,
    options: o,
    stats: { ...image.stats, dataBytes },
    findings: image.findings.toArray(),
    locate(node) {
      const d = image.byNode.get(node)?.data;
      return d ? { lba: d.byteLength ? d.lba : 0, byteLength: d.byteLength } : undefined;
    },
    namesOf(node) {
      const e = image.byNode.get(node);
      if (!e) return undefined;
      const iso: string[] = [];
      for (let c = e; c.isoParent !== c; c = c.isoParent) iso.push(c.isoName);
      return { iso9660: '/' + iso.reverse().join('/'), ...(o.joliet && e.jolietName ? { joliet: e.jolietName } : {}), ...(o.rockRidge ? { rockridge: pathOf(e) } : {}) };
    },
    image,
    regionList: regions,
  };
  checkLayout(layout);
  return layout;
}

/** A JSON-friendly summary of a layout (`create --dry-run --json`). */
export function describeLayout(layout: ImageLayout): Record<string, unknown> {
  const s = layout.stats;
  return {
    byteLength: layout.byteLength,
    blockCount: layout.blockCount,
    blockSize: layout.blockSize,
    files: s.files,
    directories: s.directories,
    symlinks: s.symlinks,
    specialFiles: s.specialFiles,
    hardLinks: s.hardLinks,
    dedupedFiles: s.dedupedFiles,
    dedupSavedBytes: s.dedupSavedBytes,
    dataBytes: s.dataBytes,
    relocatedDirectories: s.relocatedDirectories,
    isoLevel: layout.options.isoLevel,
    joliet: layout.options.joliet !== false,
    rockRidge: layout.options.rockRidge ? layout.options.rripVersion : false,
    volumeId: layout.options.volumeId,
    regions: layout.regions.map((r) => ({ name: r.name, lba: r.lba, blockCount: r.blockCount, byteOffset: r.lba * BLOCK_SIZE, byteLength: r.blockCount * BLOCK_SIZE })),
    findings: layout.findings,
  };
}
