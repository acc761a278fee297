/**
 * El Torito entries of the original (El Torito 1.0 2.1–2.4), replayed as BootEntrySpecs: platform, emulation,
 * load size and segment, boot indicator, ids, and the boot image as a file of the tree or (part of) an appended
 * partition. Boot info table and GRUB2 boot info are replayed when the original had them patched (the reader
 * checked them against the image's own LBA), so the writer regenerates them for the new addresses.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import type { BootImageInfo, BootCatalogInfo } from '../../read/boot.js';
import type { BootCatalogSpec, BootEmulation, BootEntrySpec, BootImageSpec, BootPlatform } from '../boot/spec.js';
import type { OriginalPartition } from './appended.js';
import type { RemasterEntryReport } from './types.js';

export interface InferredEntries {
  readonly entries: BootEntrySpec[];
  readonly catalog: BootCatalogSpec;
  readonly reports: RemasterEntryReport[];
  /** appended partitions some entry boots from */
  readonly usedPartitions: Set<number>;
}

const platformOf = (id: number): BootPlatform => (id === 0x00 ? 'bios' : id === 0xef ? 'efi' : 'other');
const emulationOf = (img: BootImageInfo): BootEmulation =>
  img.emulation === 'no-emulation' ? 'none' : img.emulation === 'hard-disk' ? 'hard-disk' : 'floppy';

function imageSpec(img: BootImageInfo, partitions: readonly OriginalPartition[]): BootImageSpec {
  if (img.path) return { kind: 'file', path: img.path };
  const p = partitions.find((x) => img.byteOffset >= x.byteOffset && img.byteOffset < x.byteOffset + x.byteLength);
  if (!p) {
    throw new IsoKitError(
      ErrorCode.UNSUPPORTED,
      `El Torito boot image ${img.index} (LBA ${img.lba}) is neither a file of the image nor inside an appended partition: it cannot be replayed`,
      { byteOffset: img.entry.byteOffset, structure: 'BootCatalog Entry' },
    );
  }
  const startByte = img.byteOffset - p.byteOffset;
  const whole = startByte === 0 && img.byteLength >= p.byteLength;
  if (whole) return { kind: 'appended-partition', partition: p.number };
  const endByte = Math.min(p.byteLength, startByte + img.byteLength) - 1;
  return { kind: 'appended-partition', partition: p.number, range: { startByte, endByte } };
}

const trimId = (s: string): string => s.replace(/[\0 ]+$/, '');

/** The section header id of the first entry of each section, the validation entry's id for the default entry. */
function idStrings(info: BootCatalogInfo): Map<number, string> {
  const out = new Map<number, string>();
  const v = trimId(info.catalog.validation.id);
  if (v) out.set(1, v);
  let index = 2;
  for (const s of info.catalog.sections) {
    const id = trimId(s.id);
    if (id) out.set(index, id);
    index += s.entries.length;
  }
  return out;
}

/** Infer the entries; `marked` holds the catalog indexes an isohybrid GPT lists (-isohybrid-gpt-basdat). */
export function inferEntries(info: BootCatalogInfo, partitions: readonly OriginalPartition[], marked: ReadonlyMap<number, 'basdat' | 'hfsplus'>): InferredEntries {
  const entries: BootEntrySpec[] = [];
  const reports: RemasterEntryReport[] = [];
  const usedPartitions = new Set<number>();
  const ids = idStrings(info);
  for (const img of info.images) {
    const platform = platformOf(img.platformId);
    const emulation = emulationOf(img);
    const image = imageSpec(img, partitions);
    if (image.kind === 'appended-partition') usedPartitions.add(image.partition);
    const bootInfoTable = img.bootInfoTable !== undefined && img.bootInfoTable.checksumOk !== false && image.kind === 'file';
    const grub2BootInfo = img.grub2BootInfo && image.kind === 'file';
    const isohybridGpt = marked.get(img.index);
    const id = ids.get(img.index);
    const sectorCount = img.entry.sectorCount;
    entries.push({
      platform,
      ...(platform === 'other' ? { platformId: img.platformId } : {}),
      image,
      emulation,
      // EFI entries always load the whole image (the writer recomputes it); others keep the recorded count
      ...(platform !== 'efi' && sectorCount > 0 ? { loadSize: sectorCount } : {}),
      ...(img.entry.loadSegment ? { loadSegment: img.entry.loadSegment } : {}),
      bootable: img.bootable,
      ...(bootInfoTable ? { bootInfoTable } : {}),
      ...(grub2BootInfo ? { grub2BootInfo } : {}),
      ...(isohybridGpt ? { isohybridGpt } : {}),
      ...(id ? { idString: id } : {}),
    });
    reports.push({
      index: img.index, platform, platformId: img.platformId, emulation, bootable: img.bootable, loadSize: sectorCount,
      loadSegment: img.entry.loadSegment,
      image: image.kind === 'file' ? `file ${image.path}` : `appended partition ${image.partition}${image.range ? ` bytes ${image.range.startByte}-${image.range.endByte}` : ''}`,
      bootInfoTable, grub2BootInfo, ...(isohybridGpt ? { isohybridGpt } : {}),
    });
  }
  const catalog: BootCatalogSpec = info.catalogPath ? { path: info.catalogPath } : { hidden: true };
  return { entries, catalog, reports, usedPartitions };
}
