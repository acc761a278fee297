/**
 * Reading the volume descriptor set (ECMA-119 6.7, 8) from LBA 16 on, plus the UDF volume recognition
 * sequence that may follow it (ECMA-167 2/8.3: BEA01, NSR02/NSR03, TEA01), and the session chain of a
 * multi-session image written by libisoburn to a plain file (see `readSessions`).
 */
import { ErrorCode, IsoKitError, type Findings, FindingCode } from '../errors/index.js';
import type { ByteSource } from '../io/index.js';
import {
  FIRST_VOLUME_DESCRIPTOR_LBA, SECTOR_SIZE, descriptorIdentifier, parseVolumeDescriptor,
  type BootRecordDescriptor, type PrimaryVolumeDescriptor, type SupplementaryVolumeDescriptor,
} from '../formats/iso9660/index.js';
import type { SessionInfo, VolumeDescriptorSummary } from './types.js';

/** How many descriptors are read at most (a real set has 3-6; a damaged one must not make us scan forever). */
const MAX_DESCRIPTORS = 64;

export interface DescriptorSet {
  pvd?: PrimaryVolumeDescriptor;
  /** Joliet SVDs (the first is used) */
  joliet: SupplementaryVolumeDescriptor[];
  /** ISO 9660:1999 enhanced volume descriptors */
  enhanced: SupplementaryVolumeDescriptor[];
  /** other supplementary descriptors */
  otherSupplementary: SupplementaryVolumeDescriptor[];
  bootRecords: BootRecordDescriptor[];
  summaries: VolumeDescriptorSummary[];
  udfSeen: boolean;
}

const UDF_IDS = new Set(['BEA01', 'NSR02', 'NSR03', 'TEA01', 'BOOT2']);

/**
 * Read the descriptor set at LBA 16 (a set without a PVD comes back with `pvd` unset: a UDF-only or FAT image,
 * or no image at all — the caller decides). Throws NOT_ISO / TRUNCATED when the source is too short for one.
 */
export async function readDescriptorSet(source: ByteSource, findings: Findings, signal?: AbortSignal): Promise<DescriptorSet> {
  const start = FIRST_VOLUME_DESCRIPTOR_LBA * SECTOR_SIZE;
  if (source.byteLength < start + SECTOR_SIZE) {
    throw new IsoKitError(
      source.byteLength === 0 ? ErrorCode.NOT_ISO : ErrorCode.TRUNCATED,
      `${source.name} is ${source.byteLength} bytes: too small for an ISO 9660 image (the first volume descriptor is at byte ${start})`,
      // no byte offset: the structure is missing, and an offset past the end would point nowhere
      { structure: 'VolumeDescriptor' },
    );
  }
  const set: DescriptorSet = { joliet: [], enhanced: [], otherSupplementary: [], bootRecords: [], summaries: [], udfSeen: false };
  let buf = await source.read(start, 32 * SECTOR_SIZE, signal ? { signal } : undefined);
  let bufLba = FIRST_VOLUME_DESCRIPTOR_LBA;
  let terminated = false;
  let afterTerminator = 0;
  for (let i = 0; i < MAX_DESCRIPTORS; i++) {
    const lba = FIRST_VOLUME_DESCRIPTOR_LBA + i;
    if ((lba - bufLba + 1) * SECTOR_SIZE > buf.length) {
      if (buf.length < 32 * SECTOR_SIZE) break; // end of source
      bufLba = lba;
      buf = await source.read(lba * SECTOR_SIZE, 32 * SECTOR_SIZE, signal ? { signal } : undefined);
      if (buf.length < SECTOR_SIZE) break;
    }
    const sector = buf.subarray((lba - bufLba) * SECTOR_SIZE, (lba - bufLba + 1) * SECTOR_SIZE);
    const ident = descriptorIdentifier(sector);
    if (terminated) {
      // UDF's volume recognition sequence follows the ISO 9660 terminator (ECMA-167 2/8.3)
      if (UDF_IDS.has(ident)) {
        set.udfSeen ||= ident.startsWith('NSR');
        set.summaries.push({ lba, type: sector[0] as number, kind: 'udf', version: sector[6] as number, identifier: ident });
        if (ident === 'TEA01') break;
        continue;
      }
      if (++afterTerminator > 2 || ident !== 'CD001') break;
    }
    const d = parseVolumeDescriptor(sector, lba * SECTOR_SIZE, findings);
    if (!d) {
      if (UDF_IDS.has(ident)) {
        set.summaries.push({ lba, type: sector[0] as number, kind: 'udf', version: sector[6] as number, identifier: ident });
        set.udfSeen ||= ident.startsWith('NSR');
        continue;
      }
      if (i === 0) break;
      if (!terminated) findings.warn(FindingCode.NO_TERMINATOR, 'volume descriptor set ends without a terminator', lba * SECTOR_SIZE, 'VolumeDescriptor');
      break;
    }
    collect(set, d, lba, ident, findings, terminated);
    if (d.kind === 'terminator') terminated = true;
  }
  return set;
}

function collect(
  set: DescriptorSet,
  d: NonNullable<ReturnType<typeof parseVolumeDescriptor>>,
  lba: number,
  identifier: string,
  findings: Findings,
  afterTerminator: boolean,
): void {
  const summary: VolumeDescriptorSummary = {
    lba, type: d.type, kind: d.kind, version: d.version, identifier,
    ...('volumeId' in d ? { volumeId: d.volumeId } : {}),
    ...('joliet' in d && d.joliet !== undefined ? { joliet: d.joliet } : {}),
    ...(d.kind === 'boot' ? { bootSystemId: d.bootSystemId } : {}),
  };
  set.summaries.push(summary);
  if (afterTerminator) {
    findings.info(FindingCode.DESCRIPTOR_AFTER_TERMINATOR, `volume descriptor of type ${d.type} after the terminator (ignored)`, lba * SECTOR_SIZE, 'VolumeDescriptor');
    return;
  }
  switch (d.kind) {
    case 'primary':
      if (!set.pvd) set.pvd = d;
      else findings.info(FindingCode.EXTRA_PVD, 'more than one primary volume descriptor; the first is used', lba * SECTOR_SIZE, 'PrimaryVolumeDescriptor');
      break;
    case 'supplementary':
      (d.joliet !== undefined ? set.joliet : set.otherSupplementary).push(d);
      break;
    case 'enhanced':
      set.enhanced.push(d);
      break;
    case 'boot':
      set.bootRecords.push(d);
      break;
    default:
      break;
  }
}

/** Volume space size (blocks) of a PVD found at `lba + 16`, or undefined. */
async function pvdBlocksAt(source: ByteSource, lba: number, findings: Findings): Promise<number | undefined> {
  const off = (lba + FIRST_VOLUME_DESCRIPTOR_LBA) * SECTOR_SIZE;
  if (off + SECTOR_SIZE > source.byteLength) return undefined;
  const sector = await source.read(off, SECTOR_SIZE);
  if (sector[0] !== 1 || descriptorIdentifier(sector) !== 'CD001') return undefined;
  const d = parseVolumeDescriptor(sector, off, findings);
  return d?.kind === 'primary' ? d.volumeSpaceBlockCount : undefined;
}

/** Alignment of sessions libisoburn appends to files and overwritable media (32 blocks = 64 KiB). */
const SESSION_ALIGN = 32;
const MAX_SESSIONS = 1024;

/**
 * Sessions of the image, oldest first. A multi-session image written by xorriso/libisoburn to a file or
 * overwritable medium keeps a copy of the newest session's descriptors at LBA 16 (what every reader lists),
 * and the sessions themselves from LBA 32 on, each aligned to 32 blocks, each with its own PVD at start+16
 * whose volume space size is the session's length (libisoburn `isoburn_emulate_toc`). Anything else is one
 * session starting at 0.
 */
export async function readSessions(source: ByteSource, pvd: PrimaryVolumeDescriptor, findings: Findings): Promise<SessionInfo[]> {
  const single = [{ startLba: 0, blockCount: pvd.volumeSpaceBlockCount }];
  const imageBlocks = pvd.volumeSpaceBlockCount;
  if (imageBlocks <= SESSION_ALIGN + FIRST_VOLUME_DESCRIPTOR_LBA) return single;
  const first = await pvdBlocksAt(source, SESSION_ALIGN, findings);
  if (first === undefined) return single;
  const sessions: SessionInfo[] = [];
  let lba = SESSION_ALIGN;
  while (lba < imageBlocks && sessions.length < MAX_SESSIONS) {
    const blocks = lba === SESSION_ALIGN ? first : await pvdBlocksAt(source, lba, findings);
    if (blocks === undefined || blocks === 0) {
      findings.info(FindingCode.SESSION_CHAIN, `chain of session headers broken at LBA ${lba}; treating the image as one session`, lba * SECTOR_SIZE, 'PrimaryVolumeDescriptor');
      return single;
    }
    sessions.push({ startLba: lba, blockCount: blocks });
    lba += blocks;
    if (lba % SESSION_ALIGN) lba += SESSION_ALIGN - (lba % SESSION_ALIGN);
  }
  return sessions.length ? sessions : single;
}
