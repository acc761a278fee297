/**
 * ECMA-167 4/14.10 Extended Attributes: the EA space of a File Entry starts with an Extended Attribute
 * Header Descriptor, then the attributes; UDF 3.3.4.
 *
 * Extended Attribute Header Descriptor (tag 262), 24 bytes:
 * ```
 * RBP 0   tag  Descriptor Tag (262)
 * RBP 16  u32  Implementation Attributes Location (byte offset in the EA space)
 * RBP 20  u32  Application Attributes Location
 * ```
 * Each attribute (4/14.10.2):
 * ```
 * RBP 0   u32  Attribute Type (12: Device Specification; 2048: Implementation Use; 65536: Application Use; …)
 * RBP 4   u8   Attribute Subtype (1)
 * RBP 5   byte[3] Reserved
 * RBP 8   u32  Attribute Length (whole attribute)
 * RBP 12       Attribute Data
 * ```
 * Device Specification (4/14.10.7), type 12: RBP 12 u32 Implementation Use Length, RBP 16 u32 Major Device
 * Identification, RBP 20 u32 Minor Device Identification, RBP 24 Implementation Use.
 * Implementation Use (4/14.10.8), type 2048: RBP 12 u32 Implementation Use Length, RBP 16 regid, RBP 48 data.
 */
import { readU32LE, writeU32LE } from '../../bytes/index.js';
import { TagIdentifier, writeDescriptorTag, type DescriptorTagInit } from './descriptor-tag.js';
import { parseEntityId } from './entity-id.js';

export const EA_HEADER_LENGTH = 24;
export const ExtendedAttributeType = { CHARACTER_SET: 1, ALTERNATE_PERMISSIONS: 3, FILE_TIMES: 5, INFORMATION_TIMES: 6, DEVICE_SPECIFICATION: 12, IMPLEMENTATION_USE: 2048, APPLICATION_USE: 65536 } as const;

export interface ExtendedAttribute {
  readonly type: number;
  readonly subtype: number;
  /** bytes from RBP 12 to the end of the attribute (a view into the input) */
  readonly data: Uint8Array;
  /** offset of the attribute in the EA space */
  readonly offset: number;
}

export interface ExtendedAttributeSpace {
  readonly implementationAttributesLocation: number;
  readonly applicationAttributesLocation: number;
  readonly attributes: ExtendedAttribute[];
  /** what did not parse (an attribute length that does not fit, a missing header) */
  readonly problem?: string;
}

/** The attributes of an EA space (a File Entry's L_EA bytes). Never throws: damage ends the list with `problem`. */
export function parseExtendedAttributes(ea: Uint8Array): ExtendedAttributeSpace {
  if (ea.length < EA_HEADER_LENGTH || (ea[0] as number) + (ea[1] as number) * 256 !== TagIdentifier.EXTENDED_ATTRIBUTE_HEADER) {
    return { implementationAttributesLocation: 0, applicationAttributesLocation: 0, attributes: [], problem: 'no Extended Attribute Header Descriptor' };
  }
  const attributes: ExtendedAttribute[] = [];
  let o = EA_HEADER_LENGTH;
  while (o + 12 <= ea.length) {
    const len = readU32LE(ea, o + 8);
    if (len < 12 || o + len > ea.length) {
      return { implementationAttributesLocation: readU32LE(ea, 16), applicationAttributesLocation: readU32LE(ea, 20), attributes, problem: `attribute at ${o} has length ${len}` };
    }
    attributes.push({ type: readU32LE(ea, o), subtype: ea[o + 4] as number, data: ea.subarray(o + 12, o + len), offset: o });
    o += len;
  }
  return { implementationAttributesLocation: readU32LE(ea, 16), applicationAttributesLocation: readU32LE(ea, 20), attributes };
}

/** The device numbers of a Device Specification attribute (undefined when it is too short). */
export function deviceOf(a: ExtendedAttribute): { major: number; minor: number } | undefined {
  if (a.type !== ExtendedAttributeType.DEVICE_SPECIFICATION || a.data.length < 12) return undefined;
  return { major: readU32LE(a.data, 4), minor: readU32LE(a.data, 8) };
}

/** The identifier of an Implementation Use or Application Use attribute ("*UDF FreeEASpace", …). */
export function attributeIdentifier(a: ExtendedAttribute): string | undefined {
  if ((a.type !== ExtendedAttributeType.IMPLEMENTATION_USE && a.type !== ExtendedAttributeType.APPLICATION_USE) || a.data.length < 36) return undefined;
  return parseEntityId(a.data, 4).identifier;
}

/** An EA space: the header, then the attributes in order (each padded to 4 bytes). */
export function serializeExtendedAttributes(tag: DescriptorTagInit, attributes: readonly { type: number; subtype?: number; data: Uint8Array }[]): Uint8Array {
  const sizes = attributes.map((a) => 12 + a.data.length + ((4 - ((12 + a.data.length) % 4)) % 4));
  const total = EA_HEADER_LENGTH + sizes.reduce((n, s) => n + s, 0);
  const b = new Uint8Array(total);
  let o = EA_HEADER_LENGTH;
  let implementationAt = total;
  let applicationAt = total;
  attributes.forEach((a, i) => {
    if (a.type >= ExtendedAttributeType.APPLICATION_USE) applicationAt = Math.min(applicationAt, o);
    else if (a.type >= ExtendedAttributeType.IMPLEMENTATION_USE) implementationAt = Math.min(implementationAt, o);
    writeU32LE(b, o, a.type);
    b[o + 4] = a.subtype ?? 1;
    writeU32LE(b, o + 8, sizes[i] as number);
    b.set(a.data, o + 12);
    o += sizes[i] as number;
  });
  // 4/14.10.1: with no implementation (application) attributes, the location points past the space
  writeU32LE(b, 16, implementationAt);
  writeU32LE(b, 20, applicationAt);
  writeDescriptorTag(b.subarray(0, EA_HEADER_LENGTH), TagIdentifier.EXTENDED_ATTRIBUTE_HEADER, { crcLength: 8, ...tag });
  return b;
}

/** The data of a Device Specification attribute (type 12). */
export function deviceSpecificationData(major: number, minor: number): Uint8Array {
  const d = new Uint8Array(12);
  writeU32LE(d, 0, 0);
  writeU32LE(d, 4, major);
  writeU32LE(d, 8, minor);
  return d;
}
