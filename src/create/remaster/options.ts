/**
 * Build options that replay the original's namespaces: ISO 9660 level (ISO 9660:1999 → 4), Joliet (with long
 * names when the original has Joliet names over 64 UCS-2 units, like -joliet-long; UTF-16 when it has surrogate
 * pairs, like -joliet_utf16), Rock Ridge and its RRIP
 * version (as the ER entry / PX length told the reader).
 */
import { walkTree, type TreeNode } from '../../model/index.js';
import type { IsoImage } from '../../read/index.js';
import { findNode } from '../boot/resolve.js';
import type { BuildOptions, IsoLevel } from '../options.js';
import type { RemasterOptions, RemasterReport } from './types.js';

export const findBootNode = findNode;

const FOUR_GIB = 0x100000000;

const OUTSIDE_BMP = /[\u{10000}-\u{10ffff}]/u;
const SURROGATE = /[\ud800-\udfff]/;

/** The longest name in UTF-16 units, and whether a name has a character outside the BMP (`pattern`). */
function scanNames(tree: TreeNode, pattern: RegExp): { longest: number; wide: boolean } {
  let longest = 0;
  let wide = false;
  for (const { node } of walkTree(tree)) {
    longest = Math.max(longest, node.name.length);
    wide ||= pattern.test(node.name);
  }
  return { longest, wide };
}

/**
 * Joliet as the original has it: long names (over 64 units) and UTF-16 names (surrogate pairs, as
 * xorriso -joliet_utf16 writes) are read from its Joliet tree when the tree being written could need them.
 */
async function jolietSetting(image: IsoImage, tree: TreeNode): Promise<{ joliet: boolean | 'long'; utf16: boolean }> {
  if (!image.namespaces.joliet) return { joliet: false, utf16: false };
  const own = scanNames(tree, OUTSIDE_BMP);
  if (own.longest <= 64 && !own.wide) return { joliet: true, utf16: false };
  try {
    const j = scanNames(await image.openTree('joliet'), SURROGATE);
    return { joliet: j.longest > 64 ? 'long' : true, utf16: j.wide };
  } catch {
    return { joliet: true, utf16: false };
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
  const { joliet, utf16 } = await jolietSetting(image, tree);
  const rr = ns.rockridge;
  const rripVersion = rr ? (rr.version.startsWith('1.12') || rr.extensionId === 'IEEE_1282' ? '1.12' : '1.10') : undefined;
  return {
    build: { isoLevel, joliet, ...(utf16 ? { jolietUtf16: true } : {}), rockRidge: !!rr, ...(rripVersion ? { rripVersion } : {}) },
    report: { isoLevel, joliet, rockRidge: rripVersion ?? false },
  };
}
