/**
 * A FAT directory's bytes → its entries with their names (Microsoft FAT specification 1.03, §6, §7).
 * Long names are assembled from their entries in reverse order and used only when the set is complete, in
 * sequence and its checksum matches the 8.3 entry that follows; otherwise the 8.3 name (with NT case flags) is
 * used and the orphaned long-name entries are reported. Deleted entries (0xE5) are skipped; 0x00 ends the
 * directory; "." and ".." and the volume label are not entries of the tree.
 */
import { readStrA } from '../../bytes/index.js';
import { FindingCode, type Findings } from '../../errors/index.js';
import {
  DIRECTORY_ENTRY_BYTE_LENGTH, ENTRY_END, ENTRY_FREE, FatAttr, fatNameProblem, LONG_NAME_MAX_UNITS, longNameUnitsText, parseDirectoryEntry,
  parseLongNameEntry, shortNameChecksum, shortNameToString, type DirectoryEntry,
} from '../../formats/fat/index.js';

export interface FatDirectoryItem {
  /** the long name, else the 8.3 name with the NT case flags applied */
  readonly name: string;
  /** the 8.3 name as stored ("PROGRA~1", "README.TXT") */
  readonly shortName: string;
  readonly entry: DirectoryEntry;
  /** where the 8.3 entry sits in the source */
  readonly byteOffset: number;
  readonly hasLongName: boolean;
}

export interface FatDirectoryContents {
  readonly items: FatDirectoryItem[];
  /** the volume label entry's name, when this directory has one */
  readonly label?: string;
}

interface PendingName {
  readonly checksum: number;
  readonly count: number;
  /** next sequence number expected (counts down to 1) */
  expect: number;
  readonly parts: string[];
  readonly byteOffset: number;
}

/** Characters that may not appear in a stored 8.3 name (§6.1). */
const BAD_SHORT = new Set([0x22, 0x2a, 0x2b, 0x2c, 0x2e, 0x2f, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x5b, 0x5c, 0x5d, 0x7c]);

function shortNameIsValid(name: Uint8Array): boolean {
  for (let i = 0; i < 11; i++) {
    const c = name[i] as number;
    if ((c < 0x20 && !(i === 0 && c === 0x05)) || BAD_SHORT.has(c)) return false;
  }
  return name[0] !== 0x20;
}

const isDotEntry = (name: Uint8Array): boolean =>
  name[0] === 0x2e && (name[1] === 0x20 || (name[1] === 0x2e && name[2] === 0x20)) && name.subarray(2).every((c, i) => i === 0 || c === 0x20);

/**
 * Parse directory bytes. `sourceOffset(i)` maps byte i of `bytes` to its offset in the source (for findings).
 * `what` names the directory in messages.
 */
export function parseFatDirectory(bytes: Uint8Array, sourceOffset: (i: number) => number, findings: Findings, what: string): FatDirectoryContents {
  const items: FatDirectoryItem[] = [];
  let label: string | undefined;
  let pending: PendingName | undefined;
  const orphan = (why: string) => {
    if (pending) findings.warn(FindingCode.FAT_LFN_ORPHAN, `${what}: long-name entries ${why}; the 8.3 name is used`, pending.byteOffset, 'FatLongNameEntry');
    pending = undefined;
  };
  for (let o = 0; o + DIRECTORY_ENTRY_BYTE_LENGTH <= bytes.length; o += DIRECTORY_ENTRY_BYTE_LENGTH) {
    const first = bytes[o] as number;
    if (first === ENTRY_END) break;
    if (first === ENTRY_FREE) {
      orphan('precede a deleted entry');
      continue;
    }
    const attr = bytes[o + 11] as number;
    if ((attr & 0x3f) === FatAttr.LONG_NAME) {
      const l = parseLongNameEntry(bytes, o);
      if (l.isLast) {
        orphan('were followed by another long name');
        if (l.sequence >= 1 && l.sequence * 13 <= LONG_NAME_MAX_UNITS + 12) {
          pending = { checksum: l.checksum, count: l.sequence, expect: l.sequence - 1, parts: [longNameUnitsText(l.units)], byteOffset: sourceOffset(o) };
        } else findings.warn(FindingCode.FAT_LFN_ORPHAN, `${what}: long-name entry with sequence number ${l.sequence}`, sourceOffset(o), 'FatLongNameEntry');
      } else if (pending && l.sequence === pending.expect && l.checksum === pending.checksum && pending.expect >= 1) {
        pending.parts.push(longNameUnitsText(l.units));
        pending.expect--;
      } else {
        if (!pending) findings.warn(FindingCode.FAT_LFN_ORPHAN, `${what}: long-name entry ${l.sequence} without its first part`, sourceOffset(o), 'FatLongNameEntry');
        orphan('are out of sequence');
      }
      continue;
    }
    const entry = parseDirectoryEntry(bytes, o);
    if (attr & FatAttr.VOLUME_ID && !(attr & FatAttr.DIRECTORY)) {
      orphan('precede the volume label');
      label ??= readStrA(entry.name, 0, 11);
      continue;
    }
    if (isDotEntry(entry.name)) {
      orphan('precede a dot entry');
      continue;
    }
    let name = shortNameToString(entry.name, entry.ntFlags);
    let hasLongName = false;
    if (pending) {
      const long = pending.parts.reverse().join('');
      if (pending.expect === 0 && pending.checksum === shortNameChecksum(entry.name) && fatNameProblem(long) === undefined) {
        name = long;
        hasLongName = true;
        pending = undefined;
      } else if (pending.expect === 0 && pending.checksum === shortNameChecksum(entry.name)) orphan(`hold a name FAT may not hold (${fatNameProblem(long) as string})`);
      else orphan(pending.expect === 0 ? `have checksum 0x${pending.checksum.toString(16)}, not that of ${shortNameToString(entry.name)}` : `are incomplete (${pending.count - pending.expect} of ${pending.count})`);
    }
    if (!hasLongName && !shortNameIsValid(entry.name)) {
      findings.warn(FindingCode.FAT_BAD_ENTRY, `${what}: 8.3 name "${shortNameToString(entry.name)}" holds characters FAT names may not hold`, sourceOffset(o), 'FatDirectoryEntry');
      name = name.replace(/[\x00/\\]/g, '_');
      if (name === '' || name === '.' || name === '..') continue;
    }
    items.push({ name, shortName: shortNameToString(entry.name), entry, byteOffset: sourceOffset(o), hasLongName });
  }
  orphan('end the directory');
  return { items, ...(label !== undefined ? { label } : {}) };
}
