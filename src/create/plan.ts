/**
 * planImage: tree + options → ImageLayout. Pure and deterministic (no clock, no I/O, no randomness): the same
 * tree and options give the same layout and, through emitImage, the same bytes. Knows the exact size.
 *
 * The image is a composition of region groups laid out by the engine (engine/): the ISO 9660 group (system
 * area, volume descriptors, path tables, ISO 9660 directories each followed by its Rock Ridge continuation
 * areas, Joliet directories, padding — libisofs ecma119.c writes the same order), the stored file data, and
 * whatever `BootHook.regions` adds before any of them (or at 'end').
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { formatUdfRevision } from '../formats/udf/index.js';
import { bytesContent, type TreeNode } from '../model/index.js';
import { planLayout } from './engine/index.js';
import { fileDataRegion } from './files/file-data.js';
import type { RegionSlot } from './hooks.js';
import { iso9660Regions, prepareIso9660, sortDataByWeight } from './iso9660/group.js';
import { resolveOptions, type BuildOptions, type ResolvedOptions } from './options.js';
import { buildTree, pathOf } from './tree.js';
import { udfSlots } from './udf/group.js';
import { prepareUdf } from './udf/state.js';
import { BLOCK_SIZE, type ImageLayout, type ImageRegion } from './types.js';

/** The image's own regions in order, with the slots of other groups inserted before their anchors. */
function regionList(own: readonly { name: string; region: ImageRegion | undefined }[], slots: readonly RegionSlot[]): ImageRegion[] {
  const known = new Set(own.map((x) => x.name));
  for (const s of slots) {
    if (s.before !== 'end' && !known.has(s.before)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `unknown region anchor "${s.before}"`);
  }
  const out: ImageRegion[] = [];
  for (const { name, region } of own) {
    for (const s of slots) if (s.before === name) out.push(s.region);
    if (region) out.push(region);
  }
  for (const s of slots) if (s.before === 'end') out.push(s.region);
  return out;
}

/** The ISO 9660 side of a UDF-only image: the root and one text file. */
function readmeTree(readme: NonNullable<ResolvedOptions['udfOnly']>, dateMs: number | undefined): TreeNode {
  const t = dateMs !== undefined ? { mtimeMs: dateMs } : {};
  return {
    name: '', kind: 'dir', size: 0, mode: 0o40555, ...t,
    children: [{ name: readme.name, kind: 'file', size: readme.bytes.length, content: bytesContent(readme.bytes), mode: 0o100444, ...t }],
  };
}

/** Plan an image of `tree` (a 'dir' node). Throws INVALID_ARGUMENT/UNSUPPORTED for trees that cannot be written. */
export function planImage(tree: TreeNode, options: BuildOptions = {}): ImageLayout {
  const o = resolveOptions(options, tree);
  const planTree = buildTree(tree, o);
  // a UDF-only image: the ISO 9660 group sees a tree of one README; its data is stored before the files (7-Zip
  // looks for the end anchor through zeros after the last block UDF uses)
  const isoTree = o.udfOnly ? buildTree(readmeTree(o.udfOnly, o.dateMs), o) : planTree;
  const iso = prepareIso9660(isoTree, o);
  if (isoTree !== planTree) sortDataByWeight(planTree);
  const store = { data: isoTree === planTree ? planTree.data : [...isoTree.data, ...planTree.data] };
  const own = iso9660Regions(iso, fileDataRegion(store, BLOCK_SIZE));
  const udf = o.udfRevision !== undefined ? prepareUdf(planTree, o) : undefined;
  const slots = [...(udf ? udfSlots(udf) : []), ...(o.boot?.regions?.({ options: o, iso }) ?? [])];
  const regions = regionList(own, slots);
  const planned = planLayout(regions, { blockSize: BLOCK_SIZE });
  if (planned.blockCount > 0xffffffff) throw new IsoKitError(ErrorCode.UNSUPPORTED, `${planned.blockCount} blocks do not fit the 32-bit volume space size`);
  let dataBytes = 0;
  for (const d of planTree.data) dataBytes += d.byteLength;
  const layout: ImageLayout = {
    ...planned,
    regionList: planned.regionList as readonly ImageRegion[],
    options: o,
    stats: { ...planTree.stats, dataBytes },
    findings: planTree.findings.toArray(),
    locate(node) {
      const d = planTree.byNode.get(node)?.data;
      return d ? { lba: d.byteLength ? d.lba : 0, byteLength: d.byteLength } : undefined;
    },
    namesOf(node) {
      const e = planTree.byNode.get(node);
      if (!e || isoTree !== planTree) return undefined;
      const joliet = iso.jolietName[e.id];
      return { iso9660: iso.isoPath(e), ...(o.joliet && joliet ? { joliet } : {}), ...(o.rockRidge ? { rockridge: pathOf(e) } : {}) };
    },
    iso,
    tree: planTree,
    storedData: store.data,
  };
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
    udf: layout.options.udfRevision !== undefined ? formatUdfRevision(layout.options.udfRevision) : false,
    volumeId: layout.options.volumeId,
    regions: layout.regions.map((r) => ({ name: r.name, lba: r.lba, blockCount: r.blockCount, byteOffset: r.lba * layout.blockSize, byteLength: r.blockCount * layout.blockSize })),
    findings: layout.findings,
  };
}
