/**
 * Keeping the original's UDF when remastering (read with src/read/udf directly): its revision becomes the
 * new image's (1.50 and older are written as 1.02, 2.00 as 2.01, 2.60 as 2.50), and a Windows-shaped original
 * — an ISO 9660 tree of one or two text files beside a full UDF tree (oscdimg -u2) — is rebuilt the same way:
 * the UDF tree is what is edited, the ISO 9660 side keeps its README. El Torito images that are no file of the
 * ISO 9660 tree are found by their block in the UDF tree.
 */
import { Findings } from '../../errors/index.js';
import { collect } from '../../io/index.js';
import { walkTree, type TreeNode } from '../../model/index.js';
import type { IsoImage } from '../../read/index.js';
import { detectUdf, openUdfVolume } from '../../read/udf/index.js';
import type { BuildOptions, UdfRevision } from '../options.js';

export interface OriginalUdf {
  /** the UDF tree (contents are ranges of the original) */
  readonly tree: TreeNode;
  /** the revision the original records ("2.01") and the one written */
  readonly recorded: string;
  readonly revision: UdfRevision;
  /** the ISO 9660 side is only a README (the Windows layout) */
  readonly udfOnly: boolean;
  readonly build: BuildOptions;
  /** the path of the UDF file whose data starts at a block (El Torito images) */
  pathAt(lba: number): string | undefined;
}

/** The writer's revision for a recorded one. */
function writtenRevision(recorded: string | undefined): UdfRevision {
  const r = Number(recorded ?? '1.02');
  return r < 2 ? '1.02' : r < 2.5 ? '2.01' : '2.50';
}

function counts(tree: TreeNode): { files: number; dirs: number } {
  let files = 0, dirs = 0;
  for (const { node, depth } of walkTree(tree)) {
    if (depth === 0) continue;
    if (node.kind === 'dir') dirs++;
    else files++;
  }
  return { files, dirs };
}

/** The original's UDF volume, or undefined when it has none (or it cannot be read: the image is then remastered without UDF). */
export async function readOriginalUdf(image: IsoImage, warnings: string[], signal?: AbortSignal): Promise<OriginalUdf | undefined> {
  const detection = await detectUdf(image.source, signal ? { signal } : {});
  if (!detection || detection.blockSize === undefined) return undefined;
  let tree: TreeNode;
  let recorded: string | undefined;
  try {
    const volume = await openUdfVolume(image.source, new Findings(), { detection, ...(signal ? { signal } : {}) });
    tree = await volume.readTree();
    recorded = volume.info.revision;
  } catch (e) {
    warnings.push(`the original's UDF volume cannot be read (${(e as Error).message}): the remaster has no UDF`);
    return undefined;
  }
  const revision = writtenRevision(recorded);
  if (recorded && recorded !== revision) warnings.push(`UDF ${recorded} is written as UDF ${revision}`);
  // the ISO 9660 side as the richest ISO namespace shows it (openImage prefers UDF to Joliet: Windows media)
  const isoNs = (['rockridge', 'joliet', 'iso9660'] as const).find((n) => image.namespaces[n]);
  const isoTree = !isoNs ? undefined : image.namespace === isoNs ? image.tree : await image.openTree(isoNs);
  const iso = isoTree ? counts(isoTree) : { files: 0, dirs: 0 }, udf = counts(tree);
  const udfOnly = iso.dirs === 0 && iso.files <= 2 && udf.files + udf.dirs > iso.files;
  let build: BuildOptions = { udf: revision };
  if (udfOnly) {
    // the README, not the boot catalog (BOOT.CAT sorts first)
    const catalog = image.bootCatalog?.catalogLba;
    const texts = isoTree?.children?.filter((c) => c.kind === 'file' && c.size <= 65536 && c.content && c.extents?.[0]?.lba !== catalog) ?? [];
    const readme = texts.find((c) => /readme/i.test(c.name)) ?? texts[0];
    build = { ...build, udfOnly: readme?.content ? { readmeName: readme.name, readme: await collect(readme.content.stream()) } : true };
  }
  const byLba = new Map<number, string>();
  for (const { node, path } of walkTree(tree)) {
    const first = node.kind === 'file' ? node.extents?.[0] : undefined;
    if (first && !byLba.has(first.lba)) byLba.set(first.lba, path);
  }
  return { tree, recorded: recorded ?? revision, revision, udfOnly, build, pathAt: (lba) => byLba.get(lba) };
}
