/**
 * File Entries (ECMA-167 4/14.9, 4/14.17) read from their ICBs, several at a time (the entries of one
 * directory usually lie together: one read serves many), and their allocation descriptors turned into
 * pieces of partitions — following Allocation Extent Descriptor chains (4/14.5) and, for strategy 4096
 * ICBs (UDF 2.3.5.1), the Indirect Entries to the newest File Entry.
 */
import { FindingCode } from '../../errors/index.js';
import {
  AdForm, ExtentType, FileType, IcbFlag, IcbStrategy, TagIdentifier, adLength, forEachAllocationDescriptor, parseAllocationExtentDescriptor, parseIndirectEntry,
  summarizeFileEntry, type FileEntrySummary,
} from '../../formats/udf/index.js';
import { partitionRanges, readExactly, readRanges, readSource, tagIdentifierAt, usableTag, type UdfContext } from './context.js';

/** Where an ICB is: a logical block of a partition (by partition reference number). */
export interface IcbRef {
  readonly partitionRef: number;
  readonly blockNumber: number;
}

/** A File Entry read from the source. */
export interface ReadEntry {
  readonly fe: FileEntrySummary;
  /** the entry's block (a view into what was read) */
  readonly block: Uint8Array;
  readonly ref: IcbRef;
  /** where the entry is in the source */
  readonly byteOffset: number;
}

/** Why an ICB could not be read. */
export interface IcbProblem {
  readonly problem: string;
  readonly byteOffset?: number;
}

/** A stretch of a file in a partition (extent types 0-2; type 3 chains are followed). */
export interface Piece {
  readonly partitionRef: number;
  readonly blockNumber: number;
  readonly byteLength: number;
  readonly extentType: number;
}

/** Where a file's bytes are: pieces of partitions, or embedded in its File Entry. */
export interface FileData {
  readonly pieces: readonly Piece[];
  /** AD form 3: the data inside the entry (a view), and where that is in the source */
  readonly embedded?: { readonly bytes: Uint8Array; readonly byteOffset: number };
}

/** Reads larger than this are split; ICBs further apart than GAP bytes are not read together. */
const RUN_BYTES = 1 << 20;
const GAP_BYTES = 64 * 1024;
/** Indirect Entries followed for one file, at most. */
const MAX_INDIRECT = 32;
/** Allocation descriptors of one file, at most (a 4 GiB file needs 5 with 1 GiB extents). */
export const MAX_PIECES = 1 << 20;

export const icbKey = (ref: IcbRef): string => `${ref.partitionRef}:${ref.blockNumber}`;

/** Parse the entry in `b` (one block) read for `ref` at `byteOffset`, or say why it is unusable. */
function parseEntryBlock(ctx: UdfContext, b: Uint8Array, ref: IcbRef, byteOffset: number): ReadEntry | IcbProblem {
  const id = (b[0] ?? 0) + (b[1] ?? 0) * 256;
  if (id !== TagIdentifier.FILE_ENTRY && id !== TagIdentifier.EXTENDED_FILE_ENTRY) {
    return { problem: `no File Entry at block ${ref.blockNumber} of partition ${ref.partitionRef} (tag identifier ${id})`, byteOffset };
  }
  if (!usableTag(ctx, b, 0, { identifier: id, location: ref.blockNumber }, byteOffset, 'FileEntry')) {
    return { problem: `File Entry at block ${ref.blockNumber} of partition ${ref.partitionRef} has a damaged tag`, byteOffset };
  }
  try {
    return { fe: summarizeFileEntry(b, byteOffset), block: b, ref, byteOffset };
  } catch (e) {
    return { problem: e instanceof Error ? e.message : String(e), byteOffset };
  }
}

export const isProblem = (r: ReadEntry | IcbProblem): r is IcbProblem => 'problem' in r;

/** Read one ICB's File Entry (following a strategy-4096 chain). */
export async function readFileEntry(ctx: UdfContext, ref: IcbRef): Promise<ReadEntry | IcbProblem> {
  return (await readFileEntries(ctx, [ref]))[0] as ReadEntry | IcbProblem;
}

/**
 * The File Entries of `refs`, in the order of `refs`. ICBs that lie together are read together
 * (runs of up to 1 MiB, gaps up to 64 KiB); an unreadable ICB gives an IcbProblem for the caller to report.
 */
export async function readFileEntries(ctx: UdfContext, refs: readonly IcbRef[], opts: { lean?: boolean } = {}): Promise<(ReadEntry | IcbProblem)[]> {
  const bs = ctx.blockSize;
  const out: (ReadEntry | IcbProblem)[] = new Array(refs.length);
  const located: { i: number; at: number }[] = [];
  refs.forEach((ref, i) => {
    const view = ctx.partitions[ref.partitionRef];
    const at = view?.blockOffset(ref.blockNumber);
    if (at === undefined) out[i] = { problem: view ? `ICB block ${ref.blockNumber} lies outside partition ${ref.partitionRef} (${view.blockCount} blocks)` : `ICB names partition reference ${ref.partitionRef}, which does not exist` };
    else located.push({ i, at });
  });
  located.sort((a, b) => a.at - b.at);
  for (let k = 0; k < located.length;) {
    const first = located[k] as { i: number; at: number };
    let end = k + 1;
    while (end < located.length) {
      const next = located[end] as { i: number; at: number };
      const prevEnd = (located[end - 1] as { at: number }).at + bs;
      if (next.at - prevEnd > GAP_BYTES || next.at + bs - first.at > RUN_BYTES) break;
      end++;
    }
    const runEnd = (located[end - 1] as { at: number }).at + bs;
    const scratch = ctx.sync ? runBuffer(ctx, runEnd - first.at) : undefined;
    const run = scratch && ctx.sync ? scratch.subarray(0, ctx.sync.readIntoSync(first.at, scratch.subarray(0, runEnd - first.at))) : await readSource(ctx, first.at, runEnd - first.at);
    // (no await from the read to the end of this loop: the shared run buffer is not overwritten meanwhile)
    const indirect: number[] = [];
    const owned: number[] = [];
    for (let j = k; j < end; j++) {
      const { i, at } = located[j] as { i: number; at: number };
      const o = at - first.at;
      const r = o + bs <= run.length
        ? parseEntryBlock(ctx, run.subarray(o, o + bs), refs[i] as IcbRef, at)
        : { problem: `File Entry at byte ${at} lies past the end of ${ctx.source.name}`, byteOffset: at };
      // strategy 4096: the next block may hold an Indirect Entry (usually it is the next file's entry, in this run)
      const after = run.subarray(o + bs, o + 2 * bs);
      if (!isProblem(r) && r.fe.strategyType === IcbStrategy.DIRECT_THEN_INDIRECT && (after.length < bs || tagIdentifierAt(after, 0) === TagIdentifier.INDIRECT_ENTRY)) indirect.push(i);
      out[i] = r;
      if (scratch && !isProblem(r)) owned.push(i);
    }
    if (owned.length) ownBlocks(out, owned, opts.lean ?? false);
    for (const i of indirect) out[i] = await newestEntry(ctx, out[i] as ReadEntry);
    k = end;
  }
  return out;
}

/**
 * The run buffer of a volume (File Entries are read into it, then each entry's used bytes are copied out):
 * a 100,000-file directory tree reads 200 MB of entry blocks, and fresh buffers for them would keep the
 * garbage collector busy and the entries' runs alive.
 */
const runBuffers = new WeakMap<UdfContext, Uint8Array>();
function runBuffer(ctx: UdfContext, byteLength: number): Uint8Array {
  let b = runBuffers.get(ctx);
  if (!b || b.length < byteLength) runBuffers.set(ctx, (b = new Uint8Array(Math.max(byteLength, 64 * 1024))));
  return b;
}

/**
 * Give the entries `which` of `out` their own copy of the bytes they use (header, extended attributes,
 * allocation descriptors), all in one new buffer. `lean` (listing mode): a regular file without extended
 * attributes keeps none (nothing reads its block: its allocation descriptors are not read).
 */
function ownBlocks(out: (ReadEntry | IcbProblem)[], which: readonly number[], lean: boolean): void {
  const used = (r: ReadEntry) => lean && r.fe.fileType === FileType.FILE && r.fe.extendedAttributesLength === 0
    ? 0 : Math.min(r.block.length, r.fe.allocationDescriptorsOffset + r.fe.allocationDescriptorsLength);
  let total = 0;
  for (const i of which) total += used(out[i] as ReadEntry);
  const packed = new Uint8Array(total);
  let at = 0;
  for (const i of which) {
    // (the entry was made by parseEntryBlock just now, for this call: replacing its view is safe)
    const r = out[i] as { -readonly [K in keyof ReadEntry]: ReadEntry[K] };
    const n = used(r);
    if (n) packed.set(r.block.subarray(0, n), at);
    r.block = n ? packed.subarray(at, at + n) : EMPTY;
    at += n;
  }
}
const EMPTY = new Uint8Array(0);

/**
 * Strategy 4096 (UDF 2.3.5.1): the block after the direct entry may hold an Indirect Entry pointing at a
 * newer ICB; follow the chain to its last File Entry.
 */
async function newestEntry(ctx: UdfContext, entry: ReadEntry): Promise<ReadEntry> {
  let cur = entry;
  const seen = new Set<string>([icbKey(cur.ref)]);
  for (let hops = 0; hops < MAX_INDIRECT && cur.fe.strategyType === IcbStrategy.DIRECT_THEN_INDIRECT; hops++) {
    const nextBlock = cur.ref.blockNumber + 1;
    const at = ctx.partitions[cur.ref.partitionRef]?.blockOffset(nextBlock);
    if (at === undefined) return cur;
    const b = await ctx.source.read(at, ctx.blockSize, ctx.readOptions);
    if (b.length < 52 || (b[0] ?? 0) + (b[1] ?? 0) * 256 !== TagIdentifier.INDIRECT_ENTRY) return cur;
    if (!usableTag(ctx, b, 0, { identifier: TagIdentifier.INDIRECT_ENTRY, location: nextBlock }, at, 'IndirectEntry')) return cur;
    const ie = parseIndirectEntry(b, at);
    const ref = { partitionRef: ie.indirectIcb.partitionRef ?? cur.ref.partitionRef, blockNumber: ie.indirectIcb.blockNumber };
    if (ie.indirectIcb.byteLength === 0 || seen.has(icbKey(ref))) return cur;
    seen.add(icbKey(ref));
    const next = await readOneEntry(ctx, ref);
    if (isProblem(next)) {
      ctx.findings.warn(FindingCode.UDF_FILE_ENTRY, `Indirect Entry leads nowhere (${next.problem}); using the entry before it`, at, 'IndirectEntry');
      return cur;
    }
    cur = next;
  }
  return cur;
}

/** One File Entry without following strategy 4096 (newestEntry does that itself). */
async function readOneEntry(ctx: UdfContext, ref: IcbRef): Promise<ReadEntry | IcbProblem> {
  const at = ctx.partitions[ref.partitionRef]?.blockOffset(ref.blockNumber);
  if (at === undefined) return { problem: `ICB block ${ref.blockNumber} of partition ${ref.partitionRef} is not in the volume` };
  const b = await ctx.source.read(at, ctx.blockSize, ctx.readOptions);
  if (b.length < ctx.blockSize) return { problem: `File Entry at byte ${at} lies past the end of ${ctx.source.name}`, byteOffset: at };
  return parseEntryBlock(ctx, b, ref, at);
}

/**
 * Where the bytes of the file of `entry` are. Allocation descriptors that continue in Allocation Extent
 * Descriptors are followed (bounded by the volume's budget and a loop check); what goes wrong is reported
 * and ends the list. Synchronous (no promise) unless there is such a chain: directories of many files
 * need no microtask per file.
 */
export function fileDataOf(ctx: UdfContext, entry: ReadEntry): FileData | Promise<FileData> {
  const { fe, ref, block } = entry;
  const form = (fe.icbFlags & IcbFlag.AD_FORM_MASK) as AdForm;
  const adOffset = fe.allocationDescriptorsOffset;
  const adEnd = adOffset + fe.allocationDescriptorsLength;
  if (form === AdForm.EMBEDDED) return { pieces: [], embedded: { bytes: block.subarray(adOffset, adEnd), byteOffset: entry.byteOffset + adOffset } };
  if (form > AdForm.EXTENDED) {
    ctx.findings.error(FindingCode.UDF_FILE_ENTRY, `unknown allocation descriptor form ${form}`, entry.byteOffset + 34, 'FileEntry');
    return { pieces: [] };
  }
  const pieces: Piece[] = [];
  const next = takeArea(ctx, pieces, block, adOffset, adEnd, form, ref.partitionRef, entry.byteOffset);
  return next ? followChain(ctx, pieces, next, form, ref.partitionRef, entry.byteOffset + adOffset) : { pieces };
}

/** A type-3 descriptor: where the list goes on. */
interface Continuation {
  readonly byteLength: number;
  readonly blockNumber: number;
  readonly partitionRef: number;
}

/**
 * Add the descriptors of `b[start, end)` to `pieces` (`at` is where `b` starts in the source); returns the
 * type-3 descriptor that continues the list, if any.
 */
function takeArea(ctx: UdfContext, pieces: Piece[], b: Uint8Array, start: number, end: number, form: AdForm, partitionRef: number, at: number): Continuation | undefined {
  const size = adLength(form);
  if ((end - start) % size !== 0) {
    ctx.findings.warn(FindingCode.UDF_LENGTH, `allocation descriptor area of ${end - start} bytes is not a whole number of ${size}-byte descriptors`, at + start, 'FileEntry');
  }
  let next: Continuation | undefined;
  forEachAllocationDescriptor(b, start, end - start, form, (byteLength, extentType, blockNumber, ref, o) => {
    const partition = ref < 0 ? partitionRef : ref;
    if (extentType === ExtentType.NEXT) {
      next = { byteLength, blockNumber, partitionRef: partition };
      return true;
    }
    if (pieces.length >= MAX_PIECES) {
      ctx.findings.error(FindingCode.UDF_LENGTH, `more than ${MAX_PIECES} extents in one file; the rest are ignored`, at + o, 'FileEntry');
      return true;
    }
    pieces.push({ partitionRef: partition, blockNumber, byteLength, extentType });
    return false;
  });
  return next;
}

async function followChain(ctx: UdfContext, pieces: Piece[], first: Continuation, form: AdForm, partitionRef: number, firstAt: number): Promise<FileData> {
  const seen = new Set<string>();
  let next: Continuation | undefined = first;
  let areaAt = firstAt;
  while (next) {
    const aed = await readAllocationExtent(ctx, { partitionRef: next.partitionRef, blockNumber: next.blockNumber }, next.byteLength, seen, areaAt);
    if (!aed) break;
    areaAt = aed.byteOffset;
    next = takeArea(ctx, pieces, aed.area, 0, aed.area.length, form, partitionRef, areaAt);
  }
  return { pieces };
}

/** The allocation descriptors of the Allocation Extent Descriptor at `ref` (undefined, reported, when unusable). */
async function readAllocationExtent(ctx: UdfContext, ref: IcbRef, byteLength: number, seen: Set<string>, fromAt: number): Promise<{ area: Uint8Array; byteOffset: number } | undefined> {
  const key = icbKey(ref);
  if (seen.has(key) || --ctx.budget.allocationExtents < 0) {
    ctx.findings.error(FindingCode.UDF_ALLOCATION_EXTENT, seen.has(key) ? `allocation extent chain loops back to block ${ref.blockNumber}` : 'too many allocation extents in this volume; the rest are not read', fromAt, 'AllocationExtentDescriptor');
    return undefined;
  }
  seen.add(key);
  const length = Math.max(24, Math.min(byteLength, ctx.blockSize));
  const ranges = partitionRanges(ctx, ref.partitionRef, ref.blockNumber, length);
  if (!ranges || ranges.length !== 1) {
    ctx.findings.error(FindingCode.UDF_EXTENT_OUTSIDE, `allocation extent at block ${ref.blockNumber} of partition ${ref.partitionRef} lies outside it`, fromAt, 'AllocationExtentDescriptor');
    return undefined;
  }
  const at = (ranges[0] as { byteOffset: number }).byteOffset;
  let b: Uint8Array;
  try {
    b = await readExactly(ctx, at, length, 'AllocationExtentDescriptor');
  } catch {
    ctx.findings.error(FindingCode.EXTENT_BEYOND_END, `allocation extent at byte ${at} lies past the end of the image`, fromAt, 'AllocationExtentDescriptor');
    return undefined;
  }
  if (!usableTag(ctx, b, 0, { identifier: TagIdentifier.ALLOCATION_EXTENT, location: ref.blockNumber }, at, 'AllocationExtentDescriptor')) {
    ctx.findings.error(FindingCode.UDF_ALLOCATION_EXTENT, `no Allocation Extent Descriptor at block ${ref.blockNumber} (the file's remaining extents are lost)`, at, 'AllocationExtentDescriptor');
    return undefined;
  }
  try {
    return { area: parseAllocationExtentDescriptor(b, at).allocationDescriptors, byteOffset: at + 24 };
  } catch (e) {
    ctx.findings.error(FindingCode.UDF_ALLOCATION_EXTENT, e instanceof Error ? e.message : String(e), at, 'AllocationExtentDescriptor');
    return undefined;
  }
}

/** The first `limit` bytes of a (small) file; undefined when part of them is not in a partition. */
export async function readFileBytes(ctx: UdfContext, entry: ReadEntry, data: FileData, limit: number): Promise<Uint8Array | undefined> {
  const length = Math.min(entry.fe.informationLength, limit, ctx.source.byteLength);
  if (data.embedded) return data.embedded.bytes.subarray(0, length);
  const out = new Uint8Array(length);
  let n = 0;
  for (const p of data.pieces) {
    if (n >= length) break;
    const take = Math.min(p.byteLength, length - n);
    if (p.extentType === ExtentType.RECORDED) {
      const ranges = partitionRanges(ctx, p.partitionRef, p.blockNumber, take);
      if (!ranges) return undefined;
      const got = await readRanges(ctx, ranges, take);
      if (got.length < take) return undefined;
      out.set(got, n);
    }
    n += take;
  }
  return out;
}
