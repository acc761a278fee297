/**
 * Partition views: how a logical block of each partition map (ECMA-167 3/10.7, UDF 2.2.8-2.2.10) reaches
 * the source.
 * - type 1: the Partition Descriptor's sectors, in order;
 * - sparable (CD-RW, DVD-RW): the same, except packets the sparing table moved elsewhere (UDF 2.2.12);
 * - virtual (CD-R, DVD-R, BD-R): block n is the physical block the Virtual Allocation Table says (2.2.11);
 * - metadata (UDF 2.50+): block n is byte n·blockSize of the metadata file, whose extents lie in the
 *   physical partition (2.2.13).
 */
import type { ByteRange, PartitionView } from './context.js';

const push = (out: ByteRange[], byteOffset: number, byteLength: number): void => {
  const last = out[out.length - 1];
  if (last && last.byteOffset + last.byteLength === byteOffset) out[out.length - 1] = { byteOffset: last.byteOffset, byteLength: last.byteLength + byteLength };
  else out.push({ byteOffset, byteLength });
};

/** Whether [block, block + ceil(len/bs)) lies within `blockCount` blocks. */
const inside = (blockNumber: number, byteLength: number, blockSize: number, blockCount: number): boolean =>
  blockNumber >= 0 && byteLength >= 0 && blockNumber * blockSize + byteLength <= blockCount * blockSize;

/** A type-1 map: the partition's sectors from its starting location. */
export class PhysicalView implements PartitionView {
  readonly kind: PartitionView['kind'] = 'type1';
  constructor(
    readonly ref: number,
    readonly partitionNumber: number,
    /** source offset of the partition's first block */
    readonly startByteOffset: number,
    readonly blockCount: number,
    protected readonly blockSize: number,
  ) {}
  blockOffset(blockNumber: number): number | undefined {
    return blockNumber >= 0 && blockNumber < this.blockCount ? this.startByteOffset + blockNumber * this.blockSize : undefined;
  }
  ranges(blockNumber: number, byteLength: number): ByteRange[] | undefined {
    if (!inside(blockNumber, byteLength, this.blockSize, this.blockCount)) return undefined;
    return [{ byteOffset: this.startByteOffset + blockNumber * this.blockSize, byteLength }];
  }
}

/** A sparable map: packets listed in the sparing table are read from where they were moved (a sector). */
export class SparableView extends PhysicalView {
  override readonly kind: PartitionView['kind'] = 'sparable';
  constructor(ref: number, partitionNumber: number, startByteOffset: number, blockCount: number, blockSize: number,
    private readonly packetLength: number,
    /** first block of a moved packet → sector it was moved to */
    private readonly moved: ReadonlyMap<number, number>,
  ) {
    super(ref, partitionNumber, startByteOffset, blockCount, blockSize);
    this.movedStarts = [...moved.keys()].sort((a, b) => a - b);
  }
  private readonly movedStarts: number[];
  override blockOffset(blockNumber: number): number | undefined {
    if (blockNumber < 0 || blockNumber >= this.blockCount) return undefined;
    const packet = blockNumber - (blockNumber % this.packetLength);
    const to = this.moved.get(packet);
    return to === undefined ? this.startByteOffset + blockNumber * this.blockSize : (to + blockNumber - packet) * this.blockSize;
  }
  override ranges(blockNumber: number, byteLength: number): ByteRange[] | undefined {
    if (!this.moved.size) return super.ranges(blockNumber, byteLength);
    if (!inside(blockNumber, byteLength, this.blockSize, this.blockCount)) return undefined;
    const bs = this.blockSize;
    const P = this.packetLength;
    const end = blockNumber + Math.ceil(byteLength / bs);
    // only the moved packets within the range are visited (a sparing table lists few)
    let i = lowerBound(this.movedStarts, blockNumber - (blockNumber % P));
    const out: ByteRange[] = [];
    let b = blockNumber;
    let left = byteLength;
    for (; i < this.movedStarts.length && left > 0; i++) {
      const p = this.movedStarts[i] as number;
      if (p >= end) break;
      if (p > b) {
        const n = Math.min(left, (p - b) * bs);
        push(out, this.startByteOffset + b * bs, n);
        left -= n;
        b = p;
      }
      if (left <= 0) break;
      const n = Math.min(left, (p + P - b) * bs);
      push(out, ((this.moved.get(p) as number) + b - p) * bs, n);
      left -= n;
      b = p + P;
    }
    if (left > 0 || !out.length) push(out, this.startByteOffset + b * bs, left);
    return out;
  }
}

/** Index of the first element ≥ x in a sorted array. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A virtual map: each block through the Virtual Allocation Table to a block of the physical partition. */
export class VirtualView implements PartitionView {
  readonly kind: PartitionView['kind'] = 'virtual';
  readonly blockCount: number;
  constructor(
    readonly ref: number,
    readonly partitionNumber: number,
    private readonly physical: PartitionView,
    private readonly table: readonly number[],
    private readonly blockSize: number,
  ) {
    this.blockCount = table.length;
  }
  blockOffset(blockNumber: number): number | undefined {
    const to = this.table[blockNumber];
    return to === undefined || to === 0xffffffff ? undefined : this.physical.blockOffset(to);
  }
  ranges(blockNumber: number, byteLength: number): ByteRange[] | undefined {
    if (!inside(blockNumber, byteLength, this.blockSize, this.blockCount)) return undefined;
    const out: ByteRange[] = [];
    for (let done = 0, b = blockNumber; done < byteLength; b++) {
      const at = this.blockOffset(b);
      if (at === undefined) return undefined;
      const n = Math.min(this.blockSize, byteLength - done);
      push(out, at, n);
      done += n;
    }
    if (!out.length) out.push({ byteOffset: this.blockOffset(blockNumber) ?? 0, byteLength: 0 });
    return out;
  }
}

/** One extent of the metadata file: its blocks [firstBlock, firstBlock + blockCount) are at byteOffset. */
export interface MetadataExtent {
  readonly firstBlock: number;
  readonly blockCount: number;
  readonly byteOffset: number;
}

/** A metadata map: the metadata file's bytes (its extents, in order) are the partition. */
export class MetadataView implements PartitionView {
  readonly kind: PartitionView['kind'] = 'metadata';
  readonly blockCount: number;
  constructor(
    readonly ref: number,
    readonly partitionNumber: number,
    private readonly extents: readonly MetadataExtent[],
    private readonly blockSize: number,
  ) {
    const last = extents[extents.length - 1];
    this.blockCount = last ? last.firstBlock + last.blockCount : 0;
  }
  /** index of the extent holding `blockNumber` (binary search; -1 outside) */
  private find(blockNumber: number): number {
    let lo = 0, hi = this.extents.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = this.extents[mid] as MetadataExtent;
      if (blockNumber < e.firstBlock) hi = mid - 1;
      else if (blockNumber >= e.firstBlock + e.blockCount) lo = mid + 1;
      else return mid;
    }
    return -1;
  }
  blockOffset(blockNumber: number): number | undefined {
    const i = this.find(blockNumber);
    if (i < 0) return undefined;
    const e = this.extents[i] as MetadataExtent;
    return e.byteOffset + (blockNumber - e.firstBlock) * this.blockSize;
  }
  ranges(blockNumber: number, byteLength: number): ByteRange[] | undefined {
    if (!inside(blockNumber, byteLength, this.blockSize, this.blockCount)) return undefined;
    let i = this.find(blockNumber);
    if (i < 0) return undefined;
    const out: ByteRange[] = [];
    let b = blockNumber;
    for (let left = byteLength; left > 0; i++) {
      const e = this.extents[i];
      if (!e) return undefined;
      const n = Math.min(left, (e.firstBlock + e.blockCount - b) * this.blockSize);
      push(out, e.byteOffset + (b - e.firstBlock) * this.blockSize, n);
      left -= n;
      b = e.firstBlock + e.blockCount;
    }
    if (!out.length) out.push({ byteOffset: this.blockOffset(blockNumber) as number, byteLength: 0 });
    return out;
  }
}
