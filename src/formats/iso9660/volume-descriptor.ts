/**
 * ECMA-119 8 Volume Descriptors (2048 bytes each, from sector 16 on).
 *
 * - 8.2 Boot Record (type 0), El Torito puts the boot catalog LBA at BP 72-75.
 * - 8.4 Primary Volume Descriptor (type 1, version 1).
 * - 8.5 Supplementary Volume Descriptor (type 2, version 1): Joliet when the escape sequences name UCS-2.
 * - ISO 9660:1999 Enhanced Volume Descriptor (type 2, version 2, file structure version 2).
 * - 8.6 Volume Partition Descriptor (type 3), 8.3 Volume Descriptor Set Terminator (type 255).
 *
 * PVD/SVD layout (BP = byte position, 1-based as in the spec):
 * ```
 * 1 type | 2-6 "CD001" | 7 version | 8 volume flags (SVD) | 9-40 system id | 41-72 volume id
 * 81-88 volume space size | 89-120 escape sequences (SVD) | 121-124 volume set size | 125-128 volume seq. no.
 * 129-132 logical block size | 133-140 path table size | 141-144 L path table | 145-148 optional L
 * 149-152 M path table | 153-156 optional M | 157-190 root directory record | 191-318 volume set id
 * 319-446 publisher | 447-574 data preparer | 575-702 application | 703-739 copyright file
 * 740-776 abstract file | 777-813 bibliographic file | 814-830 creation | 831-847 modification
 * 848-864 expiration | 865-881 effective | 882 file structure version | 884-1395 application use
 * ```
 */
import {
  readDate17, readStrA, readU16Both, readU32BE, readU32Both, readU32LE, readUcs2Field,
  writeDate17, writeStrA, writeU16Both, writeU32BE, writeU32Both, writeU32LE, writeUcs2Field,
} from '../../bytes/index.js';
import type { Findings } from '../../errors/index.js';
import { JOLIET_ESCAPE, jolietLevelFromEscapes } from '../joliet/escape.js';
import { parseDirectoryRecord, serializeDirectoryRecord, type DirectoryRecord, type DirectoryRecordInit } from './directory-record.js';
import { FindingCode } from '../../errors/index.js';

export const SECTOR_SIZE = 2048;
/** The first volume descriptor sits at LBA 16 (6.2.1: 32 KiB system area before it). */
export const FIRST_VOLUME_DESCRIPTOR_LBA = 16;
export const STANDARD_IDENTIFIER = 'CD001';

export const VolumeDescriptorType = { BOOT_RECORD: 0, PRIMARY: 1, SUPPLEMENTARY: 2, PARTITION: 3, TERMINATOR: 255 } as const;

/** Fields shared by the PVD, SVD (Joliet) and EVD. Text is decoded (UCS-2 for Joliet). */
export interface VolumeFields {
  readonly systemId: string;
  readonly volumeId: string;
  readonly volumeSpaceBlockCount: number;
  readonly volumeSetSize: number;
  readonly volumeSequenceNumber: number;
  readonly logicalBlockSize: number;
  readonly pathTableByteLength: number;
  readonly lPathTableLba: number;
  readonly optionalLPathTableLba: number;
  readonly mPathTableLba: number;
  readonly optionalMPathTableLba: number;
  readonly rootRecord: DirectoryRecord | undefined;
  readonly volumeSetId: string;
  readonly publisherId: string;
  readonly dataPreparerId: string;
  readonly applicationId: string;
  readonly copyrightFileId: string;
  readonly abstractFileId: string;
  readonly bibliographicFileId: string;
  readonly creationMs: number | undefined;
  readonly modificationMs: number | undefined;
  readonly expirationMs: number | undefined;
  readonly effectiveMs: number | undefined;
  readonly fileStructureVersion: number;
  readonly applicationUse: Uint8Array;
}

export interface VolumeDescriptorBase {
  readonly type: number;
  readonly version: number;
  readonly byteOffset: number;
}
export interface PrimaryVolumeDescriptor extends VolumeDescriptorBase, VolumeFields {
  readonly kind: 'primary';
}
export interface SupplementaryVolumeDescriptor extends VolumeDescriptorBase, VolumeFields {
  /** 'enhanced' = ISO 9660:1999 EVD (version 2) */
  readonly kind: 'supplementary' | 'enhanced';
  readonly volumeFlags: number;
  readonly escapeSequences: Uint8Array;
  /** Joliet UCS-2 level when the escape sequences say so */
  readonly joliet?: 1 | 2 | 3;
}
export interface BootRecordDescriptor extends VolumeDescriptorBase {
  readonly kind: 'boot';
  readonly bootSystemId: string;
  readonly bootId: string;
  /** BP 72-2048 (El Torito: catalog LBA at the start) */
  readonly bootSystemUse: Uint8Array;
  /** the whole 2048-byte sector */
  readonly sector: Uint8Array;
}
export interface TerminatorDescriptor extends VolumeDescriptorBase {
  readonly kind: 'terminator';
}
export interface OtherDescriptor extends VolumeDescriptorBase {
  readonly kind: 'partition' | 'unknown';
}
export type VolumeDescriptor =
  | PrimaryVolumeDescriptor
  | SupplementaryVolumeDescriptor
  | BootRecordDescriptor
  | TerminatorDescriptor
  | OtherDescriptor;

const isStdId = (b: Uint8Array) => b[1] === 0x43 && b[2] === 0x44 && b[3] === 0x30 && b[4] === 0x30 && b[5] === 0x31;

/** The 5-byte standard identifier of a descriptor sector ("CD001", "BEA01", "NSR02", ...). */
export function descriptorIdentifier(sector: Uint8Array): string {
  let s = '';
  for (let i = 1; i < 6; i++) s += String.fromCharCode(sector[i] ?? 0);
  return s;
}

/**
 * Parse one 2048-byte volume descriptor sector. Returns undefined when it does not carry "CD001"
 * (the caller decides: end of the set, UDF's BEA01/NSR02/TEA01, or garbage).
 */
export function parseVolumeDescriptor(sector: Uint8Array, byteOffset: number, findings: Findings): VolumeDescriptor | undefined {
  if (sector.length < SECTOR_SIZE || !isStdId(sector)) return undefined;
  const type = sector[0] as number;
  const version = sector[6] as number;
  const base = { type, version, byteOffset };
  switch (type) {
    case VolumeDescriptorType.TERMINATOR:
      return { ...base, kind: 'terminator' };
    case VolumeDescriptorType.BOOT_RECORD:
      return {
        ...base,
        kind: 'boot',
        bootSystemId: readStrA(sector, 7, 32),
        bootId: readStrA(sector, 39, 32),
        bootSystemUse: sector.subarray(71, SECTOR_SIZE),
        sector,
      };
    case VolumeDescriptorType.PRIMARY:
      return { ...base, kind: 'primary', ...parseVolumeFields(sector, byteOffset, findings, false, 'PrimaryVolumeDescriptor') };
    case VolumeDescriptorType.SUPPLEMENTARY: {
      const escapeSequences = sector.subarray(88, 120);
      const joliet = jolietLevelFromEscapes(escapeSequences);
      const enhanced = version === 2;
      const structure = enhanced ? 'EnhancedVolumeDescriptor' : 'SupplementaryVolumeDescriptor';
      return {
        ...base,
        kind: enhanced ? 'enhanced' : 'supplementary',
        volumeFlags: sector[7] as number,
        escapeSequences,
        ...(joliet !== undefined ? { joliet } : {}),
        ...parseVolumeFields(sector, byteOffset, findings, joliet !== undefined, structure),
      };
    }
    case VolumeDescriptorType.PARTITION:
      return { ...base, kind: 'partition' };
    default:
      return { ...base, kind: 'unknown' };
  }
}

function parseVolumeFields(b: Uint8Array, byteOffset: number, findings: Findings, ucs2: boolean, structure: string): VolumeFields {
  const text = ucs2 ? (o: number, l: number) => readUcs2Field(b, o, l) : (o: number, l: number) => readStrA(b, o, l);
  const both32 = (o: number, what: string): number => {
    const v = readU32Both(b, o);
    if (v.mismatch) findings.warn(FindingCode.BOTH_ENDIAN_MISMATCH, `both-endian halves of ${what} disagree (using little-endian)`, byteOffset + o, structure);
    return v.value;
  };
  const both16 = (o: number, what: string): number => {
    const v = readU16Both(b, o);
    if (v.mismatch) findings.warn(FindingCode.BOTH_ENDIAN_MISMATCH, `both-endian halves of ${what} disagree (using little-endian)`, byteOffset + o, structure);
    return v.value;
  };
  const date = (o: number) => {
    const d = readDate17(b, o);
    if (!d.offsetValid) findings.info(FindingCode.BAD_GMT_OFFSET, `GMT offset ${d.gmtOffset} out of range, treated as 0`, byteOffset + o + 16, structure);
    return d.ms;
  };
  const rootBytes = b.subarray(156, 190);
  const rootRecord = parseDirectoryRecord(rootBytes, 0, byteOffset + 156, findings);
  return {
    systemId: text(8, 32),
    volumeId: text(40, 32),
    volumeSpaceBlockCount: both32(80, 'volume space size'),
    volumeSetSize: both16(120, 'volume set size'),
    volumeSequenceNumber: both16(124, 'volume sequence number'),
    logicalBlockSize: both16(128, 'logical block size'),
    pathTableByteLength: both32(132, 'path table size'),
    lPathTableLba: readU32LE(b, 140),
    optionalLPathTableLba: readU32LE(b, 144),
    mPathTableLba: readU32BE(b, 148),
    optionalMPathTableLba: readU32BE(b, 152),
    rootRecord,
    volumeSetId: text(190, 128),
    publisherId: text(318, 128),
    dataPreparerId: text(446, 128),
    applicationId: text(574, 128),
    copyrightFileId: text(702, 37),
    abstractFileId: text(739, 37),
    bibliographicFileId: text(776, 37),
    creationMs: date(813),
    modificationMs: date(830),
    expirationMs: date(847),
    effectiveMs: date(864),
    fileStructureVersion: b[881] as number,
    applicationUse: b.subarray(883, 1395),
  };
}

export interface VolumeDescriptorInit {
  /** 'primary' (PVD), 'joliet' (SVD with UCS-2 escape), 'supplementary' (SVD, no escape), 'enhanced' (EVD) */
  kind: 'primary' | 'joliet' | 'supplementary' | 'enhanced';
  /** Joliet UCS-2 level (default 3) */
  jolietLevel?: 1 | 2 | 3;
  systemId?: string;
  volumeId?: string;
  volumeSpaceBlockCount: number;
  volumeSetSize?: number;
  volumeSequenceNumber?: number;
  logicalBlockSize?: number;
  pathTableByteLength: number;
  lPathTableLba: number;
  optionalLPathTableLba?: number;
  mPathTableLba: number;
  optionalMPathTableLba?: number;
  /** the root directory's "." record: serialized with identifier 0x00 and no system use (34 bytes) */
  root: Omit<DirectoryRecordInit, 'identifier' | 'systemUse'>;
  volumeSetId?: string;
  publisherId?: string;
  dataPreparerId?: string;
  applicationId?: string;
  copyrightFileId?: string;
  abstractFileId?: string;
  bibliographicFileId?: string;
  creationMs?: number;
  modificationMs?: number;
  expirationMs?: number;
  effectiveMs?: number;
  /** GMT offset of the volume dates in 15-minute units (default 0) */
  gmtOffset?: number;
  /** volume flags byte (SVD/EVD only, 8.5.3) */
  volumeFlags?: number;
  /** raw escape sequences (SVD only, overrides the Joliet one) */
  escapeSequences?: Uint8Array;
  /** up to 512 bytes (default: spaces, as xorriso and genisoimage write) */
  applicationUse?: Uint8Array;
}

/** Serialize a PVD, Joliet SVD, plain SVD or EVD (2048 bytes). */
export function serializeVolumeDescriptor(init: VolumeDescriptorInit): Uint8Array {
  const b = new Uint8Array(SECTOR_SIZE);
  const ucs2 = init.kind === 'joliet';
  b[0] = init.kind === 'primary' ? VolumeDescriptorType.PRIMARY : VolumeDescriptorType.SUPPLEMENTARY;
  writeStrA(b, 1, 5, STANDARD_IDENTIFIER);
  b[6] = init.kind === 'enhanced' ? 2 : 1;
  const text = ucs2
    ? (o: number, l: number, s: string | undefined) => writeUcs2Field(b, o, l, s ?? '')
    : (o: number, l: number, s: string | undefined) => writeStrA(b, o, l, s ?? '');
  if (init.kind !== 'primary') b[7] = init.volumeFlags ?? 0;
  text(8, 32, init.systemId);
  text(40, 32, init.volumeId);
  writeU32Both(b, 80, init.volumeSpaceBlockCount);
  if (init.escapeSequences) b.set(init.escapeSequences.subarray(0, 32), 88);
  else if (ucs2) writeStrA(b, 88, 3, JOLIET_ESCAPE[init.jolietLevel ?? 3]);
  writeU16Both(b, 120, init.volumeSetSize ?? 1);
  writeU16Both(b, 124, init.volumeSequenceNumber ?? 1);
  writeU16Both(b, 128, init.logicalBlockSize ?? SECTOR_SIZE);
  writeU32Both(b, 132, init.pathTableByteLength);
  writeU32LE(b, 140, init.lPathTableLba);
  writeU32LE(b, 144, init.optionalLPathTableLba ?? 0);
  writeU32BE(b, 148, init.mPathTableLba);
  writeU32BE(b, 152, init.optionalMPathTableLba ?? 0);
  b.set(serializeDirectoryRecord({ ...init.root, identifier: Uint8Array.of(0) }), 156);
  text(190, 128, init.volumeSetId);
  text(318, 128, init.publisherId);
  text(446, 128, init.dataPreparerId);
  text(574, 128, init.applicationId);
  text(702, 37, init.copyrightFileId);
  text(739, 37, init.abstractFileId);
  text(776, 37, init.bibliographicFileId);
  const off = init.gmtOffset ?? 0;
  writeDate17(b, 813, init.creationMs, off);
  writeDate17(b, 830, init.modificationMs, off);
  writeDate17(b, 847, init.expirationMs, off);
  writeDate17(b, 864, init.effectiveMs, off);
  b[881] = init.kind === 'enhanced' ? 2 : 1;
  b.fill(0x20, 883, 1395);
  if (init.applicationUse) b.set(init.applicationUse.subarray(0, 512), 883);
  return b;
}

/** ECMA-119 8.3 Volume Descriptor Set Terminator (2048 bytes). */
export function serializeTerminator(): Uint8Array {
  const b = new Uint8Array(SECTOR_SIZE);
  b[0] = VolumeDescriptorType.TERMINATOR;
  writeStrA(b, 1, 5, STANDARD_IDENTIFIER);
  b[6] = 1;
  return b;
}

/** ECMA-119 8.2 Boot Record (2048 bytes); El Torito: bootSystemId "EL TORITO SPECIFICATION", catalog LBA in bootSystemUse[0..3] LE. */
export function serializeBootRecord(init: { bootSystemId: string; bootId?: string; bootSystemUse?: Uint8Array }): Uint8Array {
  const b = new Uint8Array(SECTOR_SIZE);
  b[0] = VolumeDescriptorType.BOOT_RECORD;
  writeStrA(b, 1, 5, STANDARD_IDENTIFIER);
  b[6] = 1;
  writeStrA(b, 7, 32, init.bootSystemId, 0);
  writeStrA(b, 39, 32, init.bootId ?? '', 0);
  if (init.bootSystemUse) b.set(init.bootSystemUse.subarray(0, SECTOR_SIZE - 71), 71);
  return b;
}
