/**
 * A whole GUID Partition Table (UEFI 2.x 5.3): primary header at LBA 1 followed by the partition array, backup
 * array + backup header at the end of the disk (512-byte sectors). Pure: returns the bytes and where they go.
 */
import { crc32 } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { serializeGptHeader, type GptHeaderInit } from './gpt-header.js';
import { GPT_ENTRY_BYTE_LENGTH, serializeGptPartitionArray, type GptPartitionInit } from './partition-entry.js';

export interface GptInit {
  readonly diskGuid: string | Uint8Array;
  /** 512-byte sectors of the whole disk/image; the backup header goes into the last one unless `alternateLba` says otherwise. */
  readonly diskSectorCount: number;
  readonly partitions: readonly GptPartitionInit[];
  /** Slots in the array (default 128; xorriso uses 248 so the array fills LBA 2–63). */
  readonly partitionEntryCount?: number;
  readonly partitionEntrySize?: number;
  /** Default: the sector after the primary array. */
  readonly firstUsableLba?: number;
  /** Default: the sector before the backup array. */
  readonly lastUsableLba?: number;
  /** Backup header LBA; default diskSectorCount − 1. */
  readonly alternateLba?: number;
  /** Backup array LBA; default alternateLba − array sectors. */
  readonly backupPartitionEntryLba?: number;
  readonly revision?: number;
  /**
   * Accept partitions outside the usable range and overlapping each other: xorriso's isohybrid GPT
   * (`-isohybrid-gpt-basdat`) has partition 1 cover the whole ISO from sector 0, over the GPT itself, with the
   * ESP nested inside it (man xorriso calls this formally invalid; firmware accepts it).
   */
  readonly allowOverlap?: boolean;
}

export interface SerializedGpt {
  /** Header sector for LBA 1 followed by the array sectors for LBA 2…: write at byte 512. */
  readonly primary: Uint8Array;
  /** Array sectors followed by the backup header sector: write at `backupByteOffset`. */
  readonly backup: Uint8Array;
  readonly primaryByteOffset: number;
  readonly backupByteOffset: number;
  readonly primaryHeader: GptHeaderInit;
  readonly backupHeader: GptHeaderInit;
  readonly arrayCrc32: number;
}

/** Sectors the partition array takes. */
export const gptArraySectorCount = (entryCount = 128, entrySize = GPT_ENTRY_BYTE_LENGTH): number => Math.ceil((entryCount * entrySize) / 512);

/** Serialize primary and backup GPT with both CRCs. Partitions are checked to lie in the usable range and not overlap. */
export function serializeGpt(init: GptInit): SerializedGpt {
  const entryCount = init.partitionEntryCount ?? 128;
  const entrySize = init.partitionEntrySize ?? GPT_ENTRY_BYTE_LENGTH;
  const arraySectors = gptArraySectorCount(entryCount, entrySize);
  const alternateLba = init.alternateLba ?? init.diskSectorCount - 1;
  const backupArrayLba = init.backupPartitionEntryLba ?? alternateLba - arraySectors;
  const firstUsableLba = init.firstUsableLba ?? 2 + arraySectors;
  const lastUsableLba = init.lastUsableLba ?? backupArrayLba - 1;
  if (backupArrayLba < 2 + arraySectors || lastUsableLba < firstUsableLba - 1) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `a disk of ${init.diskSectorCount} sectors is too small for a GPT with ${entryCount} entries`);
  }
  const sorted = [...init.partitions].sort((a, b) => a.firstLba - b.firstLba);
  if (!init.allowOverlap) sorted.forEach((p, i) => {
    if (p.firstLba < firstUsableLba || p.lastLba > lastUsableLba) {
      throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `GPT partition ${p.firstLba}..${p.lastLba} lies outside the usable sectors ${firstUsableLba}..${lastUsableLba}`);
    }
    const next = sorted[i + 1];
    if (next && next.firstLba <= p.lastLba) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `GPT partitions ${p.firstLba}..${p.lastLba} and ${next.firstLba}..${next.lastLba} overlap`);
  });
  const arrayBytes = serializeGptPartitionArray(init.partitions, entryCount, entrySize);
  const arrayCrc32 = crc32(arrayBytes);
  const common = {
    ...(init.revision !== undefined ? { revision: init.revision } : {}),
    firstUsableLba,
    lastUsableLba,
    diskGuid: init.diskGuid,
    partitionEntryCount: entryCount,
    partitionEntrySize: entrySize,
    partitionArrayCrc32: arrayCrc32,
  };
  const primaryHeader: GptHeaderInit = { ...common, myLba: 1, alternateLba, partitionEntryLba: 2 };
  const backupHeader: GptHeaderInit = { ...common, myLba: alternateLba, alternateLba: 1, partitionEntryLba: backupArrayLba };
  const primary = new Uint8Array(512 * (1 + arraySectors));
  primary.set(serializeGptHeader(primaryHeader), 0);
  primary.set(arrayBytes, 512);
  // the backup array may not end right before the backup header (a gap stays zero)
  const backupSectors = alternateLba - backupArrayLba + 1;
  if (backupSectors < arraySectors + 1) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'the backup GPT array overlaps the backup header');
  const backup = new Uint8Array(512 * backupSectors);
  backup.set(arrayBytes, 0);
  backup.set(serializeGptHeader(backupHeader), backup.length - 512);
  return { primary, backup, primaryByteOffset: 512, backupByteOffset: backupArrayLba * 512, primaryHeader, backupHeader, arrayCrc32 };
}
