/**
 * Rock Ridge continuation areas (SUSP 5.1): the entries that did not fit in their directory records. Areas are
 * packed in directory order; none crosses a block boundary (Linux refuses that), longer ones are chained.
 */
import { encodeUtf8 } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import type { ChunkWriter } from '../chunk-writer.js';
import type { ResolvedOptions } from '../options.js';
import { continuationParts, systemUseBudget, systemUseEntries, type RecordRole } from '../system-use.js';
import type { BDir, BEntry, BuildImage, CeArea } from '../tree.js';
import { BLOCK_SIZE, type EmitContext, type Extent, type Region } from '../types.js';

interface CeRecord {
  entry: BEntry;
  role: RecordRole;
  ce: CeArea;
}

function* ceRecords(image: BuildImage): Generator<CeRecord> {
  for (const d of image.isoDirs) {
    if (d.dir.selfCe) yield { entry: d, role: 'self', ce: d.dir.selfCe };
    if (d.dir.parentCe) yield { entry: d, role: 'parent', ce: d.dir.parentCe };
    for (const c of d.dir.children) if (c.ce) yield { entry: c, role: 'child', ce: c.ce };
  }
}

function entriesOf(r: CeRecord, o: ResolvedOptions, root: BDir): { entries: Uint8Array[]; budget: number } {
  const idLen = r.role === 'child' ? encodeUtf8(r.entry.isoName).length : 1;
  return { entries: systemUseEntries(r.entry, r.role, o, r.entry === root && r.role === 'self'), budget: systemUseBudget(idLen) };
}

export function rrContinuationRegion(): Region {
  let start = 0;
  let blocks = 0;
  return {
    name: 'rr-continuation',
    plan(startLba, ctx) {
      start = startLba;
      let block = 0;
      let offset = 0;
      for (const r of ceRecords(ctx.image)) {
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
      blocks = offset > 0 ? block + 1 : block;
      return blocks;
    },
    *extents(): Generator<Extent> {
      if (blocks) yield { lba: start, blockCount: blocks, what: 'Rock Ridge continuation areas' };
    },
    async *emit(out: ChunkWriter, ctx: EmitContext) {
      const { image, options } = ctx.layout;
      if (!blocks) return;
      const area = new Uint8Array(blocks * BLOCK_SIZE);
      for (const r of ceRecords(image)) {
        const { entries, budget } = entriesOf(r, options, image.root);
        continuationParts(entries, budget, r.ce).forEach((bytes, i) => {
          const p = r.ce.parts[i] as { lba: number; offsetInBlock: number };
          if (bytes.length !== r.ce.partByteLengths[i]) {
            throw new IsoKitError(ErrorCode.INTERNAL, `continuation area of ${bytes.length} bytes where ${String(r.ce.partByteLengths[i])} were planned`, { structure: 'SUSP CE', lba: p.lba });
          }
          area.set(bytes, (p.lba - start) * BLOCK_SIZE + p.offsetInBlock);
        });
      }
      yield* out.put(area);
    },
  };
}
