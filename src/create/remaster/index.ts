/**
 * planRemaster (browser-safe): an opened image + edits → `{ tree, buildOptions, bootSpec, report }`.
 *
 * Then, as `src/node/remaster.ts` does: `const hook = await createBootHook(bootSpec, tree, { dateMs, volumeId })`,
 * `planImage(tree, { ...buildOptions, boot: hook })`, `emitImage(layout)`. Unchanged files keep the original's
 * contents as byte ranges of `image.source`, so the writer copies them without extracting anything; the
 * appended partitions are ranges of the original too.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { throwIfAborted } from '../../io/index.js';
import { walkTree, type TreeNode } from '../../model/index.js';
import type { IsoImage } from '../../read/index.js';
import type { BootSpec } from '../boot/spec.js';
import type { BuildOptions } from '../options.js';
import { fileDataEnd, findAppendedPartitions } from './appended.js';
import { addPath, cloneTree, removePath, subtreeStats, type EditContext } from './edit-tree.js';
import { matchHiddenBootImages } from './hidden-boot.js';
import { inferEntries } from './infer-eltorito.js';
import { inferSystemArea } from './infer-system-area.js';
import { findBootNode, namespaceOptions } from './options.js';
import type { RemasterEdits, RemasterOptions, RemasterPlan, RemasterReport } from './types.js';
import { readOriginalUdf, type OriginalUdf } from './udf.js';

export type * from './types.js';
export { describeRemasterLayout, type RemasterLayoutSummary } from './summary.js';

async function inferBoot(image: IsoImage, tree: TreeNode, warnings: string[], udf: OriginalUdf | undefined, signal?: AbortSignal): Promise<{ spec?: BootSpec; boot: RemasterReport['boot'] }> {
  const parts = findAppendedPartitions(image, Math.max(fileDataEnd(image, image.tree), udf ? fileDataEnd(image, udf.tree) : 0));
  const sa = await inferSystemArea(image, parts);
  warnings.push(...sa.warnings);
  if (!image.bootCatalog) {
    if (sa.spec?.kind === 'isohybrid' || sa.spec?.kind === 'grub2') throw new IsoKitError(ErrorCode.INTERNAL, 'hybrid MBR without El Torito');
    return { ...(sa.spec ? { spec: { entries: [], systemArea: sa.spec } } : {}), boot: { entries: [], systemArea: sa.report } };
  }
  // boot images that are no ISO 9660 file (a Windows-shaped original) are files of the UDF tree
  const byBlock = udf ? image.bootCatalog.images.map((i) => (i.path ? i : { ...i, ...pathOf(udf, i.lba) })) : image.bootCatalog.images;
  // hidden copies (oscdimg, pycdlib): the file of the same bytes
  const inPartition = (o: number) => parts.some((p) => o >= p.byteOffset && o < p.byteOffset + p.byteLength);
  const images = await matchHiddenBootImages(byBlock, udf?.udfOnly ? udf.tree : image.tree, image.source, inPartition, signal);
  const inferred = inferEntries({ ...image.bootCatalog, images }, parts, sa.marked);
  for (const [i, e] of inferred.entries.entries()) {
    if (e.image.kind !== 'file') continue;
    const node = findBootNode(tree, e.image.path);
    if (!node) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${e.image.path} is El Torito boot image ${i + 1}: it cannot be removed (replace it with --add instead)`);
    if (node.kind !== 'file') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${e.image.path} is El Torito boot image ${i + 1}: it must stay a regular file`);
  }
  const spec: BootSpec = { entries: inferred.entries, catalog: inferred.catalog, ...(sa.spec ? { systemArea: sa.spec } : {}) };
  const catalog = inferred.catalog.hidden ? { hidden: true } : { path: inferred.catalog.path as string, hidden: false };
  return { spec, boot: { catalog, entries: inferred.reports, systemArea: sa.report } };
}

function fileCounts(tree: TreeNode, image: IsoImage, added: ReadonlySet<TreeNode>, dropped: readonly TreeNode[], catalog?: TreeNode): RemasterReport['files'] {
  const f = { kept: 0, keptBytes: 0, added: 0, addedBytes: 0, rewritten: 0, rewrittenBytes: 0, removed: 0, removedBytes: 0 };
  for (const { node } of walkTree(tree)) {
    if (node.kind !== 'file' || node === catalog) continue; // the catalog is regenerated
    const bytes = node.content?.byteLength ?? node.size;
    if (added.has(node)) {
      f.added++;
      f.addedBytes += bytes;
    } else if (node.content?.ranges?.every((r) => r.source === image.source)) {
      f.kept++;
      f.keptBytes += bytes;
    } else {
      f.rewritten++;
      f.rewrittenBytes += bytes;
    }
  }
  for (const d of dropped) {
    if (added.has(d)) continue;
    const s = subtreeStats(d);
    f.removed += s.files;
    f.removedBytes += s.byteLength;
  }
  return f;
}

function pathOf(udf: OriginalUdf, lba: number): { path?: string } {
  const p = udf.pathAt(lba);
  return p !== undefined ? { path: p } : {};
}

/** Plan a remaster of `image` (see module doc). Throws for edits that would break the boot records. */
export async function planRemaster(image: IsoImage, edits: RemasterEdits = {}, options: RemasterOptions = {}): Promise<RemasterPlan> {
  const early: string[] = [];
  const udf = options.keepUdf === false ? undefined : await readOriginalUdf(image, early, options.signal);
  // the tree edited: the UDF one when the ISO 9660 side is only a README, else what openImage chose
  const fromUdf = udf?.udfOnly === true;
  const tree = cloneTree(fromUdf ? udf.tree : image.tree);
  const ctx: EditContext = { caseInsensitive: !fromUdf && image.namespace === 'iso9660', edits: [], added: new Set(), dropped: [] };
  for (const p of edits.remove ?? []) removePath(tree, p, ctx);
  for (const a of edits.add ?? []) addPath(tree, a, ctx);
  throwIfAborted(options.signal);
  const warnings: string[] = [...early];
  const ns = await namespaceOptions(image, tree, options, warnings);
  const v = image.volume;
  const volume = {
    volumeId: options.volumeId ?? v.volumeId,
    volumeSetId: options.volumeSetId ?? v.volumeSetId,
    publisherId: options.publisherId ?? v.publisherId,
    dataPreparerId: options.dataPreparerId ?? v.dataPreparerId,
    applicationId: options.applicationId ?? v.applicationId,
    systemId: options.systemId ?? v.systemId,
  };
  const dateMs = options.dateMs ?? v.modificationMs ?? v.creationMs;
  const buildOptions: BuildOptions = {
    ...ns.build, ...volume, ...(udf ? udf.build : {}), ...(dateMs !== undefined ? { dateMs } : {}), ...(options.clampTimes && dateMs !== undefined ? { clampTimes: true } : {}),
  };
  let boot: RemasterReport['boot'] = { entries: [], systemArea: noSystemArea };
  let bootSpec: BootSpec | undefined;
  if (!options.noBoot) {
    const b = await inferBoot(image, tree, warnings, udf, options.signal);
    boot = b.boot;
    bootSpec = b.spec;
    const catalogPath = boot.catalog?.path;
    if (catalogPath && ctx.edits.some((e) => e.op !== 'remove' && e.path === catalogPath)) {
      throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${catalogPath} is the El Torito boot catalog, which is regenerated: it cannot be replaced`);
    }
    const replacedPaths = new Set(ctx.edits.filter((e) => e.op === 'replace').map((e) => e.path));
    boot = { ...boot, entries: boot.entries.map((e) => (replacedPaths.has(e.image.replace(/^file /, '')) ? { ...e, replaced: true } : e)) };
  }
  const report: RemasterReport = {
    input: { byteLength: image.source.byteLength, blockCount: v.blockCount, volumeId: v.volumeId },
    volume,
    namespaces: { ...ns.report, udf: udf ? udf.revision : false, udfOnly: fromUdf },
    edits: ctx.edits,
    files: fileCounts(tree, image, ctx.added, ctx.dropped, boot.catalog?.path ? findBootNode(tree, boot.catalog.path) : undefined),
    boot,
    warnings,
  };
  return { tree, buildOptions, ...(bootSpec ? { bootSpec } : {}), report, addedNodes: ctx.added };
}

const noSystemArea: RemasterReport['boot']['systemArea'] = {
  style: 'none', templateByteLength: 0, mbr: 'none', gpt: 'none', partitionOffset: 0, cylinderAlign: 'off', mbrForceBootable: false, appendedPartitions: [],
};
