/**
 * Extent descriptors.
 *
 * extent_ad (ECMA-167 3/7.1), 8 bytes — an extent of sectors of the volume:
 * ```
 * RBP 0  u32  Extent Length (bytes)
 * RBP 4  u32  Extent Location (sector)
 * ```
 * lb_addr (4/7.1), 6 bytes: RBP 0 u32 Logical Block Number, RBP 4 u16 Partition Reference Number.
 *
 * short_ad (4/14.14.1), 8 bytes — in the partition of the ICB that holds it:
 * ```
 * RBP 0  u32  Extent Length: bits 0-29 the length in bytes, bits 30-31 the extent type (4/14.14.1.1)
 * RBP 4  u32  Extent Position (logical block)
 * ```
 * long_ad (4/14.14.2), 16 bytes:
 * ```
 * RBP 0   u32      Extent Length (type in bits 30-31)
 * RBP 4   lb_addr  Extent Location
 * RBP 10  byte[6]  Implementation Use (UDF 2.3.10.1: u16 flags, bit 0 EXTENT_ERASED; 4 bytes impl. use —
 *                  in a FID's ICB field the low 32 bits of the file's Unique ID, UDF 2.3.4.3)
 * ```
 * ext_ad (4/14.14.3), 20 bytes:
 * ```
 * RBP 0   u32      Extent Length (type in bits 30-31)
 * RBP 4   u32      Recorded Length
 * RBP 8   u32      Information Length
 * RBP 12  lb_addr  Extent Location
 * RBP 18  byte[2]  Implementation Use
 * ```
 * Extent types: 0 recorded and allocated, 1 allocated and not recorded, 2 not recorded and not allocated,
 * 3 the next extent of allocation descriptors (an Allocation Extent Descriptor, 4/14.5).
 */
import { readU16LE, readU32LE, writeU16LE, writeU32LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';

export const EXTENT_AD_LENGTH = 8;
export const SHORT_AD_LENGTH = 8;
export const LONG_AD_LENGTH = 16;
export const EXT_AD_LENGTH = 20;
/** The largest extent length the 30-bit field holds. */
export const MAX_EXTENT_BYTE_LENGTH = 0x3fffffff;

export const ExtentType = { RECORDED: 0, ALLOCATED: 1, NOT_ALLOCATED: 2, NEXT: 3 } as const;
export type ExtentType = (typeof ExtentType)[keyof typeof ExtentType];

/** Allocation descriptor forms, by the ICB tag flags' bits 0-2 (4/14.6.8). */
export const AdForm = { SHORT: 0, LONG: 1, EXTENDED: 2, EMBEDDED: 3 } as const;
export type AdForm = (typeof AdForm)[keyof typeof AdForm];

export interface ExtentAd {
  readonly byteLength: number;
  readonly sector: number;
}

export interface LbAddr {
  readonly blockNumber: number;
  readonly partitionRef: number;
}

/** One allocation descriptor of any form, normalized (short_ad: partitionRef undefined = the ICB's partition). */
export interface AllocationDescriptor {
  readonly byteLength: number;
  readonly extentType: ExtentType;
  readonly blockNumber: number;
  readonly partitionRef?: number;
  /** long_ad: 6 bytes; ext_ad: 2 bytes (a view into the input when parsed) */
  readonly implementationUse?: Uint8Array;
  /** ext_ad only */
  readonly recordedLength?: number;
  /** ext_ad only */
  readonly informationLength?: number;
}

export function parseExtentAd(b: Uint8Array, o: number): ExtentAd {
  return { byteLength: readU32LE(b, o), sector: readU32LE(b, o + 4) };
}
export function writeExtentAd(b: Uint8Array, o: number, e: ExtentAd): void {
  writeU32LE(b, o, e.byteLength);
  writeU32LE(b, o + 4, e.sector);
}

export function parseLbAddr(b: Uint8Array, o: number): LbAddr {
  return { blockNumber: readU32LE(b, o), partitionRef: readU16LE(b, o + 4) };
}
export function writeLbAddr(b: Uint8Array, o: number, a: LbAddr): void {
  writeU32LE(b, o, a.blockNumber);
  writeU16LE(b, o + 4, a.partitionRef);
}

const lengthField = (ad: { byteLength: number; extentType: number }): number => {
  if (ad.byteLength > MAX_EXTENT_BYTE_LENGTH || ad.byteLength < 0) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `extent length ${ad.byteLength} does not fit 30 bits`, { structure: 'AllocationDescriptor' });
  }
  return ad.byteLength + ad.extentType * 0x40000000;
};

export function parseShortAd(b: Uint8Array, o: number): AllocationDescriptor {
  const len = readU32LE(b, o);
  return { byteLength: len % 0x40000000, extentType: Math.floor(len / 0x40000000) as ExtentType, blockNumber: readU32LE(b, o + 4) };
}
export function writeShortAd(b: Uint8Array, o: number, ad: AllocationDescriptor): void {
  writeU32LE(b, o, lengthField(ad));
  writeU32LE(b, o + 4, ad.blockNumber);
}

export function parseLongAd(b: Uint8Array, o: number): AllocationDescriptor {
  const len = readU32LE(b, o);
  return {
    byteLength: len % 0x40000000,
    extentType: Math.floor(len / 0x40000000) as ExtentType,
    blockNumber: readU32LE(b, o + 4),
    partitionRef: readU16LE(b, o + 8),
    implementationUse: b.subarray(o + 10, o + 16),
  };
}
export function writeLongAd(b: Uint8Array, o: number, ad: AllocationDescriptor): void {
  writeU32LE(b, o, lengthField(ad));
  writeU32LE(b, o + 4, ad.blockNumber);
  writeU16LE(b, o + 8, ad.partitionRef ?? 0);
  b.fill(0, o + 10, o + 16);
  if (ad.implementationUse) b.set(ad.implementationUse.subarray(0, 6), o + 10);
}

export function parseExtAd(b: Uint8Array, o: number): AllocationDescriptor {
  const len = readU32LE(b, o);
  return {
    byteLength: len % 0x40000000,
    extentType: Math.floor(len / 0x40000000) as ExtentType,
    recordedLength: readU32LE(b, o + 4) % 0x40000000,
    informationLength: readU32LE(b, o + 8),
    blockNumber: readU32LE(b, o + 12),
    partitionRef: readU16LE(b, o + 16),
    implementationUse: b.subarray(o + 18, o + 20),
  };
}
export function writeExtAd(b: Uint8Array, o: number, ad: AllocationDescriptor): void {
  writeU32LE(b, o, lengthField(ad));
  writeU32LE(b, o + 4, ad.recordedLength ?? ad.byteLength);
  writeU32LE(b, o + 8, ad.informationLength ?? ad.byteLength);
  writeU32LE(b, o + 12, ad.blockNumber);
  writeU16LE(b, o + 16, ad.partitionRef ?? 0);
  b.fill(0, o + 18, o + 20);
  if (ad.implementationUse) b.set(ad.implementationUse.subarray(0, 2), o + 18);
}

/** Bytes one descriptor of `form` takes (embedded data has none). */
export function adLength(form: AdForm): number {
  return form === AdForm.SHORT ? SHORT_AD_LENGTH : form === AdForm.LONG ? LONG_AD_LENGTH : form === AdForm.EXTENDED ? EXT_AD_LENGTH : 0;
}

/**
 * Visit the allocation descriptors in `b[o, o + byteLength)` of `form` (short, long or extended) without
 * making objects: `visit(byteLength, extentType, blockNumber, partitionRef, at)` with partitionRef −1 for a
 * short_ad (the ICB's partition) and `at` the descriptor's offset in `b`; returning true stops. A descriptor
 * whose length field is 0 ends the list (4/12); a remainder too short for a whole descriptor is ignored
 * (the caller checks `byteLength % adLength(form)` and reports it).
 */
export function forEachAllocationDescriptor(
  b: Uint8Array, o: number, byteLength: number, form: AdForm,
  visit: (byteLength: number, extentType: ExtentType, blockNumber: number, partitionRef: number, at: number) => boolean | void,
): void {
  const size = adLength(form);
  if (size === 0) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'embedded data has no allocation descriptors', { structure: 'AllocationDescriptor' });
  // ext_ad: the location is at RBP 12; short_ad has no partition reference
  const at = form === AdForm.EXTENDED ? 12 : 4;
  const end = Math.min(b.length, o + byteLength);
  for (let p = o; p + size <= end; p += size) {
    const len = readU32LE(b, p);
    if (len === 0) break;
    const ref = form === AdForm.SHORT ? -1 : readU16LE(b, p + at + 4);
    if (visit(len % 0x40000000, Math.floor(len / 0x40000000) as ExtentType, readU32LE(b, p + at), ref, p)) break;
  }
}

/** The allocation descriptors in `b[o, o + byteLength)` of `form`, as objects (see forEachAllocationDescriptor). */
export function parseAllocationDescriptors(b: Uint8Array, o: number, byteLength: number, form: AdForm): AllocationDescriptor[] {
  const parse = form === AdForm.SHORT ? parseShortAd : form === AdForm.LONG ? parseLongAd : parseExtAd;
  const out: AllocationDescriptor[] = [];
  forEachAllocationDescriptor(b, o, byteLength, form, (_len, _type, _block, _ref, at) => {
    out.push(parse(b, at));
  });
  return out;
}

export function serializeAllocationDescriptors(ads: readonly AllocationDescriptor[], form: AdForm): Uint8Array {
  const size = adLength(form);
  if (size === 0) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'embedded data has no allocation descriptors', { structure: 'AllocationDescriptor' });
  const write = form === AdForm.SHORT ? writeShortAd : form === AdForm.LONG ? writeLongAd : writeExtAd;
  const b = new Uint8Array(size * ads.length);
  ads.forEach((ad, i) => write(b, i * size, ad));
  return b;
}
