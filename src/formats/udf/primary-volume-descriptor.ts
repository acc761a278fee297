/**
 * ECMA-167 3/10.1 Primary Volume Descriptor (tag 1), 512 bytes; UDF 2.2.2.
 *
 * ```
 * RBP 0    tag        Descriptor Tag (1)
 * RBP 16   u32        Volume Descriptor Sequence Number
 * RBP 20   u32        Primary Volume Descriptor Number
 * RBP 24   dstring32  Volume Identifier
 * RBP 56   u16        Volume Sequence Number
 * RBP 58   u16        Maximum Volume Sequence Number
 * RBP 60   u16        Interchange Level
 * RBP 62   u16        Maximum Interchange Level
 * RBP 64   u32        Character Set List
 * RBP 68   u32        Maximum Character Set List
 * RBP 72   dstring128 Volume Set Identifier (UDF 2.2.2.5: 16 hex digits of a unique value first)
 * RBP 200  charspec   Descriptor Character Set
 * RBP 264  charspec   Explanatory Character Set
 * RBP 328  extent_ad  Volume Abstract
 * RBP 336  extent_ad  Volume Copyright Notice
 * RBP 344  regid      Application Identifier
 * RBP 376  timestamp  Recording Date and Time
 * RBP 388  regid      Implementation Identifier
 * RBP 420  byte[64]   Implementation Use
 * RBP 484  u32        Predecessor Volume Descriptor Sequence Location
 * RBP 488  u16        Flags (bit 0: volume set identification is common)
 * RBP 490  byte[22]   Reserved (0)
 * ```
 */
import { readU16LE, readU32LE, writeU16LE, writeU32LE } from '../../bytes/index.js';
import { TagIdentifier, needBytes, parseDescriptorTag, writeDescriptorTag, type DescriptorTag, type DescriptorTagInit } from './descriptor-tag.js';
import { parseCharspec, readDString, writeCharspec, writeDString, type Charspec } from './cs0.js';
import { parseExtentAd, writeExtentAd, type ExtentAd } from './allocation-descriptors.js';
import { parseEntityId, writeEntityId, type EntityId } from './entity-id.js';
import { parseTimestamp, writeTimestamp, type UdfTimestamp } from './timestamp.js';

export const PRIMARY_VOLUME_DESCRIPTOR_LENGTH = 512;

export interface PrimaryVolumeDescriptorFields {
  readonly vdsNumber: number;
  readonly primaryVolumeDescriptorNumber: number;
  readonly volumeIdentifier: string;
  readonly volumeSequenceNumber: number;
  readonly maxVolumeSequenceNumber: number;
  readonly interchangeLevel: number;
  readonly maxInterchangeLevel: number;
  readonly characterSetList: number;
  readonly maxCharacterSetList: number;
  readonly volumeSetIdentifier: string;
  readonly descriptorCharset: Charspec;
  readonly explanatoryCharset: Charspec;
  readonly volumeAbstract: ExtentAd;
  readonly volumeCopyrightNotice: ExtentAd;
  readonly applicationIdentifier: EntityId;
  readonly recordingTime: UdfTimestamp;
  readonly implementationIdentifier: EntityId;
  readonly implementationUse: Uint8Array;
  readonly predecessorVdsLocation: number;
  readonly flags: number;
}

export interface PrimaryVolumeDescriptor extends PrimaryVolumeDescriptorFields {
  readonly tag: DescriptorTag;
}
export interface PrimaryVolumeDescriptorInit extends PrimaryVolumeDescriptorFields {
  readonly tag: DescriptorTagInit;
}

export function parsePrimaryVolumeDescriptor(b: Uint8Array, byteOffset?: number): PrimaryVolumeDescriptor {
  needBytes(b, 0, PRIMARY_VOLUME_DESCRIPTOR_LENGTH, 'PrimaryVolumeDescriptor', byteOffset);
  return {
    tag: parseDescriptorTag(b, 0, byteOffset),
    vdsNumber: readU32LE(b, 16),
    primaryVolumeDescriptorNumber: readU32LE(b, 20),
    volumeIdentifier: readDString(b, 24, 32),
    volumeSequenceNumber: readU16LE(b, 56),
    maxVolumeSequenceNumber: readU16LE(b, 58),
    interchangeLevel: readU16LE(b, 60),
    maxInterchangeLevel: readU16LE(b, 62),
    characterSetList: readU32LE(b, 64),
    maxCharacterSetList: readU32LE(b, 68),
    volumeSetIdentifier: readDString(b, 72, 128),
    descriptorCharset: parseCharspec(b, 200),
    explanatoryCharset: parseCharspec(b, 264),
    volumeAbstract: parseExtentAd(b, 328),
    volumeCopyrightNotice: parseExtentAd(b, 336),
    applicationIdentifier: parseEntityId(b, 344),
    recordingTime: parseTimestamp(b, 376),
    implementationIdentifier: parseEntityId(b, 388),
    implementationUse: b.slice(420, 484),
    predecessorVdsLocation: readU32LE(b, 484),
    flags: readU16LE(b, 488),
  };
}

export function serializePrimaryVolumeDescriptor(d: PrimaryVolumeDescriptorInit): Uint8Array {
  const b = new Uint8Array(PRIMARY_VOLUME_DESCRIPTOR_LENGTH);
  writeU32LE(b, 16, d.vdsNumber);
  writeU32LE(b, 20, d.primaryVolumeDescriptorNumber);
  writeDString(b, 24, 32, d.volumeIdentifier);
  writeU16LE(b, 56, d.volumeSequenceNumber);
  writeU16LE(b, 58, d.maxVolumeSequenceNumber);
  writeU16LE(b, 60, d.interchangeLevel);
  writeU16LE(b, 62, d.maxInterchangeLevel);
  writeU32LE(b, 64, d.characterSetList);
  writeU32LE(b, 68, d.maxCharacterSetList);
  writeDString(b, 72, 128, d.volumeSetIdentifier);
  writeCharspec(b, 200, d.descriptorCharset);
  writeCharspec(b, 264, d.explanatoryCharset);
  writeExtentAd(b, 328, d.volumeAbstract);
  writeExtentAd(b, 336, d.volumeCopyrightNotice);
  writeEntityId(b, 344, d.applicationIdentifier);
  writeTimestamp(b, 376, d.recordingTime);
  writeEntityId(b, 388, d.implementationIdentifier);
  b.set(d.implementationUse.subarray(0, 64), 420);
  writeU32LE(b, 484, d.predecessorVdsLocation);
  writeU16LE(b, 488, d.flags);
  writeDescriptorTag(b, TagIdentifier.PRIMARY_VOLUME, d.tag);
  return b;
}
