/**
 * Layout invariants, checked on every layout (not only in debug): regions tile the layout from block 0 without
 * gaps (the planner turns placements into explicit gap regions), every extent lies inside its region, no two
 * extents overlap, patches lie inside the layout and do not overlap, and the total matches. Emit checks the
 * byte counts (each region yields exactly its planned bytes). A failure is a bug: IsoKitError INTERNAL.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import type { Extent, Layout, Patch } from './types.js';

const what = (e: { what: string | (() => string) }): string => (typeof e.what === 'function' ? e.what() : e.what);

function fail(message: string, blockSize: number, lba?: number): never {
  throw new IsoKitError(ErrorCode.INTERNAL, `layout invariant broken: ${message}`, lba !== undefined ? { lba, byteOffset: lba * blockSize } : {});
}

export function checkLayout(layout: Layout): void {
  const bs = layout.blockSize;
  if (!Number.isSafeInteger(bs) || bs < 512 || (bs & (bs - 1)) !== 0) fail(`block size ${bs} is not a power of two ≥ 512`, 512);
  let lba = 0;
  const all: Extent[] = [];
  layout.regions.forEach((placed, i) => {
    if (placed.lba !== lba) fail(`region ${placed.name} starts at block ${placed.lba}, expected ${lba}`, bs, placed.lba);
    if (!Number.isSafeInteger(placed.blockCount) || placed.blockCount < 0) fail(`region ${placed.name} has ${placed.blockCount} blocks`, bs);
    for (const e of layout.regionList[i]?.extents?.() ?? []) {
      if (e.blockCount === 0) continue;
      if (e.lba < placed.lba || e.lba + e.blockCount > placed.lba + placed.blockCount) {
        fail(`${what(e)} (block ${e.lba}, ${e.blockCount} blocks) lies outside region ${placed.name} (blocks ${placed.lba}-${placed.lba + placed.blockCount - 1})`, bs, e.lba);
      }
      all.push(e);
    }
    lba += placed.blockCount;
  });
  if (layout.regionList.length !== layout.regions.length) fail(`${layout.regionList.length} regions for ${layout.regions.length} placements`, bs);
  if (lba !== layout.blockCount) fail(`regions cover ${lba} blocks, the layout has ${layout.blockCount}`, bs);
  if (layout.byteLength !== layout.blockCount * bs) fail(`byte length ${layout.byteLength} is not ${layout.blockCount} blocks`, bs);
  all.sort((a, b) => a.lba - b.lba);
  for (let i = 1; i < all.length; i++) {
    const prev = all[i - 1] as Extent, cur = all[i] as Extent;
    if (cur.lba < prev.lba + prev.blockCount) fail(`${what(cur)} (block ${cur.lba}) overlaps ${what(prev)} (block ${prev.lba}, ${prev.blockCount} blocks)`, bs, cur.lba);
  }
}

/** Patches sorted by offset; each inside the layout, none overlapping another. */
export function checkPatches(patches: readonly Patch[], layout: Layout): Patch[] {
  const sorted = [...patches].sort((a, b) => a.byteOffset - b.byteOffset);
  let end = 0;
  for (const p of sorted) {
    if (!Number.isSafeInteger(p.byteOffset) || p.byteOffset < 0 || p.byteOffset + p.bytes.length > layout.byteLength) {
      fail(`patch of ${p.what} at byte ${p.byteOffset} (+${p.bytes.length}) lies outside the layout`, layout.blockSize);
    }
    if (p.byteOffset < end) fail(`patch of ${p.what} at byte ${p.byteOffset} overlaps the previous patch`, layout.blockSize);
    end = p.byteOffset + p.bytes.length;
  }
  return sorted;
}

/** Emit-side check: a region yielded exactly its planned bytes. */
export function checkRegionBytes(name: string, lba: number, emittedByteLength: number, plannedByteLength: number, blockSize: number): void {
  if (emittedByteLength !== plannedByteLength) fail(`region ${name} emitted ${emittedByteLength} bytes, ${plannedByteLength} were planned`, blockSize, lba);
}

export function checkTotalBytes(emittedByteLength: number, layout: Layout): void {
  if (emittedByteLength !== layout.byteLength) fail(`emitted ${emittedByteLength} bytes, the plan has ${layout.byteLength}`, layout.blockSize);
}
