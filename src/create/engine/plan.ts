/**
 * planLayout: an ordered list of regions → a Layout. Each region plans once, in order, at the block its
 * placement gives; a placement that leaves room before the region becomes an explicit zero-filled gap region,
 * so the placed regions tile the layout and the invariants hold. Pure: no clock, no I/O.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { checkLayout } from './invariants.js';
import type { ChunkWriter } from './chunk-writer.js';
import type { Layout, PlacedRegion, PlanContext, Region } from './types.js';

export interface PlanOptions {
  /** bytes per block: 2048 for discs, 512 for disks */
  readonly blockSize: number;
  /** the layout's fixed size in blocks (a disk of a given size); regions placed `fromEnd` end there */
  readonly totalBlocks?: number;
}

/** Zeros between two regions (a placement's gap). */
export function zeroRegion(name: string, blockCount: number, blockSize: number): Region {
  return {
    name,
    plan: () => blockCount,
    async *emit(out: ChunkWriter) {
      yield* out.zeros(blockCount * blockSize);
    },
  };
}

function startOf(region: Region, next: number, ctx: PlanContext, fromEndBlocks: () => number): number {
  const p = region.placement;
  if (!p) return next;
  if ('at' in p) {
    if (!Number.isSafeInteger(p.at) || p.at < 0) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `region ${region.name}: bad fixed block ${p.at}`);
    if (next > p.at) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `region ${region.name} must start at block ${p.at}, but the regions before it already reach block ${next}`);
    return p.at;
  }
  if ('align' in p) {
    if (!Number.isSafeInteger(p.align) || p.align < 1) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `region ${region.name}: bad alignment ${p.align}`);
    return Math.ceil(next / p.align) * p.align;
  }
  if (ctx.totalBlocks === undefined) return next;
  const start = ctx.totalBlocks - fromEndBlocks();
  if (start < next) throw new IsoKitError(ErrorCode.NO_SPACE, `the layout needs ${next + fromEndBlocks()} blocks of ${ctx.blockSize} bytes; it has ${ctx.totalBlocks}`);
  return start;
}

/**
 * Plan `regions` in order. A `fromEnd` region is asked its size with a trial plan at block 0 (its size may not
 * depend on where it starts) and then planned where it ends the layout.
 */
export function planLayout<L extends Layout>(regions: readonly Region<L>[], opts: PlanOptions): Layout {
  const ctx: PlanContext = { blockSize: opts.blockSize, totalBlocks: opts.totalBlocks };
  const placed: PlacedRegion[] = [];
  const list: Region<L>[] = [];
  let next = 0;
  for (const r of regions) {
    const start = startOf(r, next, ctx, () => r.plan(0, ctx));
    if (start > next) {
      const gap = zeroRegion(`gap before ${r.name}`, start - next, opts.blockSize);
      placed.push({ name: gap.name, lba: next, blockCount: start - next });
      list.push(gap);
    }
    const blockCount = r.plan(start, ctx);
    if (!Number.isSafeInteger(blockCount) || blockCount < 0) throw new IsoKitError(ErrorCode.INTERNAL, `region ${r.name} planned ${blockCount} blocks`);
    placed.push({ name: r.name, lba: start, blockCount });
    list.push(r);
    next = start + blockCount;
  }
  if (opts.totalBlocks !== undefined && next !== opts.totalBlocks) {
    if (next > opts.totalBlocks) throw new IsoKitError(ErrorCode.NO_SPACE, `the layout needs ${next} blocks of ${opts.blockSize} bytes; it has ${opts.totalBlocks}`);
    const tail = zeroRegion('gap at the end', opts.totalBlocks - next, opts.blockSize);
    placed.push({ name: tail.name, lba: next, blockCount: opts.totalBlocks - next });
    list.push(tail);
    next = opts.totalBlocks;
  }
  const layout: Layout = { blockSize: opts.blockSize, blockCount: next, byteLength: next * opts.blockSize, regions: placed, regionList: list };
  checkLayout(layout);
  return layout;
}
