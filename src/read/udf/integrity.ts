/**
 * The Logical Volume Integrity Sequence (ECMA-167 3/8.8.2, UDF 2.2.6): the last Logical Volume Integrity
 * Descriptor recorded says whether the volume was closed cleanly, and (UDF 2.2.6.4) how many files and
 * directories it holds, the UDF revisions, and the next unique id.
 */
import { FindingCode } from '../../errors/index.js';
import {
  IntegrityType, TagIdentifier, parseLogicalVolumeIntegrityDescriptor, type ExtentAd, type LogicalVolumeIntegrityDescriptor,
} from '../../formats/udf/index.js';
import { usableTag, type UdfContext } from './context.js';

const MAX_EXTENTS = 16;
const MAX_SECTORS = 256;

/** The prevailing LVID (the last sound one of the sequence), or undefined (reported) when there is none. */
export async function readIntegrity(ctx: UdfContext, first: ExtentAd): Promise<LogicalVolumeIntegrityDescriptor | undefined> {
  const bs = ctx.blockSize;
  let last: LogicalVolumeIntegrityDescriptor | undefined;
  let extent: ExtentAd | undefined = first;
  const seen = new Set<number>();
  for (let n = 0; extent && extent.byteLength > 0 && n < MAX_EXTENTS && !seen.has(extent.sector); n++) {
    seen.add(extent.sector);
    const count = Math.min(Math.ceil(extent.byteLength / bs), MAX_SECTORS);
    const area = await ctx.source.read(extent.sector * bs, count * bs, ctx.readOptions);
    let next: ExtentAd | undefined;
    for (let i = 0; (i + 1) * bs <= area.length; i++) {
      const b = area.subarray(i * bs, (i + 1) * bs);
      const sector = extent.sector + i;
      const id = (b[0] ?? 0) + (b[1] ?? 0) * 256;
      if (id !== TagIdentifier.LOGICAL_VOLUME_INTEGRITY) break; // a Terminating Descriptor or an unrecorded sector
      if (!usableTag(ctx, b, 0, { identifier: id, location: sector }, sector * bs, 'LogicalVolumeIntegrityDescriptor')) break;
      try {
        last = parseLogicalVolumeIntegrityDescriptor(b, sector * bs);
      } catch (e) {
        ctx.findings.error(FindingCode.UDF_INTEGRITY, e instanceof Error ? e.message : String(e), sector * bs, 'LogicalVolumeIntegrityDescriptor');
        break;
      }
      if (last.nextIntegrityExtent.byteLength > 0) {
        next = last.nextIntegrityExtent;
        break;
      }
    }
    extent = next;
  }
  if (!last) {
    ctx.findings.warn(FindingCode.UDF_INTEGRITY, `no Logical Volume Integrity Descriptor in the integrity sequence at sector ${first.sector}`, first.sector * bs, 'LogicalVolumeIntegrityDescriptor');
  }
  return last;
}

/** 'closed', 'open' or 'unknown' from the prevailing LVID. */
export function integrityOf(lvid: LogicalVolumeIntegrityDescriptor | undefined): 'open' | 'closed' | 'unknown' {
  if (!lvid) return 'unknown';
  return lvid.integrityType === IntegrityType.CLOSE ? 'closed' : lvid.integrityType === IntegrityType.OPEN ? 'open' : 'unknown';
}
