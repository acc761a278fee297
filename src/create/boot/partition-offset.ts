/**
 * xorriso -partition_offset N (libisofs "partition_offset"): the ISO 9660 volume is also readable from block N,
 * where a partition starts (so /dev/sdX1 mounts). Like libisofs, a second set of volume descriptors sits at
 * block N + 16 and a second copy of the path tables and directory trees follows the first, with every address
 * relative to block N; file data is shared (its addresses are just N lower).
 *
 * The copies are made from the bytes the writer's own regions emit: path tables, directory records
 * (ECMA-119 9.1.3 extent location, both byte orders) and, inside Rock Ridge System Use, the SUSP CE (5.1) and
 * RRIP CL/PL (4.1.5) addresses are rewritten.
 */
import { readU32BE, readU32LE, writeU32BE, writeU32LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { ChunkWriter } from '../chunk-writer.js';
import type { PathTablePlacement } from '../tree.js';
import { BLOCK_SIZE, type EmitContext, type ImageLayout, type Region } from '../types.js';

/** Maps an absolute LBA of the first tree to the partition-relative LBA the copy records. */
export interface LbaMap {
  readonly spanStart: number;
  readonly spanEnd: number;
  /** where the copy of [spanStart, spanEnd) starts (absolute) */
  readonly copyStart: number;
  readonly offset: number;
}

export function mapLba(m: LbaMap, lba: number): number {
  if (lba === 0) return 0;
  if (lba >= m.spanStart && lba < m.spanEnd) return lba - m.spanStart + m.copyStart - m.offset;
  if (lba < m.offset) throw new IsoKitError(ErrorCode.INTERNAL, `LBA ${lba} lies before the partition offset ${m.offset}`);
  return lba - m.offset;
}

function mapBoth(b: Uint8Array, o: number, m: LbaMap): void {
  const v = mapLba(m, readU32LE(b, o));
  writeU32LE(b, o, v);
  writeU32BE(b, o + 4, v);
}

/** Emit the regions that lie in [fromLba, toLba) into one buffer. */
async function regionBytes(ctx: EmitContext, fromLba: number, toLba: number): Promise<Uint8Array> {
  const { layout } = ctx;
  const out = new Uint8Array((toLba - fromLba) * BLOCK_SIZE);
  const w = new ChunkWriter(1 << 20);
  let pos = 0;
  const keep = (c: Uint8Array) => {
    out.set(c, pos);
    pos += c.length;
  };
  let expect = fromLba;
  for (let i = 0; i < layout.regionList.length; i++) {
    const placed = layout.regions[i];
    const region = layout.regionList[i];
    if (!placed || !region || placed.lba < fromLba || placed.lba >= toLba || placed.blockCount === 0) continue;
    if (placed.lba !== expect) throw new IsoKitError(ErrorCode.INTERNAL, `partition offset copy: region ${placed.name} is not contiguous`);
    expect += placed.blockCount;
    for await (const c of region.emit(w, ctx)) keep(c);
  }
  const last = w.take();
  if (last) keep(last);
  if (pos !== out.length) throw new IsoKitError(ErrorCode.INTERNAL, `partition offset copy: got ${pos} bytes, expected ${out.length}`);
  return out;
}

/** SUSP entries of one System Use area: rewrite CE / CL / PL addresses, following CE into the span. */
function relocateSusp(buf: Uint8Array, start: number, end: number, m: LbaMap, seen: Set<number>): void {
  let p = start;
  while (p + 4 <= end) {
    const s0 = buf[p], s1 = buf[p + 1], len = buf[p + 2] ?? 0;
    if (len < 4 || p + len > end) return;
    const sig = String.fromCharCode(s0 ?? 0, s1 ?? 0);
    if (sig === 'ST') return;
    if (sig === 'CE' && len >= 28) {
      const lba = readU32LE(buf, p + 4), off = readU32LE(buf, p + 12), n = readU32LE(buf, p + 20);
      mapBoth(buf, p + 4, m);
      const at = (lba - m.spanStart) * BLOCK_SIZE + off;
      if (lba >= m.spanStart && lba < m.spanEnd && !seen.has(at)) {
        seen.add(at);
        relocateSusp(buf, at, Math.min(buf.length, at + n), m, seen);
      }
    } else if ((sig === 'CL' || sig === 'PL') && len >= 12) mapBoth(buf, p + 4, m);
    p += len;
  }
}

/** Directory records of one extent inside `buf` (at byte `start`, `byteLength` long). */
function relocateDirectory(buf: Uint8Array, start: number, byteLength: number, m: LbaMap, susp: boolean, seen: Set<number>): void {
  let p = start;
  const end = start + byteLength;
  while (p < end) {
    const len = buf[p] ?? 0;
    if (len === 0) {
      p = start + (Math.floor((p - start) / BLOCK_SIZE) + 1) * BLOCK_SIZE;
      continue;
    }
    if (len < 34 || p + len > end) throw new IsoKitError(ErrorCode.INTERNAL, `partition offset copy: bad directory record at byte ${p}`);
    mapBoth(buf, p + 2, m);
    if (susp) {
      const idLen = buf[p + 32] ?? 0;
      relocateSusp(buf, p + 33 + idLen + (idLen % 2 === 0 ? 1 : 0), p + len, m, seen);
    }
    p += len;
  }
}

function relocatePathTable(buf: Uint8Array, start: number, byteLength: number, bigEndian: boolean, m: LbaMap): void {
  let p = start;
  while (p + 8 <= start + byteLength) {
    const idLen = buf[p] ?? 0;
    if (idLen === 0) return;
    if (bigEndian) writeU32BE(buf, p + 2, mapLba(m, readU32BE(buf, p + 2)));
    else writeU32LE(buf, p + 2, mapLba(m, readU32LE(buf, p + 2)));
    p += 8 + idLen + (idLen % 2);
  }
}

/** The partition-relative copy of the path tables and directory trees. */
export function relocatedTrees(layout: ImageLayout, span: Uint8Array, m: LbaMap): Uint8Array {
  const buf = span.slice();
  const at = (lba: number) => (lba - m.spanStart) * BLOCK_SIZE;
  const { image, options } = layout;
  for (const pt of [image.pathTables.iso9660, image.pathTables.joliet]) {
    if (!pt) continue;
    const p = pt as PathTablePlacement;
    relocatePathTable(buf, at(p.lLba), p.byteLength, false, m);
    relocatePathTable(buf, at(p.mLba), p.byteLength, true, m);
  }
  const seen = new Set<number>();
  for (const d of image.isoDirs) relocateDirectory(buf, at(d.dir.isoLba), d.dir.isoByteLength, m, options.rockRidge, seen);
  if (options.joliet) for (const d of image.jolietDirs) relocateDirectory(buf, at(d.dir.jolietLba), d.dir.jolietByteLength, m, false, seen);
  return buf;
}

/** The second volume descriptor set: PVD/SVDs/terminator of the first (no boot record), addresses relative. */
export function relocatedDescriptors(vds: Uint8Array, m: LbaMap, volumeSpaceBlockCount: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o + BLOCK_SIZE <= vds.length; o += BLOCK_SIZE) {
    const d = vds.slice(o, o + BLOCK_SIZE);
    const type = d[0];
    if (type === 255) {
      out.push(d);
      break;
    }
    if (type !== 1 && type !== 2) continue;
    writeU32LE(d, 80, volumeSpaceBlockCount - m.offset);
    writeU32BE(d, 84, volumeSpaceBlockCount - m.offset);
    for (const f of [140, 144]) if (readU32LE(d, f)) writeU32LE(d, f, mapLba(m, readU32LE(d, f)));
    for (const f of [148, 152]) if (readU32BE(d, f)) writeU32BE(d, f, mapLba(m, readU32BE(d, f)));
    mapBoth(d, 156 + 2, m);
    out.push(d);
  }
  return out;
}

export interface PartitionOffsetRegions {
  /** before 'path-tables': zeros up to block offset + 16, then the relative descriptors */
  readonly descriptors: Region;
  /** before 'file-data': the relative path tables and directories */
  readonly trees: Region;
}

/** The two regions of a partition offset of `offset` blocks (≥ 16). `vss` gives the absolute volume space size. */
export function partitionOffsetRegions(offset: number, vss: (layout: ImageLayout) => number): PartitionOffsetRegions {
  let map: LbaMap | undefined;
  let vdStart = 0, vdBlocks = 0;
  const descriptors: Region = {
    name: 'boot:partition-offset-descriptors',
    plan(startLba, ctx) {
      const o = ctx.options;
      vdBlocks = 2 + (o.isoLevel === 4 ? 1 : 0) + (o.joliet ? 1 : 0);
      vdStart = offset + 16;
      if (startLba > vdStart) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `partition offset ${offset} is too small: the volume descriptors reach block ${startLba}`);
      return vdStart - startLba + vdBlocks;
    },
    async *emit(out, ctx) {
      const { layout } = ctx;
      const placed = layout.regions.find((r) => r.name === 'boot:partition-offset-descriptors');
      const vdRegion = layout.regions.find((r) => r.name === 'volume-descriptors');
      if (!map || !placed || !vdRegion) throw new IsoKitError(ErrorCode.INTERNAL, 'partition offset regions were not planned');
      yield* out.zeros((vdStart - placed.lba) * BLOCK_SIZE);
      const vds = await regionBytes(ctx, vdRegion.lba, vdRegion.lba + vdRegion.blockCount);
      const rel = relocatedDescriptors(vds, map, vss(layout));
      if (rel.length !== vdBlocks) throw new IsoKitError(ErrorCode.INTERNAL, `partition offset: ${rel.length} descriptors, ${vdBlocks} planned`);
      for (const d of rel) yield* out.put(d);
    },
  };
  const trees: Region = {
    name: 'boot:partition-offset-trees',
    plan(startLba, ctx) {
      const pt = ctx.image.pathTables.iso9660;
      if (!pt) throw new IsoKitError(ErrorCode.INTERNAL, 'path tables not planned before the partition offset copy');
      map = { spanStart: pt.lLba, spanEnd: startLba, copyStart: startLba, offset };
      return startLba - pt.lLba;
    },
    async *emit(out, ctx) {
      if (!map) throw new IsoKitError(ErrorCode.INTERNAL, 'partition offset regions were not planned');
      const span = await regionBytes(ctx, map.spanStart, map.spanEnd);
      yield* out.put(relocatedTrees(ctx.layout, span, map));
    },
  };
  return { descriptors, trees };
}
