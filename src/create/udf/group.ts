/**
 * The UDF region group (ECMA-167 parts 2-4, OSTA UDF 1.02 / 2.01 / 2.50) of a bridge image: the same file
 * data as the ISO 9660 tree, described a second time. Where its regions go:
 *
 *   after the ISO 9660 descriptors   Volume Recognition Sequence BEA01 / NSR02|NSR03 / TEA01 (2/9.1)
 *   next                             main VDS (16 blocks), reserve VDS (16), integrity sequence (LVID + TD)
 *   block 256                        Anchor Volume Descriptor Pointer (3/10.2)
 *   block 257                        the partition's start: [2.50: metadata file FE, mirror FE] and the ICB
 *                                    space (FSD, File Entries, directories); ISO 9660 structures and the
 *                                    file data follow inside the partition
 *   before the file data             [2.50: the metadata mirror]
 *   last block                       the second anchor; the partition ends just before it
 *
 * The partition (and the LVID size table) therefore covers every block UDF uses (pycdlib #173 was one short).
 * The VDS is: PVD, IUVD (*UDF LV Info), PD (read-only), LVD (type-1 map; 2.50 adds the metadata map), USD, TD.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import {
  AccessType, EntityIdentifier, IntegrityType, OSTA_CS0, serializeAnchorVolumeDescriptorPointer, serializeImplementationUseVolumeDescriptor,
  serializeLogicalVolumeDescriptor, serializeLogicalVolumeIntegrityDescriptor, serializePartitionDescriptor, serializePrimaryVolumeDescriptor,
  serializeTerminatingDescriptor, serializeUnallocatedSpaceDescriptor, serializeVolumeStructureDescriptor, udfEntityId, type AllocationDescriptor,
  type PartitionMap,
} from '../../formats/udf/index.js';
import type { ChunkWriter } from '../engine/index.js';
import type { RegionSlot } from '../hooks.js';
import { BLOCK_SIZE, type Extent, type ImageRegion } from '../types.js';
import { ISOKIT_UDF_ID, icbSpace, udfTime } from './entries.js';
import { metadataFileEntries, METADATA_ALLOCATION_UNIT } from './metadata.js';
import type { UdfState } from './state.js';

const VDS_BLOCKS = 16;
const NIL: AllocationDescriptor = { byteLength: 0, extentType: 0, blockNumber: 0 };

/** Structures each padded with zeros to whole blocks (512-byte descriptors to one; directories may take several). */
function* blocks(out: ChunkWriter, list: Iterable<Uint8Array>): Generator<Uint8Array, void, undefined> {
  for (const b of list) {
    yield* out.put(b);
    const rest = (BLOCK_SIZE - (b.length % BLOCK_SIZE)) % BLOCK_SIZE;
    if (rest || b.length === 0) yield* out.zeros(rest || BLOCK_SIZE);
  }
}

/** The logical volume's label: the volume id (the Joliet one: longer, any characters). */
const labelOf = (s: UdfState): string => s.options.jolietVolumeId;

/** UDF 2.2.2.5: a volume set identifier whose first 16 characters are unique (from the build date and label: reproducible). */
function volumeSetId(s: UdfState): string {
  if (s.options.volumeSetId) return s.options.volumeSetId;
  let h = 0x811c9dc5;
  for (const c of labelOf(s)) h = Math.imul(h ^ (c.codePointAt(0) as number), 0x01000193);
  const secs = Math.floor((s.options.dateMs ?? 0) / 1000) >>> 0;
  return secs.toString(16).toUpperCase().padStart(8, '0') + (h >>> 0).toString(16).toUpperCase().padStart(8, '0') + ' ' + labelOf(s);
}

function partitionMaps(s: UdfState): PartitionMap[] {
  const t1: PartitionMap = { type: 1, kind: 'type1', volumeSequenceNumber: 1, partitionNumber: 0 };
  if (!s.metadata) return [t1];
  return [t1, {
    type: 2, kind: 'metadata', identifier: udfEntityId(EntityIdentifier.METADATA_PARTITION, s.revision), volumeSequenceNumber: 1, partitionNumber: 0,
    metadataFileBlock: 0, mirrorFileBlock: 1, bitmapFileBlock: 0xffffffff, allocationUnitBlocks: METADATA_ALLOCATION_UNIT, alignmentUnitBlocks: 1, flags: 1,
  }];
}

/** The six descriptors of a Volume Descriptor Sequence starting at `start`. */
function volumeDescriptorSequence(s: UdfState, start: number): Uint8Array[] {
  const v = s.version;
  const label = labelOf(s);
  const at = (i: number) => ({ version: v, location: start + i });
  return [
    serializePrimaryVolumeDescriptor({
      tag: at(0), vdsNumber: 0, primaryVolumeDescriptorNumber: 0, volumeIdentifier: label, volumeSequenceNumber: 1, maxVolumeSequenceNumber: 1,
      interchangeLevel: 2, maxInterchangeLevel: 2, characterSetList: 1, maxCharacterSetList: 1, volumeSetIdentifier: volumeSetId(s),
      descriptorCharset: OSTA_CS0, explanatoryCharset: OSTA_CS0, volumeAbstract: { byteLength: 0, sector: 0 }, volumeCopyrightNotice: { byteLength: 0, sector: 0 },
      applicationIdentifier: { flags: 0, identifier: '', suffix: new Uint8Array(8) }, recordingTime: udfTime(s.options.dateMs), implementationIdentifier: ISOKIT_UDF_ID,
      implementationUse: new Uint8Array(64), predecessorVdsLocation: 0, flags: 0,
    }),
    serializeImplementationUseVolumeDescriptor({
      tag: at(1), vdsNumber: 1, implementationIdentifier: udfEntityId(EntityIdentifier.LV_INFO, s.revision),
      lvInformation: { charset: OSTA_CS0, logicalVolumeIdentifier: label, info1: '', info2: '', info3: '', implementationIdentifier: ISOKIT_UDF_ID, implementationUse: new Uint8Array(128) },
    }),
    serializePartitionDescriptor({
      tag: at(2), vdsNumber: 2, flags: 1, partitionNumber: 0, contents: { flags: 0, identifier: s.version === 3 ? EntityIdentifier.NSR03 : EntityIdentifier.NSR02, suffix: new Uint8Array(8) },
      header: { unallocatedSpaceTable: NIL, unallocatedSpaceBitmap: NIL, partitionIntegrityTable: NIL, freedSpaceTable: NIL, freedSpaceBitmap: NIL },
      accessType: AccessType.READ_ONLY, startSector: s.partitionStart, blockCount: s.partitionBlocks, implementationIdentifier: ISOKIT_UDF_ID, implementationUse: new Uint8Array(128),
    }),
    serializeLogicalVolumeDescriptor({
      tag: at(3), vdsNumber: 3, descriptorCharset: OSTA_CS0, logicalVolumeIdentifier: label, logicalBlockSize: BLOCK_SIZE,
      domainIdentifier: udfEntityId(EntityIdentifier.OSTA_DOMAIN, s.revision), fileSetLocation: { byteLength: 2 * BLOCK_SIZE, extentType: 0, blockNumber: 0, partitionRef: s.icbRef },
      implementationIdentifier: ISOKIT_UDF_ID, implementationUse: new Uint8Array(128), integritySequence: { byteLength: 2 * BLOCK_SIZE, sector: s.integrity }, partitionMaps: partitionMaps(s),
    }),
    serializeUnallocatedSpaceDescriptor({ tag: at(4), vdsNumber: 4, extents: [] }),
    serializeTerminatingDescriptor({ tag: at(5) }),
  ];
}

/** The closed Logical Volume Integrity Descriptor: no free space, the partition sizes, the counts. */
function integrityDescriptor(s: UdfState): Uint8Array {
  const sizes = s.metadata ? [s.partitionBlocks, s.metadataBlocks] : [s.partitionBlocks];
  return serializeLogicalVolumeIntegrityDescriptor({
    tag: { version: s.version, location: s.integrity }, recordingTime: udfTime(s.options.dateMs), integrityType: IntegrityType.CLOSE,
    nextIntegrityExtent: { byteLength: 0, sector: 0 }, nextUniqueId: s.nextUniqueId, contentsUseReserved: new Uint8Array(24),
    freeSpaceTable: sizes.map(() => 0), sizeTable: sizes,
    implementationUse: {
      implementationIdentifier: ISOKIT_UDF_ID, fileCount: s.fileCount, directoryCount: s.directoryCount,
      minUdfReadRevision: s.revision, minUdfWriteRevision: s.revision, maxUdfWriteRevision: s.revision, implementationUse: new Uint8Array(0),
    },
  });
}

function anchor(s: UdfState, lba: number): Uint8Array {
  return serializeAnchorVolumeDescriptorPointer({
    tag: { version: s.version, location: lba },
    mainVds: { byteLength: VDS_BLOCKS * BLOCK_SIZE, sector: s.mainVds },
    reserveVds: { byteLength: VDS_BLOCKS * BLOCK_SIZE, sector: s.reserveVds },
  });
}

const region = (name: string, count: number | ((lba: number) => number), emit: (out: ChunkWriter) => Generator<Uint8Array, void, undefined>, placement?: ImageRegion['placement'], what?: () => Extent[]): ImageRegion => ({
  name,
  ...(placement ? { placement } : {}),
  plan: (lba) => (typeof count === 'number' ? count : count(lba)),
  ...(what ? { extents: what } : {}),
  async *emit(out: ChunkWriter) {
    yield* emit(out);
  },
});

/** The regions of the descriptors before block 256: VRS, main and reserve VDS, integrity sequence. */
function descriptorRegions(s: UdfState): ImageRegion[] {
  const vrs = region('udf-recognition', 3, (out) => blocks(out, ['BEA01', s.version === 3 ? 'NSR03' : 'NSR02', 'TEA01'].map((identifier) => serializeVolumeStructureDescriptor({ identifier }))));
  const vds = region('udf-descriptors', (lba) => {
    s.mainVds = lba;
    s.reserveVds = lba + VDS_BLOCKS;
    s.integrity = lba + 2 * VDS_BLOCKS;
    return 2 * VDS_BLOCKS + 2;
  }, function* (out) {
    for (const start of [s.mainVds, s.reserveVds]) {
      const list = volumeDescriptorSequence(s, start);
      yield* blocks(out, list);
      yield* out.zeros((VDS_BLOCKS - list.length) * BLOCK_SIZE);
    }
    yield* blocks(out, [integrityDescriptor(s), serializeTerminatingDescriptor({ tag: { version: s.version, location: s.integrity + 1 } })]);
  });
  return [vrs, vds];
}

/** Every region of the group, as slots of the image's region list. */
export function udfSlots(s: UdfState): RegionSlot[] {
  if (s.options.boot?.partitionOffset) throw new IsoKitError(ErrorCode.UNSUPPORTED, 'UDF cannot be combined with a partition offset');
  const label = labelOf(s);
  const [vrs, vds] = descriptorRegions(s) as [ImageRegion, ImageRegion];
  const first = region('udf-anchor', 1, (out) => blocks(out, [anchor(s, 256)]), { at: 256 });
  const meta = s.metadata ? metadataFileEntries(s) : undefined;
  const files = region('udf-file-structure', (lba) => {
    s.partitionStart = lba;
    s.metadataBlock = meta ? 2 : 0;
    return (meta ? 2 + s.metadataBlocks : s.icbBlocks);
  }, function* (out) {
    if (meta) yield* blocks(out, meta.entries());
    yield* blocks(out, icbSpace(s, label));
    if (meta) yield* out.zeros((s.metadataBlocks - s.icbBlocks) * BLOCK_SIZE);
  }, undefined, () => [{ lba: s.partitionStart, blockCount: meta ? 2 + s.metadataBlocks : s.icbBlocks, what: 'UDF file structure' }]);
  const last = region('udf-anchor-end', (lba) => {
    s.partitionBlocks = lba - s.partitionStart;
    s.anchors = [256, lba];
    return 1;
  }, (out) => blocks(out, [anchor(s, s.anchors[1] as number)]));
  const slots: RegionSlot[] = [
    { before: 'partition-offset-descriptors', region: vrs },
    { before: 'partition-offset-descriptors', region: vds },
    { before: 'partition-offset-descriptors', region: first },
    { before: 'partition-offset-descriptors', region: files },
  ];
  if (meta) {
    slots.push({
      // before the file data, not after it: 7-Zip looks for the end anchor only through zeros after the last file
      before: 'file-data',
      region: region('udf-metadata-mirror', (lba) => {
        s.mirrorBlock = lba - s.partitionStart;
        return s.metadataBlocks;
      }, function* (out) {
        yield* blocks(out, icbSpace(s, label));
        yield* out.zeros((s.metadataBlocks - s.icbBlocks) * BLOCK_SIZE);
      }),
    });
  }
  slots.push({ before: 'end', region: last });
  return slots;
}
