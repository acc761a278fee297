/**
 * Build options that replay the original's namespaces: ISO 9660 level (ISO 9660:1999 → 4), Joliet (with long
 * names when the original has Joliet names over 64 UCS-2 units, like -joliet-long), Rock Ridge and its RRIP
 * version (as the ER entry / PX length told the reader).
 */
import { walkTree, type TreeNode } from '../../model/index.js';
import type { IsoImage } from '../../read/index.js';
import { findNode } from '../boot/resolve.js';
import type { BuildOptions, IsoLevel } from '../options.js';
import type { RemasterOptions, RemasterReport } from './types.js';

export const findBootNode = findNode;

const FOUR_GIB = 0x100000000;

function longestName(tree: TreeNode): number {
  let max = 0;
  for (const { node } of walkTree(tree)) max = Math.max(max, node.name.length);
  return max;
}

async function jolietSetting(image: IsoImage, tree: TreeNode): Promise<boolean | 'long'> {
  if (!image.namespaces.joliet) return false;
  if (longestName(tree) <= 64) return true;
  try {
    return longestName(await image.openTree('joliet')) > 64 ? 'long' : true;
  } catch {
    return true;
  }
}

export async function namespaceOptions(
  image: IsoImage,
  tree: TreeNode,
  options: RemasterOptions,
  warnings: string[],
): Promise<{ build: BuildOptions; report: RemasterReport['namespaces'] }> {
  const ns = image.namespaces;
  let isoLevel: IsoLevel = options.isoLevel ?? (ns.iso9660_1999 ? 4 : (ns.iso9660?.level ?? 3));
  if (isoLevel < 3 && options.isoLevel === undefined) {
    let big = false;
    for (const { node } of walkTree(tree)) if (node.kind === 'file' && (node.content?.byteLength ?? node.size) >= FOUR_GIB) big = true;
    if (big) {
      warnings.push(`a file of 4 GiB or more needs ISO 9660 level 3 (the original is level ${isoLevel}): written as level 3`);
      isoLevel = 3;
    }
  }
  const joliet = await jolietSetting(image, tree);
  const rr = ns.rockridge;
  const rripVersion = rr ? (rr.version.startsWith('1.12') || rr.extensionId === 'IEEE_1282' ? '1.12' : '1.10') : undefined;
  return {
    build: { isoLevel, joliet, rockRidge: !!rr, ...(rripVersion ? { rripVersion } : {}) },
    report: { isoLevel, joliet, rockRidge: rripVersion ?? false },
  };
}
