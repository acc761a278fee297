/**
 * El Torito boot catalog (El Torito 1.0, 2.x): a sequence of 32-byte entries.
 *
 * - 2.1 Validation Entry: header id 1, platform id, 24-byte id string, checksum word (all 16 LE words sum to 0),
 *   key bytes 0x55 0xAA at 30–31.
 * - 2.2 Initial/Default Entry: boot indicator 0x88/0x00, boot media type, load segment, system type,
 *   sector count (512-byte virtual sectors), load RBA.
 * - 2.3 Section Header Entry: 0x90 (more headers follow) / 0x91 (final), platform id, entry count, 28-byte id string.
 * - 2.4 Section Entry: like the default entry plus selection criteria type (byte 12) and criteria (13–31);
 *   bit 5 of the media byte says an extension entry follows.
 * - 2.5 Section Entry Extension: 0x44, byte 1 bit 5 = another extension follows, bytes 2–31 criteria.
 *
 * "Bare" entries after the default entry without a section header exist in the wild (pycdlib BUGS item 4):
 * they are accepted into a synthetic section and reported.
 */
import { isZero, readStrA, readU16LE, readU32LE, writeStrA, writeU16LE, writeU32LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError, type Findings, FindingCode } from '../../errors/index.js';

export const CATALOG_ENTRY_BYTE_LENGTH = 32;
/** Platform ids (El Torito 2.1; 0xEF added by UEFI 2.x "El Torito" for EFI). */
export const ElToritoPlatform = { X86: 0x00, POWERPC: 0x01, MAC: 0x02, EFI: 0xef } as const;
export const CATALOG_HEADER_VALIDATION = 0x01;
export const SECTION_HEADER_MORE = 0x90;
export const SECTION_HEADER_FINAL = 0x91;
export const SECTION_EXTENSION_INDICATOR = 0x44;
export const BOOT_INDICATOR_BOOTABLE = 0x88;
export const BOOT_INDICATOR_NOT_BOOTABLE = 0x00;
/** The load segment used when the field is 0 (El Torito 2.2: "If this value is 0 the system will use 0x7C0"). */
export const DEFAULT_LOAD_SEGMENT = 0x7c0;

export type BootMediaType = 'no-emulation' | 'floppy-1.2M' | 'floppy-1.44M' | 'floppy-2.88M' | 'hard-disk';
const MEDIA_TYPES: readonly BootMediaType[] = ['no-emulation', 'floppy-1.2M', 'floppy-1.44M', 'floppy-2.88M', 'hard-disk'];
/** Byte size of the emulated floppy for each floppy media type. */
export const FLOPPY_BYTE_LENGTH: Readonly<Record<string, number>> = {
  'floppy-1.2M': 1_228_800,
  'floppy-1.44M': 1_474_560,
  'floppy-2.88M': 2_949_120,
};

export function platformName(id: number): 'x86' | 'powerpc' | 'mac' | 'efi' | 'unknown' {
  switch (id) {
    case 0x00: return 'x86';
    case 0x01: return 'powerpc';
    case 0x02: return 'mac';
    case 0xef: return 'efi';
    default: return 'unknown';
  }
}

export interface ValidationEntryInit {
  readonly platformId: number;
  /** Manufacturer/developer id string (24 bytes); `idBytes` wins when both are given. */
  readonly id?: string;
  readonly idBytes?: Uint8Array;
}
export interface ValidationEntry extends ValidationEntryInit {
  readonly id: string;
  readonly idBytes: Uint8Array;
  readonly checksum: number;
  readonly checksumOk: boolean;
  readonly keyOk: boolean;
  readonly byteOffset: number;
}

export interface BootEntryInit {
  /** Boot indicator 0x88 (default true). */
  readonly bootable?: boolean;
  /** Default 'no-emulation'. */
  readonly mediaType?: BootMediaType;
  /** Media byte bits 4, 6, 7 (ATAPI/SCSI driver flags) kept as found; bit 5 is derived from `extensions`. */
  readonly mediaFlags?: number;
  /** Raw load segment; 0 means 0x7C0. */
  readonly loadSegment?: number;
  /** System type: for hard-disk emulation the partition type of the image's MBR. */
  readonly systemType?: number;
  /** Virtual (512-byte) sectors the firmware loads. */
  readonly sectorCount: number;
  /** Absolute 2048-byte LBA of the boot image. */
  readonly loadRba: number;
  /** Selection criteria type (byte 12; section entries only, 0 = none). */
  readonly selectionCriteriaType?: number;
  /** Bytes 13–31 (19 bytes). */
  readonly selectionCriteria?: Uint8Array;
  /** Payloads (bytes 2–31, 30 bytes each) of section entry extensions that follow this entry. */
  readonly extensions?: readonly Uint8Array[];
}
export interface BootEntry extends BootEntryInit {
  readonly bootable: boolean;
  readonly bootIndicator: number;
  readonly mediaType: BootMediaType;
  /** Raw media byte (bits 0–3 type, bit 5 extension follows, bits 6–7 driver flags). */
  readonly mediaTypeByte: number;
  readonly mediaFlags: number;
  readonly loadSegment: number;
  /** loadSegment, or 0x7C0 when it is 0. */
  readonly effectiveLoadSegment: number;
  readonly systemType: number;
  readonly selectionCriteriaType: number;
  readonly selectionCriteria: Uint8Array;
  readonly extensions: readonly Uint8Array[];
  readonly byteOffset: number;
}

export interface BootSectionInit {
  readonly platformId: number;
  readonly id?: string;
  readonly idBytes?: Uint8Array;
  readonly entries: readonly BootEntryInit[];
}
export interface BootSection extends BootSectionInit {
  readonly headerIndicator: number;
  readonly id: string;
  readonly idBytes: Uint8Array;
  /** Entry count stated by the header (entries may be fewer when the catalog is damaged). */
  readonly entryCount: number;
  readonly entries: readonly BootEntry[];
  readonly byteOffset: number;
  /** True for a synthetic section holding entries that had no section header. */
  readonly bare?: boolean;
}

export interface BootCatalogInit {
  readonly validation: ValidationEntryInit;
  readonly defaultEntry: BootEntryInit;
  readonly sections?: readonly BootSectionInit[];
}
export interface BootCatalog extends BootCatalogInit {
  readonly validation: ValidationEntry;
  readonly defaultEntry: BootEntry;
  readonly sections: readonly BootSection[];
  /** Bytes from the start of the catalog through its last entry. */
  readonly usedByteLength: number;
  /** True when the walk ran off the end of the given bytes (read more and parse again). */
  readonly truncated: boolean;
}

const S_VALIDATION = 'BootCatalog ValidationEntry';
const S_ENTRY = 'BootCatalog Entry';
const S_SECTION = 'BootCatalog SectionHeader';

/** Checksum word making the 16 LE words of a validation entry sum to 0 (El Torito 2.1, bytes 28–29). */
export function validationChecksum(entry: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < 32; i += 2) if (i !== 28) sum += readU16LE(entry, i);
  return (0x10000 - (sum % 0x10000)) % 0x10000;
}

function parseValidationEntry(b: Uint8Array, byteOffset: number, findings: Findings): ValidationEntry {
  if (b[0] !== CATALOG_HEADER_VALIDATION) {
    throw new IsoKitError(ErrorCode.CORRUPT, `header id is 0x${(b[0] ?? 0).toString(16)}, expected 0x01: not a boot catalog`, { byteOffset, structure: S_VALIDATION });
  }
  const keyOk = b[30] === 0x55 && b[31] === 0xaa;
  if (!keyOk) findings.error(FindingCode.ELTORITO_KEY_BYTES, 'validation entry key bytes are not 0x55 0xAA', byteOffset + 30, S_VALIDATION);
  const checksum = readU16LE(b, 28);
  let sum = 0;
  for (let i = 0; i < 32; i += 2) sum += readU16LE(b, i);
  const checksumOk = sum % 0x10000 === 0;
  if (!checksumOk) findings.error(FindingCode.ELTORITO_CHECKSUM, `validation entry checksum 0x${checksum.toString(16)} is wrong (expected 0x${validationChecksum(b).toString(16)})`, byteOffset + 28, S_VALIDATION);
  const platformId = b[1] ?? 0;
  if (platformName(platformId) === 'unknown') findings.warn(FindingCode.ELTORITO_PLATFORM, `unknown platform id 0x${platformId.toString(16)}`, byteOffset + 1, S_VALIDATION);
  const idBytes = b.slice(4, 28);
  return { platformId, id: readStrA(idBytes, 0, 24), idBytes, checksum, checksumOk, keyOk, byteOffset };
}

/** Parse a default or section entry (32 bytes at `b`); extensions are attached by the caller. */
function parseEntry(b: Uint8Array, byteOffset: number, findings: Findings, isDefault: boolean): BootEntry {
  const bootIndicator = b[0] ?? 0;
  if (bootIndicator !== BOOT_INDICATOR_BOOTABLE && bootIndicator !== BOOT_INDICATOR_NOT_BOOTABLE) {
    findings.warn(FindingCode.ELTORITO_BOOT_INDICATOR, `boot indicator 0x${bootIndicator.toString(16)} is neither 0x88 nor 0x00`, byteOffset, S_ENTRY);
  }
  const mediaTypeByte = b[1] ?? 0;
  const code = mediaTypeByte % 16;
  const mediaType = MEDIA_TYPES[code];
  if (!mediaType) findings.warn(FindingCode.ELTORITO_MEDIA_TYPE, `unknown boot media type ${code}`, byteOffset + 1, S_ENTRY);
  const loadSegment = readU16LE(b, 2);
  const sectorCount = readU16LE(b, 6);
  const loadRba = readU32LE(b, 8);
  if (bootIndicator === BOOT_INDICATOR_BOOTABLE && sectorCount === 0 && (mediaType ?? 'no-emulation') === 'no-emulation') {
    findings.info(FindingCode.ELTORITO_ZERO_SECTOR_COUNT, 'no-emulation entry loads 0 sectors (firmware then loads 1 or the whole image)', byteOffset + 6, S_ENTRY);
  }
  return {
    bootable: bootIndicator === BOOT_INDICATOR_BOOTABLE,
    bootIndicator,
    mediaType: mediaType ?? 'no-emulation',
    mediaTypeByte,
    // bit 5 ("extension follows") is structural; keep the other flag bits
    mediaFlags: mediaTypeByte - code - (mediaTypeByte & 0x20 ? 0x20 : 0),
    loadSegment,
    effectiveLoadSegment: loadSegment === 0 ? DEFAULT_LOAD_SEGMENT : loadSegment,
    systemType: b[4] ?? 0,
    sectorCount,
    loadRba,
    selectionCriteriaType: isDefault ? 0 : (b[12] ?? 0),
    selectionCriteria: isDefault ? new Uint8Array(19) : b.slice(13, 32),
    extensions: [],
    byteOffset,
  };
}

interface Cursor {
  pos: number;
  truncated: boolean;
}

/** Read the extensions following an entry whose media byte has bit 5 set (El Torito 2.5). */
function readExtensions(bytes: Uint8Array, cur: Cursor, base: number, findings: Findings): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (;;) {
    if (cur.pos + 32 > bytes.length) {
      cur.truncated = true;
      return out;
    }
    const e = bytes.subarray(cur.pos, cur.pos + 32);
    if (e[0] !== SECTION_EXTENSION_INDICATOR) {
      findings.warn(FindingCode.ELTORITO_EXTENSION_MISSING, 'entry says an extension follows, but the next entry is not 0x44', base + cur.pos, S_ENTRY);
      return out;
    }
    out.push(e.slice(2, 32));
    cur.pos += 32;
    if (!((e[1] ?? 0) & 0x20)) return out;
  }
}

function parseEntryAt(bytes: Uint8Array, cur: Cursor, base: number, findings: Findings, isDefault: boolean): BootEntry {
  const e = parseEntry(bytes.subarray(cur.pos, cur.pos + 32), base + cur.pos, findings, isDefault);
  cur.pos += 32;
  if (!isDefault && e.mediaTypeByte & 0x20) return { ...e, extensions: readExtensions(bytes, cur, base, findings) };
  return e;
}

function parseSection(bytes: Uint8Array, cur: Cursor, base: number, findings: Findings): BootSection {
  const h = bytes.subarray(cur.pos, cur.pos + 32);
  const byteOffset = base + cur.pos;
  const entryCount = readU16LE(h, 2);
  const idBytes = h.slice(4, 32);
  cur.pos += 32;
  const entries: BootEntry[] = [];
  for (let i = 0; i < entryCount; i++) {
    if (cur.pos + 32 > bytes.length) {
      cur.truncated = true;
      break;
    }
    const ind = bytes[cur.pos];
    if (ind !== BOOT_INDICATOR_BOOTABLE && ind !== BOOT_INDICATOR_NOT_BOOTABLE) {
      findings.error(FindingCode.ELTORITO_SECTION_SHORT, `section header promises ${entryCount} entries but entry ${i + 1} starts with 0x${(ind ?? 0).toString(16)}`, base + cur.pos, S_SECTION);
      break;
    }
    entries.push(parseEntryAt(bytes, cur, base, findings, false));
  }
  return { headerIndicator: h[0] ?? 0, platformId: h[1] ?? 0, id: readStrA(idBytes, 0, 28), idBytes, entryCount, entries, byteOffset };
}

/** A bare entry: looks like a section entry but no header precedes it. */
function looksLikeBareEntry(e: Uint8Array): boolean {
  if (isZero(e)) return false;
  if (e[0] === BOOT_INDICATOR_BOOTABLE) return true;
  return e[0] === BOOT_INDICATOR_NOT_BOOTABLE && (e[1] ?? 0) % 16 <= 4 && readU32LE(e, 8) > 0;
}

function parseSections(bytes: Uint8Array, cur: Cursor, base: number, findings: Findings, platformId: number): BootSection[] {
  const sections: BootSection[] = [];
  let bare: { entries: BootEntry[]; byteOffset: number } | undefined;
  const flushBare = () => {
    if (!bare) return;
    sections.push({ headerIndicator: 0, platformId, id: '', idBytes: new Uint8Array(28), entryCount: bare.entries.length, entries: bare.entries, byteOffset: bare.byteOffset, bare: true });
    bare = undefined;
  };
  while (cur.pos + 32 <= bytes.length) {
    const e = bytes.subarray(cur.pos, cur.pos + 32);
    const ind = e[0];
    if (ind === SECTION_HEADER_MORE || ind === SECTION_HEADER_FINAL) {
      flushBare();
      const s = parseSection(bytes, cur, base, findings);
      sections.push(s);
      if (ind === SECTION_HEADER_FINAL || cur.truncated) return sections;
    } else if (looksLikeBareEntry(e)) {
      if (!bare) {
        findings.warn(FindingCode.ELTORITO_BARE_ENTRY, 'boot entry without a section header (tolerated)', base + cur.pos, S_ENTRY);
        bare = { entries: [], byteOffset: base + cur.pos };
      }
      bare.entries.push(parseEntryAt(bytes, cur, base, findings, false));
    } else {
      if (!isZero(e)) {
        findings.warn(FindingCode.ELTORITO_UNKNOWN_ENTRY, `unexpected entry 0x${(ind ?? 0).toString(16)} ends the catalog`, base + cur.pos, S_ENTRY);
      } else if (sections.length && sections[sections.length - 1]?.headerIndicator === SECTION_HEADER_MORE) {
        findings.warn(FindingCode.ELTORITO_NO_FINAL_SECTION, 'the last section header is 0x90 (more follow) but none follows', base + cur.pos, S_SECTION);
      }
      flushBare();
      return sections;
    }
  }
  flushBare();
  // the catalog filled all given bytes: the caller may have more
  cur.truncated = true;
  return sections;
}

/**
 * Parse a boot catalog from `bytes` (one or more 2048-byte sectors starting at the catalog's LBA).
 * Throws CORRUPT when the first entry is not a validation entry; everything else becomes findings.
 * `truncated` in the result means the entries ran up to the end of `bytes`: parse again with more bytes to be sure.
 */
export function parseBootCatalog(bytes: Uint8Array, byteOffset: number, findings: Findings): BootCatalog {
  if (bytes.length < 64) {
    throw new IsoKitError(ErrorCode.TRUNCATED, `boot catalog needs at least 64 bytes, got ${bytes.length}`, { byteOffset, structure: 'BootCatalog' });
  }
  const validation = parseValidationEntry(bytes.subarray(0, 32), byteOffset, findings);
  const cur: Cursor = { pos: 32, truncated: false };
  const defaultEntry = parseEntryAt(bytes, cur, byteOffset, findings, true);
  if (defaultEntry.bootIndicator !== BOOT_INDICATOR_BOOTABLE && defaultEntry.bootIndicator !== BOOT_INDICATOR_NOT_BOOTABLE) {
    findings.error(FindingCode.ELTORITO_DEFAULT_ENTRY, 'default entry is neither bootable (0x88) nor not bootable (0x00)', defaultEntry.byteOffset, S_ENTRY);
  }
  const sections = parseSections(bytes, cur, byteOffset, findings, validation.platformId);
  return { validation, defaultEntry, sections, usedByteLength: cur.pos, truncated: cur.truncated };
}

/** Bytes a serialized catalog occupies before padding: validation + default + headers + entries + extensions. */
export function sizeOfBootCatalog(init: BootCatalogInit): number {
  let n = 64;
  for (const s of init.sections ?? []) {
    n += 32;
    for (const e of s.entries) n += 32 * (1 + (e.extensions?.length ?? 0));
  }
  return n;
}

function idField(b: Uint8Array, o: number, len: number, id?: string, idBytes?: Uint8Array): void {
  if (idBytes) b.set(idBytes.subarray(0, len), o);
  else if (id) writeStrA(b, o, len, id, 0);
}

function writeEntry(b: Uint8Array, o: number, e: BootEntryInit, isDefault: boolean): number {
  const mediaCode = MEDIA_TYPES.indexOf(e.mediaType ?? 'no-emulation');
  if (mediaCode < 0) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `unknown boot media type ${String(e.mediaType)}`);
  const exts = isDefault ? [] : (e.extensions ?? []);
  if (!Number.isInteger(e.sectorCount) || e.sectorCount < 0 || e.sectorCount > 0xffff) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `boot entry sector count ${e.sectorCount} is outside 0..65535`);
  }
  b[o] = e.bootable === false ? BOOT_INDICATOR_NOT_BOOTABLE : BOOT_INDICATOR_BOOTABLE;
  const flags = (e.mediaFlags ?? 0) - ((e.mediaFlags ?? 0) & 0x2f);
  b[o + 1] = mediaCode + flags + (exts.length ? 0x20 : 0);
  writeU16LE(b, o + 2, e.loadSegment ?? 0);
  b[o + 4] = e.systemType ?? 0;
  writeU16LE(b, o + 6, e.sectorCount);
  writeU32LE(b, o + 8, e.loadRba);
  if (!isDefault) {
    b[o + 12] = e.selectionCriteriaType ?? 0;
    if (e.selectionCriteria) b.set(e.selectionCriteria.subarray(0, 19), o + 13);
  }
  let p = o + 32;
  exts.forEach((x, i) => {
    b[p] = SECTION_EXTENSION_INDICATOR;
    b[p + 1] = i < exts.length - 1 ? 0x20 : 0;
    b.set(x.subarray(0, 30), p + 2);
    p += 32;
  });
  return p;
}

/**
 * Serialize a boot catalog, padded with zeros to whole 2048-byte sectors. The validation checksum is computed;
 * the last section header gets 0x91, the others 0x90.
 */
export function serializeBootCatalog(init: BootCatalogInit): Uint8Array {
  const used = sizeOfBootCatalog(init);
  const b = new Uint8Array(Math.ceil(used / 2048) * 2048);
  b[0] = CATALOG_HEADER_VALIDATION;
  b[1] = init.validation.platformId;
  idField(b, 4, 24, init.validation.id, init.validation.idBytes);
  b[30] = 0x55;
  b[31] = 0xaa;
  writeU16LE(b, 28, validationChecksum(b.subarray(0, 32)));
  let p = writeEntry(b, 32, init.defaultEntry, true);
  const sections = init.sections ?? [];
  sections.forEach((s, i) => {
    if (s.entries.length > 0xffff) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `section ${i + 1} has more than 65535 entries`);
    b[p] = i === sections.length - 1 ? SECTION_HEADER_FINAL : SECTION_HEADER_MORE;
    b[p + 1] = s.platformId;
    writeU16LE(b, p + 2, s.entries.length);
    idField(b, p + 4, 28, s.id, s.idBytes);
    p += 32;
    for (const e of s.entries) p = writeEntry(b, p, e, false);
  });
  return b;
}
