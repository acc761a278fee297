/**
 * The volume descriptor set from LBA 16 (ECMA-119 8): the PVD, any boot-hook descriptors (El Torito boot
 * record, conventionally at LBA 17), the ISO 9660:1999 EVD for level 4 (version 2, same tree as the PVD, as
 * genisoimage -iso-level 4 writes it), the Joliet SVD, and the terminator.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { serializeTerminator, serializeVolumeDescriptor, type VolumeDescriptorInit } from '../../formats/iso9660/index.js';
import type { ChunkWriter } from '../engine/index.js';
import type { ResolvedOptions } from '../options.js';
import { entryMtime } from '../tree.js';
import { toUcs2 } from './names/joliet.js';
import { sameLba, type IsoState, type LbaMap, type PathTablePlacement } from './state.js';
import { BLOCK_SIZE, type ImageEmitContext, type ImageLayout, type ImageRegion } from '../types.js';

/**
 * One descriptor of the set. `map` and `volumeSpaceBlockCount` give the partition-relative copy
 * (xorriso -partition_offset); by default the addresses are the image's and the size what the boot hook says.
 */
export function serializeIsoDescriptor(s: IsoState, layout: ImageLayout, kind: VolumeDescriptorInit['kind'], map: LbaMap = sameLba, volumeSpaceBlockCount?: number): Uint8Array {
  const o = s.options;
  const joliet = kind === 'joliet';
  const pt = (joliet ? s.pathTables.joliet : s.pathTables.iso9660) as PathTablePlacement;
  const root = s.dir(s.root);
  // the Joliet SVD's texts are UCS-2 like its names (unless UTF-16 was asked for)
  const text = joliet && !o.jolietUtf16 ? toUcs2 : (t: string) => t;
  return serializeVolumeDescriptor({
    kind,
    ...(joliet ? { jolietLevel: 3 as const } : {}),
    systemId: text(o.systemId),
    volumeId: kind === 'primary' ? o.volumeId : text(o.jolietVolumeId),
    volumeSpaceBlockCount: volumeSpaceBlockCount ?? o.boot?.volumeSpaceBlockCount?.(layout) ?? layout.blockCount,
    pathTableByteLength: pt.byteLength,
    lPathTableLba: map(pt.lLba),
    mPathTableLba: map(pt.mLba),
    root: {
      lba: map(joliet ? root.jolietLba : root.isoLba),
      dataLength: joliet ? root.jolietByteLength : root.isoByteLength,
      recordedAtMs: entryMtime(s.root, o),
      gmtOffset: 0,
      flags: 2,
    },
    volumeSetId: text(o.volumeSetId),
    publisherId: text(o.publisherId),
    dataPreparerId: text(o.dataPreparerId),
    applicationId: text(o.applicationId),
    ...(o.dateMs !== undefined ? { creationMs: o.dateMs, modificationMs: o.dateMs } : {}),
    gmtOffset: 0,
  });
}

/** Descriptors of the set: PVD, boot hook descriptors, EVD (level 4), Joliet SVD, terminator. */
export const volumeDescriptorCount = (o: ResolvedOptions, withBootDescriptors = true): number =>
  2 + (withBootDescriptors ? (o.boot?.descriptors?.length ?? 0) : 0) + (o.isoLevel === 4 ? 1 : 0) + (o.joliet ? 1 : 0);

export function volumeDescriptorsRegion(s: IsoState): ImageRegion {
  const o = s.options;
  return {
    name: 'volume-descriptors',
    plan: () => volumeDescriptorCount(o),
    async *emit(out: ChunkWriter, ctx: ImageEmitContext) {
      const { layout } = ctx;
      yield* out.put(serializeIsoDescriptor(s, layout, 'primary'));
      for (const make of o.boot?.descriptors ?? []) {
        const d = make(layout);
        if (d.length !== BLOCK_SIZE) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `a boot volume descriptor must be ${BLOCK_SIZE} bytes, got ${d.length}`);
        yield* out.put(d);
      }
      if (o.isoLevel === 4) yield* out.put(serializeIsoDescriptor(s, layout, 'enhanced'));
      if (o.joliet) yield* out.put(serializeIsoDescriptor(s, layout, 'joliet'));
      yield* out.put(serializeTerminator());
    },
  };
}
