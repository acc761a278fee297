/**
 * What every part of the UDF reader shares: the source, findings, the block size, the partition views
 * (partition reference number → absolute bytes) and the budgets that keep a hostile image bounded.
 */
import { readU16LE, readU32LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError, type Findings, type FindingCode, FindingCode as Code } from '../../errors/index.js';
import { isSyncSource, type ByteSource, type ReadOptions, type SyncByteSource } from '../../io/index.js';
import { checkDescriptorTag, describeTagProblem, type TagExpectation } from '../../formats/udf/index.js';

/** A byte range of the source. */
export interface ByteRange {
  readonly byteOffset: number;
  readonly byteLength: number;
}

/** How a partition reference number (an index into the LVD's partition maps) reaches the source. */
export interface PartitionView {
  readonly ref: number;
  readonly kind: 'type1' | 'sparable' | 'virtual' | 'metadata';
  readonly partitionNumber: number;
  /** logical blocks the partition holds */
  readonly blockCount: number;
  /** the source offset of one logical block, undefined when it is not in the partition (or not mapped) */
  blockOffset(blockNumber: number): number | undefined;
  /** the source ranges of `byteLength` bytes from a block on, undefined when any of it is outside the partition */
  ranges(blockNumber: number, byteLength: number): ByteRange[] | undefined;
}

export interface UdfContext {
  readonly source: ByteSource;
  /** the source, when it also reads synchronously */
  readonly sync: SyncByteSource | undefined;
  /** the caller's findings, through a filter that keeps byte offsets inside the source */
  readonly findings: SourceFindings;
  readonly readOptions: ReadOptions | undefined;
  readonly signal: AbortSignal | undefined;
  readonly blockSize: number;
  /** by partition reference number (filled while opening; a map that cannot be used has no view) */
  readonly partitions: (PartitionView | undefined)[];
  /**
   * What is still allowed (a hostile image cannot exhaust memory or time): directory entries, allocation
   * extents, and blocks mapped through views that map block by block (virtual, sparable, metadata)
   */
  readonly budget: { entries: number; allocationExtents: number; mappedBlocks: number };
  /** kinds of finding reported once per volume */
  readonly reported: Set<string>;
}

/** What the reader reports through (Findings' methods). */
export type SourceFindings = Pick<Findings, 'warn' | 'error' | 'info'>;

/**
 * Findings whose byte offset lies outside the source (a pointer into nowhere: the message says where it
 * points) are recorded without one: every offset a finding carries is a place in the image.
 */
function sourceFindings(findings: Findings, byteLength: number): SourceFindings {
  const inside = (o: number | undefined) => (o !== undefined && o >= 0 && o < byteLength ? o : undefined);
  return {
    warn: (code, message, byteOffset, structure) => findings.warn(code, message, inside(byteOffset), structure),
    error: (code, message, byteOffset, structure) => findings.error(code, message, inside(byteOffset), structure),
    info: (code, message, byteOffset, structure) => findings.info(code, message, inside(byteOffset), structure),
  };
}

export function newContext(source: ByteSource, findings: Findings, blockSize: number, signal: AbortSignal | undefined): UdfContext {
  return {
    source,
    sync: isSyncSource(source) ? source : undefined,
    findings: sourceFindings(findings, source.byteLength),
    readOptions: signal ? { signal } : undefined,
    signal,
    blockSize,
    partitions: [],
    // generous: a real image has far fewer entries than bytes/32
    budget: {
      entries: Math.max(1_000_000, Math.ceil(source.byteLength / 32)),
      allocationExtents: Math.max(65_536, Math.ceil(source.byteLength / 2048)),
      // each block of the image mapped 64 times over (a real volume maps each about once per walk)
      mappedBlocks: Math.max(1 << 22, 64 * Math.ceil(source.byteLength / blockSize)),
    },
    reported: new Set(),
  };
}

/** Report a finding the first time `key` is seen (the message says further ones are not reported). */
export function reportOnce(ctx: UdfContext, key: string, severity: 'info' | 'warning' | 'error', code: FindingCode, message: string, byteOffset?: number, structure?: string): void {
  if (ctx.reported.has(key)) return;
  ctx.reported.add(key);
  ctx.findings[severity === 'warning' ? 'warn' : severity](code, `${message} (reported once per volume)`, byteOffset, structure);
}

/**
 * Check the tag of the descriptor at `b[o]` (at `byteOffset` in the source) and report what is wrong.
 * True when the descriptor can be used: the identifier and checksum are right. A wrong version or CRC
 * is an error finding and a wrong location a warning, and the descriptor is still used.
 */
export function usableTag(ctx: UdfContext, b: Uint8Array, o: number, want: TagExpectation & { identifier: number }, byteOffset: number, structure: string): boolean {
  const problem = checkDescriptorTag(b, o, want);
  if (problem === undefined) return true;
  if (problem === 'identifier' || problem === 'checksum') return false;
  if (problem === 'location') {
    ctx.findings.warn(Code.UDF_TAG_LOCATION, describeTagProblem(problem, b, o, want), byteOffset, structure);
    return true;
  }
  ctx.findings.error(Code.UDF_TAG, describeTagProblem(problem, b, o, want), byteOffset, structure);
  // a CRC or version problem must not hide a location problem
  if (want.location !== undefined && readU32LE(b, o + 12) !== want.location) {
    ctx.findings.warn(Code.UDF_TAG_LOCATION, describeTagProblem('location', b, o, want), byteOffset, structure);
  }
  return true;
}

/** The tag identifier at `b[o]` (for messages). */
export const tagIdentifierAt = (b: Uint8Array, o: number): number => readU16LE(b, o);

/**
 * Read from the source: synchronously when it can (a file, memory — no thread-pool round trip per read:
 * the File Entries of a 100,000-file tree take thousands of reads), else asynchronously.
 */
export function readSource(ctx: UdfContext, byteOffset: number, byteLength: number): Uint8Array | Promise<Uint8Array> {
  return ctx.sync ? ctx.sync.readSync(byteOffset, byteLength, ctx.readOptions) : ctx.source.read(byteOffset, byteLength, ctx.readOptions);
}

/** Read `byteLength` bytes at `byteOffset`, throwing TRUNCATED (naming `structure`) when the source ends first. */
export async function readExactly(ctx: UdfContext, byteOffset: number, byteLength: number, structure: string): Promise<Uint8Array> {
  const b = await readSource(ctx, byteOffset, byteLength);
  if (b.length < byteLength) {
    throw new IsoKitError(ErrorCode.TRUNCATED, `needs ${byteLength} bytes but ${ctx.source.name} ends at ${ctx.source.byteLength}`, { byteOffset, structure });
  }
  return b;
}

/** Read ranges of the source into one array (`byteLength` bytes at most; shorter when the source ends). */
export async function readRanges(ctx: UdfContext, ranges: readonly ByteRange[], byteLength: number): Promise<Uint8Array> {
  if (ranges.length === 1) {
    const r = ranges[0] as ByteRange;
    return readSource(ctx, r.byteOffset, Math.min(r.byteLength, byteLength));
  }
  const out = new Uint8Array(byteLength);
  let n = 0;
  for (const r of ranges) {
    if (n >= byteLength) break;
    const part = await readSource(ctx, r.byteOffset, Math.min(r.byteLength, byteLength - n));
    out.set(part, n);
    n += part.length;
    if (part.length < r.byteLength) break;
  }
  return n === byteLength ? out : out.subarray(0, n);
}

/**
 * The source ranges of `byteLength` bytes from a block of partition `ref`; undefined when they leave the
 * partition, the partition does not exist, or the volume's mapping budget is spent (reported once).
 */
export function partitionRanges(ctx: UdfContext, ref: number, blockNumber: number, byteLength: number): ByteRange[] | undefined {
  const view = ctx.partitions[ref];
  if (!view) return undefined;
  if (view.kind !== 'type1') {
    ctx.budget.mappedBlocks -= Math.ceil(byteLength / ctx.blockSize);
    if (ctx.budget.mappedBlocks < 0) {
      reportOnce(ctx, 'mapping-budget', 'error', Code.UDF_EXTENT_OUTSIDE, `more extents mapped through partition ${ref} than this image can hold; the rest are not read`);
      return undefined;
    }
  }
  return view.ranges(blockNumber, byteLength);
}
