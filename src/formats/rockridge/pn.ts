/**
 * RRIP 4.1.2 PN "POSIX device number": BP5-12 "dev_t high", BP13-20 "dev_t low" (both-endian 32-bit).
 *
 * What is in the two words depends on the writer:
 * - libisofs (xorriso) and libarchive store the host's 64-bit glibc `dev_t` split in halves, so for usual
 *   devices high = 0 and low = `(minor & 0xff) | (major & 0xfff) << 8 | (minor & ~0xff) << 12`;
 * - some writers store high = major, low = minor.
 * Linux (fs/isofs/rock.c) reads `MKDEV(high, low)` unless high is 0 and low has bits above 0xff, in which case it
 * decodes low as an old 16-bit dev_t. We decode high = 0 as a glibc dev_t (a superset of Linux's rule), high in
 * 1..0xfff as major/minor (what Linux does), anything else as a full 64-bit glibc dev_t.
 * Writing uses the glibc encoding like xorriso: every reader agrees for major < 4096 and minor < 256.
 * (A glibc dev_t with minor >= 2^20 and major < 4096 is ambiguous with the major/minor form; it reads as the latter.)
 */
import { readU32Both, writeU32Both } from '../../bytes/index.js';
import type { Findings } from '../../errors/index.js';
import { checkU32Field, serializeSuspEntry, type SuspEntry } from './susp.js';
import { FindingCode } from '../../errors/index.js';

export interface DeviceNumber {
  readonly major: number;
  readonly minor: number;
}

const P8 = 0x100, P12 = 0x1000, P20 = 0x100000, P32 = 0x100000000;

/** Decode the two PN words into major/minor (see the module comment). */
export function decodeDeviceNumber(high: number, low: number): DeviceNumber {
  if (high !== 0 && high < P12) return { major: high, minor: low };
  // glibc gnu_dev_major/minor over (high << 32 | low), written without bitwise operators on > 32-bit values
  const lowMajor = Math.floor(low / P8) % P12;
  const major = lowMajor + (high - (high % P12));
  const minor = (low % P8) + Math.floor(low / P20) * P8 + (high % P12) * P20;
  return { major, minor };
}

/** Encode major/minor as a glibc 64-bit dev_t split into [high, low] 32-bit words. */
export function encodeDeviceNumber(dev: DeviceNumber): [number, number] {
  const major = checkU32Field(dev.major, 'device major', 'RockRidge PN');
  const minor = checkU32Field(dev.minor, 'device minor', 'RockRidge PN');
  // glibc makedev: low = (minor & 0xff) | (major & 0xfff) << 8 | (minor & 0xfff00) << 12; high = (major & ~0xfff) | minor >> 20
  const low = (minor % P8) + (major % P12) * P8 + (Math.floor(minor / P8) % P12) * P20;
  const high = (major - (major % P12)) + Math.floor(minor / P20);
  return [high % P32, low % P32];
}

export function parsePN(e: SuspEntry, findings: Findings): DeviceNumber | undefined {
  if (e.data.length < 16) {
    findings.warn(FindingCode.RR_BAD_PN, `PN entry is ${e.data.length + 4} bytes, expected 20`, e.byteOffset, 'RockRidge PN');
    return undefined;
  }
  const high = readU32Both(e.data, 0), low = readU32Both(e.data, 8);
  if (high.mismatch || low.mismatch) findings.warn(FindingCode.RR_ENDIAN_MISMATCH, 'PN both-endian fields disagree', e.byteOffset, 'RockRidge PN');
  return decodeDeviceNumber(high.value, low.value);
}

export function serializePN(dev: DeviceNumber): Uint8Array {
  const [high, low] = encodeDeviceNumber(dev);
  const p = new Uint8Array(16);
  writeU32Both(p, 0, high);
  writeU32Both(p, 8, low);
  return serializeSuspEntry('PN', 1, p);
}
