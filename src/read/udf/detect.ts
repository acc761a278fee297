/**
 * Is there a UDF volume, and with which block size? The Volume Recognition Sequence (ECMA-167 2/8.3:
 * BEA01, NSR02/NSR03, TEA01 from byte 32768) says a volume is there; an Anchor Volume Descriptor Pointer
 * (3/8.4.2.1: sector 256, N−256 or N−1) says where its descriptors are and, by where it is found, the block
 * size (2048 on discs, 512 or 4096 on disks; 7-Zip probes the same way).
 */
import { throwIfAborted, type ByteSource } from '../../io/index.js';
import {
  ANCHOR_DESCRIPTOR_LENGTH, ANCHOR_SECTOR, TagIdentifier, VOLUME_STRUCTURE_DESCRIPTOR_LENGTH, VRS_BYTE_OFFSET, VsdIdentifier, checkDescriptorTag,
  parseVolumeStructureDescriptor,
} from '../../formats/udf/index.js';

/** What `detectUdf` found. */
export interface UdfDetection {
  /** the sector size the anchors were found with (undefined: a VRS but no anchor anywhere) */
  readonly blockSize: number | undefined;
  /** sectors (of blockSize bytes) holding a valid anchor, in the order 256, N−256, N−1 (512 when only it has one) */
  readonly anchorSectors: readonly number[];
  /** the Volume Recognition Sequence, when there is one */
  readonly vrs?: UdfRecognition;
}

export interface UdfRecognition {
  /** identifiers of the extended area, in order ("BEA01", "NSR02", "TEA01"; "BOOT2" when present) */
  readonly identifiers: readonly string[];
  /** byte offset of BEA01 */
  readonly byteOffset: number;
  /** 2 for NSR02 (UDF ≤ 1.50), 3 for NSR03 (UDF 2.00+), undefined when no NSR descriptor */
  readonly nsr?: 2 | 3;
  /** BEA01 … NSR0x … TEA01 all present */
  readonly complete: boolean;
}

/** Block sizes tried, most likely first (ECMA-167 allows any power of two from 512). */
export const BLOCK_SIZES = [2048, 512, 4096, 1024, 8192, 16384, 32768] as const;
/** Descriptors of the VRS looked at, at most. */
const VRS_SCAN = 32;

const KNOWN_VSD: ReadonlySet<string> = new Set(Object.values(VsdIdentifier));

/** The extended area (BEA01 … TEA01) in bytes read from 32768 on, descriptors `stride` bytes apart. */
export function scanRecognitionSequence(b: Uint8Array, stride: number): UdfRecognition | undefined {
  let begin = -1;
  const ids: string[] = [];
  for (let k = 0; k < VRS_SCAN; k++) {
    const o = k * stride;
    if (o + 7 > b.length) break;
    const d = parseVolumeStructureDescriptor(b, o);
    if (!KNOWN_VSD.has(d.identifier)) break;
    if (begin < 0) {
      if (d.identifier === VsdIdentifier.BEA01) {
        begin = o;
        ids.push(d.identifier);
      }
      continue;
    }
    ids.push(d.identifier);
    if (d.identifier === VsdIdentifier.TEA01) break;
  }
  if (begin < 0) return undefined;
  const nsr = ids.includes(VsdIdentifier.NSR03) ? 3 : ids.includes(VsdIdentifier.NSR02) ? 2 : undefined;
  return { identifiers: ids, byteOffset: VRS_BYTE_OFFSET + begin, ...(nsr ? { nsr } : {}), complete: nsr !== undefined && ids[ids.length - 1] === VsdIdentifier.TEA01 };
}

/** Whether sector `sector` (of `blockSize` bytes) holds a sound Anchor Volume Descriptor Pointer. */
export async function isAnchorAt(source: ByteSource, sector: number, blockSize: number, signal?: AbortSignal): Promise<boolean> {
  const at = sector * blockSize;
  if (sector < 0 || at + ANCHOR_DESCRIPTOR_LENGTH > source.byteLength) return false;
  const b = await source.read(at, ANCHOR_DESCRIPTOR_LENGTH, signal ? { signal } : undefined);
  return checkDescriptorTag(b, 0, { identifier: TagIdentifier.ANCHOR_VOLUME_POINTER, location: sector }) === undefined;
}

/** The anchor points of a volume of `blockCount` sectors, first one first: 256, N−256 and N, N the last sector (3/8.4.2.1). */
export const anchorPoints = (blockCount: number): number[] => {
  const last = blockCount - 1;
  return [...new Set([ANCHOR_SECTOR, last - 256, last].filter((s) => s >= ANCHOR_SECTOR))];
};

/** The anchors with `blockSize`; without a VRS only sector 256 is tried (cheap for the ISO 9660 images without UDF). */
async function anchorsFor(source: ByteSource, blockSize: number, withVrs: boolean, signal?: AbortSignal): Promise<number[]> {
  const found: number[] = [];
  const points = withVrs ? anchorPoints(Math.floor(source.byteLength / blockSize)) : [ANCHOR_SECTOR];
  for (const s of points) if (await isAnchorAt(source, s, blockSize, signal)) found.push(s);
  if (!withVrs) return found.length ? anchorsFor(source, blockSize, true, signal) : found;
  // sequential media not yet closed: an anchor at 512 instead (UDF 2.2.3)
  if (!found.length && (await isAnchorAt(source, 512, blockSize, signal))) found.push(512);
  return found;
}

/**
 * Look for a UDF volume in `source`: its recognition sequence and its anchors. Undefined when there is
 * neither. A found VRS without any anchor gives `blockSize: undefined` (the volume cannot be read). Without
 * a VRS only sector 256 is probed for an anchor (one small read per block size).
 */
export async function detectUdf(source: ByteSource, opts: { signal?: AbortSignal } = {}): Promise<UdfDetection | undefined> {
  const signal = opts.signal;
  throwIfAborted(signal);
  const area = await source.read(VRS_BYTE_OFFSET, VRS_SCAN * VOLUME_STRUCTURE_DESCRIPTOR_LENGTH, signal ? { signal } : undefined);
  // descriptors 2048 bytes apart, or one per block of 4096 bytes or more (2/8.4): the complete one wins
  const small = scanRecognitionSequence(area, VOLUME_STRUCTURE_DESCRIPTOR_LENGTH);
  const wide = small?.complete ? undefined : scanRecognitionSequence(area, 4096);
  const vrs = wide?.complete || !small ? wide : small;
  // the sizes to try: a VRS in 4096-byte strides means blocks of at least 4096 bytes
  const sizes = vrs === wide && wide ? BLOCK_SIZES.filter((s) => s >= 4096) : BLOCK_SIZES;
  for (const blockSize of sizes) {
    const anchors = await anchorsFor(source, blockSize, vrs !== undefined, signal);
    if (anchors.length) return { blockSize, anchorSectors: anchors, ...(vrs ? { vrs } : {}) };
  }
  return vrs ? { blockSize: undefined, anchorSectors: [], vrs } : undefined;
}
