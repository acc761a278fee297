/**
 * Rock Ridge continuation areas (SUSP 5.1): the entries that did not fit in their directory records.
 *
 * Each directory's areas sit in their own blocks right after that directory's extent (libisofs does the
 * same): libarchive reads a continuation area only when it lies at the position right after the directory
 * it has just read, and refuses one that lies behind it. No area crosses a block boundary (Linux refuses
 * that); longer ones are chained with CE.
 */
import { encodeUtf8 } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import type { PlanDirEntry, PlanEntry } from '../tree.js';
import { sameLba, type CeArea, type IsoState, type LbaMap } from './state.js';
import { continuationParts, recordInput, systemUseBudget, type RecordRole } from './system-use.js';
import { BLOCK_SIZE } from '../types.js';

interface CeRecord {
  entry: PlanEntry;
  role: RecordRole;
  ce: CeArea;
}

function* ceRecords(s: IsoState, d: PlanDirEntry): Generator<CeRecord> {
  const v = s.dir(d);
  if (v.selfCe) yield { entry: d, role: 'self', ce: v.selfCe };
  if (v.parentCe) yield { entry: d, role: 'parent', ce: v.parentCe };
  for (const c of v.children) {
    const ce = s.ce(c);
    if (ce) yield { entry: c, role: 'child', ce };
  }
}

/** Place the continuation areas of one directory's records from `startLba`; returns the blocks used. */
export function placeContinuationAreas(s: IsoState, d: PlanDirEntry, startLba: number): number {
  let block = 0;
  let offset = 0;
  for (const r of ceRecords(s, d)) {
    r.ce.parts = r.ce.partByteLengths.map((len) => {
      if (offset + len > BLOCK_SIZE) {
        block++;
        offset = 0;
      }
      const at = { lba: startLba + block, offsetInBlock: offset };
      offset += len;
      return at;
    });
  }
  return offset > 0 ? block + 1 : block;
}

/** The bytes of one directory's continuation blocks (as placed by placeContinuationAreas). */
export function serializeContinuationAreas(s: IsoState, d: PlanDirEntry, startLba: number, blockCount: number, map: LbaMap = sameLba): Uint8Array {
  const area = new Uint8Array(blockCount * BLOCK_SIZE);
  for (const r of ceRecords(s, d)) {
    const idLen = r.role === 'child' ? encodeUtf8(s.isoName[r.entry.id] as string).length : 1;
    const input = recordInput(s, r.entry, r.role, r.entry === s.root && r.role === 'self', map);
    continuationParts(s, input, systemUseBudget(idLen), r.ce, map).forEach((bytes, i) => {
      const p = r.ce.parts[i] as { lba: number; offsetInBlock: number };
      if (bytes.length !== r.ce.partByteLengths[i]) {
        throw new IsoKitError(ErrorCode.INTERNAL, `continuation area of ${bytes.length} bytes where ${String(r.ce.partByteLengths[i])} were planned`, { structure: 'SUSP CE', lba: p.lba });
      }
      area.set(bytes, (p.lba - startLba) * BLOCK_SIZE + p.offsetInBlock);
    });
  }
  return area;
}
