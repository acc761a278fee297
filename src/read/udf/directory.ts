/**
 * A directory's data (ECMA-167 4/8.6): File Identifier Descriptors one after another, possibly across
 * block boundaries, each padded to 4 bytes. Read whole (in as few reads as its extents allow), then parsed;
 * a damaged FID is reported and the rest of the data is searched for the next sound one.
 */
import { FindingCode } from '../../errors/index.js';
import { readU16LE, readU32LE } from '../../bytes/index.js';
import {
  FID_FIXED_LENGTH, FidField, FileCharacteristic, TagIdentifier, checkDescriptorTag, decodeCs0, describeTagProblem, sizeOfFileIdentifierDescriptor,
  tagChecksum,
} from '../../formats/udf/index.js';
import { MAX_DIRECTORY_BYTES } from '../iso9660/read-ahead.js';
import { partitionRanges, readRanges, reportOnce, type UdfContext } from './context.js';
import type { FileData, IcbRef } from './icb.js';

/** One entry of a directory worth a node (not the parent entry, not deleted). */
export interface FidEntry {
  readonly characteristics: number;
  readonly icb: IcbRef;
  /** the decoded File Identifier (undefined: unknown CS0 compression) */
  readonly name: string | undefined;
  /** where the FID is in the source */
  readonly byteOffset: number;
}

/** A stretch of directory data: where it is in the source and in its partition. */
interface Segment {
  readonly dataOffset: number;
  readonly byteLength: number;
  readonly byteOffset: number;
  /** partition block at dataOffset (embedded data: the ICB's block, for every byte) */
  readonly blockNumber: number;
  readonly embedded: boolean;
}

/** A directory's data and how its bytes map back to the source (for findings) and to blocks (tag locations). */
export interface DirectoryData {
  readonly bytes: Uint8Array;
  readonly segments: readonly Segment[];
}

/**
 * Read the data of a directory of `byteLength` bytes stored as `data`. Extents outside their partition or
 * the image end the data early (reported).
 */
export async function readDirectoryData(ctx: UdfContext, data: FileData, byteLength: number, icb: IcbRef, feByteOffset: number): Promise<DirectoryData> {
  let length = byteLength;
  const most = Math.min(MAX_DIRECTORY_BYTES, ctx.source.byteLength);
  if (length > most) {
    ctx.findings.error(FindingCode.DIRECTORY_TOO_LARGE, `directory information length ${length} is implausible; reading the first ${most} bytes`, feByteOffset + 56, 'FileEntry');
    length = most;
  }
  if (data.embedded) {
    const bytes = data.embedded.bytes.subarray(0, length);
    if (bytes.length < length) ctx.findings.error(FindingCode.UDF_LENGTH, `embedded directory data holds ${bytes.length} of ${length} bytes`, feByteOffset, 'FileEntry');
    return { bytes, segments: [{ dataOffset: 0, byteLength: bytes.length, byteOffset: data.embedded.byteOffset, blockNumber: icb.blockNumber, embedded: true }] };
  }
  const segments: Segment[] = [];
  const ranges: { byteOffset: number; byteLength: number }[] = [];
  let have = 0;
  for (const p of data.pieces) {
    if (have >= length) break;
    const take = Math.min(p.byteLength, length - have);
    const rs = p.extentType === 0 ? partitionRanges(ctx, p.partitionRef, p.blockNumber, take) : undefined;
    if (!rs) {
      ctx.findings.error(FindingCode.UDF_EXTENT_OUTSIDE, `directory extent at block ${p.blockNumber} of partition ${p.partitionRef} (${take} bytes) is ${p.extentType === 0 ? 'outside its partition' : 'not recorded'}; the directory is cut there`, feByteOffset, 'FileEntry');
      break;
    }
    let block = p.blockNumber;
    for (const r of rs) {
      segments.push({ dataOffset: have, byteLength: r.byteLength, byteOffset: r.byteOffset, blockNumber: block, embedded: false });
      ranges.push(r);
      have += r.byteLength;
      block += Math.ceil(r.byteLength / ctx.blockSize);
    }
  }
  if (have < length && segments.length === data.pieces.length) {
    ctx.findings.error(FindingCode.UDF_LENGTH, `directory extents hold ${have} of its ${length} bytes`, feByteOffset, 'FileEntry');
  }
  const bytes = have ? await readRanges(ctx, ranges, have) : new Uint8Array(0);
  if (bytes.length < have) ctx.findings.error(FindingCode.EXTENT_BEYOND_END, `directory data runs past the end of the image (${bytes.length} of ${have} bytes read)`, feByteOffset, 'FileEntry');
  return { bytes, segments };
}

/** The segment holding `offset` (binary search: a directory in a virtual partition has one per block). */
function segmentAt(d: DirectoryData, offset: number): Segment | undefined {
  const segs = d.segments;
  let lo = 0, hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const s = segs[mid] as Segment;
    if (offset < s.dataOffset + s.byteLength) hi = mid;
    else lo = mid + 1;
  }
  return segs[lo];
}
const sourceOffset = (d: DirectoryData, offset: number): number => {
  const s = segmentAt(d, offset);
  return s ? s.byteOffset + offset - s.dataOffset : offset;
};
const blockAt = (d: DirectoryData, offset: number, blockSize: number): number => {
  const s = segmentAt(d, offset);
  return !s ? 0 : s.embedded ? s.blockNumber : s.blockNumber + Math.floor((offset - s.dataOffset) / blockSize);
};

/** Whether a sound FID tag (identifier and checksum) starts at `o`. */
const fidStartsAt = (b: Uint8Array, o: number): boolean => o + FID_FIXED_LENGTH <= b.length && (b[o] as number) + (b[o + 1] as number) * 256 === TagIdentifier.FILE_IDENTIFIER && tagChecksum(b, o) === b[o + 4];

/**
 * The entries of a directory's data: parent and deleted entries are left out; damaged FIDs are reported
 * (the next sound one is searched for at 4-byte steps); every FID counts against the volume's budget.
 */
export function parseDirectoryEntries(ctx: UdfContext, d: DirectoryData): FidEntry[] {
  const b = d.bytes;
  const out: FidEntry[] = [];
  let locationReported = false;
  for (let o = 0; o + FID_FIXED_LENGTH <= b.length;) {
    if (!fidStartsAt(b, o)) {
      if (b.subarray(o).every((x) => x === 0)) break; // zero padding after the last FID
      ctx.findings.error(FindingCode.UDF_FID, 'damaged File Identifier Descriptor; looking for the next one', sourceOffset(d, o), 'FileIdentifierDescriptor');
      do o += 4; while (o + FID_FIXED_LENGTH <= b.length && !fidStartsAt(b, o));
      continue;
    }
    if (--ctx.budget.entries < 0) {
      if (ctx.budget.entries === -1) ctx.findings.error(FindingCode.TOO_MANY_RECORDS, 'too many directory entries in this volume; the rest are not listed', sourceOffset(d, o), 'FileIdentifierDescriptor');
      break;
    }
    const at = sourceOffset(d, o);
    const block = blockAt(d, o, ctx.blockSize);
    const problem = checkDescriptorTag(b, o, { identifier: TagIdentifier.FILE_IDENTIFIER, location: block });
    if (problem === 'location') {
      if (!locationReported) ctx.findings.warn(FindingCode.UDF_TAG_LOCATION, `${describeTagProblem(problem, b, o, { location: block })} (first of this directory)`, at, 'FileIdentifierDescriptor');
      locationReported = true;
    } else if (problem) {
      ctx.findings.error(FindingCode.UDF_TAG, describeTagProblem(problem, b, o), at, 'FileIdentifierDescriptor');
    }
    const liu = readU16LE(b, o + FidField.IMPLEMENTATION_USE_LENGTH);
    const lfi = b[o + FidField.IDENTIFIER_LENGTH] as number;
    if (o + FID_FIXED_LENGTH + liu + lfi > b.length) {
      ctx.findings.error(FindingCode.UDF_FID, `File Identifier Descriptor of ${FID_FIXED_LENGTH + liu + lfi} bytes runs past the directory data`, at, 'FileIdentifierDescriptor');
      break;
    }
    const c = b[o + FidField.CHARACTERISTICS] as number;
    const icbLength = readU32LE(b, o + FidField.ICB) % 0x40000000;
    const icbBlock = readU32LE(b, o + FidField.ICB + 4);
    const icbPartition = readU16LE(b, o + FidField.ICB + 8);
    const nameAt = o + FID_FIXED_LENGTH + liu;
    o += sizeOfFileIdentifierDescriptor(liu, lfi);
    if (c & (FileCharacteristic.PARENT | FileCharacteristic.DELETED)) continue;
    if (c & FileCharacteristic.METADATA) {
      reportOnce(ctx, 'stream-fid', 'info', FindingCode.UDF_NAMED_STREAMS, 'a directory holds a stream entry (skipped)', at, 'FileIdentifierDescriptor');
      continue;
    }
    if (icbLength === 0) {
      ctx.findings.warn(FindingCode.UDF_FID, 'File Identifier Descriptor without an ICB (skipped)', at, 'FileIdentifierDescriptor');
      continue;
    }
    out.push({ characteristics: c, icb: { partitionRef: icbPartition, blockNumber: icbBlock }, name: decodeCs0(b, nameAt, lfi).text, byteOffset: at });
  }
  return out;
}
