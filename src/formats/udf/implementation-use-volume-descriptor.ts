/**
 * ECMA-167 3/10.4 Implementation Use Volume Descriptor (tag 4), 512 bytes, and UDF 2.2.7.2 LVInformation,
 * its content when the Implementation Identifier is "*UDF LV Info".
 *
 * ```
 * RBP 0   tag        Descriptor Tag (4)
 * RBP 16  u32        Volume Descriptor Sequence Number
 * RBP 20  regid      Implementation Identifier ("*UDF LV Info", UDF Identifier Suffix)
 * RBP 52  byte[460]  Implementation Use:
 *   RBP 52   charspec    LVICharset
 *   RBP 116  dstring128  Logical Volume Identifier
 *   RBP 244  dstring36   LVInfo1 (owner name)
 *   RBP 280  dstring36   LVInfo2 (organization)
 *   RBP 316  dstring36   LVInfo3 (contact)
 *   RBP 352  regid       Implementation ID
 *   RBP 384  byte[128]   Implementation Use
 * ```
 */
import { readU32LE, writeU32LE } from '../../bytes/index.js';
import { TagIdentifier, needBytes, parseDescriptorTag, writeDescriptorTag, type DescriptorTag, type DescriptorTagInit } from './descriptor-tag.js';
import { parseCharspec, readDString, writeCharspec, writeDString, type Charspec } from './cs0.js';
import { EntityIdentifier, parseEntityId, writeEntityId, type EntityId } from './entity-id.js';

export const IMPLEMENTATION_USE_VOLUME_DESCRIPTOR_LENGTH = 512;

/** UDF 2.2.7.2 */
export interface LvInformation {
  readonly charset: Charspec;
  readonly logicalVolumeIdentifier: string;
  readonly info1: string;
  readonly info2: string;
  readonly info3: string;
  readonly implementationIdentifier: EntityId;
  readonly implementationUse: Uint8Array;
}

export interface ImplementationUseVolumeDescriptorFields {
  readonly vdsNumber: number;
  readonly implementationIdentifier: EntityId;
  /** set when the identifier is "*UDF LV Info" */
  readonly lvInformation?: LvInformation;
  /** the 460 raw bytes, when they are not LVInformation */
  readonly implementationUse?: Uint8Array;
}
export interface ImplementationUseVolumeDescriptor extends ImplementationUseVolumeDescriptorFields {
  readonly tag: DescriptorTag;
}
export interface ImplementationUseVolumeDescriptorInit extends ImplementationUseVolumeDescriptorFields {
  readonly tag: DescriptorTagInit;
}

export function parseImplementationUseVolumeDescriptor(b: Uint8Array, byteOffset?: number): ImplementationUseVolumeDescriptor {
  needBytes(b, 0, IMPLEMENTATION_USE_VOLUME_DESCRIPTOR_LENGTH, 'ImplementationUseVolumeDescriptor', byteOffset);
  const implementationIdentifier = parseEntityId(b, 20);
  const base = { tag: parseDescriptorTag(b, 0, byteOffset), vdsNumber: readU32LE(b, 16), implementationIdentifier };
  if (implementationIdentifier.identifier !== EntityIdentifier.LV_INFO) return { ...base, implementationUse: b.slice(52, 512) };
  return {
    ...base,
    lvInformation: {
      charset: parseCharspec(b, 52),
      logicalVolumeIdentifier: readDString(b, 116, 128),
      info1: readDString(b, 244, 36),
      info2: readDString(b, 280, 36),
      info3: readDString(b, 316, 36),
      implementationIdentifier: parseEntityId(b, 352),
      implementationUse: b.slice(384, 512),
    },
  };
}

export function serializeImplementationUseVolumeDescriptor(d: ImplementationUseVolumeDescriptorInit): Uint8Array {
  const b = new Uint8Array(IMPLEMENTATION_USE_VOLUME_DESCRIPTOR_LENGTH);
  writeU32LE(b, 16, d.vdsNumber);
  writeEntityId(b, 20, d.implementationIdentifier);
  const lv = d.lvInformation;
  if (lv) {
    writeCharspec(b, 52, lv.charset);
    writeDString(b, 116, 128, lv.logicalVolumeIdentifier);
    writeDString(b, 244, 36, lv.info1);
    writeDString(b, 280, 36, lv.info2);
    writeDString(b, 316, 36, lv.info3);
    writeEntityId(b, 352, lv.implementationIdentifier);
    b.set(lv.implementationUse.subarray(0, 128), 384);
  } else if (d.implementationUse) {
    b.set(d.implementationUse.subarray(0, 460), 52);
  }
  writeDescriptorTag(b, TagIdentifier.IMPLEMENTATION_USE_VOLUME, d.tag);
  return b;
}
