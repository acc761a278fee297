/**
 * El Torito on the writing side: the boot catalog (El Torito 1.0 2.1–2.4: validation entry, default entry,
 * one section per run of entries with the same platform, as xorriso groups them), and the patches the boot
 * images' copies get once their addresses are known (boot info table, mkisofs -boot-info-table; GRUB2 boot
 * info, xorriso --grub2-boot-info: GRUB2 first, so the table's checksum covers it).
 */
import { fromHex } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import {
  patchBootInfoTable,
  patchGrub2BootInfo,
  serializeBootCatalog,
  BOOT_INFO_TABLE_OFFSET,
  BOOT_INFO_TABLE_BYTE_LENGTH,
  GRUB2_BOOT_INFO_OFFSET,
  type BootEntryInit,
  type BootSectionInit,
} from '../../formats/eltorito/index.js';
import type { ContentPatch } from '../hooks.js';
import type { ResolvedEntry } from './resolve.js';

/** Where a boot image landed: 2048-byte LBA and byte length. */
export interface ImagePlace {
  readonly lba: number;
  readonly byteLength: number;
}

const MAX_SECTOR_COUNT = 0xffff;
/** 512-byte sectors of a whole image, rounded up to 2 KiB blocks (as xorriso counts), capped at the 16-bit field. */
export const wholeImageSectorCount = (byteLength: number): number => Math.min(MAX_SECTOR_COUNT, Math.ceil(byteLength / 2048) * 4);

/** The sector count field of an entry (El Torito 2.2 offset 6). */
export function sectorCountOf(e: ResolvedEntry, place: ImagePlace): number {
  const { spec } = e;
  if (e.mediaType !== 'no-emulation') return typeof spec.loadSize === 'number' ? checkLoadSize(spec.loadSize, e) : 1;
  if (e.platformId === 0xef) return wholeImageSectorCount(place.byteLength);
  if (typeof spec.loadSize === 'number') return checkLoadSize(spec.loadSize, e);
  if (spec.loadSize === 'full' || e.platformId !== 0x00) return wholeImageSectorCount(place.byteLength);
  return 4;
}

function checkLoadSize(n: number, e: ResolvedEntry): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_SECTOR_COUNT) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `boot entry ${e.index + 1}: load size must be 1-65535 sectors, got ${n}`);
  }
  return n;
}

function criteria(e: ResolvedEntry): Pick<BootEntryInit, 'selectionCriteriaType' | 'selectionCriteria'> {
  const hex = e.spec.selectionCriteria;
  if (!hex) return {};
  let b: Uint8Array;
  try {
    b = fromHex(hex.replace(/^0x/i, ''));
  } catch {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `boot entry ${e.index + 1}: selection criteria must be hex digits, got "${hex}"`);
  }
  if (b.length > 20) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `boot entry ${e.index + 1}: selection criteria hold at most 20 bytes`);
  // libisofs el_torito_set_selection_crit: byte 0 is the criteria type (entry byte 12), 1–19 the criteria
  const rest = new Uint8Array(19);
  rest.set(b.subarray(1, 20));
  return { selectionCriteriaType: b[0] ?? 0, selectionCriteria: rest };
}

function entryInit(e: ResolvedEntry, place: ImagePlace): BootEntryInit {
  const seg = e.spec.loadSegment ?? 0;
  if (!Number.isInteger(seg) || seg < 0 || seg > 0xffff) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `boot entry ${e.index + 1}: load segment must be 0-0xFFFF`);
  return {
    bootable: e.spec.bootable ?? true,
    mediaType: e.mediaType,
    loadSegment: seg,
    systemType: e.systemType,
    sectorCount: sectorCountOf(e, place),
    loadRba: place.lba,
    ...criteria(e),
  };
}

/** The catalog bytes (whole 2 KiB blocks) for the resolved entries at their final places. */
export function buildCatalog(entries: readonly ResolvedEntry[], placeOf: (e: ResolvedEntry) => ImagePlace): Uint8Array {
  const first = entries[0];
  if (!first) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'a boot catalog needs at least one entry');
  const sections: { platformId: number; id?: string; entries: BootEntryInit[] }[] = [];
  for (const e of entries.slice(1)) {
    const last = sections[sections.length - 1];
    if (last && last.platformId === e.platformId) last.entries.push(entryInit(e, placeOf(e)));
    else sections.push({ platformId: e.platformId, ...(e.spec.idString ? { id: e.spec.idString.slice(0, 28) } : {}), entries: [entryInit(e, placeOf(e))] });
  }
  return serializeBootCatalog({
    validation: { platformId: first.platformId, ...(first.spec.idString ? { id: first.spec.idString.slice(0, 24) } : {}) },
    defaultEntry: entryInit(first, placeOf(first)),
    sections: sections as BootSectionInit[],
  });
}

/** Byte length the catalog will have (it depends only on the entry count). */
export function catalogByteLength(entryCount: number): number {
  const sectionGuess = Math.max(0, entryCount - 1) * 2; // at most one header per entry
  return Math.ceil((64 + sectionGuess * 32) / 2048) * 2048;
}

/**
 * Patches for one file boot image: GRUB2 boot info (bytes 2548–2555 = own 512-byte address + 5), then the
 * boot info table (bytes 8–63: PVD LBA, own LBA, length, checksum of bytes 64… of the patched copy).
 */
export function bootImagePatches(e: ResolvedEntry, place: ImagePlace, pvdLba: number): ContentPatch[] {
  if (!e.node || !e.bytes || (!e.spec.bootInfoTable && !e.spec.grub2BootInfo)) return [];
  const copy = e.bytes.slice();
  const out: ContentPatch[] = [];
  if (e.spec.grub2BootInfo) {
    patchGrub2BootInfo(copy, place.lba * 4);
    out.push({ node: e.node, byteOffset: GRUB2_BOOT_INFO_OFFSET, bytes: copy.slice(GRUB2_BOOT_INFO_OFFSET, GRUB2_BOOT_INFO_OFFSET + 8) });
  }
  if (e.spec.bootInfoTable) {
    patchBootInfoTable(copy, { pvdLba, imageLba: place.lba, imageByteLength: copy.length });
    out.push({ node: e.node, byteOffset: BOOT_INFO_TABLE_OFFSET, bytes: copy.slice(BOOT_INFO_TABLE_OFFSET, BOOT_INFO_TABLE_OFFSET + BOOT_INFO_TABLE_BYTE_LENGTH) });
  }
  return out;
}
