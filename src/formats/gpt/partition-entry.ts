/**
 * GPT partition entries (UEFI 2.x 5.3.3, table 5-6): 128 bytes each (the header's entry size may be larger, a
 * multiple of 128): partition type GUID, unique GUID, first LBA, last LBA (inclusive, 512-byte sectors here),
 * attributes (64 bits), name (72 bytes UTF-16LE).
 */
import { readU16LE, readU32LE, readU64LE, writeU16LE, writeU64LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { formatGuid, guidBytes, isNullGuid } from './guid.js';

export const GPT_ENTRY_BYTE_LENGTH = 128;
const NAME_OFFSET = 56;
const NAME_UNITS = 36;

/** Well-known partition type GUIDs. */
export const GptType = {
  EFI_SYSTEM: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
  BASIC_DATA: 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7',
  LINUX_FS: '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
  BIOS_BOOT: '21686148-6449-6E6F-744E-656564454649',
  MICROSOFT_RESERVED: 'E3C9E316-0B5C-4DB8-817D-F92DF00215AE',
  MBR_SCHEME: '024DEE41-33E7-11D3-9D69-0008C781F39F',
  LINUX_SWAP: '0657FD6D-A4AB-43C4-84E5-0933C84B4F4F',
  LINUX_LVM: 'E6D6D379-F507-44C2-A23C-238F2A3DF928',
  LINUX_RAID: 'A19D880F-05FC-4D3B-A006-743F0F84911E',
  LINUX_ROOT_X86_64: '4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709',
  WINDOWS_RECOVERY: 'DE94BBA4-06D1-4D40-A16A-BFD50179D6AC',
  APPLE_HFS: '48465300-0000-11AA-AA11-00306543ECAC',
  APPLE_APFS: '7C3457EF-0000-11AA-AA11-00306543ECAC',
  PREP_BOOT: '9E1A2D38-C612-4316-AA26-8B49521E5A8B',
} as const;

const TYPE_NAMES: Readonly<Record<string, string>> = {
  [GptType.EFI_SYSTEM]: 'EFI System',
  [GptType.BASIC_DATA]: 'Basic data',
  [GptType.LINUX_FS]: 'Linux filesystem',
  [GptType.BIOS_BOOT]: 'BIOS boot',
  [GptType.MICROSOFT_RESERVED]: 'Microsoft reserved',
  [GptType.MBR_SCHEME]: 'MBR partition scheme',
  [GptType.LINUX_SWAP]: 'Linux swap',
  [GptType.LINUX_LVM]: 'Linux LVM',
  [GptType.LINUX_RAID]: 'Linux RAID',
  [GptType.LINUX_ROOT_X86_64]: 'Linux root (x86-64)',
  [GptType.WINDOWS_RECOVERY]: 'Windows recovery',
  [GptType.APPLE_HFS]: 'Apple HFS/HFS+',
  [GptType.APPLE_APFS]: 'Apple APFS',
  [GptType.PREP_BOOT]: 'PReP boot',
};
export const gptTypeName = (typeGuid: string): string => TYPE_NAMES[typeGuid.toUpperCase()] ?? 'unknown';

export interface GptPartitionInit {
  readonly typeGuid: string | Uint8Array;
  readonly uniqueGuid: string | Uint8Array;
  /** First and last (inclusive) 512-byte sector. */
  readonly firstLba: number;
  readonly lastLba: number;
  /** 64-bit attributes as "0x" + 16 hex digits (bit 0 required, 1 no block I/O, 2 legacy BIOS bootable, 48–63 type-specific). */
  readonly attributes?: string;
  readonly name?: string;
}
export interface GptPartitionEntry extends GptPartitionInit {
  /** 1-based slot in the partition array. */
  readonly index: number;
  readonly typeGuid: string;
  readonly typeName: string;
  readonly uniqueGuid: string;
  readonly attributes: string;
  readonly required: boolean;
  readonly legacyBiosBootable: boolean;
  readonly name: string;
  readonly sectorCount: number;
  readonly startByteOffset: number;
  readonly byteLength: number;
  /** Byte offset of the entry in the source. */
  readonly byteOffset: number;
}

function readAttributes(b: Uint8Array, o: number): string {
  let s = '';
  for (let i = 7; i >= 0; i--) s += (b[o + i] ?? 0).toString(16).padStart(2, '0');
  return '0x' + s;
}
function writeAttributes(b: Uint8Array, o: number, hex: string | undefined): void {
  if (hex === undefined) return;
  const h = hex.replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{1,16}$/.test(h)) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `GPT attributes must be up to 16 hex digits, got "${hex}"`);
  const p = h.padStart(16, '0');
  for (let i = 0; i < 8; i++) b[o + 7 - i] = parseInt(p.slice(2 * i, 2 * i + 2), 16);
}

function readName(b: Uint8Array, o: number): string {
  let s = '';
  for (let i = 0; i < NAME_UNITS; i++) {
    const u = readU16LE(b, o + 2 * i);
    if (u === 0) break;
    s += String.fromCharCode(u);
  }
  return s;
}

/** Parse the entry at `o`; undefined for an unused entry (null type GUID). */
export function parseGptPartitionEntry(b: Uint8Array, o: number, index: number, byteOffset: number): GptPartitionEntry | undefined {
  if (isNullGuid(b, o)) return undefined;
  const typeGuid = formatGuid(b, o);
  const firstLba = readU64LE(b, o + 32);
  const lastLba = readU64LE(b, o + 40);
  const sectorCount = lastLba >= firstLba ? lastLba - firstLba + 1 : 0;
  const attrLow = readU32LE(b, o + 48);
  return {
    index,
    typeGuid,
    typeName: gptTypeName(typeGuid),
    uniqueGuid: formatGuid(b, o + 16),
    firstLba,
    lastLba,
    attributes: readAttributes(b, o + 48),
    required: attrLow % 2 === 1,
    legacyBiosBootable: Math.floor(attrLow / 4) % 2 === 1,
    name: readName(b, o + NAME_OFFSET),
    sectorCount,
    startByteOffset: firstLba * 512,
    byteLength: sectorCount * 512,
    byteOffset: byteOffset + o,
  };
}

/** Write one entry into `b` at `o` (128 bytes; the rest of a larger entry stays zero). */
export function writeGptPartitionEntry(b: Uint8Array, o: number, p: GptPartitionInit): void {
  if (p.lastLba < p.firstLba - 1) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `GPT partition ends (${p.lastLba}) before it starts (${p.firstLba})`);
  b.set(guidBytes(p.typeGuid), o);
  b.set(guidBytes(p.uniqueGuid), o + 16);
  writeU64LE(b, o + 32, p.firstLba);
  writeU64LE(b, o + 40, p.lastLba);
  writeAttributes(b, o + 48, p.attributes);
  const name = p.name ?? '';
  if (name.length > NAME_UNITS) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `GPT partition name "${name}" is longer than 36 UTF-16 units`);
  for (let i = 0; i < name.length; i++) writeU16LE(b, o + NAME_OFFSET + 2 * i, name.charCodeAt(i));
}

/** Serialize a partition array of `entryCount` slots (entries fill the first slots unless they carry `index`). */
export function serializeGptPartitionArray(partitions: readonly GptPartitionInit[], entryCount: number, entrySize = GPT_ENTRY_BYTE_LENGTH): Uint8Array {
  if (partitions.length > entryCount) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${partitions.length} GPT partitions do not fit ${entryCount} entries`);
  const b = new Uint8Array(entryCount * entrySize);
  partitions.forEach((p, i) => {
    const slot = ((p as Partial<GptPartitionEntry>).index ?? i + 1) - 1;
    if (slot < 0 || slot >= entryCount) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `GPT partition index ${slot + 1} is outside 1..${entryCount}`);
    writeGptPartitionEntry(b, slot * entrySize, p);
  });
  return b;
}

/** Used entries of a partition array (`bytes` = entryCount × entrySize bytes starting at `byteOffset`). */
export function parseGptPartitionArray(bytes: Uint8Array, entryCount: number, entrySize: number, byteOffset: number): GptPartitionEntry[] {
  const out: GptPartitionEntry[] = [];
  for (let i = 0; i < entryCount && (i + 1) * entrySize <= bytes.length; i++) {
    const e = parseGptPartitionEntry(bytes, i * entrySize, i + 1, byteOffset);
    if (e) out.push(e);
  }
  return out;
}
