/**
 * The volume descriptor set from LBA 16 (ECMA-119 8): the PVD, any boot-hook descriptors (El Torito boot
 * record, conventionally at LBA 17), the ISO 9660:1999 EVD for level 4 (version 2, same tree as the PVD, as
 * genisoimage -iso-level 4 writes it), the Joliet SVD, and the terminator.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { serializeTerminator, serializeVolumeDescriptor, type VolumeDescriptorInit } from '../../formats/iso9660/index.js';
import type { ChunkWriter } from '../chunk-writer.js';
import { toUcs2 } from '../names/joliet.js';
import { entryMtime, type PathTablePlacement } from '../tree.js';
import { BLOCK_SIZE, type EmitContext, type ImageLayout, type Region } from '../types.js';

function descriptor(layout: ImageLayout, kind: VolumeDescriptorInit['kind']): Uint8Array {
  const { image, options: o } = layout;
  const joliet = kind === 'joliet';
  const pt = (joliet ? image.pathTables.joliet : image.pathTables.iso9660) as PathTablePlacement;
  const root = image.root;
  // the Joliet SVD's texts are UCS-2 like its names (unless UTF-16 was asked for)
  const text = joliet && !o.jolietUtf16 ? toUcs2 : (s: string) => s;
  return serializeVolumeDescriptor({
    kind,
    ...(joliet ? { jolietLevel: 3 as const } : {}),
    systemId: text(o.systemId),
    volumeId: kind === 'primary' ? o.volumeId : text(o.jolietVolumeId),
    volumeSpaceBlockCount: o.boot?.volumeSpaceBlockCount?.(layout) ?? layout.blockCount,
    pathTableByteLength: pt.byteLength,
    lPathTableLba: pt.lLba,
    mPathTableLba: pt.mLba,
    root: {
      lba: joliet ? root.dir.jolietLba : root.dir.isoLba,
      dataLength: joliet ? root.dir.jolietByteLength : root.dir.isoByteLength,
      recordedAtMs: entryMtime(root, o),
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

export function volumeDescriptorsRegion(): Region {
  let count = 0;
  return {
    name: 'volume-descriptors',
    plan(_startLba, ctx) {
      const o = ctx.options;
      count = 2 + (o.boot?.descriptors?.length ?? 0) + (o.isoLevel === 4 ? 1 : 0) + (o.joliet ? 1 : 0);
      return count;
    },
    async *emit(out: ChunkWriter, ctx: EmitContext) {
      const { layout } = ctx;
      const o = layout.options;
      yield* out.put(descriptor(layout, 'primary'));
      for (const make of o.boot?.descriptors ?? []) {
        const d = make(layout);
        if (d.length !== BLOCK_SIZE) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `a boot volume descriptor must be ${BLOCK_SIZE} bytes, got ${d.length}`);
        yield* out.put(d);
      }
      if (o.isoLevel === 4) yield* out.put(descriptor(layout, 'enhanced'));
      if (o.joliet) yield* out.put(descriptor(layout, 'joliet'));
      yield* out.put(serializeTerminator());
    },
  };
}
