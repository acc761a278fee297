/**
 * System Use Sharing Protocol (SUSP 1.12, IEEE P1281).
 *
 * Every entry: `BP1-2` signature, `BP3` length (including the 4-byte header), `BP4` entry version, then data.
 * Entries defined here (SUSP 5): CE continuation area (5.1), PD padding (5.2), SP indicator (5.3),
 * ST terminator (5.4), ER extensions reference (5.5), ES extension selector (5.6).
 *
 * `parseSuspArea` walks one area (a directory record's System Use field, or one continuation area) and
 * reports the CE pointer it found; the reader follows CE chains (bounded) and calls it again per area.
 */
import { readU32Both, writeU32Both } from '../../bytes/index.js';
import { ErrorCode, IsoKitError, type Findings, FindingCode } from '../../errors/index.js';

/** One SUSP entry; `data` is the payload after the 4-byte header (a view into the input). */
export interface SuspEntry {
  readonly signature: string;
  readonly version: number;
  readonly data: Uint8Array;
  /** where the entry starts in the image (or in whatever coordinate the caller passed) */
  readonly byteOffset: number;
  /**
   * SL entries only: the payload followed by the rest of the area (a view). genisoimage writes SL entries of
   * more than 255 bytes with a wrapped length byte; libisofs (xorriso) then reads the component record that
   * overruns the entry whole, from the bytes that follow it, and `parseSL` does the same.
   */
  readonly dataToAreaEnd?: Uint8Array;
}

/** Where the next continuation area is (SUSP 5.1). */
export interface SuspContinuation {
  readonly lba: number;
  readonly offsetInBlock: number;
  readonly byteLength: number;
}

export interface SuspArea {
  entries: SuspEntry[];
  continuation?: SuspContinuation;
}

export interface ParseSuspOptions {
  /** SP LEN_SKP (SUSP 5.3): bytes to skip at the start of this area (directory records other than the root's `.`) */
  skipBytes?: number;
}

/** SUSP 5.1: the CE entry is always 28 bytes. */
export const CE_ENTRY_LENGTH = 28;
/** SUSP 5.3: the SP entry is 7 bytes. */
export const SP_ENTRY_LENGTH = 7;
/** SUSP 5.4: the ST entry is 4 bytes. */
export const ST_ENTRY_LENGTH = 4;
/** Largest entry (BP3 is one byte). */
export const MAX_SUSP_ENTRY_LENGTH = 255;

const sig = (a: Uint8Array, o: number) => String.fromCharCode(a[o] ?? 0, a[o + 1] ?? 0);

/** A SUSP signature as one number (two character codes), to compare without building strings. */
export const sigCode = (s: string): number => s.charCodeAt(0) * 256 + s.charCodeAt(1);
const ST = sigCode('ST'), PD = sigCode('PD'), CE = sigCode('CE'), SL = sigCode('SL');

/**
 * Walks the entries of one System Use area without building objects: after `next()` returns true, `sig`,
 * `version`, `dataStart`, `dataLength` and `byteOffset` describe the entry. Stops at ST, when fewer than 4
 * bytes remain, at zero padding, or at a length byte that is < 4 or overruns the area (a finding: damaged,
 * but the entries before it count). PD is skipped; CE is kept in `continuation` (a second CE is a finding).
 */
export class SuspWalker {
  sig = 0;
  version = 0;
  dataStart = 0;
  dataLength = 0;
  /** where the current entry starts in the image (or in whatever coordinate the caller passed) */
  byteOffset = 0;
  continuation: SuspContinuation | undefined;
  private bytes: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private end = 0;
  private base = 0;

  /** Walk bytes[start, end); `byteOffset` is where bytes[start] sits in the image. */
  reset(bytes: Uint8Array, start: number, end: number, byteOffset: number): this {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.base = byteOffset - start;
    this.continuation = undefined;
    return this;
  }

  next(findings: Findings): boolean {
    const b = this.bytes;
    while (this.end - this.pos >= 4) {
      const pos = this.pos;
      const at = this.base + pos;
      const len = b[pos + 2] as number;
      const s0 = b[pos] as number, s1 = b[pos + 1] as number;
      if (len === 0 && s0 === 0 && s1 === 0) break; // zero padding up to the end
      if (len < 4 || pos + len > this.end) {
        findings.warn(FindingCode.SUSP_BAD_LENGTH, `entry "${printable(sig(b, pos))}" has length ${len} but ${this.end - pos} bytes remain in the area (rest ignored)`, at, 'SUSP entry');
        break;
      }
      this.pos = pos + len;
      const code = s0 * 256 + s1;
      if (code === ST) break;
      if (code === PD) continue;
      if (code === CE) {
        const ce = parseCE(b.subarray(pos + 4, pos + len), at, findings);
        if (ce && this.continuation) findings.warn(FindingCode.SUSP_MULTIPLE_CE, 'more than one CE entry in one area; the first is followed', at, 'SUSP CE');
        else if (ce) this.continuation = ce;
        continue;
      }
      this.sig = code;
      this.version = b[pos + 3] as number;
      this.dataStart = pos + 4;
      this.dataLength = len - 4;
      this.byteOffset = at;
      return true;
    }
    this.pos = this.end;
    return false;
  }

  /** The current entry as a SuspEntry (a view into the input). */
  entry(): SuspEntry {
    const data = this.bytes.subarray(this.dataStart, this.dataStart + this.dataLength);
    const e = { signature: String.fromCharCode(this.sig >> 8, this.sig & 0xff), version: this.version, data, byteOffset: this.byteOffset };
    return this.sig === SL ? { ...e, dataToAreaEnd: this.bytes.subarray(this.dataStart, this.end) } : e;
  }
}

/** Walk one System Use area (see SuspWalker) into entry objects. Never throws except through a strict `Findings`. */
export function parseSuspArea(area: Uint8Array, byteOffset: number, findings: Findings, opts: ParseSuspOptions = {}): SuspArea {
  const entries: SuspEntry[] = [];
  const skip = Math.max(0, opts.skipBytes ?? 0);
  const w = new SuspWalker().reset(area, Math.min(skip, area.length), area.length, byteOffset + skip);
  while (w.next(findings)) entries.push(w.entry());
  return w.continuation ? { entries, continuation: w.continuation } : { entries };
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** SUSP 5.1 CE: BP5-12 block location, BP13-20 offset, BP21-28 length of the continuation area (all both-endian). */
export function parseCE(data: Uint8Array, byteOffset: number, findings: Findings): SuspContinuation | undefined {
  if (data.length < 24) {
    findings.warn(FindingCode.SUSP_BAD_CE, `CE entry is ${data.length + 4} bytes, expected 28 (continuation ignored)`, byteOffset, 'SUSP CE');
    return undefined;
  }
  const lba = readU32Both(data, 0), off = readU32Both(data, 8), len = readU32Both(data, 16);
  if (lba.mismatch || off.mismatch || len.mismatch) {
    findings.warn(FindingCode.SUSP_ENDIAN_MISMATCH, 'CE both-endian fields disagree (little-endian halves used)', byteOffset, 'SUSP CE');
  }
  return { lba: lba.value, offsetInBlock: off.value, byteLength: len.value };
}

/** The 4-byte header of a SUSP entry of `byteLength` bytes at b[at] (SUSP 4.1: signature, length, version). */
export function writeSuspHeader(b: Uint8Array, at: number, signature: string, byteLength: number, version = 1): void {
  b[at] = signature.charCodeAt(0);
  b[at + 1] = signature.charCodeAt(1);
  b[at + 2] = byteLength;
  b[at + 3] = version;
}

/** Build one SUSP entry: header + payload. Throws INVALID_ARGUMENT when it cannot fit in 255 bytes. */
export function serializeSuspEntry(signature: string, version: number, payload: Uint8Array | readonly number[] = []): Uint8Array {
  const len = 4 + payload.length;
  if (signature.length !== 2 || len > MAX_SUSP_ENTRY_LENGTH) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `SUSP entry "${signature}" of ${len} bytes cannot be encoded (max 255)`, { structure: 'SUSP entry' });
  }
  const out = new Uint8Array(len);
  out[0] = signature.charCodeAt(0);
  out[1] = signature.charCodeAt(1);
  out[2] = len;
  out[3] = version;
  out.set(payload, 4);
  return out;
}

function checkU32(v: number, what: string, structure: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${what} ${v} does not fit in 32 bits`, { structure });
  }
  return v;
}
export { checkU32 as checkU32Field };

/** SUSP 5.1 CE entry (28 bytes) pointing at a continuation area. */
export function serializeCE(lba: number, offsetInBlock: number, byteLength: number): Uint8Array {
  const p = new Uint8Array(24);
  writeU32Both(p, 0, checkU32(lba, 'CE block', 'SUSP CE'));
  writeU32Both(p, 8, checkU32(offsetInBlock, 'CE offset', 'SUSP CE'));
  writeU32Both(p, 16, checkU32(byteLength, 'CE length', 'SUSP CE'));
  return serializeSuspEntry('CE', 1, p);
}

/** SUSP 5.3 SP entry (7 bytes): check bytes BE EF and LEN_SKP. Must be first in the root's `.` record. */
export function serializeSP(lenSkp = 0): Uint8Array {
  if (!Number.isInteger(lenSkp) || lenSkp < 0 || lenSkp > 255) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `SP LEN_SKP ${lenSkp} out of range 0..255`, { structure: 'SUSP SP' });
  }
  return serializeSuspEntry('SP', 1, [0xbe, 0xef, lenSkp]);
}

/** SUSP 5.4 ST terminator. */
export function serializeST(): Uint8Array {
  return serializeSuspEntry('ST', 1);
}

/** SUSP 5.3: returns LEN_SKP, or undefined (with a finding) when the check bytes are wrong. */
export function parseSP(e: SuspEntry, findings: Findings): number | undefined {
  if (e.data.length < 3 || e.data[0] !== 0xbe || e.data[1] !== 0xef) {
    findings.warn(FindingCode.SUSP_BAD_SP, 'SP entry without check bytes BE EF', e.byteOffset, 'SUSP SP');
    return undefined;
  }
  return e.data[2] as number;
}
