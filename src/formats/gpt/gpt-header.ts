/**
 * GPT header (UEFI 2.x 5.3.2, table 5-5), in a 512-byte sector: "EFI PART", revision, header size (92),
 * header CRC32 (over headerSize bytes with the CRC field zeroed), reserved, my LBA, alternate LBA, first/last
 * usable LBA, disk GUID, partition entry LBA, number of entries, entry size, partition array CRC32.
 */
import { crc32, readStrA, readU32LE, readU64LE, writeU32LE, writeU64LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError, type Findings, FindingCode } from '../../errors/index.js';
import { formatGuid, guidBytes } from './guid.js';

export const GPT_SIGNATURE = 'EFI PART';
export const GPT_HEADER_BYTE_LENGTH = 92;
export const GPT_REVISION_1_0 = 0x00010000;
export const GPT_SECTOR_BYTE_LENGTH = 512;

export interface GptHeaderInit {
  readonly revision?: number;
  readonly myLba: number;
  readonly alternateLba: number;
  readonly firstUsableLba: number;
  readonly lastUsableLba: number;
  readonly diskGuid: string | Uint8Array;
  readonly partitionEntryLba: number;
  readonly partitionEntryCount: number;
  readonly partitionEntrySize?: number;
  /** CRC32 of the partition array (entryCount × entrySize bytes). */
  readonly partitionArrayCrc32: number;
}
export interface GptHeader extends GptHeaderInit {
  readonly revision: number;
  readonly headerByteLength: number;
  readonly headerCrc32: number;
  readonly headerCrcOk: boolean;
  readonly diskGuid: string;
  readonly partitionEntrySize: number;
  readonly byteOffset: number;
}

/** Header CRC32 over `headerByteLength` bytes of `sector` with bytes 16–19 taken as zero. */
export function gptHeaderCrc(sector: Uint8Array, headerByteLength = GPT_HEADER_BYTE_LENGTH): number {
  const copy = sector.slice(0, headerByteLength);
  copy.fill(0, 16, 20);
  return crc32(copy);
}

/**
 * Parse the header in `sector` (≥ 92 bytes). Undefined when the signature is not "EFI PART". A bad CRC, an
 * odd header size or entry size become findings; the values are returned as found.
 */
export function parseGptHeader(sector: Uint8Array, byteOffset: number, findings: Findings, S = 'GptHeader'): GptHeader | undefined {
  if (sector.length < GPT_HEADER_BYTE_LENGTH || readStrA(sector, 0, 8) !== GPT_SIGNATURE) return undefined;
  const revision = readU32LE(sector, 8);
  let headerByteLength = readU32LE(sector, 12);
  if (headerByteLength < GPT_HEADER_BYTE_LENGTH || headerByteLength > Math.min(sector.length, GPT_SECTOR_BYTE_LENGTH)) {
    findings.error(FindingCode.GPT_HEADER_SIZE, `header size ${headerByteLength} is outside 92..512`, byteOffset + 12, S);
    headerByteLength = GPT_HEADER_BYTE_LENGTH;
  }
  if (revision !== GPT_REVISION_1_0) findings.info(FindingCode.GPT_REVISION, `header revision 0x${revision.toString(16)} (expected 0x10000)`, byteOffset + 8, S);
  const headerCrc32 = readU32LE(sector, 16);
  const computed = gptHeaderCrc(sector, headerByteLength);
  const headerCrcOk = computed === headerCrc32;
  if (!headerCrcOk) {
    findings.error(FindingCode.GPT_HEADER_CRC, `header CRC32 0x${headerCrc32.toString(16)} does not match the computed 0x${computed.toString(16)}`, byteOffset + 16, S);
  }
  const partitionEntrySize = readU32LE(sector, 84);
  if (partitionEntrySize < 128 || partitionEntrySize % 128 !== 0 || partitionEntrySize > 4096) {
    findings.error(FindingCode.GPT_ENTRY_SIZE, `partition entry size ${partitionEntrySize} is not a multiple of 128 (≤ 4096)`, byteOffset + 84, S);
  }
  return {
    revision,
    headerByteLength,
    headerCrc32,
    headerCrcOk,
    myLba: readU64LE(sector, 24),
    alternateLba: readU64LE(sector, 32),
    firstUsableLba: readU64LE(sector, 40),
    lastUsableLba: readU64LE(sector, 48),
    diskGuid: formatGuid(sector, 56),
    partitionEntryLba: readU64LE(sector, 72),
    partitionEntryCount: readU32LE(sector, 80),
    partitionEntrySize,
    partitionArrayCrc32: readU32LE(sector, 88),
    byteOffset,
  };
}

/** Serialize a header into a 512-byte sector (the rest zero), computing the header CRC32. */
export function serializeGptHeader(h: GptHeaderInit): Uint8Array {
  const b = new Uint8Array(GPT_SECTOR_BYTE_LENGTH);
  for (let i = 0; i < 8; i++) b[i] = GPT_SIGNATURE.charCodeAt(i);
  writeU32LE(b, 8, h.revision ?? GPT_REVISION_1_0);
  writeU32LE(b, 12, GPT_HEADER_BYTE_LENGTH);
  for (const [o, v, name] of [
    [24, h.myLba, 'myLba'], [32, h.alternateLba, 'alternateLba'], [40, h.firstUsableLba, 'firstUsableLba'],
    [48, h.lastUsableLba, 'lastUsableLba'], [72, h.partitionEntryLba, 'partitionEntryLba'],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `GPT header ${name} ${v} is not a non-negative integer`);
    writeU64LE(b, o, v);
  }
  b.set(guidBytes(h.diskGuid), 56);
  writeU32LE(b, 80, h.partitionEntryCount);
  writeU32LE(b, 84, h.partitionEntrySize ?? 128);
  writeU32LE(b, 88, h.partitionArrayCrc32);
  writeU32LE(b, 16, gptHeaderCrc(b));
  return b;
}
