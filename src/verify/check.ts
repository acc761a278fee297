/**
 * `checkImage`: a structural check. It opens the image with the reader (its findings cover El Torito, MBR/GPT,
 * Rock Ridge entries, both-endian directory fields…) and adds checks across structures: volume descriptor
 * both-endian fields and size against the source, L vs M path tables against the directories, every extent
 * inside the volume, file extents that partly overlap (identical extents are hard links / dedup: fine),
 * SUSP CE areas inside the image, and Rock Ridge directory link counts (1 = "not counted", as xorriso writes, is accepted).
 * A UDF volume's tree is read too (on a bridge image as well): the UDF reader's findings cover its descriptors
 * (tag checksum, CRC and location), anchors, integrity descriptor, FIDs, allocation extents and loops.
 */
import { Findings, IsoKitError, asIsoKitError, type Finding, FindingCode } from '../errors/index.js';
import { readU16BE, readU16LE, readU32BE, readU32LE } from '../bytes/index.js';
import { throwIfAborted, type ByteSource } from '../io/index.js';
import { DirFlag, parsePathTable, parseDirectoryRecord, type DirectoryRecord } from '../formats/iso9660/index.js';
import { openImage, type IsoImage } from '../read/index.js';
import { walkTree } from '../model/index.js';

const BLOCK = 2048;
const MAX_DIRS = 200_000;

export interface CheckReport {
  /** no error-level finding */
  readonly ok: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly findings: Finding[];
  readonly volumeByteLength?: number;
  readonly directories: number;
  readonly files: number;
}

const hex = (n: number): string => '0x' + n.toString(16);

/** ECMA-119 8.4: both-endian fields of a PVD/SVD, each checked on its own. */
function checkDescriptorEndian(sector: Uint8Array, byteOffset: number, structure: string, f: Findings): void {
  const u32 = [[80, 'Volume Space Size'], [132, 'Path Table Size']] as const;
  const u16 = [[120, 'Volume Set Size'], [124, 'Volume Sequence Number'], [128, 'Logical Block Size']] as const;
  for (const [o, name] of u32) {
    if (readU32LE(sector, o) !== readU32BE(sector, o + 4)) {
      f.error(FindingCode.BOTH_ENDIAN_MISMATCH, `${name}: little-endian ${readU32LE(sector, o)} ≠ big-endian ${readU32BE(sector, o + 4)}`, byteOffset + o, structure);
    }
  }
  for (const [o, name] of u16) {
    if (readU16LE(sector, o) !== readU16BE(sector, o + 2)) {
      f.error(FindingCode.BOTH_ENDIAN_MISMATCH, `${name}: little-endian ${readU16LE(sector, o)} ≠ big-endian ${readU16BE(sector, o + 2)}`, byteOffset + o, structure);
    }
  }
  const root = 156;
  for (const [o, name] of [[2, 'extent location'], [10, 'data length']] as const) {
    if (readU32LE(sector, root + o) !== readU32BE(sector, root + o + 4)) {
      f.error(FindingCode.BOTH_ENDIAN_MISMATCH, `root directory record ${name}: halves disagree`, byteOffset + root + o, structure);
    }
  }
  if (readU16LE(sector, 128) !== BLOCK) f.error(FindingCode.BLOCK_SIZE, `Logical Block Size ${readU16LE(sector, 128)} (isokit expects 2048)`, byteOffset + 128, structure);
}

interface Extent {
  start: number;
  end: number;
  what: string;
  recordByteOffset: number;
  dir: boolean;
}

interface Descriptor {
  kind: 'primary' | 'supplementary';
  sector: Uint8Array;
  byteOffset: number;
}

async function readDescriptors(source: ByteSource, f: Findings): Promise<Descriptor[]> {
  const out: Descriptor[] = [];
  for (let lba = 16; lba < 16 + 64; lba++) {
    const sector = await source.read(lba * BLOCK, BLOCK);
    if (sector.length < BLOCK) {
      f.error(FindingCode.VD_TRUNCATED, 'the volume descriptor set runs past the end of the image (no terminator)', lba * BLOCK, 'VolumeDescriptor');
      break;
    }
    const id = String.fromCharCode(...sector.subarray(1, 6));
    if (id !== 'CD001') {
      if (lba === 16) f.error(FindingCode.NO_PVD, 'no ISO 9660 volume descriptor at sector 16', lba * BLOCK, 'VolumeDescriptor');
      else f.warn(FindingCode.VD_SET_UNTERMINATED, `sector ${lba} is not a volume descriptor (no terminator before it)`, lba * BLOCK, 'VolumeDescriptor');
      break;
    }
    const type = sector[0] as number;
    if (type === 255) break;
    if (type === 1) out.push({ kind: 'primary', sector, byteOffset: lba * BLOCK });
    if (type === 2) out.push({ kind: 'supplementary', sector, byteOffset: lba * BLOCK });
  }
  if (!out.some((d) => d.kind === 'primary')) f.error(FindingCode.NO_PVD, 'no Primary Volume Descriptor', 16 * BLOCK, 'VolumeDescriptor');
  return out;
}

/** Walk one directory hierarchy: extents, directory LBAs, CE bounds, RR directory link counts. */
async function walkHierarchy(
  source: ByteSource,
  root: DirectoryRecord,
  volumeBytes: number,
  label: string,
  f: Findings,
  extents: Extent[],
  signal?: AbortSignal,
): Promise<{ dirLbas: Set<number>; files: number }> {
  const dirLbas = new Set<number>();
  let files = 0;
  const quiet = new Findings(false, 10);
  const queue: { rec: DirectoryRecord; path: string }[] = [{ rec: root, path: '' }];
  while (queue.length && dirLbas.size < MAX_DIRS) {
    throwIfAborted(signal);
    const { rec: dirRec, path } = queue.shift() as { rec: DirectoryRecord; path: string };
    if (dirLbas.has(dirRec.lba)) continue;
    dirLbas.add(dirRec.lba);
    const start = dirRec.lba * BLOCK;
    if (start + dirRec.dataLength > volumeBytes || start + dirRec.dataLength > source.byteLength) continue; // reported as an extent
    const bytes = await source.read(start, dirRec.dataLength);
    let subdirs = 0;
    let selfNlink: number | undefined;
    for (let o = 0; o < bytes.length; ) {
      const rec = parseDirectoryRecord(bytes, o, start + o, quiet);
      if (!rec) {
        o = (Math.floor(o / BLOCK) + 1) * BLOCK;
        continue;
      }
      o += rec.recordLength;
      const ce = findSusp(rec.systemUse, 'CE');
      if (ce && ce.length >= 28) {
        const ceStart = readU32LE(ce, 4) * BLOCK + readU32LE(ce, 12);
        const ceEnd = ceStart + readU32LE(ce, 20);
        if (ceEnd > volumeBytes) f.error(FindingCode.CE_OUTSIDE, `SUSP CE continuation area ${hex(ceStart)}–${hex(ceEnd)} lies past the end of the volume`, rec.byteOffset, 'SuspContinuationEntry');
      }
      const id0 = rec.identifier[0];
      if (rec.identifier.length === 1 && (id0 === 0 || id0 === 1)) {
        if (id0 === 0) {
          const px = findSusp(rec.systemUse, 'PX');
          if (px && px.length >= 20) selfNlink = readU32LE(px, 12);
        }
        continue;
      }
      let name = '';
      for (const c of rec.identifier) name += String.fromCharCode(c);
      const p = `${path}/${name}`;
      const isDir = !!(rec.flags & DirFlag.DIRECTORY);
      if (rec.dataLength > 0) {
        extents.push({ start: rec.lba * BLOCK, end: rec.lba * BLOCK + rec.dataLength, what: `${label} ${isDir ? 'directory' : 'file'} ${p}`, recordByteOffset: rec.byteOffset, dir: isDir });
      }
      if (isDir) {
        subdirs++;
        queue.push({ rec, path: p });
      } else files++;
    }
    if (selfNlink !== undefined && selfNlink !== 1 && selfNlink !== 2 + subdirs) {
      f.warn(FindingCode.RR_NLINK, `Rock Ridge link count ${selfNlink} of directory ${path || '/'} ≠ 2 + ${subdirs} subdirectories`, start, 'RripPx');
    }
  }
  return { dirLbas, files };
}

/** The payload of the first SUSP entry with this signature in a system use area (no CE following). */
function findSusp(area: Uint8Array, sig: string): Uint8Array | undefined {
  for (let i = 0; i + 4 <= area.length; ) {
    const len = area[i + 2] as number;
    if (len < 4 || i + len > area.length) return undefined;
    if (String.fromCharCode(area[i] as number, area[i + 1] as number) === sig) return area.subarray(i, i + len);
    i += len;
  }
  return undefined;
}

function checkExtents(extents: Extent[], volumeBytes: number, sourceBytes: number, f: Findings): void {
  for (const e of extents) {
    if (e.end > volumeBytes) {
      const past = e.end > sourceBytes ? ' and past the end of the image' : '';
      f.error(FindingCode.EXTENT_PAST_END, `${e.what}: extent ${hex(e.start)}–${hex(e.end)} ends past the volume (${hex(volumeBytes)})${past}`, e.recordByteOffset, 'DirectoryRecord');
    }
  }
  const sorted = extents.filter((e) => !e.dir).sort((a, b) => a.start - b.start || a.end - b.end);
  let prev: Extent | undefined;
  for (const e of sorted) {
    if (prev && e.start < prev.end && !(e.start === prev.start && e.end === prev.end)) {
      f.error(FindingCode.EXTENT_OVERLAP, `${e.what} (${hex(e.start)}–${hex(e.end)}) partly overlaps ${prev.what} (${hex(prev.start)}–${hex(prev.end)})`, e.recordByteOffset, 'DirectoryRecord');
    }
    if (!prev || e.end > prev.end) prev = e;
  }
  const dirs = extents.filter((e) => e.dir);
  for (const d of dirs) {
    const hit = sorted.find((x) => x.start < d.end && d.start < x.end);
    if (hit) f.error(FindingCode.EXTENT_OVERLAP, `${hit.what} overlaps ${d.what}`, hit.recordByteOffset, 'DirectoryRecord');
  }
}

async function checkPathTables(source: ByteSource, d: Descriptor, dirLbas: Set<number>, label: string, f: Findings): Promise<void> {
  const size = readU32LE(d.sector, 132);
  const lLba = readU32LE(d.sector, 140);
  const mLba = readU32BE(d.sector, 148);
  if (size === 0 || size > 64 << 20) return;
  const quiet = new Findings(false, 20);
  const l = parsePathTable(await source.read(lLba * BLOCK, size), 'L', lLba * BLOCK, quiet);
  const m = parsePathTable(await source.read(mLba * BLOCK, size), 'M', mLba * BLOCK, quiet);
  for (const q of quiet.list) f.add(q);
  // a path table outside the image is reported at the descriptor field that points there
  const lAt = lLba * BLOCK < source.byteLength ? lLba * BLOCK : d.byteOffset + 140;
  const mAt = mLba * BLOCK < source.byteLength ? mLba * BLOCK : d.byteOffset + 148;
  if (l.length !== m.length) {
    f.error(FindingCode.PATH_TABLE_MISMATCH, `${label} L path table has ${l.length} records, M has ${m.length}`, mAt, 'PathTable');
  }
  const n = Math.min(l.length, m.length);
  for (let i = 0; i < n; i++) {
    const a = l[i] as { lba: number; parentNumber: number }, b = m[i] as { lba: number; parentNumber: number };
    if (a.lba !== b.lba || a.parentNumber !== b.parentNumber) {
      f.error(FindingCode.PATH_TABLE_MISMATCH, `${label} path table record ${i + 1}: L says LBA ${a.lba} parent ${a.parentNumber}, M says LBA ${b.lba} parent ${b.parentNumber}`, mAt, 'PathTable');
      break;
    }
  }
  const missing = l.filter((r) => !dirLbas.has(r.lba));
  if (missing.length) {
    f.error(FindingCode.PATH_TABLE_DIRECTORY, `${label} L path table names ${missing.length} director${missing.length > 1 ? 'ies' : 'y'} not in the directory tree (first: LBA ${missing[0]?.lba})`, lAt, 'PathTable');
  }
  if (l.length < dirLbas.size) {
    f.warn(FindingCode.PATH_TABLE_DIRECTORY, `${label} path table lists ${l.length} directories, the tree has ${dirLbas.size}`, lAt, 'PathTable');
  }
}

/** Run the structural check. Never throws for damaged input (an unreadable image is one error finding). */
export async function checkImage(source: ByteSource, opts: { signal?: AbortSignal } = {}): Promise<CheckReport> {
  const f = new Findings(false, 2000);
  let directories = 0;
  let files = 0;
  let volumeBytes: number | undefined;
  try {
    const image = await openImage(source, opts.signal ? { signal: opts.signal } : {});
    // the UDF structures (tags, CRCs, locations, LVID, anchors, FIDs, extents) are checked by reading its tree
    const udf = image.namespaces.udf?.readable ? await udfCounts(image).catch((e: unknown) => unreadable(e, f)) : undefined;
    for (const x of image.findings) f.add(x);
    volumeBytes = image.volume.byteLength;
    if (!image.namespaces.iso9660) {
      // a UDF-only (or FAT) image: no ISO 9660 descriptors, path tables or directory records to check
      if (udf) ({ directories, files } = udf);
    } else {
      ({ directories, files } = await checkIso9660(source, image, volumeBytes, f, opts.signal));
    }
  } catch (e) {
    unreadable(e, f);
  }
  const findings = dedupe(f.toArray());
  const errors = findings.filter((x) => x.severity === 'error').length;
  const warnings = findings.filter((x) => x.severity === 'warning').length;
  return { ok: errors === 0, errors, warnings, findings, ...(volumeBytes !== undefined ? { volumeByteLength: volumeBytes } : {}), directories, files };
}

/** What stopped reading, as an error finding (an abort is thrown on). */
function unreadable(e: unknown, f: Findings): undefined {
  const err = e instanceof IsoKitError ? e : asIsoKitError(e);
  if (err.code === 'ABORTED') throw err;
  f.error(err.code, err.message, err.byteOffset, err.structure);
  return undefined;
}

/** The ISO 9660 structures: descriptors, both hierarchies, path tables, extents. Its directory and file counts. */
async function checkIso9660(source: ByteSource, image: IsoImage, volumeBytes: number, f: Findings, signal: AbortSignal | undefined): Promise<{ directories: number; files: number }> {
  let directories = 0;
  let files = 0;
  if (volumeBytes > source.byteLength) {
    // reported at the Volume Space Size field (BP 81) of the PVD the volume was read from: inside the image
    const pvdLba = image.descriptors.find((x) => x.kind === 'primary')?.lba ?? 16;
    f.error(FindingCode.IMAGE_TRUNCATED, `the volume is ${volumeBytes} bytes (Volume Space Size) but the image has ${source.byteLength}`, pvdLba * BLOCK + 80, 'PrimaryVolumeDescriptor');
  }
  const descriptors = await readDescriptors(source, f);
  const extents: Extent[] = [];
  for (const d of descriptors) {
    const label = d.kind === 'primary' ? 'ISO 9660' : 'Joliet/SVD';
    checkDescriptorEndian(d.sector, d.byteOffset, d.kind === 'primary' ? 'PrimaryVolumeDescriptor' : 'SupplementaryVolumeDescriptor', f);
    const root = parseDirectoryRecord(d.sector, 156, d.byteOffset + 156, new Findings());
    if (!root) continue;
    const walked = await walkHierarchy(source, root, volumeBytes, label, f, extents, signal);
    if (d.kind === 'primary') {
      directories = walked.dirLbas.size;
      files = walked.files;
    }
    await checkPathTables(source, d, walked.dirLbas, label, f);
  }
  checkExtents(extents, volumeBytes, source.byteLength, f);
  return { directories, files };
}

/** Read the UDF tree (its findings go to the image's); its directory and file counts. */
async function udfCounts(image: IsoImage): Promise<{ directories: number; files: number }> {
  const root = image.namespace === 'udf' ? image.tree : await image.openTree('udf');
  let directories = 0, files = 0;
  for (const { node } of walkTree(root)) {
    if (node.kind === 'dir') directories++;
    else files++;
  }
  return { directories, files };
}

function dedupe(list: Finding[]): Finding[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = `${x.code}|${x.byteOffset}|${x.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
