/**
 * El Torito Boot Record Volume Descriptor (El Torito 1.0, 2.0 "Boot Record Volume Descriptor").
 *
 * A volume descriptor of type 0 ("boot record", ECMA-119 8.2) at sector 17 by convention; SeaBIOS reads exactly
 * sector 17. Bytes 7–38 hold the boot system identifier "EL TORITO SPECIFICATION" padded with zeros,
 * bytes 71–74 the absolute LBA of the boot catalog (32-bit LE).
 */
import { readStrA, readU32LE, writeStrA, writeU32LE } from '../../bytes/index.js';
import type { Findings } from '../../errors/index.js';
import { FindingCode } from '../../errors/index.js';

export const EL_TORITO_SYSTEM_ID = 'EL TORITO SPECIFICATION';
/** Byte size of a volume descriptor (ECMA-119 8.1). */
export const BOOT_RECORD_BYTE_LENGTH = 2048;
const STD_ID = [0x43, 0x44, 0x30, 0x30, 0x31]; // "CD001"

export interface ElToritoBootRecord {
  /** Boot system identifier (bytes 7–38), trailing NULs/spaces trimmed. */
  readonly bootSystemId: string;
  /** Boot identifier (bytes 39–70), trimmed; unused by El Torito. */
  readonly bootId: string;
  /** True when bootSystemId is "EL TORITO SPECIFICATION". */
  readonly isElTorito: boolean;
  /** Absolute 2048-byte LBA of the boot catalog (bytes 71–74); only meaningful when isElTorito. */
  readonly catalogLba: number;
}

/**
 * Parse a boot record volume descriptor. Returns undefined when `sector` is not a type-0 volume descriptor
 * ("CD001", version 1). A boot record of another boot system is returned with `isElTorito: false`.
 */
export function parseElToritoBootRecord(sector: Uint8Array, byteOffset: number, findings: Findings): ElToritoBootRecord | undefined {
  if (sector.length < 75 || sector[0] !== 0) return undefined;
  for (let i = 0; i < 5; i++) if (sector[1 + i] !== STD_ID[i]) return undefined;
  if (sector[6] !== 1) {
    findings.warn(FindingCode.ELTORITO_BOOT_RECORD_VERSION, `boot record volume descriptor version is ${sector[6]}, expected 1`, byteOffset + 6, 'BootRecordVolumeDescriptor');
  }
  const bootSystemId = readStrA(sector, 7, 32);
  const isElTorito = bootSystemId === EL_TORITO_SYSTEM_ID;
  if (!isElTorito && bootSystemId.toUpperCase().startsWith('EL TORITO')) {
    findings.warn(FindingCode.ELTORITO_SYSTEM_ID, `boot system identifier is "${bootSystemId}", expected "${EL_TORITO_SYSTEM_ID}"`, byteOffset + 7, 'BootRecordVolumeDescriptor');
  }
  return {
    bootSystemId,
    bootId: readStrA(sector, 39, 32),
    isElTorito: isElTorito || bootSystemId.toUpperCase().startsWith('EL TORITO'),
    catalogLba: readU32LE(sector, 71),
  };
}

/** Serialize the El Torito boot record volume descriptor pointing at the boot catalog (2048 bytes). */
export function serializeElToritoBootRecord(catalogLba: number): Uint8Array {
  const b = new Uint8Array(BOOT_RECORD_BYTE_LENGTH);
  b[0] = 0;
  b.set(STD_ID, 1);
  b[6] = 1;
  writeStrA(b, 7, 32, EL_TORITO_SYSTEM_ID, 0);
  writeU32LE(b, 71, catalogLba);
  return b;
}
