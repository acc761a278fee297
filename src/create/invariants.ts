/**
 * Layout invariants, checked on every build (not only in debug): regions tile the image from LBA 0 without
 * gaps, every extent lies inside its region, no two extents overlap, and the total matches. Emit checks the
 * byte counts (each region yields exactly its planned bytes). A failure is a bug: IsoKitError INTERNAL.
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { BLOCK_SIZE, type Extent, type ImageLayout } from './types.js';

const what = (e: Extent): string => (typeof e.what === 'function' ? e.what() : e.what);

const fail = (message: string, lba?: number): never => {
  throw new IsoKitError(ErrorCode.INTERNAL, `layout invariant broken: ${message}`, lba !== undefined ? { lba, byteOffset: lba * BLOCK_SIZE } : {});
};

export function checkLayout(layout: ImageLayout): void {
  let lba = 0;
  const all: Extent[] = [];
  layout.regions.forEach((placed, i) => {
    if (placed.lba !== lba) fail(`region ${placed.name} starts at LBA ${placed.lba}, expected ${lba}`, placed.lba);
    if (!Number.isSafeInteger(placed.blockCount) || placed.blockCount < 0) fail(`region ${placed.name} has ${placed.blockCount} blocks`);
    const region = layout.regionList[i];
    for (const e of region?.extents?.() ?? []) {
      if (e.blockCount === 0) continue;
      if (e.lba < placed.lba || e.lba + e.blockCount > placed.lba + placed.blockCount) {
        fail(`${what(e)} (LBA ${e.lba}, ${e.blockCount} blocks) lies outside region ${placed.name} (LBA ${placed.lba}-${placed.lba + placed.blockCount - 1})`, e.lba);
      }
      all.push(e);
    }
    lba += placed.blockCount;
  });
  if (lba !== layout.blockCount) fail(`regions cover ${lba} blocks, the image has ${layout.blockCount}`);
  if (layout.byteLength !== layout.blockCount * BLOCK_SIZE) fail(`byte length ${layout.byteLength} is not ${layout.blockCount} blocks`);
  if (layout.blockCount > 0xffffffff) fail(`${layout.blockCount} blocks do not fit the 32-bit volume space size`);
  all.sort((a, b) => a.lba - b.lba);
  for (let i = 1; i < all.length; i++) {
    const prev = all[i - 1] as Extent, cur = all[i] as Extent;
    if (cur.lba < prev.lba + prev.blockCount) fail(`${what(cur)} (LBA ${cur.lba}) overlaps ${what(prev)} (LBA ${prev.lba}, ${prev.blockCount} blocks)`, cur.lba);
  }
}

/** Emit-side check: a region yielded exactly its planned bytes. */
export function checkRegionBytes(name: string, lba: number, emittedByteLength: number, plannedByteLength: number): void {
  if (emittedByteLength !== plannedByteLength) fail(`region ${name} emitted ${emittedByteLength} bytes, ${plannedByteLength} were planned`, lba);
}

export function checkTotalBytes(emittedByteLength: number, layout: ImageLayout): void {
  if (emittedByteLength !== layout.byteLength) fail(`emitted ${emittedByteLength} bytes, the plan has ${layout.byteLength}`);
}
