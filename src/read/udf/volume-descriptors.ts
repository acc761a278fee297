/**
 * The anchors and the Volume Descriptor Sequence (ECMA-167 3/8.4): the main sequence is read first; when
 * it is damaged (a bad tag, or no PVD / LVD / PD) the reserve sequence is used instead, and when both are,
 * the sound descriptors of both are combined. Of several descriptors of one kind the one with the highest
 * Volume Descriptor Sequence Number prevails (3/8.4.3); Partition Descriptors go by partition number.
 */
import { ErrorCode, FindingCode, IsoKitError } from '../../errors/index.js';
import {
  TagIdentifier, checkDescriptorTag, describeTagProblem, parseAnchorVolumeDescriptorPointer, parseImplementationUseVolumeDescriptor,
  parseLogicalVolumeDescriptor, parsePartitionDescriptor, parsePrimaryVolumeDescriptor, parseUnallocatedSpaceDescriptor, parseVolumeDescriptorPointer,
  type AnchorVolumeDescriptorPointer, type ExtentAd, type ImplementationUseVolumeDescriptor, type LogicalVolumeDescriptor, type PartitionDescriptor,
  type PrimaryVolumeDescriptor, type UnallocatedSpaceDescriptor,
} from '../../formats/udf/index.js';
import { readExactly, type UdfContext } from './context.js';

/** The descriptors of one sequence. */
export interface VolumeDescriptors {
  pvd?: PrimaryVolumeDescriptor;
  lvd?: LogicalVolumeDescriptor;
  /** by partition number */
  readonly pds: Map<number, PartitionDescriptor>;
  readonly iuvds: ImplementationUseVolumeDescriptor[];
  usd?: UnallocatedSpaceDescriptor;
  terminated: boolean;
  /** what was wrong, as findings to report (when this sequence's damage matters) */
  readonly problems: { message: string; byteOffset: number; structure: string }[];
}

/** Sectors of one sequence read at most (UDF 2.2.3: at least 16; pointers may chain extents). */
const MAX_VDS_SECTORS = 1024;
const MAX_VDS_EXTENTS = 16;

/** The anchor at `sector` (already checked by detection). */
export async function readAnchor(ctx: UdfContext, sector: number): Promise<AnchorVolumeDescriptorPointer> {
  const at = sector * ctx.blockSize;
  return parseAnchorVolumeDescriptorPointer(await readExactly(ctx, at, 512, 'AnchorVolumeDescriptorPointer'), at);
}

const newer = <T extends { vdsNumber: number }>(old: T | undefined, d: T): T => (old && old.vdsNumber > d.vdsNumber ? old : d);

function emptyDescriptors(): VolumeDescriptors {
  return { pds: new Map(), iuvds: [], terminated: false, problems: [] };
}

/** Take the descriptor in `b` (one sector at `sector`); false at the end of the sequence. */
function takeDescriptor(ctx: UdfContext, vds: VolumeDescriptors, b: Uint8Array, sector: number, next: ExtentAd[]): boolean {
  const at = sector * ctx.blockSize;
  const id = (b[0] ?? 0) + (b[1] ?? 0) * 256;
  const problem = checkDescriptorTag(b, 0, { location: sector });
  if (problem === 'checksum' || problem === 'version' || id === 0 || id > TagIdentifier.LOGICAL_VOLUME_INTEGRITY) {
    // an unrecorded sector (all zeros) ends a sequence that lacks its terminator; anything else is damage
    if (b.some((x) => x !== 0)) vds.problems.push({ message: `sector ${sector} holds no volume descriptor (${problem ? describeTagProblem(problem, b, 0) : `tag identifier ${id}`})`, byteOffset: at, structure: 'VolumeDescriptorSequence' });
    return false;
  }
  if (problem) vds.problems.push({ message: describeTagProblem(problem, b, 0, { location: sector }), byteOffset: at, structure: 'DescriptorTag' });
  try {
    switch (id) {
      case TagIdentifier.PRIMARY_VOLUME: vds.pvd = newer(vds.pvd, parsePrimaryVolumeDescriptor(b, at)); break;
      case TagIdentifier.LOGICAL_VOLUME: vds.lvd = newer(vds.lvd, parseLogicalVolumeDescriptor(b, at)); break;
      case TagIdentifier.PARTITION: {
        const pd = parsePartitionDescriptor(b, at);
        vds.pds.set(pd.partitionNumber, newer(vds.pds.get(pd.partitionNumber), pd));
        break;
      }
      case TagIdentifier.IMPLEMENTATION_USE_VOLUME: vds.iuvds.push(parseImplementationUseVolumeDescriptor(b, at)); break;
      case TagIdentifier.UNALLOCATED_SPACE: vds.usd = newer(vds.usd, parseUnallocatedSpaceDescriptor(b, at)); break;
      case TagIdentifier.VOLUME_POINTER: next.push(parseVolumeDescriptorPointer(b, at).nextExtent); return false;
      case TagIdentifier.TERMINATING: vds.terminated = true; return false;
      default: vds.problems.push({ message: `unexpected descriptor (tag identifier ${id}) in the sequence`, byteOffset: at, structure: 'VolumeDescriptorSequence' });
    }
  } catch (e) {
    vds.problems.push({ message: e instanceof Error ? e.message : String(e), byteOffset: at, structure: 'VolumeDescriptorSequence' });
  }
  return true;
}

/** Read the sequence starting at `extent` (following Volume Descriptor Pointers). */
export async function readVolumeDescriptors(ctx: UdfContext, extent: ExtentAd): Promise<VolumeDescriptors> {
  const vds = emptyDescriptors();
  const bs = ctx.blockSize;
  const todo: ExtentAd[] = [extent];
  const seen = new Set<number>();
  let sectorsLeft = MAX_VDS_SECTORS;
  for (let n = 0; todo.length && n < MAX_VDS_EXTENTS; n++) {
    const ext = todo.shift() as ExtentAd;
    if (seen.has(ext.sector)) break;
    seen.add(ext.sector);
    const count = Math.min(Math.ceil(ext.byteLength / bs), sectorsLeft, Math.floor(ctx.source.byteLength / bs) - ext.sector);
    if (count <= 0) {
      vds.problems.push({ message: `descriptor sequence extent at sector ${ext.sector} (${ext.byteLength} bytes) lies outside the image`, byteOffset: ext.sector * bs, structure: 'ExtentAd' });
      break;
    }
    sectorsLeft -= count;
    const area = await ctx.source.read(ext.sector * bs, count * bs, ctx.readOptions);
    for (let i = 0; i < count; i++) {
      const next: ExtentAd[] = [];
      if (!takeDescriptor(ctx, vds, area.subarray(i * bs, (i + 1) * bs), ext.sector + i, next)) {
        todo.push(...next);
        break;
      }
    }
    if (vds.terminated) break;
  }
  return vds;
}

/** What is missing from a sequence ('' when it has the PVD, LVD and a PD). */
export function missingDescriptors(vds: VolumeDescriptors): string {
  const missing = [vds.pvd ? '' : 'Primary Volume Descriptor', vds.lvd ? '' : 'Logical Volume Descriptor', vds.pds.size ? '' : 'Partition Descriptor'].filter(Boolean);
  return missing.join(', ');
}

/** `a`'s descriptors, with what `a` lacks taken from `b`. */
export function combineDescriptors(a: VolumeDescriptors, b: VolumeDescriptors): VolumeDescriptors {
  const pds = new Map(b.pds);
  for (const [k, v] of a.pds) pds.set(k, v);
  const pvd = a.pvd ?? b.pvd;
  const lvd = a.lvd ?? b.lvd;
  const usd = a.usd ?? b.usd;
  return {
    pds, iuvds: a.iuvds.length ? a.iuvds : b.iuvds, terminated: a.terminated || b.terminated, problems: [...a.problems, ...b.problems],
    ...(pvd ? { pvd } : {}), ...(lvd ? { lvd } : {}), ...(usd ? { usd } : {}),
  };
}

/**
 * The sequence to read the volume by: the main one when it is sound, else the reserve one (reported), else
 * both combined. Throws CORRUPT when neither has a Logical Volume Descriptor and a Partition Descriptor.
 */
export async function chooseVolumeDescriptors(ctx: UdfContext, avdp: AnchorVolumeDescriptorPointer, anchorAt: number): Promise<{ vds: VolumeDescriptors; used: 'main' | 'reserve' }> {
  const main = await readVolumeDescriptors(ctx, avdp.mainVds);
  const mainMissing = missingDescriptors(main);
  if (!mainMissing && !main.problems.length) {
    if (!main.terminated) ctx.findings.warn(FindingCode.UDF_VDS, 'the main Volume Descriptor Sequence has no Terminating Descriptor', avdp.mainVds.sector * ctx.blockSize, 'VolumeDescriptorSequence');
    return { vds: main, used: 'main' };
  }
  for (const p of main.problems) ctx.findings.error(FindingCode.UDF_VDS, `main sequence: ${p.message}`, p.byteOffset, p.structure);
  const reserve = await readVolumeDescriptors(ctx, avdp.reserveVds);
  const reserveMissing = missingDescriptors(reserve);
  const why = mainMissing ? `lacks ${mainMissing}` : 'is damaged';
  if (!reserveMissing && !reserve.problems.length) {
    ctx.findings.warn(FindingCode.UDF_VDS, `the main Volume Descriptor Sequence ${why}; using the reserve sequence`, avdp.mainVds.sector * ctx.blockSize, 'VolumeDescriptorSequence');
    return { vds: reserve, used: 'reserve' };
  }
  for (const p of reserve.problems) ctx.findings.error(FindingCode.UDF_VDS, `reserve sequence: ${p.message}`, p.byteOffset, p.structure);
  const mainBetter = !mainMissing || reserveMissing.length >= mainMissing.length;
  const vds = mainBetter ? combineDescriptors(main, reserve) : combineDescriptors(reserve, main);
  const missing = missingDescriptors(vds);
  if (!vds.lvd || !vds.pds.size) {
    throw new IsoKitError(ErrorCode.CORRUPT, `neither Volume Descriptor Sequence has a usable ${missing}`, { byteOffset: anchorAt, structure: 'VolumeDescriptorSequence' });
  }
  ctx.findings.warn(FindingCode.UDF_VDS, `both Volume Descriptor Sequences are damaged; reading from what is sound in either${missing ? ` (no ${missing})` : ''}`, anchorAt, 'VolumeDescriptorSequence');
  return { vds, used: mainBetter ? 'main' : 'reserve' };
}
