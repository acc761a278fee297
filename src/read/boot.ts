/**
 * El Torito on a source: boot record → boot catalog → per entry, the boot image's extent and real length.
 *
 * The catalog's sector count is what firmware loads (512-byte units, 16 bits), not the image's length. The real
 * length comes, in order, from a file in the tree starting at the image's LBA, a patched boot info table whose
 * checksum matches, a FAT boot sector at the image's
 * start (EFI images), the MBR of a hard-disk-emulation image, the emulated floppy size, else the load size.
 */
import { Findings, FindingCode } from '../errors/index.js';
import type { ByteSource } from '../io/index.js';
import {
  FLOPPY_BYTE_LENGTH, bootInfoChecksum, grub2BootInfoValue, hasIsohybridSignature, looksLikeBootInfoTable, parseBootCatalog,
  parseBootInfoTable, parseElToritoBootRecord, platformName, readGrub2BootInfo,
  type BootCatalog, type BootEntry, type BootInfoTable, type ElToritoBootRecord,
} from '../formats/eltorito/index.js';
import { parseFatBootSector, type FatBootSector } from '../formats/fat/index.js';
import { parseMbr } from '../formats/mbr/index.js';

export type BootImageLengthSource = 'file' | 'boot-info-table' | 'fat' | 'mbr-partition' | 'floppy' | 'load-size';

export interface BootImageInfo {
  /** 1-based position in the catalog (default entry = 1), as `xorriso -report_el_torito` numbers them. */
  readonly index: number;
  /** 0 for the default entry, else the 1-based section. */
  readonly section: number;
  readonly entry: BootEntry;
  readonly platformId: number;
  readonly platform: ReturnType<typeof platformName>;
  readonly bootable: boolean;
  readonly emulation: BootEntry['mediaType'];
  /** Boot image start: 2048-byte LBA and byte offset in the source. */
  readonly lba: number;
  readonly byteOffset: number;
  /** sectorCount × 512: what firmware loads. */
  readonly loadByteLength: number;
  /** The image's real length, as far as it can be inferred (see `lengthSource`). */
  readonly byteLength: number;
  readonly lengthSource: BootImageLengthSource;
  /** Path of the file in the tree that starts at the image's LBA. */
  readonly path?: string;
  readonly fat?: FatBootSector;
  /** A patched boot info table (bytes 8–63); `checksumOk` when the whole image could be summed. */
  readonly bootInfoTable?: BootInfoTable & { readonly checksumOk?: boolean };
  /** Bytes 2548–2555 hold the image's 512-byte address + 5 (xorriso `--grub2-boot-info`). */
  readonly grub2BootInfo: boolean;
  /** ISOLINUX's isohybrid signature 0x7078C0FB at byte 0x40. */
  readonly isohybridSignature: boolean;
}

export interface BootCatalogInfo {
  readonly bootRecord: ElToritoBootRecord;
  readonly catalogLba: number;
  readonly catalogByteOffset: number;
  /** Path of the catalog file in the tree, when it has one. */
  readonly catalogPath?: string;
  readonly catalog: BootCatalog;
  /** One per entry: default entry first, then section entries in order. */
  readonly images: readonly BootImageInfo[];
}

export interface FileExtentRef {
  readonly lba: number;
  readonly byteLength: number;
  readonly path: string;
}

const MAX_CATALOG_SECTORS = 32;
const HEAD_BYTES = 4096;
const MAX_CHECKSUM_BYTES = 4 << 20;

/**
 * Read the El Torito boot catalog named by a boot record volume descriptor (`bootRecordSector`, 2048 bytes).
 * Returns undefined when the boot record is not El Torito or the catalog lies outside the source (a finding).
 */
export async function readBootCatalog(
  source: ByteSource,
  bootRecordSector: Uint8Array,
  findings: Findings,
  fileExtents?: readonly FileExtentRef[],
  bootRecordByteOffset = 17 * 2048,
): Promise<BootCatalogInfo | undefined> {
  const bootRecord = parseElToritoBootRecord(bootRecordSector, bootRecordByteOffset, findings);
  if (!bootRecord?.isElTorito) return undefined;
  const catalogLba = bootRecord.catalogLba;
  const catalogByteOffset = catalogLba * 2048;
  if (catalogLba < 17 || catalogByteOffset + 64 > source.byteLength) {
    findings.error(FindingCode.ELTORITO_CATALOG_OUTSIDE, `boot catalog LBA ${catalogLba} lies outside the image`, bootRecordByteOffset + 71, 'BootRecordVolumeDescriptor');
    return undefined;
  }
  const catalog = await readCatalog(source, catalogByteOffset, findings);
  const byLba = new Map<number, FileExtentRef>();
  for (const f of fileExtents ?? []) if (!byLba.has(f.lba)) byLba.set(f.lba, f);
  const entries: { entry: BootEntry; section: number; platformId: number }[] = [
    { entry: catalog.defaultEntry, section: 0, platformId: catalog.validation.platformId },
  ];
  catalog.sections.forEach((s, i) => {
    for (const entry of s.entries) entries.push({ entry, section: i + 1, platformId: s.platformId });
  });
  const images: BootImageInfo[] = [];
  for (const [i, e] of entries.entries()) images.push(await describeImage(source, e, i + 1, byLba, findings));
  const catalogPath = byLba.get(catalogLba)?.path;
  return { bootRecord, catalogLba, catalogByteOffset, ...(catalogPath ? { catalogPath } : {}), catalog, images };
}

/** Parse one sector; when the entries reach its end, read up to 32 sectors and parse again (findings once). */
async function readCatalog(source: ByteSource, byteOffset: number, findings: Findings): Promise<BootCatalog> {
  let sectors = 1;
  for (;;) {
    const bytes = await source.read(byteOffset, sectors * 2048);
    const local = new Findings(false);
    const catalog = parseBootCatalog(bytes, byteOffset, local);
    const more = catalog.truncated && bytes.length === sectors * 2048 && sectors < MAX_CATALOG_SECTORS;
    if (!more) {
      for (const f of local.list) findings.add(f);
      if (catalog.truncated) {
        findings.warn(FindingCode.ELTORITO_CATALOG_UNTERMINATED, `boot catalog entries run to the end of the ${bytes.length} bytes read without a terminating entry`, byteOffset + Math.max(0, bytes.length - 32), 'BootCatalog');
      }
      return catalog;
    }
    sectors = Math.min(MAX_CATALOG_SECTORS, sectors * 4);
  }
}

interface Inferred {
  byteLength: number;
  lengthSource: BootImageLengthSource;
  fat?: FatBootSector;
}

function inferLength(entry: BootEntry, head: Uint8Array, file: FileExtentRef | undefined, table: BootImageInfo['bootInfoTable'], findings: Findings): Inferred {
  const fat = parseFatBootSector(head);
  if (file) return { byteLength: file.byteLength, lengthSource: 'file', ...(fat ? { fat } : {}) };
  if (table?.checksumOk) return { byteLength: table.imageByteLength, lengthSource: 'boot-info-table' };
  if (fat) return { byteLength: fat.byteLength, lengthSource: 'fat', fat };
  if (entry.mediaType === 'hard-disk') {
    const mbr = parseMbr(head, entry.loadRba * 2048, new Findings(false));
    const used = mbr?.partitions.filter((p) => !p.empty && p.sectorCount > 0) ?? [];
    // at the image when it was read, else at the entry's Load RBA field (the image lies outside the source)
    const at = head.length ? entry.loadRba * 2048 : entry.byteOffset + 8;
    if (used.length !== 1) findings.warn(FindingCode.ELTORITO_HDD_PARTITIONS, `hard-disk emulation image has ${used.length} partitions (expected exactly 1)`, at, head.length ? 'BootImage' : 'BootCatalogEntry');
    const end = Math.max(0, ...used.map((p) => p.startLba + p.sectorCount));
    if (end > 0) return { byteLength: end * 512, lengthSource: 'mbr-partition' };
  }
  const floppy = FLOPPY_BYTE_LENGTH[entry.mediaType];
  if (floppy !== undefined) return { byteLength: floppy, lengthSource: 'floppy' };
  return { byteLength: entry.sectorCount * 512, lengthSource: 'load-size' };
}

async function checkBootInfoTable(source: ByteSource, lba: number, head: Uint8Array): Promise<BootImageInfo['bootInfoTable']> {
  const byteOffset = lba * 2048;
  if (!looksLikeBootInfoTable(head, lba, Math.max(0, source.byteLength - byteOffset))) return undefined;
  const table = parseBootInfoTable(head) as BootInfoTable;
  if (table.imageByteLength > MAX_CHECKSUM_BYTES) return table;
  const image = table.imageByteLength <= head.length ? head.subarray(0, table.imageByteLength) : await source.read(byteOffset, table.imageByteLength);
  if (image.length < table.imageByteLength) return table;
  return { ...table, checksumOk: bootInfoChecksum(image) === table.checksum };
}

async function describeImage(
  source: ByteSource,
  e: { entry: BootEntry; section: number; platformId: number },
  index: number,
  byLba: ReadonlyMap<number, FileExtentRef>,
  findings: Findings,
): Promise<BootImageInfo> {
  const { entry } = e;
  const lba = entry.loadRba;
  const byteOffset = lba * 2048;
  const head = byteOffset < source.byteLength ? await source.read(byteOffset, HEAD_BYTES) : new Uint8Array(0);
  if (head.length === 0) {
    findings.error(FindingCode.ELTORITO_IMAGE_OUTSIDE, `boot image ${index} at LBA ${lba} lies outside the image`, entry.byteOffset + 8, 'BootCatalog Entry');
  }
  const file = byLba.get(lba);
  const bootInfoTable = head.length ? await checkBootInfoTable(source, lba, head) : undefined;
  const inferred = inferLength(entry, head, file, bootInfoTable, findings);
  if (head.length && byteOffset + inferred.byteLength > source.byteLength) {
    findings.warn(FindingCode.ELTORITO_IMAGE_PAST_END, `boot image ${index} (${inferred.byteLength} bytes at LBA ${lba}) runs past the end of the image`, entry.byteOffset + 8, 'BootCatalog Entry');
  }
  if (bootInfoTable?.checksumOk === false) {
    findings.warn(FindingCode.ELTORITO_BOOT_INFO_CHECKSUM, `boot info table checksum of boot image ${index} does not match its contents`, byteOffset + 20, 'BootInfoTable');
  }
  return {
    index,
    section: e.section,
    entry,
    platformId: e.platformId,
    platform: platformName(e.platformId),
    bootable: entry.bootable,
    emulation: entry.mediaType,
    lba,
    byteOffset,
    loadByteLength: entry.sectorCount * 512,
    byteLength: inferred.byteLength,
    lengthSource: inferred.lengthSource,
    ...(file ? { path: file.path } : {}),
    ...(inferred.fat ? { fat: inferred.fat } : {}),
    ...(bootInfoTable ? { bootInfoTable } : {}),
    grub2BootInfo: readGrub2BootInfo(head) === grub2BootInfoValue(lba),
    isohybridSignature: hasIsohybridSignature(head),
  };
}
