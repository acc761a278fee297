/**
 * ECMA-167 4/14.1 File Set Descriptor (tag 256), 512 bytes; UDF 2.3.2.
 *
 * ```
 * RBP 0    tag         Descriptor Tag (256)
 * RBP 16   timestamp   Recording Date and Time
 * RBP 28   u16         Interchange Level
 * RBP 30   u16         Maximum Interchange Level
 * RBP 32   u32         Character Set List
 * RBP 36   u32         Maximum Character Set List
 * RBP 40   u32         File Set Number
 * RBP 44   u32         File Set Descriptor Number
 * RBP 48   charspec    Logical Volume Identifier Character Set
 * RBP 112  dstring128  Logical Volume Identifier
 * RBP 240  charspec    File Set Character Set
 * RBP 304  dstring32   File Set Identifier
 * RBP 336  dstring32   Copyright File Identifier
 * RBP 368  dstring32   Abstract File Identifier
 * RBP 400  long_ad     Root Directory ICB
 * RBP 416  regid       Domain Identifier
 * RBP 448  long_ad     Next Extent (of the File Set Descriptor Sequence)
 * RBP 464  long_ad     System Stream Directory ICB (UDF 2.00+)
 * RBP 480  byte[32]    Reserved (0)
 * ```
 */
import { readU16LE, readU32LE, writeU16LE, writeU32LE } from '../../bytes/index.js';
import { TagIdentifier, needBytes, parseDescriptorTag, writeDescriptorTag, type DescriptorTag, type DescriptorTagInit } from './descriptor-tag.js';
import { parseCharspec, readDString, writeCharspec, writeDString, type Charspec } from './cs0.js';
import { parseEntityId, writeEntityId, type EntityId } from './entity-id.js';
import { parseLongAd, writeLongAd, type AllocationDescriptor } from './allocation-descriptors.js';
import { parseTimestamp, writeTimestamp, type UdfTimestamp } from './timestamp.js';

export const FILE_SET_DESCRIPTOR_LENGTH = 512;

export interface FileSetDescriptorFields {
  readonly recordingTime: UdfTimestamp;
  readonly interchangeLevel: number;
  readonly maxInterchangeLevel: number;
  readonly characterSetList: number;
  readonly maxCharacterSetList: number;
  readonly fileSetNumber: number;
  readonly fileSetDescriptorNumber: number;
  readonly logicalVolumeIdentifierCharset: Charspec;
  readonly logicalVolumeIdentifier: string;
  readonly fileSetCharset: Charspec;
  readonly fileSetIdentifier: string;
  readonly copyrightFileIdentifier: string;
  readonly abstractFileIdentifier: string;
  readonly rootDirectoryIcb: AllocationDescriptor;
  readonly domainIdentifier: EntityId;
  readonly nextExtent: AllocationDescriptor;
  readonly systemStreamDirectoryIcb: AllocationDescriptor;
}
export interface FileSetDescriptor extends FileSetDescriptorFields {
  readonly tag: DescriptorTag;
}
export interface FileSetDescriptorInit extends FileSetDescriptorFields {
  readonly tag: DescriptorTagInit;
}

export function parseFileSetDescriptor(b: Uint8Array, byteOffset?: number): FileSetDescriptor {
  needBytes(b, 0, FILE_SET_DESCRIPTOR_LENGTH, 'FileSetDescriptor', byteOffset);
  return {
    tag: parseDescriptorTag(b, 0, byteOffset),
    recordingTime: parseTimestamp(b, 16),
    interchangeLevel: readU16LE(b, 28),
    maxInterchangeLevel: readU16LE(b, 30),
    characterSetList: readU32LE(b, 32),
    maxCharacterSetList: readU32LE(b, 36),
    fileSetNumber: readU32LE(b, 40),
    fileSetDescriptorNumber: readU32LE(b, 44),
    logicalVolumeIdentifierCharset: parseCharspec(b, 48),
    logicalVolumeIdentifier: readDString(b, 112, 128),
    fileSetCharset: parseCharspec(b, 240),
    fileSetIdentifier: readDString(b, 304, 32),
    copyrightFileIdentifier: readDString(b, 336, 32),
    abstractFileIdentifier: readDString(b, 368, 32),
    rootDirectoryIcb: parseLongAd(b, 400),
    domainIdentifier: parseEntityId(b, 416),
    nextExtent: parseLongAd(b, 448),
    systemStreamDirectoryIcb: parseLongAd(b, 464),
  };
}

export function serializeFileSetDescriptor(d: FileSetDescriptorInit): Uint8Array {
  const b = new Uint8Array(FILE_SET_DESCRIPTOR_LENGTH);
  writeTimestamp(b, 16, d.recordingTime);
  writeU16LE(b, 28, d.interchangeLevel);
  writeU16LE(b, 30, d.maxInterchangeLevel);
  writeU32LE(b, 32, d.characterSetList);
  writeU32LE(b, 36, d.maxCharacterSetList);
  writeU32LE(b, 40, d.fileSetNumber);
  writeU32LE(b, 44, d.fileSetDescriptorNumber);
  writeCharspec(b, 48, d.logicalVolumeIdentifierCharset);
  writeDString(b, 112, 128, d.logicalVolumeIdentifier);
  writeCharspec(b, 240, d.fileSetCharset);
  writeDString(b, 304, 32, d.fileSetIdentifier);
  writeDString(b, 336, 32, d.copyrightFileIdentifier);
  writeDString(b, 368, 32, d.abstractFileIdentifier);
  writeLongAd(b, 400, d.rootDirectoryIcb);
  writeEntityId(b, 416, d.domainIdentifier);
  writeLongAd(b, 448, d.nextExtent);
  writeLongAd(b, 464, d.systemStreamDirectoryIcb);
  writeDescriptorTag(b, TagIdentifier.FILE_SET, d.tag);
  return b;
}
