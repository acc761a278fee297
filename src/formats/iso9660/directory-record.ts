/**
 * ECMA-119 9.1 Directory Record.
 *
 * ```
 * BP 1      length of directory record (LEN_DR)          9.1.1
 * BP 2      extended attribute record length             9.1.2
 * BP 3-10   location of extent (LBA), both-endian        9.1.3
 * BP 11-18  data length, both-endian                     9.1.4
 * BP 19-25  recording date and time (7 bytes)            9.1.5
 * BP 26     file flags                                   9.1.6
 * BP 27     file unit size                               9.1.7
 * BP 28     interleave gap size                          9.1.8
 * BP 29-32  volume sequence number, both-endian (16-bit) 9.1.9
 * BP 33     length of file identifier (LEN_FI)           9.1.10
 * BP 34-    file identifier, padding byte if LEN_FI even  9.1.11, 9.1.12
 *           system use (SUSP / Rock Ridge)               9.1.13
 * ```
 * A record never crosses a logical sector boundary (6.8.1.1); a length byte of 0 means "the rest of this
 * sector is padding". The record length is always even (this module pads the system use area when needed).
 */
import { readDate7, readU16Both, readU32Both, writeDate7, writeU16Both, writeU32Both } from '../../bytes/index.js';
import { ErrorCode, IsoKitError, type Findings, FindingCode } from '../../errors/index.js';

/** ECMA-119 9.1.6 file flags. */
export const DirFlag = {
  /** "Existence": the file need not be made known to the user */
  HIDDEN: 1,
  DIRECTORY: 2,
  /** associated file (9.1.6, 6.5.4) */
  ASSOCIATED: 4,
  /** record format specified in the extended attribute record */
  RECORD: 8,
  /** owner/group/permissions specified in the extended attribute record */
  PROTECTION: 16,
  /** not the final directory record of the file (multi-extent, 6.5.1) */
  MULTI_EXTENT: 128,
} as const;

/** Fixed part of a directory record before the file identifier (9.1.1-9.1.10). */
export const DIRECTORY_RECORD_FIXED_LENGTH = 33;
/** The root directory record embedded in a volume descriptor has a one-byte identifier: 34 bytes. */
export const ROOT_DIRECTORY_RECORD_LENGTH = 34;

export interface DirectoryRecord {
  /** LEN_DR (9.1.1) */
  readonly recordLength: number;
  readonly extAttrLength: number;
  readonly lba: number;
  readonly dataLength: number;
  /** ms since the epoch (UTC), undefined when "not specified" */
  readonly recordedAtMs: number | undefined;
  /** stored GMT offset in 15-minute units */
  readonly gmtOffset: number;
  readonly flags: number;
  readonly fileUnitSize: number;
  readonly interleaveGap: number;
  readonly volumeSequenceNumber: number;
  /** the raw file identifier bytes (a view into the input, not a copy) */
  readonly identifier: Uint8Array;
  /** the raw system use area (a view into the input; may end with a padding zero) */
  readonly systemUse: Uint8Array;
  /** where the record sits in the image */
  readonly byteOffset: number;
}

export interface DirectoryRecordInit {
  lba: number;
  dataLength: number;
  recordedAtMs: number | undefined;
  /** GMT offset in 15-minute units (default 0) */
  gmtOffset?: number;
  flags: number;
  volumeSequenceNumber?: number;
  identifier: Uint8Array;
  systemUse?: Uint8Array;
  extAttrLength?: number;
  fileUnitSize?: number;
  interleaveGap?: number;
}

/** Bytes a record with these identifier and system-use lengths takes (even, 9.1.1 / 9.1.12). */
export function sizeOfDirectoryRecord(identifierByteLength: number, systemUseByteLength = 0): number {
  const base = DIRECTORY_RECORD_FIXED_LENGTH + identifierByteLength + (identifierByteLength % 2 === 0 ? 1 : 0);
  const n = base + systemUseByteLength;
  return n % 2 === 0 ? n : n + 1;
}

/** Offset of the system use area inside a record with this identifier length. */
export const systemUseOffset = (identifierByteLength: number): number =>
  DIRECTORY_RECORD_FIXED_LENGTH + identifierByteLength + (identifierByteLength % 2 === 0 ? 1 : 0);

/** Serialize one directory record (9.1). Throws INVALID_ARGUMENT when it cannot fit in 255 bytes. */
export function serializeDirectoryRecord(init: DirectoryRecordInit): Uint8Array {
  const su = init.systemUse ?? new Uint8Array(0);
  const idLen = init.identifier.length;
  const len = sizeOfDirectoryRecord(idLen, su.length);
  if (idLen < 1 || len > 255) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `directory record of ${len} bytes (identifier ${idLen}, system use ${su.length}) does not fit`, {
      structure: 'DirectoryRecord',
    });
  }
  const b = new Uint8Array(len);
  b[0] = len;
  b[1] = init.extAttrLength ?? 0;
  writeU32Both(b, 2, init.lba);
  writeU32Both(b, 10, init.dataLength);
  writeDate7(b, 18, init.recordedAtMs, init.gmtOffset ?? 0);
  b[25] = init.flags;
  b[26] = init.fileUnitSize ?? 0;
  b[27] = init.interleaveGap ?? 0;
  writeU16Both(b, 28, init.volumeSequenceNumber ?? 1);
  b[32] = idLen;
  b.set(init.identifier, 33);
  b.set(su, systemUseOffset(idLen));
  return b;
}

/**
 * Parse the directory record at `bytes[offset]`; `byteOffset` is its position in the image (for findings).
 * Returns undefined when the length byte is 0 (padding to the end of the sector) or when the record is too
 * short or runs past the buffer (reported as a finding).
 */
export function parseDirectoryRecord(bytes: Uint8Array, offset: number, byteOffset: number, findings: Findings): DirectoryRecord | undefined {
  const len = bytes[offset] ?? 0;
  if (len === 0) return undefined;
  const idLen = bytes[offset + 32] ?? 0;
  if (len < DIRECTORY_RECORD_FIXED_LENGTH + 1 || offset + len > bytes.length || DIRECTORY_RECORD_FIXED_LENGTH + idLen > len) {
    findings.error(FindingCode.DIR_RECORD_LENGTH, `record length ${len} (identifier length ${idLen}) is invalid`, byteOffset, 'DirectoryRecord');
    return undefined;
  }
  const lba = readU32Both(bytes, offset + 2);
  const dataLength = readU32Both(bytes, offset + 10);
  const seq = readU16Both(bytes, offset + 28);
  if (lba.mismatch || dataLength.mismatch) {
    findings.warn(FindingCode.BOTH_ENDIAN_MISMATCH, `both-endian halves of ${lba.mismatch ? 'extent location' : 'data length'} disagree (using little-endian)`, byteOffset, 'DirectoryRecord');
  }
  const date = readDate7(bytes, offset + 18);
  if (!date.offsetValid) findings.info(FindingCode.BAD_GMT_OFFSET, `GMT offset ${date.gmtOffset} out of range, treated as 0`, byteOffset + 24, 'DirectoryRecord');
  const suStart = Math.min(len, systemUseOffset(idLen));
  return {
    recordLength: len,
    extAttrLength: bytes[offset + 1] ?? 0,
    lba: lba.value,
    dataLength: dataLength.value,
    recordedAtMs: date.ms,
    gmtOffset: date.gmtOffset,
    flags: bytes[offset + 25] ?? 0,
    fileUnitSize: bytes[offset + 26] ?? 0,
    interleaveGap: bytes[offset + 27] ?? 0,
    volumeSequenceNumber: seq.value,
    identifier: bytes.subarray(offset + 33, offset + 33 + idLen),
    systemUse: bytes.subarray(offset + suStart, offset + len),
    byteOffset,
  };
}

/** The identifier of the "." record (9.1.11). */
export const SELF_IDENTIFIER: Uint8Array = Uint8Array.of(0);
/** The identifier of the ".." record (9.1.11). */
export const PARENT_IDENTIFIER: Uint8Array = Uint8Array.of(1);

/** True for the "." (0x00) or ".." (0x01) records. */
export const isSpecialIdentifier = (id: Uint8Array): boolean => id.length === 1 && ((id[0] as number) === 0 || (id[0] as number) === 1);
