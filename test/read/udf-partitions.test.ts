/**
 * Partition views: the byte ranges a view gives for a stretch of blocks are, block by block, where the view
 * says each block is (sparable: moved packets elsewhere; virtual: through the table; metadata: through the
 * metadata file's extents), for random maps and stretches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetadataView, PhysicalView, SparableView, VirtualView } from '../../src/read/udf/partitions.js';
import type { PartitionView } from '../../src/read/udf/context.js';
import { rng } from '../fuzz/mutate.js';

const BS = 512;

/** Expand ranges to the source offset of every block they cover. */
function blocksOf(ranges: { byteOffset: number; byteLength: number }[]): number[] {
  const out: number[] = [];
  for (const r of ranges) for (let o = 0; o < r.byteLength; o += BS) out.push(r.byteOffset + o);
  return out;
}

function check(view: PartitionView, r: () => number, rounds: number): void {
  for (let k = 0; k < rounds; k++) {
    const start = Math.floor(r() * view.blockCount);
    const blocks = 1 + Math.floor(r() * Math.min(200, view.blockCount - start));
    const byteLength = blocks * BS - (r() < 0.5 ? Math.floor(r() * BS) : 0);
    const ranges = view.ranges(start, byteLength);
    const want = Array.from({ length: blocks }, (_, i) => view.blockOffset(start + i));
    if (want.includes(undefined)) {
      assert.equal(ranges, undefined, `${view.kind} ${start}+${blocks}: unmapped blocks give no ranges`);
      continue;
    }
    assert.ok(ranges, `${view.kind} ${start}+${blocks}`);
    assert.equal(ranges.reduce((n, x) => n + x.byteLength, 0), byteLength);
    assert.deepEqual(blocksOf(ranges), want, `${view.kind} ${start}+${blocks}`);
    for (let i = 1; i < ranges.length; i++) assert.notEqual(ranges[i - 1]!.byteOffset + ranges[i - 1]!.byteLength, ranges[i]!.byteOffset, 'adjacent ranges are merged');
  }
  assert.equal(view.ranges(view.blockCount - 1, 2 * BS), undefined, 'past the end');
  assert.equal(view.blockOffset(view.blockCount), undefined);
}

test('partition views: ranges agree block by block with blockOffset (physical, sparable, virtual, metadata)', () => {
  const r = rng(42);
  check(new PhysicalView(0, 0, 100 * BS, 5000, BS), r, 200);
  const moved = new Map<number, number>();
  for (let i = 0; i < 40; i++) moved.set(32 * Math.floor(r() * 150), 9000 + 32 * i);
  check(new SparableView(0, 0, 100 * BS, 5000, BS, 32, moved), r, 500);
  const table = Array.from({ length: 3000 }, (_, i) => (r() < 0.02 ? 0xffffffff : r() < 0.5 ? i : Math.floor(r() * 5000)));
  check(new VirtualView(1, 0, new PhysicalView(0, 0, 100 * BS, 5000, BS), table, BS), r, 500);
  const extents = [{ firstBlock: 0, blockCount: 10, byteOffset: 50_000 * BS }, { firstBlock: 10, blockCount: 300, byteOffset: 7 * BS }, { firstBlock: 310, blockCount: 1, byteOffset: 90_000 * BS }, { firstBlock: 311, blockCount: 689, byteOffset: 1000 * BS }];
  check(new MetadataView(1, 0, extents, BS), r, 500);
});
