/**
 * How much of a source is the image (research notes §2.3, §3.4). Never the device's size: a disc is
 * larger than its image (padding, write chunks, TAO run-out blocks that cannot even be read) and so is a
 * USB stick an image was written to. In order:
 *
 * 1. the ISO 9660 volume: the Primary Volume Descriptor's volume space size (ECMA-119 8.4.8, bytes 80–87,
 *    both-endian), read at block 16 — and, on a multisession disc, at each ISO session's start + 16: later
 *    sessions count from block 0, so the last one spans the whole disc;
 * 2. the partition tables of a hybrid image (MBR entries, GPT entries and the backup GPT header): an EFI
 *    partition appended after the ISO volume ends beyond the PVD's size;
 * 3. the table of contents of an optical disc (the readable blocks) caps both; without a file system the
 *    TOC (or the device's size) is all there is.
 */
import { Findings } from '../../errors/index.js';
import { readStrA, readU32LE } from '../../bytes/index.js';
import type { ByteSource } from '../../io/index.js';
import { readPartitionTables } from '../../read/partitions.js';

const BLOCK = 2048;
const PVD_BYTE_OFFSET = 16 * BLOCK;

export interface RipExtent {
  /** the bytes to rip */
  readonly byteLength: number;
  /** what decided it */
  readonly basis: 'iso9660' | 'partitions' | 'toc' | 'device';
  readonly deviceByteLength: number;
  /** the largest ISO 9660 volume space size found (bytes) */
  readonly iso9660ByteLength?: number;
  /** the end of the last partition or of the backup GPT (bytes) */
  readonly partitionEndByteLength?: number;
  /** the readable size the table of contents reports (optical discs) */
  readonly tocByteLength?: number;
  readonly notes: string[];
}

/** The volume space size of a Primary Volume Descriptor at `byteOffset`, in bytes, or undefined. */
async function pvdByteLength(source: ByteSource, byteOffset: number): Promise<number | undefined> {
  // the PVD is the first descriptor in practice; look at a few (ECMA-119 8.1: the set starts at block 16)
  for (let i = 0; i < 4; i++) {
    const at = byteOffset + i * BLOCK;
    if (at + BLOCK > source.byteLength) return undefined;
    let d: Uint8Array;
    try {
      d = await source.read(at, BLOCK);
    } catch {
      return undefined;
    }
    if (d.length < 88 || readStrA(d, 1, 5) !== 'CD001') return undefined;
    if (d[0] === 1) return readU32LE(d, 80) * BLOCK;
    if (d[0] === 255) return undefined;
  }
  return undefined;
}

/** The end of the last partition (MBR, GPT) and of the backup GPT, in bytes. */
async function partitionEnd(source: ByteSource): Promise<number | undefined> {
  let tables;
  try {
    tables = await readPartitionTables(source, new Findings());
  } catch {
    return undefined;
  }
  let end = 0;
  for (const p of tables.mbr ? [...tables.mbr.partitions, ...tables.mbr.logical] : []) {
    // a protective 0xEE entry says "the whole disk", which is what we must not trust
    if (!p.empty && p.type !== 0xee && p.sectorCount > 0 && p.sectorCount !== 0xffffffff) end = Math.max(end, p.startByteOffset + p.byteLength);
  }
  const gpt = tables.gpt;
  if (gpt) {
    for (const p of gpt.partitions) end = Math.max(end, p.startByteOffset + p.byteLength);
    // the backup header sits in the last sector of the disk the table was made for
    const backupLba = gpt.header.myLba === 1 ? gpt.header.alternateLba : gpt.header.myLba;
    end = Math.max(end, (backupLba + 1) * gpt.sectorByteLength);
  }
  return end > 0 ? end : undefined;
}

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/**
 * Decide the rip size of `source` (read through the rip reader; unreadable metadata just leaves that
 * clue out). `isoSessionStarts`: ISO session start blocks from the disc's TOC; `tocByteLength`: its
 * readable size.
 */
export async function findExtent(source: ByteSource, opts: { isoSessionStarts?: number[]; tocByteLength?: number } = {}): Promise<RipExtent> {
  const notes: string[] = [];
  const deviceByteLength = source.byteLength;
  let iso: number | undefined;
  for (const start of [0, ...(opts.isoSessionStarts ?? [])]) {
    const v = await pvdByteLength(source, start * BLOCK + PVD_BYTE_OFFSET);
    if (v !== undefined) iso = Math.max(iso ?? 0, v);
  }
  const parts = await partitionEnd(source);
  const cap = Math.min(deviceByteLength, opts.tocByteLength ?? Number.MAX_SAFE_INTEGER);
  const fs = Math.max(iso ?? 0, parts ?? 0);
  const base = {
    deviceByteLength,
    ...(iso !== undefined ? { iso9660ByteLength: iso } : {}),
    ...(parts !== undefined ? { partitionEndByteLength: parts } : {}),
    ...(opts.tocByteLength !== undefined ? { tocByteLength: opts.tocByteLength } : {}),
    notes,
  };
  if (fs > 0) {
    const basis = parts !== undefined && parts > (iso ?? 0) ? 'partitions' : 'iso9660';
    if (basis === 'partitions') notes.push(`the partition table reaches past the ISO 9660 volume (${parts} > ${iso ?? 0} bytes): ripping to the end of the last partition`);
    const byteLength = roundUp(fs, 512);
    if (byteLength > cap) {
      notes.push(`the ${basis === 'iso9660' ? 'ISO 9660 volume' : 'partition table'} claims ${byteLength} bytes but the ${opts.tocByteLength !== undefined ? 'disc' : 'device'} holds ${cap}: ripping what there is`);
      return { ...base, byteLength: cap, basis: opts.tocByteLength !== undefined ? 'toc' : 'device' };
    }
    return { ...base, byteLength, basis };
  }
  notes.push('no ISO 9660 volume or partition table found: ripping the whole ' + (opts.tocByteLength !== undefined ? 'track' : 'device'));
  return { ...base, byteLength: cap, basis: opts.tocByteLength !== undefined ? 'toc' : 'device' };
}
