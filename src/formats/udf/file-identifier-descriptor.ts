/**
 * ECMA-167 4/14.4 File Identifier Descriptor (tag 257): one entry of a directory; UDF 2.3.4.
 *
 * ```
 * RBP 0         tag        Descriptor Tag (257)
 * RBP 16        u16        File Version Number (UDF: 1)
 * RBP 18        u8         File Characteristics: bit 0 existence (hidden), 1 directory, 2 deleted,
 *                          3 parent, 4 metadata (a stream, UDF 2.00+)
 * RBP 19        u8         Length of File Identifier (L_FI)
 * RBP 20        long_ad    ICB (the File Entry; its implementation use holds the low 32 bits of the
 *                          Unique ID, UDF 2.3.4.3)
 * RBP 36        u16        Length of Implementation Use (L_IU)
 * RBP 38        byte[L_IU] Implementation Use (UDF: an EntityID first when L_IU > 0)
 * RBP 38+L_IU   d-chars    File Identifier (L_FI bytes of CS0; empty for the parent entry)
 *               byte[]     Padding (0) to a multiple of 4: 4·ceil((L_FI + L_IU + 38) / 4) bytes in all
 * ```
 * FIDs follow one another in the directory's data and may cross block boundaries (4/8.6).
 */
import { readU16LE, writeU16LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { TagIdentifier, parseDescriptorTag, writeDescriptorTag, type DescriptorTag, type DescriptorTagInit } from './descriptor-tag.js';
import { parseLongAd, writeLongAd, type AllocationDescriptor } from './allocation-descriptors.js';

export const FID_FIXED_LENGTH = 38;
/** Byte positions (the table above), for readers that take single fields of many FIDs. */
export const FidField = { FILE_VERSION: 16, CHARACTERISTICS: 18, IDENTIFIER_LENGTH: 19, ICB: 20, IMPLEMENTATION_USE_LENGTH: 36 } as const;

export const FileCharacteristic = { HIDDEN: 1, DIRECTORY: 2, DELETED: 4, PARENT: 8, METADATA: 16 } as const;

export interface FileIdentifierDescriptorFields {
  readonly fileVersionNumber: number;
  readonly characteristics: number;
  readonly icb: AllocationDescriptor;
  /** L_IU bytes (a view into the input) */
  readonly implementationUse: Uint8Array;
  /** the File Identifier: L_FI bytes of CS0 d-characters, compression ID first (a view into the input) */
  readonly identifier: Uint8Array;
}
export interface FileIdentifierDescriptor extends FileIdentifierDescriptorFields {
  readonly tag: DescriptorTag;
  /** bytes the descriptor takes, padding included */
  readonly byteLength: number;
}
export interface FileIdentifierDescriptorInit extends FileIdentifierDescriptorFields {
  readonly tag: DescriptorTagInit;
}

/** 4/14.4.9: the length of a FID with these L_IU and L_FI, padding included. */
export const sizeOfFileIdentifierDescriptor = (implementationUseLength: number, identifierLength: number): number =>
  4 * Math.ceil((FID_FIXED_LENGTH + implementationUseLength + identifierLength) / 4);

/**
 * Parse the FID at `b[o]`. Throws CORRUPT when its fixed part or the L_IU + L_FI bytes it announces do not
 * fit `b` (the padding may be cut off at the end of the data). No tag checks here.
 */
export function parseFileIdentifierDescriptor(b: Uint8Array, o: number, byteOffset?: number): FileIdentifierDescriptor {
  const liu = o + FID_FIXED_LENGTH <= b.length ? readU16LE(b, o + FidField.IMPLEMENTATION_USE_LENGTH) : 0;
  const lfi = b[o + FidField.IDENTIFIER_LENGTH] ?? 0;
  if (o + FID_FIXED_LENGTH + liu + lfi > b.length) {
    throw new IsoKitError(ErrorCode.CORRUPT, `File Identifier Descriptor of ${FID_FIXED_LENGTH + liu + lfi} bytes runs past the directory data (${b.length - o} bytes left)`, {
      ...(byteOffset !== undefined ? { byteOffset } : {}),
      structure: 'FileIdentifierDescriptor',
    });
  }
  const iu = o + FID_FIXED_LENGTH;
  return {
    tag: parseDescriptorTag(b, o, byteOffset),
    fileVersionNumber: readU16LE(b, o + FidField.FILE_VERSION),
    characteristics: b[o + FidField.CHARACTERISTICS] as number,
    icb: parseLongAd(b, o + FidField.ICB),
    implementationUse: b.subarray(iu, iu + liu),
    identifier: b.subarray(iu + liu, iu + liu + lfi),
    byteLength: sizeOfFileIdentifierDescriptor(liu, lfi),
  };
}

/** The FID, padded to a multiple of 4 bytes (the CRC covers the whole descriptor after the tag by default). */
export function serializeFileIdentifierDescriptor(d: FileIdentifierDescriptorInit): Uint8Array {
  const liu = d.implementationUse.length;
  const lfi = d.identifier.length;
  if (lfi > 255 || liu > 0xffff) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `file identifier of ${lfi} bytes (max 255) or implementation use of ${liu} bytes`, { structure: 'FileIdentifierDescriptor' });
  }
  const b = new Uint8Array(sizeOfFileIdentifierDescriptor(liu, lfi));
  writeU16LE(b, 16, d.fileVersionNumber);
  b[18] = d.characteristics;
  b[19] = lfi;
  writeLongAd(b, 20, d.icb);
  writeU16LE(b, 36, liu);
  b.set(d.implementationUse, FID_FIXED_LENGTH);
  b.set(d.identifier, FID_FIXED_LENGTH + liu);
  writeDescriptorTag(b, TagIdentifier.FILE_IDENTIFIER, d.tag);
  return b;
}
