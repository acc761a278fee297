/**
 * What a planned remaster copies from where: file data stored as byte ranges of the original (no extraction),
 * data from the edits, appended partitions copied from the original, and where each region landed.
 */
import type { ByteSource } from '../../io/index.js';
import { walkTree } from '../../model/index.js';
import { findNode } from '../boot/resolve.js';
import type { ImageLayout } from '../types.js';
import type { RemasterPlan } from './types.js';

export interface RemasterLayoutSummary {
  readonly byteLength: number;
  readonly blockCount: number;
  /** stored file data copied as ranges of the original image (shared hard-link data counted once) */
  readonly copiedFromOriginal: { readonly files: number; readonly bytes: number; readonly ranges: number };
  readonly fromEdits: { readonly files: number; readonly bytes: number };
  /** original files whose content is not a plain range (zisofs, expanded while written) */
  readonly rewritten: { readonly files: number; readonly bytes: number };
  /** the regenerated boot catalog file */
  readonly generated: { readonly files: number; readonly bytes: number };
  readonly appendedPartitionBytes: number;
  readonly regions: readonly { readonly name: string; readonly lba: number; readonly blockCount: number }[];
}

export function describeRemasterLayout(plan: RemasterPlan, layout: ImageLayout, original: ByteSource): RemasterLayoutSummary {
  const copied = { files: 0, bytes: 0, ranges: 0 };
  const fromEdits = { files: 0, bytes: 0 };
  const rewritten = { files: 0, bytes: 0 };
  const generated = { files: 0, bytes: 0 };
  const catalogPath = plan.report.boot.catalog?.path;
  const catalog = catalogPath ? findNode(plan.tree, catalogPath) : undefined;
  const seen = new Set<string>();
  for (const { node } of walkTree(plan.tree)) {
    if (node.kind !== 'file') continue;
    const at = layout.locate(node);
    if (!at || at.byteLength === 0) continue;
    const key = `${at.lba}:${at.byteLength}`;
    if (seen.has(key)) continue; // hard links, deduplicated data
    seen.add(key);
    const ranges = node.content?.ranges;
    if (node === catalog) {
      generated.files++;
      generated.bytes += at.byteLength;
    } else if (plan.addedNodes.has(node)) {
      fromEdits.files++;
      fromEdits.bytes += at.byteLength;
    } else if (ranges && ranges.every((r) => r.source === original)) {
      copied.files++;
      copied.bytes += at.byteLength;
      copied.ranges += ranges.length;
    } else {
      rewritten.files++;
      rewritten.bytes += at.byteLength;
    }
  }
  let appendedPartitionBytes = 0;
  for (const p of plan.bootSpec?.systemArea?.appendedPartitions ?? []) appendedPartitionBytes += p.content instanceof Uint8Array ? p.content.length : p.content.byteLength;
  return {
    byteLength: layout.byteLength,
    blockCount: layout.blockCount,
    copiedFromOriginal: copied,
    fromEdits,
    rewritten,
    generated,
    appendedPartitionBytes,
    regions: layout.regions.map((r) => ({ name: r.name, lba: r.lba, blockCount: r.blockCount })),
  };
}
