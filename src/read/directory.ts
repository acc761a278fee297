/**
 * Reading one directory's extent (ECMA-119 6.8.1): records never cross a sector (a length byte of 0, or
 * a record that would cross, means "continue at the next sector"), the first two records are "." and "..",
 * and consecutive records of one file with the multi-extent flag (9.1.6 bit 7) form one file (6.5.1).
 */
import type { Findings } from '../errors/index.js';
import type { ByteSource } from '../io/index.js';
import type { ImageExtent } from '../model/index.js';
import { bytesEqual } from '../bytes/index.js';
import { DirFlag, SECTOR_SIZE, parseDirectoryRecord, type DirectoryRecord } from '../formats/iso9660/index.js';
import { FindingCode } from '../errors/index.js';

/** A directory entry: one file, possibly spread over several records (multi-extent). */
export interface DirEntry {
  /** the first record (its identifier, date and system use describe the file) */
  readonly record: DirectoryRecord;
  /** flags of the final record */
  readonly flags: number;
  readonly extents: ImageExtent[];
  /** sum of the extents' data lengths */
  readonly size: number;
}

export interface ParsedDirectory {
  /** the "." record, when present */
  self?: DirectoryRecord;
  entries: DirEntry[];
}

/** Largest directory extent read (a larger data length is reported and cut). */
export const MAX_DIRECTORY_BYTES = 256 * 1024 * 1024;

/**
 * Read a directory extent in one read, clamped to the source and to MAX_DIRECTORY_BYTES (findings say so).
 * Returns undefined when the extent starts beyond the end of the source.
 */
export async function readDirectoryExtent(
  source: ByteSource, lba: number, dataLength: number, findings: Findings, recordByteOffset: number, signal?: AbortSignal,
): Promise<Uint8Array | undefined> {
  const start = lba * SECTOR_SIZE;
  if (start >= source.byteLength) {
    findings.error(FindingCode.EXTENT_BEYOND_END, `directory extent at LBA ${lba} starts beyond the end of the image (${source.byteLength} bytes)`, recordByteOffset, 'DirectoryRecord');
    return undefined;
  }
  let len = dataLength;
  if (len > MAX_DIRECTORY_BYTES) {
    findings.error(FindingCode.DIRECTORY_TOO_LARGE, `directory data length ${len} is implausible; reading the first ${MAX_DIRECTORY_BYTES} bytes`, recordByteOffset, 'DirectoryRecord');
    len = MAX_DIRECTORY_BYTES;
  }
  if (start + len > source.byteLength) {
    findings.error(FindingCode.EXTENT_BEYOND_END, `directory extent at LBA ${lba} (${len} bytes) runs past the end of the image`, recordByteOffset, 'DirectoryRecord');
    len = source.byteLength - start;
  }
  return source.read(start, len, signal ? { signal } : undefined);
}

/**
 * Parse the records of a directory extent. `byteOffset` is the extent's position in the image.
 * `budget.records` is decremented per record; parsing stops (with a finding) when it reaches 0.
 */
export function parseDirectoryExtent(bytes: Uint8Array, byteOffset: number, findings: Findings, budget: { records: number }): ParsedDirectory {
  const out: ParsedDirectory = { entries: [] };
  let group: { record: DirectoryRecord; extents: ImageExtent[]; size: number } | undefined;
  const closeGroup = (flags: number) => {
    if (!group) return;
    out.entries.push({ record: group.record, flags, extents: group.extents, size: group.size });
    group = undefined;
  };
  let index = 0;
  let o = 0;
  while (o < bytes.length) {
    const len = bytes[o] as number;
    const inSector = o % SECTOR_SIZE;
    if (len === 0 || inSector + len > SECTOR_SIZE) {
      if (len !== 0) findings.warn(FindingCode.DIR_RECORD_CROSSES_SECTOR, `directory record of ${len} bytes would cross a sector boundary (skipped)`, byteOffset + o, 'DirectoryRecord');
      o += SECTOR_SIZE - inSector;
      continue;
    }
    if (--budget.records < 0) {
      if (budget.records === -1) findings.error(FindingCode.TOO_MANY_RECORDS, 'too many directory records in this image; the rest are not listed', byteOffset + o, 'DirectoryRecord');
      break;
    }
    const r = parseDirectoryRecord(bytes, o, byteOffset + o, findings);
    if (!r) {
      o += SECTOR_SIZE - inSector;
      continue;
    }
    o += len;
    const id = r.identifier;
    if (id.length === 1 && (id[0] as number) <= 1) {
      if (index === 0 && id[0] === 0) out.self = r;
      else if (index !== 1 || id[0] !== 1) findings.warn(FindingCode.DIR_RECORD_MISPLACED, `"${id[0] === 0 ? '.' : '..'}" record out of place (ignored)`, r.byteOffset, 'DirectoryRecord');
      index++;
      continue;
    }
    index++;
    addRecord(r);
  }
  if (group) {
    findings.warn(FindingCode.MULTI_EXTENT_UNTERMINATED, 'directory ends inside a multi-extent file (kept the extents found)', byteOffset + bytes.length, 'DirectoryRecord');
    closeGroup((group as { record: DirectoryRecord }).record.flags & ~DirFlag.MULTI_EXTENT);
  }
  return out;

  function addRecord(r: DirectoryRecord): void {
    const isDir = (r.flags & DirFlag.DIRECTORY) !== 0;
    if (group && !bytesEqual(group.record.identifier, r.identifier)) {
      findings.warn(FindingCode.MULTI_EXTENT_BROKEN, 'multi-extent file not continued by a record of the same name (kept what was found)', r.byteOffset, 'DirectoryRecord');
      closeGroup(group.record.flags & ~DirFlag.MULTI_EXTENT);
    }
    const extent = { lba: r.lba, byteLength: r.dataLength };
    if (group) {
      group.extents.push(extent);
      group.size += r.dataLength;
    } else {
      group = { record: r, extents: [extent], size: r.dataLength };
    }
    if (!isDir && r.flags & DirFlag.MULTI_EXTENT) {
      if (r.dataLength % SECTOR_SIZE !== 0) {
        findings.warn(FindingCode.MULTI_EXTENT_PARTIAL, `non-final extent of ${r.dataLength} bytes is not a multiple of ${SECTOR_SIZE}`, r.byteOffset, 'DirectoryRecord');
      }
      return;
    }
    closeGroup(r.flags);
  }
}
