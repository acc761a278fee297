/**
 * xorriso -partition_offset N (libisofs "partition_offset"): the ISO 9660 volume is also readable from block N,
 * where a partition starts (so /dev/sdX1 mounts). Like libisofs, a second volume descriptor set sits at block
 * N + 16 and a second copy of the path tables and directory trees follows the first, with every address
 * relative to block N; file data is shared (its addresses are just N lower).
 *
 * The copies are the group's own structures serialized a second time with a relative address map (path
 * tables, directory records, and the SUSP CE and RRIP CL/PL addresses inside Rock Ridge System Use).
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { serializeTerminator } from '../../formats/iso9660/index.js';
import type { ChunkWriter } from '../engine/index.js';
import type { ImageEmitContext, ImageLayout, ImageRegion } from '../types.js';
import { emitIsoDirectories } from './directories-iso9660.js';
import { emitJolietDirectories } from './directories-joliet.js';
import { emitPathTables } from './path-tables.js';
import type { IsoState, LbaMap } from './state.js';
import { serializeIsoDescriptor, volumeDescriptorCount } from './volume-descriptors.js';

/**
 * Absolute LBA → the partition-relative LBA the copy records: addresses inside the copied span
 * [spanStart, spanEnd) point into the copy (which starts at `copyStart`), everything else is shared (file
 * data) and only moves by the offset; 0 stays 0 (empty files).
 */
export function relativeLbaMap(spanStart: number, spanEnd: number, copyStart: number, offset: number): LbaMap {
  return (lba) => {
    if (lba === 0) return 0;
    if (lba >= spanStart && lba < spanEnd) return lba - spanStart + copyStart - offset;
    if (lba < offset) throw new IsoKitError(ErrorCode.INTERNAL, `LBA ${lba} lies before the partition offset ${offset}`);
    return lba - offset;
  };
}

export interface PartitionOffset {
  /** the partition's first block (≥ 16) */
  readonly blockCount: number;
  /** the absolute volume space size whose relative copy the second descriptors record */
  readonly volumeSpaceBlockCount: (layout: ImageLayout) => number;
}

/**
 * The two regions: the second descriptor set (at block offset + 16; the engine fills the gap before it) and
 * the relative copy of the trees (placed right after the first trees, before the file data).
 */
export function partitionOffsetRegions(s: IsoState, po: PartitionOffset): { descriptors: ImageRegion; trees: ImageRegion } {
  const o = s.options;
  const offset = po.blockCount;
  let map: LbaMap | undefined;
  const descriptors: ImageRegion = {
    name: 'partition-offset-descriptors',
    placement: { at: offset + 16 },
    plan: () => volumeDescriptorCount(o, false),
    async *emit(out: ChunkWriter, ctx: ImageEmitContext) {
      if (!map) throw new IsoKitError(ErrorCode.INTERNAL, 'partition offset regions were not planned');
      const vss = po.volumeSpaceBlockCount(ctx.layout) - offset;
      yield* out.put(serializeIsoDescriptor(s, ctx.layout, 'primary', map, vss));
      if (o.isoLevel === 4) yield* out.put(serializeIsoDescriptor(s, ctx.layout, 'enhanced', map, vss));
      if (o.joliet) yield* out.put(serializeIsoDescriptor(s, ctx.layout, 'joliet', map, vss));
      yield* out.put(serializeTerminator());
    },
  };
  const trees: ImageRegion = {
    name: 'partition-offset-trees',
    plan(startLba) {
      const pt = s.pathTables.iso9660;
      if (!pt) throw new IsoKitError(ErrorCode.INTERNAL, 'path tables not planned before the partition offset copy');
      map = relativeLbaMap(pt.lLba, startLba, startLba, offset);
      return startLba - pt.lLba;
    },
    async *emit(out: ChunkWriter) {
      if (!map) throw new IsoKitError(ErrorCode.INTERNAL, 'partition offset regions were not planned');
      yield* emitPathTables(s, out, map);
      yield* emitIsoDirectories(s, out, map);
      if (o.joliet) yield* emitJolietDirectories(s, out, map);
    },
  };
  return { descriptors, trees };
}
