/**
 * Appended partitions of an original image (xorriso -append_partition): partitions of the MBR (UEFI 2.x 5.2.1)
 * or GPT (5.3) that neither cover the ISO 9660 volume descriptors nor lie within the file data, found after
 * the last file extent. Their content is replayed as a byte range of the original.
 */
import type { ImageExtent, TreeNode } from '../../model/index.js';
import { walkTree } from '../../model/index.js';
import type { IsoImage } from '../../read/index.js';

export interface OriginalPartition {
  /** MBR slot (1–4) when the MBR lists it, else the GPT slot */
  readonly number: number;
  readonly byteOffset: number;
  readonly byteLength: number;
  readonly mbrType?: number;
  readonly gptType?: string;
  readonly gptName?: string;
  /** listed in the GPT under an isohybrid name (ISOHybridN): the El Torito image marked for the GPT */
  readonly isohybridGptName?: boolean;
}

const SYSTEM_AREA_END = 32768;
/** GPT entries xorriso generates around its own layout (not user partitions). */
const GENERATED_GPT_NAME = /^(Gap\d+|ISO9660|ISOHybrid)$/;

/** End (bytes) of the last file extent in the tree and of the boot catalog: appended partitions start after it. */
export function fileDataEnd(image: IsoImage, tree: TreeNode): number {
  let end = 0;
  for (const { node } of walkTree(tree)) {
    for (const e of (node.extents ?? []) as ImageExtent[]) end = Math.max(end, e.lba * 2048 + e.byteLength);
  }
  if (image.bootCatalog) end = Math.max(end, image.bootCatalog.catalogByteOffset + 2048);
  return end;
}

const MBR_TYPE_FOR_GPT: Record<string, number> = {
  'C12A7328-F81F-11D2-BA4B-00A0C93EC93B': 0xef,
  'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7': 0x07,
  '0FC63DAF-8483-4772-8E79-3D69D8477DE4': 0x83,
  '48465300-0000-11AA-AA11-00306543ECAC': 0xaf,
};

/** Partitions found after the file data (see module doc), by number. */
export function findAppendedPartitions(image: IsoImage, dataEnd: number): OriginalPartition[] {
  const { mbr, gpt } = image.partitions;
  const sourceEnd = image.source.byteLength;
  const covers = (start: number, len: number) => start <= SYSTEM_AREA_END && start + len > SYSTEM_AREA_END;
  const usable = (start: number, len: number) => len > 0 && !covers(start, len) && start >= dataEnd && start < sourceEnd;
  const byStart = new Map<number, OriginalPartition>();
  for (const p of mbr?.partitions ?? []) {
    if (p.empty || p.type === 0xee || p.type === 0 || !usable(p.startByteOffset, p.byteLength)) continue;
    byStart.set(p.startByteOffset, { number: p.index, byteOffset: p.startByteOffset, byteLength: Math.min(p.byteLength, sourceEnd - p.startByteOffset), mbrType: p.type });
  }
  for (const p of gpt?.partitions ?? []) {
    const generated = GENERATED_GPT_NAME.test(p.name);
    if (!usable(p.startByteOffset, p.byteLength)) continue;
    const isohybridName = /^ISOHybrid\d+$/.test(p.name);
    const known = byStart.get(p.startByteOffset);
    if (known) {
      byStart.set(p.startByteOffset, { ...known, ...(isohybridName ? { isohybridGptName: true } : { gptType: p.typeGuid, gptName: p.name }) });
      continue;
    }
    if (generated || isohybridName) continue;
    byStart.set(p.startByteOffset, {
      number: p.index, byteOffset: p.startByteOffset, byteLength: Math.min(p.byteLength, sourceEnd - p.startByteOffset),
      mbrType: MBR_TYPE_FOR_GPT[p.typeGuid.toUpperCase()] ?? 0xda, gptType: p.typeGuid, gptName: p.name,
    });
  }
  return [...byStart.values()].sort((a, b) => a.number - b.number);
}
