/**
 * Apple Partition Map (Inside Macintosh: Devices, "Partition map"): block 0 is the Driver Descriptor Map
 * (signature "ER", block size u16 BE, block count u32 BE); blocks 1…N hold "PM" partition map entries, each
 * saying how many blocks the map has. Hybrid ISOs (xorriso `-hfsplus`, isohdppx.bin) use 512- or 2048-byte blocks.
 * All fields big-endian.
 */
import { readStrA, readU16BE, readU32BE } from '../../bytes/index.js';

export const APM_DDM_SIGNATURE = 'ER';
export const APM_ENTRY_SIGNATURE = 'PM';

export interface ApmDriverDescriptor {
  readonly blockSize: number;
  readonly blockCount: number;
  readonly deviceType: number;
  readonly deviceId: number;
  readonly driverCount: number;
}

export interface ApmEntry {
  /** 1-based map slot (block number). */
  readonly index: number;
  readonly mapBlockCount: number;
  /** First block and block count, in units of the map's block size. */
  readonly startBlock: number;
  readonly blockCount: number;
  readonly name: string;
  readonly type: string;
  readonly dataStartBlock: number;
  readonly dataBlockCount: number;
  readonly status: number;
  readonly processor: string;
  /** startBlock × blockSize and blockCount × blockSize. */
  readonly startByteOffset: number;
  readonly byteLength: number;
  readonly byteOffset: number;
}

const sig = (b: Uint8Array, o: number): string => String.fromCharCode(b[o] ?? 0, b[o + 1] ?? 0);

/** Parse block 0; undefined without the "ER" signature. The block size may be 0 in old maps (then 512). */
export function parseApmDriverDescriptor(b: Uint8Array): ApmDriverDescriptor | undefined {
  if (b.length < 18 || sig(b, 0) !== APM_DDM_SIGNATURE) return undefined;
  return {
    blockSize: readU16BE(b, 2) || 512,
    blockCount: readU32BE(b, 4),
    deviceType: readU16BE(b, 8),
    deviceId: readU16BE(b, 10),
    driverCount: readU16BE(b, 16),
  };
}

/** True when the bytes at `o` start with the "PM" signature. */
export const isApmEntry = (b: Uint8Array, o = 0): boolean => b.length >= o + 136 && sig(b, o) === APM_ENTRY_SIGNATURE;

/** Parse a partition map entry at `o` (undefined without "PM"). */
export function parseApmEntry(b: Uint8Array, o: number, index: number, blockSize: number, byteOffset: number): ApmEntry | undefined {
  if (!isApmEntry(b, o)) return undefined;
  const startBlock = readU32BE(b, o + 8);
  const blockCount = readU32BE(b, o + 12);
  return {
    index,
    mapBlockCount: readU32BE(b, o + 4),
    startBlock,
    blockCount,
    name: readStrA(b, o + 16, 32),
    type: readStrA(b, o + 48, 32),
    dataStartBlock: readU32BE(b, o + 80),
    dataBlockCount: readU32BE(b, o + 84),
    status: readU32BE(b, o + 88),
    processor: readStrA(b, o + 120, 16),
    startByteOffset: startBlock * blockSize,
    byteLength: blockCount * blockSize,
    byteOffset: byteOffset + o,
  };
}
