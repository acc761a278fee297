/** What `openUdfVolume` tells about a volume (a serializable object, like the ISO 9660 VolumeInfo). */
import {
  ACCESS_TYPE_NAMES, EntityIdentifier, formatUdfRevision, suffixRevision, timestampToMs,
  type FileSetDescriptor, type LogicalVolumeIntegrityDescriptor, type PartitionDescriptor,
} from '../../formats/udf/index.js';
import type { VatSummary } from './partition-setup.js';
import type { UdfDetection } from './detect.js';
import type { VolumeDescriptors } from './volume-descriptors.js';

export interface UdfPartitionInfo {
  readonly number: number;
  readonly startSector: number;
  readonly blockCount: number;
  /** 'read-only', 'write-once', 'rewritable', 'overwritable', 'pseudo-overwritable' or 'unknown' */
  readonly accessType: string;
  /** "+NSR02" or "+NSR03" */
  readonly contents: string;
}

export interface UdfPartitionMapInfo {
  readonly kind: 'type1' | 'sparable' | 'virtual' | 'metadata' | 'other' | 'unknown';
  readonly partitionNumber?: number;
}

export interface UdfVolumeInfo {
  /** the UDF revision of the Logical Volume's domain ("1.02", "2.01", "2.50"); else the LVID's minimum read revision */
  readonly revision: string | undefined;
  readonly minReadRevision?: string;
  readonly minWriteRevision?: string;
  readonly maxWriteRevision?: string;
  /** 2 for NSR02 (UDF ≤ 1.50), 3 for NSR03, from the recognition sequence */
  readonly nsr?: 2 | 3;
  /** PVD Volume Identifier */
  readonly volumeId: string;
  /** PVD Volume Set Identifier */
  readonly volumeSetId: string;
  /** LVD Logical Volume Identifier */
  readonly logicalVolumeId: string;
  /** FSD File Set Identifier */
  readonly fileSetId: string;
  /** the "*UDF LV Info" Implementation Use Volume Descriptor's LVInfo1-3 (UDF 2.2.7.2), when there is one */
  readonly lvInfo?: { readonly owner: string; readonly organization: string; readonly contact: string };
  /** PVD Implementation Identifier ("*genisoimage", "*Linux UDFFS", …) */
  readonly implementationId: string;
  /** PVD Application Identifier */
  readonly applicationId: string;
  /** the LVID's implementation identifier (who last wrote the volume) */
  readonly lastWriterId?: string;
  /** PVD Recording Date and Time (ms since the epoch, UTC) */
  readonly recordingMs?: number;
  readonly blockSize: number;
  readonly partitions: readonly UdfPartitionInfo[];
  readonly partitionMaps: readonly UdfPartitionMapInfo[];
  /**
   * From the prevailing Logical Volume Integrity Descriptor; with a Virtual Allocation Table, 'closed' (the
   * VAT recorded last is what makes a write-once volume consistent, UDF 2.2.11: udfinfo does the same)
   */
  readonly integrity: 'open' | 'closed' | 'unknown';
  /** from the LVID (or the VAT on write-once media) */
  readonly fileCount?: number;
  readonly directoryCount?: number;
  /** the LVID's Logical Volume Header: the next unique id to assign */
  readonly nextUniqueId?: number;
  /** sectors with a sound Anchor Volume Descriptor Pointer */
  readonly anchorSectors: readonly number[];
  /** the Volume Descriptor Sequence read */
  readonly descriptorSequence: 'main' | 'reserve';
  /** a metadata partition is read through its mirror file */
  readonly metadataMirrorUsed?: boolean;
}

const revision = (r: number | undefined): string | undefined => (r ? formatUdfRevision(r) : undefined);

function partitionInfo(pd: PartitionDescriptor): UdfPartitionInfo {
  return {
    number: pd.partitionNumber,
    startSector: pd.startSector,
    blockCount: pd.blockCount,
    accessType: ACCESS_TYPE_NAMES[pd.accessType] ?? 'unknown',
    contents: pd.contents.identifier,
  };
}

export interface InfoParts {
  readonly detection: UdfDetection;
  readonly blockSize: number;
  readonly vds: VolumeDescriptors;
  readonly used: 'main' | 'reserve';
  readonly lvid: LogicalVolumeIntegrityDescriptor | undefined;
  readonly integrity: 'open' | 'closed' | 'unknown';
  readonly fsd: FileSetDescriptor;
  readonly vat?: VatSummary;
  readonly metadataMirrorUsed?: boolean;
}

export function volumeInfo(p: InfoParts): UdfVolumeInfo {
  const lvd = p.vds.lvd;
  const pvd = p.vds.pvd;
  const iu = p.lvid?.implementationUse;
  const lv = p.vds.iuvds.find((d) => d.lvInformation)?.lvInformation;
  const vat = p.vat;
  const fileCount = vat?.fileCount ?? iu?.fileCount;
  const directoryCount = vat?.directoryCount ?? iu?.directoryCount;
  const domain = lvd && lvd.domainIdentifier.identifier === EntityIdentifier.OSTA_DOMAIN ? suffixRevision(lvd.domainIdentifier) : undefined;
  const recordingMs = pvd ? timestampToMs(pvd.recordingTime) : undefined;
  const minRead = revision(vat?.minUdfReadRevision ?? iu?.minUdfReadRevision);
  const minWrite = revision(vat?.minUdfWriteRevision ?? iu?.minUdfWriteRevision);
  const maxWrite = revision(vat?.maxUdfWriteRevision ?? iu?.maxUdfWriteRevision);
  return {
    revision: revision(domain) ?? minRead,
    ...(minRead ? { minReadRevision: minRead } : {}),
    ...(minWrite ? { minWriteRevision: minWrite } : {}),
    ...(maxWrite ? { maxWriteRevision: maxWrite } : {}),
    ...(p.detection.vrs?.nsr ? { nsr: p.detection.vrs.nsr } : {}),
    volumeId: pvd?.volumeIdentifier ?? '',
    volumeSetId: pvd?.volumeSetIdentifier ?? '',
    logicalVolumeId: vat?.logicalVolumeIdentifier ?? lvd?.logicalVolumeIdentifier ?? '',
    fileSetId: p.fsd.fileSetIdentifier,
    ...(lv ? { lvInfo: { owner: lv.info1, organization: lv.info2, contact: lv.info3 } } : {}),
    implementationId: pvd?.implementationIdentifier.identifier ?? '',
    applicationId: pvd?.applicationIdentifier.identifier ?? '',
    ...(iu ? { lastWriterId: iu.implementationIdentifier.identifier } : {}),
    ...(recordingMs !== undefined ? { recordingMs } : {}),
    blockSize: p.blockSize,
    partitions: [...p.vds.pds.values()].map(partitionInfo),
    partitionMaps: (lvd?.partitionMaps ?? []).map((m) => ('partitionNumber' in m ? { kind: m.kind, partitionNumber: m.partitionNumber } : { kind: m.kind })),
    integrity: vat ? 'closed' : p.integrity,
    ...(fileCount !== undefined ? { fileCount } : {}),
    ...(directoryCount !== undefined ? { directoryCount } : {}),
    ...(p.lvid ? { nextUniqueId: p.lvid.nextUniqueId } : {}),
    anchorSectors: p.detection.anchorSectors,
    descriptorSequence: p.used,
    ...(p.metadataMirrorUsed ? { metadataMirrorUsed: true } : {}),
  };
}
