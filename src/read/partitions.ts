/**
 * Partition tables in an image's system area: MBR (with logical partitions), GPT (primary, array, backup) and
 * Apple Partition Map, plus whether the image is a hybrid ISO and which partitions cover the ISO 9660 volume.
 * Damage becomes findings; only I/O failures throw.
 */
import { crc32, readStrA, readU32LE } from '../bytes/index.js';
import { Findings, FindingCode } from '../errors/index.js';
import type { ByteSource } from '../io/index.js';
import { isApmEntry, parseApmDriverDescriptor, parseApmEntry, type ApmDriverDescriptor, type ApmEntry } from '../formats/apm/index.js';
import { parseGptHeader, parseGptPartitionArray, type GptHeader, type GptPartitionEntry } from '../formats/gpt/index.js';
import { isExtendedType, parseMbr, parseMbrEntries, type Mbr, type MbrPartitionEntry } from '../formats/mbr/index.js';

export type PartitionTableKind = 'mbr' | 'gpt' | 'apm' | 'isohybrid';

export interface MbrTable extends Mbr {
  /** Logical partitions from the extended partition's EBR chain (absolute sector addresses, index 5…). */
  readonly logical: readonly MbrPartitionEntry[];
}

export type GptBackupStatus = 'ok' | 'outside-image' | 'missing' | 'bad-crc' | 'mismatch';

export interface GptTable {
  /** The header in use (the primary, or the backup when the primary is missing). */
  readonly header: GptHeader;
  readonly partitions: readonly GptPartitionEntry[];
  readonly arrayCrcOk: boolean;
  /** 512: the only logical sector size seen in hybrid ISOs (xorriso writes GPT in 512-byte units). */
  readonly sectorByteLength: 512;
  readonly backup: { readonly status: GptBackupStatus; readonly header?: GptHeader };
  /** True when the primary header was unusable and `header` is the backup. */
  readonly fromBackup?: boolean;
}

export interface ApmTable {
  readonly descriptor: ApmDriverDescriptor;
  /** Block size the entries were found at (512 or 2048). */
  readonly blockSize: number;
  readonly entries: readonly ApmEntry[];
}

export interface PartitionRef {
  readonly table: 'mbr' | 'gpt' | 'apm';
  readonly index: number;
}

export interface PartitionTables {
  readonly mbr?: MbrTable;
  readonly gpt?: GptTable;
  readonly apm?: ApmTable;
  readonly kinds: PartitionTableKind[];
  /** Byte length of the ISO 9660 volume at byte 0 (PVD volume space size × 2048), when there is one. */
  readonly isoByteLength?: number;
  /** Partitions whose range contains the ISO 9660 volume descriptors at byte 32768 (protective 0xEE excluded). */
  readonly isoCoveredBy?: readonly PartitionRef[];
}

const SYSTEM_AREA = 32768;
const MAX_LOGICAL = 128;
const MAX_GPT_ARRAY_BYTES = 1 << 20;
const MAX_APM_ENTRIES = 64;

/** Read the partition tables of `source` (the first 32 KiB plus whatever GPT/APM/EBRs point at). */
export async function readPartitionTables(source: ByteSource, findings: Findings): Promise<PartitionTables> {
  const head = await source.read(0, Math.min(source.byteLength, SYSTEM_AREA + 2048));
  const sourceSectors = Math.floor(source.byteLength / 512);
  const mbrParsed = parseMbr(head, 0, findings, sourceSectors);
  const mbr = mbrParsed ? { ...mbrParsed, logical: await readLogicalPartitions(source, mbrParsed, findings) } : undefined;
  const gpt = await readGpt(source, head, findings, mbr);
  const apm = await readApm(source, head, findings);
  const isoByteLength = isoVolumeByteLength(head);
  const isoCoveredBy: PartitionRef[] = [];
  const covers = (start: number, len: number) => start <= SYSTEM_AREA && start + len > SYSTEM_AREA;
  for (const p of mbr ? [...mbr.partitions, ...mbr.logical] : []) {
    if (!p.empty && p.type !== 0xee && p.sectorCount > 0 && covers(p.startByteOffset, p.byteLength)) isoCoveredBy.push({ table: 'mbr', index: p.index });
  }
  for (const p of gpt?.partitions ?? []) if (covers(p.startByteOffset, p.byteLength)) isoCoveredBy.push({ table: 'gpt', index: p.index });
  for (const p of apm?.entries ?? []) if (covers(p.startByteOffset, p.byteLength) && p.type !== 'Apple_partition_map') isoCoveredBy.push({ table: 'apm', index: p.index });
  const kinds: PartitionTableKind[] = [];
  const mbrUsed = !!mbr && mbr.partitions.some((p) => !p.empty);
  if (mbrUsed) kinds.push('mbr');
  if (gpt) kinds.push('gpt');
  if (apm) kinds.push('apm');
  if (isoByteLength !== undefined && (mbrUsed || gpt || apm)) kinds.push('isohybrid');
  return {
    ...(mbr ? { mbr } : {}),
    ...(gpt ? { gpt } : {}),
    ...(apm ? { apm } : {}),
    kinds,
    ...(isoByteLength !== undefined ? { isoByteLength } : {}),
    isoCoveredBy,
  };
}

/** PVD volume space size × 2048 when byte 32768 starts a primary volume descriptor. */
function isoVolumeByteLength(head: Uint8Array): number | undefined {
  if (head.length < SYSTEM_AREA + 88 || head[SYSTEM_AREA] !== 1 || readStrA(head, SYSTEM_AREA + 1, 5) !== 'CD001') return undefined;
  return readU32LE(head, SYSTEM_AREA + 80) * 2048;
}

/** Follow the EBR chain of the first extended partition (bounded; loops and reads past the end are findings). */
async function readLogicalPartitions(source: ByteSource, mbr: Mbr, findings: Findings): Promise<MbrPartitionEntry[]> {
  const ext = mbr.partitions.find((p) => !p.empty && isExtendedType(p.type));
  if (!ext) return [];
  const out: MbrPartitionEntry[] = [];
  const seen = new Set<number>();
  let ebrLba = ext.startLba;
  // the Starting LBA field (entry + 8) of the entry that pointed here: where a missing EBR is reported
  let pointer = ext.byteOffset + 8;
  while (out.length < MAX_LOGICAL) {
    if (seen.has(ebrLba)) {
      findings.warn(FindingCode.MBR_EBR_LOOP, `extended boot record chain loops back to sector ${ebrLba}`, ebrLba * 512, 'ExtendedBootRecord');
      break;
    }
    seen.add(ebrLba);
    const sector = await source.read(ebrLba * 512, 512);
    if (sector.length < 512 || sector[510] !== 0x55 || sector[511] !== 0xaa) {
      const outside = sector.length < 512;
      findings.warn(FindingCode.MBR_EBR_MISSING, `no extended boot record (0x55AA) at sector ${ebrLba}`, outside ? pointer : ebrLba * 512, outside ? 'MbrPartitionEntry' : 'ExtendedBootRecord');
      break;
    }
    const [first, next] = parseMbrEntries(sector, ebrLba * 512, 5 + out.length);
    if (first && !first.empty && first.sectorCount > 0) {
      const startLba = ebrLba + first.startLba;
      out.push({ ...first, startLba, startByteOffset: startLba * 512 });
    }
    if (!next || next.empty || next.sectorCount === 0) break;
    ebrLba = ext.startLba + next.startLba;
    pointer = next.byteOffset + 8;
  }
  return out;
}

async function readArray(source: ByteSource, h: GptHeader, findings: Findings, structure: string): Promise<{ partitions: GptPartitionEntry[]; crcOk: boolean } | undefined> {
  const byteLength = h.partitionEntryCount * h.partitionEntrySize;
  const byteOffset = h.partitionEntryLba * 512;
  if (byteLength > MAX_GPT_ARRAY_BYTES || h.partitionEntrySize < 128) {
    findings.error(FindingCode.GPT_ARRAY_SIZE, `partition array of ${h.partitionEntryCount} × ${h.partitionEntrySize} bytes is not plausible`, h.byteOffset + 80, structure);
    return undefined;
  }
  const bytes = await source.read(byteOffset, byteLength);
  if (bytes.length < byteLength) {
    // at the array when it starts inside the image, else at the header's PartitionEntryLBA field (UEFI 5.3.2)
    findings.error(FindingCode.GPT_ARRAY_TRUNCATED, `partition array (${byteLength} bytes) runs past the end of the image`, byteOffset < source.byteLength ? byteOffset : h.byteOffset + 72, structure);
    return undefined;
  }
  const crc = crc32(bytes);
  const crcOk = crc === h.partitionArrayCrc32;
  if (!crcOk) findings.error(FindingCode.GPT_ARRAY_CRC, `partition array CRC32 0x${crc.toString(16)} does not match the header's 0x${h.partitionArrayCrc32.toString(16)}`, byteOffset, structure);
  return { partitions: parseGptPartitionArray(bytes, h.partitionEntryCount, h.partitionEntrySize, byteOffset), crcOk };
}

function checkEntries(h: GptHeader, partitions: readonly GptPartitionEntry[], sourceSectors: number, findings: Findings): void {
  for (const p of partitions) {
    if (p.lastLba < p.firstLba) findings.error(FindingCode.GPT_ENTRY_RANGE, `partition ${p.index} ends (${p.lastLba}) before it starts (${p.firstLba})`, p.byteOffset + 32, 'GptPartitionEntry');
    else if (p.lastLba >= sourceSectors) findings.warn(FindingCode.GPT_ENTRY_PAST_END, `partition ${p.index} (sectors ${p.firstLba}..${p.lastLba}) ends past the end of the image (${sourceSectors} sectors)`, p.byteOffset + 40, 'GptPartitionEntry');
    if (p.firstLba < h.firstUsableLba || p.lastLba > h.lastUsableLba) {
      // xorriso's isohybrid GPT deliberately lets partition 1 overlap the GPT itself (man xorriso: "gpt_basdat")
      findings.info(FindingCode.GPT_ENTRY_OUTSIDE_USABLE, `partition ${p.index} (sectors ${p.firstLba}..${p.lastLba}) lies outside the usable sectors ${h.firstUsableLba}..${h.lastUsableLba}`, p.byteOffset + 32, 'GptPartitionEntry');
    }
  }
}

async function readBackup(source: ByteSource, primary: GptHeader, findings: Findings): Promise<GptTable['backup']> {
  const byteOffset = primary.alternateLba * 512;
  if (byteOffset + 512 > source.byteLength) {
    findings.info(FindingCode.GPT_BACKUP_OUTSIDE, `backup GPT header at sector ${primary.alternateLba} lies beyond the end of the image (normal until the image is copied to a disk)`, primary.byteOffset + 32, 'GptHeader');
    return { status: 'outside-image' };
  }
  const header = parseGptHeader(await source.read(byteOffset, 512), byteOffset, findings, 'GptBackupHeader');
  if (!header) {
    findings.warn(FindingCode.GPT_BACKUP_MISSING, `no backup GPT header ("EFI PART") at sector ${primary.alternateLba}`, byteOffset, 'GptBackupHeader');
    return { status: 'missing' };
  }
  if (!header.headerCrcOk) return { status: 'bad-crc', header };
  const mismatch: string[] = [];
  if (header.myLba !== primary.alternateLba) mismatch.push('my LBA');
  if (header.alternateLba !== primary.myLba) mismatch.push('alternate LBA');
  for (const k of ['diskGuid', 'firstUsableLba', 'lastUsableLba', 'partitionEntryCount', 'partitionEntrySize', 'partitionArrayCrc32'] as const) {
    if (header[k] !== primary[k]) mismatch.push(k);
  }
  const arr = await readArray(source, header, findings, 'GptBackupHeader');
  if (arr && !arr.crcOk) return { status: 'bad-crc', header };
  if (mismatch.length) {
    findings.warn(FindingCode.GPT_BACKUP_MISMATCH, `backup GPT header differs from the primary in ${mismatch.join(', ')}`, byteOffset, 'GptBackupHeader');
    return { status: 'mismatch', header };
  }
  return { status: 'ok', header };
}

async function readGpt(source: ByteSource, head: Uint8Array, findings: Findings, mbr: Mbr | undefined): Promise<GptTable | undefined> {
  const sourceSectors = Math.floor(source.byteLength / 512);
  let header = parseGptHeader(head.subarray(512, 1024), 512, findings);
  let fromBackup = false;
  if (!header && mbr?.protective && sourceSectors > 2) {
    // a protective MBR promises a GPT: try the backup in the last sector
    const last = (sourceSectors - 1) * 512;
    const quiet = new Findings(false);
    header = parseGptHeader(await source.read(last, 512), last, quiet, 'GptBackupHeader');
    if (!header) {
      findings.warn(FindingCode.GPT_MISSING, 'protective MBR (0xEE) but no GPT header at sector 1 or in the last sector', 512, 'GptHeader');
      return undefined;
    }
    for (const f of quiet.list) findings.add(f);
    findings.warn(FindingCode.GPT_PRIMARY_MISSING, 'no primary GPT header at sector 1; using the backup from the last sector', 512, 'GptHeader');
    fromBackup = true;
  }
  if (!header) return undefined;
  const arr = await readArray(source, header, findings, fromBackup ? 'GptBackupHeader' : 'GptHeader');
  const partitions = arr?.partitions ?? [];
  checkEntries(header, partitions, sourceSectors, findings);
  const backup = fromBackup ? { status: 'missing' as const } : await readBackup(source, header, findings);
  return { header, partitions, arrayCrcOk: arr?.crcOk ?? false, sectorByteLength: 512, backup, ...(fromBackup ? { fromBackup } : {}) };
}

async function readApm(source: ByteSource, head: Uint8Array, findings: Findings): Promise<ApmTable | undefined> {
  const descriptor = parseApmDriverDescriptor(head);
  if (!descriptor) return undefined;
  const sizes = descriptor.blockSize === 2048 ? [2048, 512] : [512, 2048];
  const blockSize = sizes.find((bs) => isApmEntry(head, bs));
  if (blockSize === undefined) return undefined; // "ER" alone: boot code that happens to start with "ER"
  if (blockSize !== descriptor.blockSize) {
    findings.info(FindingCode.APM_BLOCK_SIZE, `APM entries found at ${blockSize}-byte blocks although block 0 says ${descriptor.blockSize}`, 2, 'ApmDriverDescriptor');
  }
  const entries: ApmEntry[] = [];
  const first = parseApmEntry(head, blockSize, 1, blockSize, 0);
  const count = Math.min(first?.mapBlockCount ?? 0, MAX_APM_ENTRIES);
  if ((first?.mapBlockCount ?? 0) > MAX_APM_ENTRIES) findings.warn(FindingCode.APM_TOO_MANY, `APM claims ${first?.mapBlockCount} entries; reading ${MAX_APM_ENTRIES}`, blockSize + 4, 'ApmEntry');
  const bytes = await source.read(blockSize, count * blockSize);
  for (let i = 0; i < count; i++) {
    const e = parseApmEntry(bytes, i * blockSize, i + 1, blockSize, blockSize);
    if (!e) {
      findings.warn(FindingCode.APM_ENTRY_MISSING, `APM entry ${i + 1} of ${count} has no "PM" signature`, blockSize * (i + 1), 'ApmEntry');
      break;
    }
    entries.push(e);
  }
  return { descriptor, blockSize, entries };
}
