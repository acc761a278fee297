/**
 * A planned directory's clusters as bytes (Microsoft FAT specification 1.03, §6, §7): the root starts with the
 * volume label entry, every other directory with "." (itself) and ".." (its parent, cluster 0 for the root);
 * then per child its long-name entries (if any) and its 8.3 entry. The rest of the clusters is zero (0x00 in
 * DIR_Name[0]: no further entries).
 */
import {
  DIRECTORY_ENTRY_BYTE_LENGTH, FatAttr, shortNameBytes, shortNameChecksum, writeDirectoryEntry, writeLongNameEntries,
  type DirectoryEntry,
} from '../../formats/fat/index.js';
import type { FatItem, FatPlan } from './plan.js';

/** The 11-byte label as stored in the root's label entry. */
export const labelBytes = (label: string): Uint8Array => shortNameBytes(label.slice(0, 8), label.slice(8, 11));

const DOT = shortNameBytes('.');
const DOT_DOT = shortNameBytes('..');

function entryOf(it: FatItem, name11: Uint8Array, firstCluster: number, ntFlags: number): DirectoryEntry {
  const [createDate, createTime, createTenMs, accessDate, writeDate, writeTime] = it.times;
  return {
    name: name11, attributes: it.attributes, ntFlags, createTenMs, createTime, createDate, accessDate, writeTime, writeDate,
    firstCluster, fileSize: it.isDir ? 0 : it.byteLength,
  };
}

export function serializeFatDirectory(dir: FatItem, plan: FatPlan): Uint8Array {
  const b = new Uint8Array(dir.clusterCount * plan.geometry.clusterByteLength);
  let o = 0;
  if (!dir.parent) {
    if (plan.label) {
      const [date, time] = plan.labelTimes;
      writeDirectoryEntry(b, o, {
        name: labelBytes(plan.label), attributes: FatAttr.VOLUME_ID, ntFlags: 0, createTenMs: 0, createTime: 0, createDate: 0,
        accessDate: 0, writeTime: time, writeDate: date, firstCluster: 0, fileSize: 0,
      });
      o += DIRECTORY_ENTRY_BYTE_LENGTH;
    }
  } else {
    writeDirectoryEntry(b, o, { ...entryOf(dir, DOT, dir.firstCluster, 0), attributes: FatAttr.DIRECTORY });
    writeDirectoryEntry(b, o + DIRECTORY_ENTRY_BYTE_LENGTH, { ...entryOf(dir, DOT_DOT, dir.parent.parent ? dir.parent.firstCluster : 0, 0), attributes: FatAttr.DIRECTORY });
    o += 2 * DIRECTORY_ENTRY_BYTE_LENGTH;
  }
  for (const k of dir.children ?? []) {
    if (k.longName !== undefined) o += writeLongNameEntries(b, o, k.longName, shortNameChecksum(k.name11));
    writeDirectoryEntry(b, o, entryOf(k, k.name11, k.firstCluster, k.ntFlags));
    o += DIRECTORY_ENTRY_BYTE_LENGTH;
  }
  return b;
}
