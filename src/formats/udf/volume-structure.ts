/**
 * ECMA-167 2/9 Volume Structure Descriptors: the Volume Recognition Sequence (2/8.3) from byte 32768.
 *
 * ```
 * RBP 0  u8       Structure Type (0)
 * RBP 1  char[5]  Standard Identifier: BEA01 (2/9.2), NSR02 / NSR03 (3/9.1), TEA01 (2/9.3),
 *                 BOOT2 (2/9.4), CD001 / CDW02 (ECMA-119 / ECMA-168 descriptors before the extended area)
 * RBP 6  u8       Structure Version (1)
 * RBP 7           Structure Data (2041 bytes)
 * ```
 * Each descriptor takes 2048 bytes; with blocks larger than 2048 bytes, each starts a new block
 * (2/8.4, so the stride is max(2048, block size)). An ISO 9660 bridge image puts BEA01, NSR0x and TEA01
 * right after the ISO 9660 terminator.
 */
import { needBytes } from './descriptor-tag.js';

export const VOLUME_STRUCTURE_DESCRIPTOR_LENGTH = 2048;
/** 2/8.3: the Volume Recognition Sequence starts at byte 32768. */
export const VRS_BYTE_OFFSET = 32768;

export const VsdIdentifier = { BEA01: 'BEA01', NSR02: 'NSR02', NSR03: 'NSR03', TEA01: 'TEA01', BOOT2: 'BOOT2', CD001: 'CD001', CDW02: 'CDW02' } as const;

export interface VolumeStructureDescriptor {
  readonly structureType: number;
  readonly identifier: string;
  readonly version: number;
  /** bytes 7-2047 (a view into the input) */
  readonly data: Uint8Array;
}

export function parseVolumeStructureDescriptor(b: Uint8Array, o = 0, byteOffset?: number): VolumeStructureDescriptor {
  needBytes(b, o, 7, 'VolumeStructureDescriptor', byteOffset);
  let identifier = '';
  for (let i = 1; i <= 5; i++) identifier += String.fromCharCode(b[o + i] as number);
  return { structureType: b[o] as number, identifier, version: b[o + 6] as number, data: b.subarray(o + 7, Math.min(b.length, o + VOLUME_STRUCTURE_DESCRIPTOR_LENGTH)) };
}

export interface VolumeStructureDescriptorInit {
  readonly identifier: string;
  readonly structureType?: number;
  readonly version?: number;
  readonly data?: Uint8Array;
}

/** 2048 bytes (the data zero-filled unless given). */
export function serializeVolumeStructureDescriptor(d: VolumeStructureDescriptorInit): Uint8Array {
  const b = new Uint8Array(VOLUME_STRUCTURE_DESCRIPTOR_LENGTH);
  b[0] = d.structureType ?? 0;
  for (let i = 0; i < 5; i++) b[1 + i] = d.identifier.charCodeAt(i) & 0xff;
  b[6] = d.version ?? 1;
  if (d.data) b.set(d.data.subarray(0, VOLUME_STRUCTURE_DESCRIPTOR_LENGTH - 7), 7);
  return b;
}

/** Where the k-th descriptor of the sequence starts for a block size (2/8.4). */
export const vrsDescriptorOffset = (k: number, blockSize: number): number => VRS_BYTE_OFFSET + k * Math.max(VOLUME_STRUCTURE_DESCRIPTOR_LENGTH, blockSize);
