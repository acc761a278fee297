/**
 * The ISO 9660 side of an image: the volume descriptor set's PVD and Joliet SVD, whether the root's "." record
 * starts with SUSP SP (Rock Ridge, RRIP version from ER), and a directory reader per namespace (plain ISO
 * 9660, Joliet, Rock Ridge), all over the one IsoTreeReader.
 */
import { readU32LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError, type Findings } from '../../errors/index.js';
import { isSyncSource, type ByteSource } from '../../io/index.js';
import type { Namespace } from '../../model/index.js';
import { SECTOR_SIZE, parseDirectoryRecord, type DirectoryRecord, type PrimaryVolumeDescriptor, type SupplementaryVolumeDescriptor } from '../../formats/iso9660/index.js';
import { RockRidgeReader, type RockRidgeInfo } from '../../formats/rockridge/interpret.js';
import { SuspWalker } from '../../formats/rockridge/susp.js';
import type { DescriptorSet } from '../descriptors.js';
import { IsoTreeReader, readDirectoryExtent } from './reader.js';

export type IsoNamespace = 'iso9660' | 'joliet' | 'rockridge';

export interface RootRockRidge {
  readonly info: RockRidgeInfo;
  readonly lenSkp: number;
}

/** Prefetch of the directory area: at most this many bytes, at most DENSE_BYTES per directory (besides the last), and this much past the last one. */
const MAX_PREFETCH = 64 << 20;
const DENSE_BYTES = 64 << 10;
const PREFETCH_SLACK = 64 << 10;

/**
 * Rock Ridge is present when the root's "." record starts with an SP entry (SUSP 5.3); ER names the version.
 * The "." record's System Use (and its continuation areas, if any) is read like any record's.
 */
export async function readRootRockRidge(source: ByteSource, root: DirectoryRecord, findings: Findings, signal?: AbortSignal): Promise<RootRockRidge | undefined> {
  const first = await readDirectoryExtent(source, root.lba, Math.min(root.dataLength, SECTOR_SIZE), findings, root.byteOffset, signal);
  if (!first || first.length === 0) {
    throw new IsoKitError(ErrorCode.CORRUPT, `the root directory at LBA ${root.lba} lies outside the image`, { byteOffset: root.byteOffset, structure: 'DirectoryRecord' });
  }
  const self = parseDirectoryRecord(first, 0, root.lba * SECTOR_SIZE, findings);
  if (!self || self.systemUse.length < 7) return undefined;
  const su = self.systemUse;
  if (su[0] !== 0x53 || su[1] !== 0x50) return undefined; // "SP"
  // the "." record read as the first entry of a reader over the root: its continuation areas are followed too
  const reader = new RockRidgeReader();
  reader.begin();
  const w = new SuspWalker().reset(su, 0, su.length, self.byteOffset + self.recordLength - su.length);
  while (w.next(findings)) reader.add(w, su, findings);
  let ce = w.continuation;
  for (let hops = 0; ce && hops < 32 && ce.byteLength > 0 && ce.byteLength <= 64 * 1024; hops++) {
    const at = ce.lba * SECTOR_SIZE + ce.offsetInBlock;
    if (at + ce.byteLength > source.byteLength) break;
    const area = await source.read(at, ce.byteLength, signal ? { signal } : undefined);
    w.reset(area, 0, area.length, at);
    while (w.next(findings)) reader.add(w, area, findings);
    ce = w.continuation;
  }
  const info = reader.finish(findings, self.byteOffset);
  if (!info || info.lenSkp === undefined) return undefined;
  return { info, lenSkp: info.lenSkp };
}

/** The RRIP version an ER extension identifier names. */
export function rripVersionOf(extensionId: string | undefined): string {
  if (!extensionId) return '1.09';
  if (extensionId === 'RRIP_1991A') return '1.10';
  if (extensionId === 'IEEE_P1282' || extensionId === 'IEEE_1282') return '1.12';
  return extensionId;
}

/** A new directory reader of one ISO namespace (NOT_FOUND when the image lacks it). */
export function isoReader(ns: IsoNamespace, set: DescriptorSet, rootRr: RootRockRidge | undefined, source: ByteSource, findings: Findings, signal?: AbortSignal): IsoTreeReader {
  const common = { source, findings, ...(signal ? { signal } : {}) };
  let vd: PrimaryVolumeDescriptor | SupplementaryVolumeDescriptor | undefined;
  let reader: IsoTreeReader;
  if (ns === 'joliet') {
    vd = set.joliet.find((d) => d.rootRecord);
    if (!vd?.rootRecord) throw new IsoKitError(ErrorCode.NOT_FOUND, `${source.name} has no Joliet tree`);
    reader = new IsoTreeReader({ ...common, mode: 'joliet' }, vd.rootRecord);
  } else {
    vd = set.pvd;
    const root = vd?.rootRecord;
    if (!root) throw new IsoKitError(ErrorCode.CORRUPT, 'the root directory record is unreadable', { byteOffset: (vd?.byteOffset ?? 32768) + 156, structure: 'PrimaryVolumeDescriptor' });
    if (ns === 'rockridge' && !rootRr) throw new IsoKitError(ErrorCode.NOT_FOUND, `${source.name} has no Rock Ridge tree`);
    reader = ns === 'rockridge' && rootRr
      ? new IsoTreeReader({ ...common, mode: 'rockridge', lenSkp: rootRr.lenSkp, rootInfo: rootRr.info }, root)
      : new IsoTreeReader({ ...common, mode: 'iso9660' }, root);
  }
  reader.onWalk = () => prefillDirectoryArea(reader, source, vd);
  return reader;
}

/**
 * On a synchronous source (a local file, memory), read the directories the namespace's path table names in one
 * go when they lie close together: image writers keep them together, and one read replaces one per directory.
 * Only a speed-up: what is read there is the image's bytes; a directory outside the area is read as usual.
 */
function prefillDirectoryArea(reader: IsoTreeReader, source: ByteSource, vd: PrimaryVolumeDescriptor | SupplementaryVolumeDescriptor | undefined): void {
  if (!vd || !isSyncSource(source) || vd.pathTableByteLength <= 0 || vd.pathTableByteLength > MAX_PREFETCH) return;
  let t: Uint8Array;
  try {
    t = source.readSync(vd.lPathTableLba * SECTOR_SIZE, vd.pathTableByteLength);
  } catch {
    return;
  }
  // the lowest and highest LBA of the L table's records (what is odd there is not this reader's to report)
  let lo = Number.POSITIVE_INFINITY;
  let hi = -1;
  let n = 0;
  for (let p = 0; p + 8 <= t.length; ) {
    const idLen = t[p] as number;
    if (idLen === 0) break;
    const lba = readU32LE(t, p + 2);
    if (lba < lo) lo = lba;
    if (lba > hi) hi = lba;
    n++;
    p += 8 + idLen + (idLen % 2);
  }
  if (n < 2) return;
  const start = lo * SECTOR_SIZE;
  // the last directory is as long as its "." record says (when that can be read)
  let last = SECTOR_SIZE + PREFETCH_SLACK;
  try {
    const dot = source.readSync(hi * SECTOR_SIZE, 34);
    if (dot.length === 34 && (dot[0] as number) >= 34) last = Math.max(last, readU32LE(dot, 10));
  } catch {
    // the slack only
  }
  const end = Math.min(source.byteLength, hi * SECTOR_SIZE + last);
  if (end <= start || end - start > MAX_PREFETCH || end - start > n * DENSE_BYTES + last) return;
  try {
    reader.ahead.prefill(start, source.readSync(start, end - start));
  } catch {
    // read as usual
  }
}

export const isIsoNamespace = (ns: Namespace): ns is IsoNamespace => ns === 'iso9660' || ns === 'joliet' || ns === 'rockridge';
