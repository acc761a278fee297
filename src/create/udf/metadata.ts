/**
 * UDF 2.50 metadata partition (UDF 2.2.10, 2.2.13): the ICB space lives in the metadata file (an Extended
 * File Entry of type 250 at physical partition block 0) and again in its mirror (type 251, block 1), each
 * described by one short_ad. The mirror copy is placed near the end of the partition, away from the main one.
 * No metadata bitmap: the volume is read-only (bitmap location 0xFFFFFFFF in the partition map).
 */
import { AdForm, FileType, serializeAllocationDescriptors, serializeFileEntry } from '../../formats/udf/index.js';
import { BLOCK_SIZE } from '../types.js';
import { ISOKIT_UDF_ID, udfTime } from './entries.js';
import { METADATA_ALLOCATION_UNIT, type UdfState } from './state.js';

export { METADATA_ALLOCATION_UNIT };

const NONE = { byteLength: 0, extentType: 0, blockNumber: 0, partitionRef: 0 } as const;

function metadataFileEntry(s: UdfState, location: number, fileType: number, block: number): Uint8Array {
  const bytes = s.metadataBlocks * BLOCK_SIZE;
  const t = udfTime(s.options.dateMs);
  return serializeFileEntry({
    tag: { version: 3, location }, extended: true,
    icbTag: { priorRecordedDirectEntries: 0, strategyType: 4, strategyParameter: 0, maxEntries: 1, fileType, parentIcb: { blockNumber: 0, partitionRef: 0 }, flags: AdForm.SHORT },
    uid: 0xffffffff, gid: 0xffffffff, permissions: 0, linkCount: 1, recordFormat: 0, recordDisplayAttributes: 0, recordLength: 0, informationLength: bytes, objectSize: bytes,
    logicalBlocksRecorded: s.metadataBlocks, accessTime: t, modificationTime: t, creationTime: t, attributeTime: t, checkpoint: 1,
    extendedAttributeIcb: NONE, streamDirectoryIcb: NONE, implementationIdentifier: ISOKIT_UDF_ID, uniqueId: 0, extendedAttributes: new Uint8Array(0),
    allocationDescriptors: serializeAllocationDescriptors([{ byteLength: bytes, extentType: 0, blockNumber: block }], AdForm.SHORT),
  });
}

/** The metadata file's and the mirror's entries (physical partition blocks 0 and 1), made at emit time. */
export function metadataFileEntries(s: UdfState): { entries(): Uint8Array[] } {
  return {
    entries: () => [metadataFileEntry(s, 0, FileType.METADATA_FILE, s.metadataBlock), metadataFileEntry(s, 1, FileType.METADATA_MIRROR_FILE, s.mirrorBlock)],
  };
}
