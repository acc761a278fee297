/**
 * Reading SUSP / Rock Ridge for the directory records of one directory: parse each System Use field
 * (after SP LEN_SKP), follow CE continuation chains (SUSP 5.1) in batches — all continuation blocks a
 * directory needs are read together, once — and interpret the entries (RRIP 1.12).
 * Bounded: at most MAX_CE_HOPS continuation areas per record, each at most MAX_CE_BYTES, no area twice.
 */
import type { Findings } from '../errors/index.js';
import type { ByteSource } from '../io/index.js';
import { SECTOR_SIZE, type DirectoryRecord } from '../formats/iso9660/index.js';
// the modules themselves, not the index: the reader needs neither the writer side nor the zisofs decoder
import { interpretRockRidge, type RockRidgeInfo } from '../formats/rockridge/interpret.js';
import { parseSuspArea, type SuspEntry } from '../formats/rockridge/susp.js';
import { FindingCode } from '../errors/index.js';

const MAX_CE_HOPS = 32;
const MAX_CE_BYTES = 64 * 1024;

export interface SuspReadContext {
  readonly source: ByteSource;
  readonly findings: Findings;
  readonly signal?: AbortSignal;
  /** continuation blocks already read, by byte offset of the read */
  readonly ceCache: Map<number, Uint8Array>;
}

interface Pending {
  index: number;
  lba: number;
  offsetInBlock: number;
  byteLength: number;
  hops: number;
  seen: Set<number>;
  /** where the area holding the CE entry starts (findings about a bad target point there: it is in the image) */
  from: number;
}

/** Byte offset of a record's system use area in the image. */
const suByteOffset = (r: DirectoryRecord): number => r.byteOffset + r.recordLength - r.systemUse.length;

/**
 * Rock Ridge information for each record (undefined when its System Use field holds no SUSP entries).
 * `skip` is SP's LEN_SKP (0 for the root's "." record, where SP itself sits).
 */
export async function readRockRidgeBatch(ctx: SuspReadContext, records: readonly DirectoryRecord[], skip: number): Promise<(RockRidgeInfo | undefined)[]> {
  const entries: SuspEntry[][] = new Array<SuspEntry[]>(records.length);
  let pending: Pending[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as DirectoryRecord;
    if (r.systemUse.length <= skip) {
      entries[i] = [];
      continue;
    }
    const area = parseSuspArea(r.systemUse.subarray(skip), suByteOffset(r) + skip, ctx.findings);
    entries[i] = area.entries;
    if (area.continuation) pending.push({ index: i, ...area.continuation, hops: 0, seen: new Set(), from: suByteOffset(r) + skip });
  }
  while (pending.length) pending = await followContinuations(ctx, pending, entries);
  const out = new Array<RockRidgeInfo | undefined>(records.length);
  for (let i = 0; i < records.length; i++) {
    const e = entries[i] as SuspEntry[];
    out[i] = e.length ? interpretRockRidge(e, ctx.findings, (records[i] as DirectoryRecord).byteOffset) : undefined;
  }
  return out;
}

/** Read every pending continuation area, append its entries, and return the next round of continuations. */
async function followContinuations(ctx: SuspReadContext, pending: Pending[], entries: SuspEntry[][]): Promise<Pending[]> {
  const valid: Pending[] = [];
  for (const p of pending) {
    const at = p.lba * SECTOR_SIZE + p.offsetInBlock;
    if (p.hops >= MAX_CE_HOPS || p.seen.has(at)) {
      ctx.findings.warn(FindingCode.SUSP_CE_LOOP, `continuation chain too long or looping (${p.hops} areas)`, p.from, 'SUSP CE');
      continue;
    }
    if (p.byteLength === 0) continue;
    if (p.byteLength > MAX_CE_BYTES || at + p.byteLength > ctx.source.byteLength) {
      ctx.findings.warn(FindingCode.SUSP_CE_RANGE, `continuation area of ${p.byteLength} bytes at LBA ${p.lba}+${p.offsetInBlock} lies outside the image or is too large`, p.from, 'SUSP CE');
      continue;
    }
    p.seen.add(at);
    valid.push(p);
  }
  // read each needed block range once (several records usually share one continuation block)
  const reads = new Map<number, number>();
  for (const p of valid) {
    const start = p.lba * SECTOR_SIZE;
    const end = Math.ceil((p.offsetInBlock + p.byteLength) / SECTOR_SIZE) * SECTOR_SIZE;
    const have = ctx.ceCache.get(start);
    if (have && have.length >= end) continue;
    reads.set(start, Math.max(reads.get(start) ?? 0, end));
  }
  await Promise.all(
    [...reads].map(async ([start, len]) => {
      ctx.ceCache.set(start, await ctx.source.read(start, len, ctx.signal ? { signal: ctx.signal } : undefined));
    }),
  );
  const next: Pending[] = [];
  for (const p of valid) {
    const block = ctx.ceCache.get(p.lba * SECTOR_SIZE) as Uint8Array;
    const area = block.subarray(p.offsetInBlock, p.offsetInBlock + p.byteLength);
    const parsed = parseSuspArea(area, p.lba * SECTOR_SIZE + p.offsetInBlock, ctx.findings);
    const list = entries[p.index] as SuspEntry[];
    for (const e of parsed.entries) list.push(e);
    if (parsed.continuation) next.push({ index: p.index, ...parsed.continuation, hops: p.hops + 1, seen: p.seen, from: p.lba * SECTOR_SIZE + p.offsetInBlock });
  }
  if (ctx.ceCache.size > 4096) ctx.ceCache.clear();
  return next;
}

/** RRIP version named by an ER extension identifier. */
export function rripVersionOf(extensionId: string | undefined): string {
  if (!extensionId) return '1.09';
  if (extensionId === 'RRIP_1991A') return '1.10';
  if (extensionId === 'IEEE_P1282' || extensionId === 'IEEE_1282') return '1.12';
  return extensionId;
}
