/**
 * Opening a UDF volume (ECMA-167 3/8, 4/8; UDF 2): anchors → Volume Descriptor Sequence (main, else
 * reserve) → partition views → Logical Volume Integrity → File Set Descriptor → root directory.
 */
import { ErrorCode, FindingCode, IsoKitError, type Findings } from '../../errors/index.js';
import { throwIfAborted, type ByteSource } from '../../io/index.js';
import {
  AccessType, EntityIdentifier, TagIdentifier, parseFileSetDescriptor, type AllocationDescriptor, type AnchorVolumeDescriptorPointer, type FileSetDescriptor,
} from '../../formats/udf/index.js';
import type { TreeNode } from '../../model/index.js';
import { newContext, usableTag, type UdfContext } from './context.js';
import { anchorPoints, detectUdf, type UdfDetection } from './detect.js';
import { fileDataOf, isProblem, readFileEntry, type ReadEntry } from './icb.js';
import { volumeInfo } from './info.js';
import { integrityOf, readIntegrity } from './integrity.js';
import { applyFileEntry, directoryExtents, noteExtras } from './nodes.js';
import { setUpPartitions, type PartitionSetup } from './partition-setup.js';
import { chooseVolumeDescriptors, readAnchor } from './volume-descriptors.js';
import { Volume, dirHandle, type UdfVolume } from './volume.js';

export interface OpenUdfOptions {
  signal?: AbortSignal;
  /** what `detectUdf` found (saves probing again) */
  detection?: UdfDetection;
}

/**
 * Open the UDF volume of `source`: its descriptors, partitions, integrity and root. Damage that does not stop
 * reading becomes findings; throws NOT_ISO when there is no UDF volume, CORRUPT when it cannot be read
 * (no anchor, no Logical Volume or Partition Descriptor, no File Set Descriptor, no root directory).
 */
export async function openUdfVolume(source: ByteSource, findings: Findings, opts: OpenUdfOptions = {}): Promise<UdfVolume> {
  const detection = opts.detection ?? (await detectUdf(source, opts.signal ? { signal: opts.signal } : {}));
  if (!detection) throw new IsoKitError(ErrorCode.NOT_ISO, `${source.name} holds no UDF volume (no recognition sequence, no anchor)`);
  if (detection.blockSize === undefined) {
    throw new IsoKitError(ErrorCode.CORRUPT, 'UDF recognition sequence but no Anchor Volume Descriptor Pointer at sector 256, N−256 or N−1 (any block size)', {
      byteOffset: detection.vrs?.byteOffset ?? 32768, structure: 'AnchorVolumeDescriptorPointer',
    });
  }
  const ctx = newContext(source, findings, detection.blockSize, opts.signal);
  noteRecognition(ctx, detection);
  const avdp = await chosenAnchor(ctx, detection);
  const anchorAt = (detection.anchorSectors[0] as number) * ctx.blockSize;
  const { vds, used } = await chooseVolumeDescriptors(ctx, avdp, anchorAt);
  noteMissingAnchors(ctx, detection, [...vds.pds.values()].some((pd) => pd.accessType === AccessType.WRITE_ONCE));
  const lvd = vds.lvd as NonNullable<typeof vds.lvd>;
  const lvdAt = lvd.tag.location * ctx.blockSize;
  if (lvd.logicalBlockSize !== ctx.blockSize) {
    ctx.findings.error(FindingCode.UDF_LOGICAL_VOLUME, `logical block size ${lvd.logicalBlockSize} differs from the sector size ${ctx.blockSize} (reading with ${ctx.blockSize})`, lvdAt + 212, 'LogicalVolumeDescriptor');
  }
  if (lvd.domainIdentifier.identifier !== EntityIdentifier.OSTA_DOMAIN) {
    ctx.findings.info(FindingCode.UDF_LOGICAL_VOLUME, `domain identifier ${JSON.stringify(lvd.domainIdentifier.identifier)} is not "${EntityIdentifier.OSTA_DOMAIN}"`, lvdAt + 216, 'LogicalVolumeDescriptor');
  }
  throwIfAborted(opts.signal);
  const setup = await setUpPartitions(ctx, lvd, vds.pds);
  const lvid = await readIntegrity(ctx, lvd.integritySequence);
  const integrity = integrityOf(lvid);
  if (integrity === 'open' && !setup.vat) ctx.findings.info(FindingCode.UDF_INTEGRITY, 'the logical volume is open (not closed cleanly after its last change)', lvd.integritySequence.sector * ctx.blockSize, 'LogicalVolumeIntegrityDescriptor');
  const { fsd, rootEntry } = await fileSetAndRoot(ctx, setup, lvd.fileSetLocation);
  if (fsd.systemStreamDirectoryIcb.byteLength > 0) ctx.findings.info(FindingCode.UDF_NAMED_STREAMS, 'the file set has a system stream directory; it is skipped', undefined, 'FileSetDescriptor');
  const info = volumeInfo({
    detection, blockSize: ctx.blockSize, vds, used, lvid, integrity, fsd,
    ...(setup.vat ? { vat: setup.vat } : {}), ...(setup.metadataMirrorUsed || ctx.reported.has('mirror') ? { metadataMirrorUsed: true } : {}),
  });
  const rootData = await fileDataOf(ctx, rootEntry);
  const root: TreeNode = { name: '', kind: 'dir', size: 0, children: [] };
  applyFileEntry(root, rootEntry.fe);
  noteExtras(ctx, root, rootEntry);
  root.extents = directoryExtents(ctx, rootData);
  return new Volume(ctx, info, root, dirHandle(rootEntry, rootData, 0, undefined));
}

/** Findings about the recognition sequence. */
function noteRecognition(ctx: UdfContext, d: UdfDetection): void {
  if (!d.vrs) ctx.findings.warn(FindingCode.UDF_VRS, 'no Volume Recognition Sequence (BEA01 … NSR0x … TEA01) at byte 32768; found by its anchor', 32768, 'VolumeRecognitionSequence');
  else if (!d.vrs.complete) ctx.findings.warn(FindingCode.UDF_VRS, `incomplete Volume Recognition Sequence (${d.vrs.identifiers.join(', ')})`, d.vrs.byteOffset, 'VolumeRecognitionSequence');
}

/**
 * Findings about anchor points without an anchor. ECMA-167 3/8.4.2.1 asks for two of the three: one missing
 * is common (mkudffs, genisoimage) and only noted; write-once media not yet closed have just the one at 256.
 */
function noteMissingAnchors(ctx: UdfContext, d: UdfDetection, writeOnce: boolean): void {
  const points = anchorPoints(Math.floor(ctx.source.byteLength / ctx.blockSize));
  const missing = points.filter((s) => !d.anchorSectors.includes(s));
  const severity = d.anchorSectors.length >= 2 || writeOnce ? 'info' : 'warn';
  for (const s of missing) {
    ctx.findings[severity](FindingCode.UDF_ANCHOR_MISSING, `no Anchor Volume Descriptor Pointer at sector ${s}`, s * ctx.blockSize, 'AnchorVolumeDescriptorPointer');
  }
}

/** The first anchor's pointer; the others are compared with it. */
async function chosenAnchor(ctx: UdfContext, d: UdfDetection): Promise<AnchorVolumeDescriptorPointer> {
  const [first, ...rest] = d.anchorSectors as [number, ...number[]];
  const avdp = await readAnchor(ctx, first);
  for (const s of rest) {
    const other = await readAnchor(ctx, s);
    const same = (a: { sector: number; byteLength: number }, b: { sector: number; byteLength: number }) => a.sector === b.sector && a.byteLength === b.byteLength;
    if (!same(other.mainVds, avdp.mainVds) || !same(other.reserveVds, avdp.reserveVds)) {
      ctx.findings.warn(FindingCode.UDF_ANCHOR_MISMATCH, `the anchor at sector ${s} points at other descriptor sequences than the one at sector ${first} (using sector ${first})`, s * ctx.blockSize, 'AnchorVolumeDescriptorPointer');
    }
  }
  return avdp;
}

/** The File Set Descriptor at `at` (the first of its sequence), or why not. */
async function readFileSet(ctx: UdfContext, at: AllocationDescriptor): Promise<FileSetDescriptor | string> {
  const ref = at.partitionRef ?? 0;
  const view = ctx.partitions[ref];
  const off = view?.blockOffset(at.blockNumber);
  if (off === undefined) return `its location (block ${at.blockNumber} of partition ${ref}) is not in the volume`;
  const b = await ctx.source.read(off, ctx.blockSize, ctx.readOptions);
  if (b.length < 512 || !usableTag(ctx, b, 0, { identifier: TagIdentifier.FILE_SET, location: at.blockNumber }, off, 'FileSetDescriptor')) return `no File Set Descriptor at byte ${off}`;
  return parseFileSetDescriptor(b, off);
}

/**
 * The File Set Descriptor and the root's File Entry. When either cannot be read through a metadata partition
 * and its mirror file can be, the mirror is used (reported). Throws CORRUPT when neither works.
 */
async function fileSetAndRoot(ctx: UdfContext, setup: PartitionSetup, at: AllocationDescriptor): Promise<{ fsd: FileSetDescriptor; rootEntry: ReadEntry }> {
  let why = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    const fsd = await readFileSet(ctx, at);
    if (typeof fsd !== 'string') {
      const root = fsd.rootDirectoryIcb;
      const rootEntry = await readFileEntry(ctx, { partitionRef: root.partitionRef ?? 0, blockNumber: root.blockNumber });
      if (!isProblem(rootEntry) && rootEntry.fe.fileType === 4) return { fsd, rootEntry };
      why = isProblem(rootEntry) ? `root directory: ${rootEntry.problem}` : `the root ICB has file type ${rootEntry.fe.fileType}, not a directory`;
    } else {
      why = `File Set Descriptor: ${fsd}`;
    }
    if (attempt > 0 || !(await useMirrors(ctx, setup, why))) break;
  }
  throw new IsoKitError(ErrorCode.CORRUPT, `the file set cannot be read (${why})`, { structure: 'FileSetDescriptor' });
}

/** Switch every metadata partition to its mirror file (when there is a usable one); true when one was switched. */
async function useMirrors(ctx: UdfContext, setup: PartitionSetup, why: string): Promise<boolean> {
  let switched = false;
  for (const [ref, mirror] of setup.mirrors) {
    const view = await mirror();
    if (!view) continue;
    ctx.partitions[ref] = view;
    switched = true;
    ctx.reported.add('mirror');
    ctx.findings.warn(FindingCode.UDF_METADATA_FILE, `reading through the metadata file failed (${why}); using its mirror`, undefined, 'MetadataFile');
  }
  return switched;
}
