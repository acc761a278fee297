/**
 * Following CE chains (SUSP 5.1), bounded: at most `maxAreas` continuation areas and `maxBytes` bytes per
 * record, no area visited twice. Pure: the caller supplies how to read a continuation area.
 */
import type { Findings } from '../../errors/index.js';
import { parseSuspArea, type SuspContinuation, type SuspEntry } from './susp.js';
import { FindingCode } from '../../errors/index.js';

export interface ReadSuspChainOptions {
  /** SP LEN_SKP for the inline area */
  skipBytes?: number;
  /** logical block size (default 2048) */
  blockSize?: number;
  /** default 32 */
  maxAreas?: number;
  /** total continuation bytes, default 256 KiB */
  maxBytes?: number;
}

/** Reads a continuation area; returns its bytes (may be short when the image ends first). */
export type ReadContinuationArea = (c: SuspContinuation, byteOffset: number) => Promise<Uint8Array>;

/** All entries of one record: its System Use area, then each continuation area in chain order. */
export async function readSuspChain(
  area: Uint8Array,
  byteOffset: number,
  findings: Findings,
  readArea: ReadContinuationArea,
  opts: ReadSuspChainOptions = {},
): Promise<SuspEntry[]> {
  const blockSize = opts.blockSize ?? 2048, maxAreas = opts.maxAreas ?? 32, maxBytes = opts.maxBytes ?? 256 * 1024;
  const first = parseSuspArea(area, byteOffset, findings, opts.skipBytes ? { skipBytes: opts.skipBytes } : {});
  const entries = [...first.entries];
  const seen = new Set<string>();
  let next = first.continuation, areas = 0, bytes = 0, from = byteOffset;
  while (next) {
    const c: SuspContinuation = next;
    const key = `${c.lba}:${c.offsetInBlock}`;
    if (seen.has(key) || areas >= maxAreas || bytes + c.byteLength > maxBytes) {
      const why = seen.has(key) ? 'loops back to an area already read' : `exceeds the limit of ${maxAreas} areas / ${maxBytes} bytes`;
      findings.warn(FindingCode.SUSP_CE_CHAIN, `continuation chain ${why} (rest ignored)`, from, 'SUSP CE');
      break;
    }
    seen.add(key);
    areas++;
    bytes += c.byteLength;
    const at = c.lba * blockSize + c.offsetInBlock;
    const data = await readArea(c, at);
    if (data.length < c.byteLength) {
      findings.warn(FindingCode.SUSP_CE_TRUNCATED, `continuation area of ${c.byteLength} bytes at block ${c.lba} is cut short (${data.length} bytes)`, at, 'SUSP CE');
    }
    const part = parseSuspArea(data, at, findings);
    entries.push(...part.entries);
    next = part.continuation;
    from = at;
  }
  return entries;
}
