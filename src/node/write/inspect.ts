/**
 * What kind of image is about to be written, from its first MiB, for `write --mode auto`:
 *
 * - a hybrid ISO (ISO 9660 with an MBR or GPT in the system area, sectors 0–15) or a disk image
 *   (MBR/GPT/boot sector, no ISO 9660): a raw copy boots from USB → write raw;
 * - an ISO with an El Torito boot record but no usable MBR/GPT (Windows install media): firmware boots
 *   USB sticks through the MBR/GPT, never through El Torito (a CD-only mechanism) → stop and explain;
 * - a plain data ISO (no El Torito, no MBR/GPT): writes fine but will not boot → warn;
 * - anything else: unknown data, written raw with a note.
 *
 * Structures: MBR (UEFI 2.10 §5.2.1: signature 0x55AA at 510, four 16-byte entries at 446), GPT header
 * "EFI PART" at LBA 1 (512 or 4096-byte sectors, UEFI §5.3.2), ISO 9660 volume descriptors from sector 16
 * (ECMA-119 8.1: type, "CD001"), El Torito boot record (El Torito 1.0 §2.0: type 0, "EL TORITO
 * SPECIFICATION"), UDF volume recognition ("BEA01"/"NSR02"/"NSR03", ECMA-167 2/9.1).
 * The shared partition-table reader (src/read/partitions.ts, contract 3) decides whether the MBR/GPT is
 * usable; the built-in checks above are the fallback when it cannot read the head.
 */
import { Findings } from '../../errors/index.js';
import { memorySource } from '../../io/index.js';
import { readPartitionTables } from '../../read/partitions.js';

export type ImageKind = 'hybrid-iso' | 'disk-image' | 'eltorito-only-iso' | 'data-iso' | 'unknown';
/** 'windows': Windows install media, built as a FAT32 stick from its files (set by writeImage, not by the head) */
export type AutoDecision = 'raw' | 'raw-with-warning' | 'stop' | 'windows';

export interface ImageInspection {
  readonly kind: ImageKind;
  readonly decision: AutoDecision;
  /** one paragraph for the user */
  readonly message: string;
  readonly iso9660: boolean;
  readonly volumeId?: string;
  readonly elTorito: boolean;
  readonly udf: boolean;
  readonly mbr: boolean;
  readonly gpt: boolean;
  readonly mbrPartitionTypes: number[];
  /** partition-table kinds reported by the shared reader (contract 3) */
  readonly partitionKinds?: string[];
  /** whether the shared partition-table reader decided (else the built-in fallback) */
  readonly partitionReader: 'shared' | 'builtin';
}

const ascii = (b: Uint8Array, o: number, n: number): string => String.fromCharCode(...b.subarray(o, o + n));

function mbrOf(head: Uint8Array): { valid: boolean; types: number[] } {
  if (head.length < 512 || head[510] !== 0x55 || head[511] !== 0xaa) return { valid: false, types: [] };
  const types: number[] = [];
  let sane = true;
  for (let i = 0; i < 4; i++) {
    const o = 446 + i * 16;
    const status = head[o] as number;
    const type = head[o + 4] as number;
    if (status !== 0 && status !== 0x80) sane = false;
    if (type !== 0) types.push(type);
  }
  return { valid: sane && types.length > 0, types };
}

const hasGpt = (head: Uint8Array): boolean =>
  (head.length >= 520 && ascii(head, 512, 8) === 'EFI PART') || (head.length >= 4104 && ascii(head, 4096, 8) === 'EFI PART');

/** A FAT/NTFS/exFAT boot sector at LBA 0 (a "superfloppy" disk image without a partition table). */
function hasVolumeBootRecord(head: Uint8Array): boolean {
  if (head.length < 512 || head[510] !== 0x55 || head[511] !== 0xaa) return false;
  const oem = ascii(head, 3, 8);
  return oem === 'NTFS    ' || oem === 'EXFAT   ' || ascii(head, 54, 3) === 'FAT' || ascii(head, 82, 3) === 'FAT';
}

function isoOf(head: Uint8Array): { iso: boolean; elTorito: boolean; udf: boolean; volumeId?: string } {
  let iso = false;
  let elTorito = false;
  let udf = false;
  let volumeId: string | undefined;
  for (let sector = 16; (sector + 1) * 2048 <= head.length && sector < 64; sector++) {
    const o = sector * 2048;
    const id = ascii(head, o + 1, 5);
    if (id === 'CD001') {
      iso = true;
      const type = head[o] as number;
      if (type === 0 && ascii(head, o + 7, 23) === 'EL TORITO SPECIFICATION') elTorito = true;
      if (type === 1) volumeId = ascii(head, o + 40, 32).trim();
      continue;
    }
    if (id === 'BEA01' || id === 'NSR02' || id === 'NSR03' || id === 'TEA01') {
      if (id.startsWith('NSR')) udf = true;
      continue;
    }
    if (iso) break;
  }
  return { iso, elTorito, udf, ...(volumeId ? { volumeId } : {}) };
}

/** Partition-table kinds from the shared reader (contract 3); undefined when it cannot tell. */
async function sharedPartitionKinds(head: Uint8Array): Promise<string[] | undefined> {
  try {
    const r = await readPartitionTables(memorySource(head, 'image head'), new Findings());
    return [...r.kinds];
  } catch {
    return undefined;
  }
}

const STOP_MESSAGE =
  'This ISO boots only through El Torito (the CD/DVD boot mechanism) and has no MBR or GPT in its system area — typical of Windows install media. ' +
  'Firmware boots a USB stick through its MBR or GPT, never through El Torito, so a raw copy would not boot from USB. ' +
  'isokit builds such a FAT32 stick from the files of Windows install media given as a local, uncompressed .iso (`--mode windows`; this image was not recognised as one). ' +
  'To write the raw copy anyway (e.g. for a virtual machine or an optical-drive emulator), pass --mode raw.';

/** Inspect the first MiB of an image (pure: no I/O besides the optional shared reader). */
export async function inspectImageHead(head: Uint8Array): Promise<ImageInspection> {
  const m = mbrOf(head);
  const gpt = hasGpt(head);
  const isoInfo = isoOf(head);
  const kinds = await sharedPartitionKinds(head);
  const sharedSaysTable = kinds ? kinds.some((k) => k === 'mbr' || k === 'gpt' || k === 'isohybrid') : undefined;
  const bootable = sharedSaysTable ?? (m.valid || gpt);
  const base = {
    iso9660: isoInfo.iso,
    ...(isoInfo.volumeId !== undefined ? { volumeId: isoInfo.volumeId } : {}),
    elTorito: isoInfo.elTorito,
    udf: isoInfo.udf,
    mbr: m.valid,
    gpt,
    mbrPartitionTypes: m.types,
    ...(kinds ? { partitionKinds: kinds } : {}),
    partitionReader: kinds ? ('shared' as const) : ('builtin' as const),
  };
  const table = [m.valid ? `MBR (partition types ${m.types.map((t) => '0x' + t.toString(16).padStart(2, '0')).join(', ')})` : '', gpt ? 'GPT' : ''].filter(Boolean).join(' + ');
  if (isoInfo.iso && bootable) {
    return { ...base, kind: 'hybrid-iso', decision: 'raw', message: `hybrid ISO: ISO 9660${isoInfo.elTorito ? ' with El Torito' : ''} and ${table || 'a partition table'} in the system area; written raw it boots from USB` };
  }
  if (isoInfo.iso && isoInfo.elTorito) return { ...base, kind: 'eltorito-only-iso', decision: 'stop', message: STOP_MESSAGE };
  if (isoInfo.iso) {
    return {
      ...base,
      kind: 'data-iso',
      decision: 'raw-with-warning',
      message: 'plain data ISO: no El Torito boot record and no MBR/GPT — the stick will hold the files but will not be bootable',
    };
  }
  if (bootable || hasVolumeBootRecord(head)) {
    return { ...base, kind: 'disk-image', decision: 'raw', message: `disk image (${table || 'volume boot record'}): written raw` };
  }
  return { ...base, kind: 'unknown', decision: 'raw', message: 'not recognised as an ISO or disk image (no ISO 9660, MBR, GPT or boot sector): written raw as given' };
}
