/**
 * Writer side: the SUSP / Rock Ridge entries of one directory record, in the order xorriso writes them
 * (SP first on the root's "." record, PX, TF, NM…, SL…, PN, CL, PL, RE, ZF, and ER last on the root).
 *
 * One routine does both jobs: measuring (the byte length of each entry, without building any bytes — what
 * planning needs to decide what fits in the record and what goes to a continuation area) and writing a range
 * of entries straight into a buffer (what emitting needs). So plan and emit can never disagree, and the
 * common records (PX, TF, NM) cost no allocation either way.
 */
import { encodeUtf8 } from '../../bytes/index.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { serializeER, type RripVersion } from './er.js';
import { NM_MAX_NAME_BYTES_PER_ENTRY, writeNM } from './nm.js';
import { serializePN, type DeviceNumber } from './pn.js';
import { sizeOfPX, writePX } from './px.js';
import { serializeCL, serializePL, serializeRE } from './relocation.js';
import { serializeSL } from './sl.js';
import { serializeSP } from './susp.js';
import { sizeOfTF, writeTF } from './tf.js';
import { serializeZF, type RripZf } from './zf.js';

export interface RockRidgeWriteInput {
  /** NM name; omit for the "." and ".." records */
  name?: string;
  /** st_mode: type bits and permissions */
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  /** file serial number (written only with RRIP 1.12, whose PX has the field) */
  ino?: number;
  mtimeMs?: number;
  atimeMs?: number;
  ctimeMs?: number;
  /** TF CREATION (optional; xorriso does not write it) */
  birthtimeMs?: number;
  symlinkTarget?: string;
  /** PN, for character and block devices */
  device?: DeviceNumber;
  /** RE: this record is the relocated directory (inside the relocation directory) */
  relocated?: boolean;
  /** CL: this record is the placeholder for a directory relocated to this LBA */
  childLinkLba?: number;
  /** PL: this is the ".." record of a relocated directory whose original parent is at this LBA */
  parentLinkLba?: number;
  /** ZF: the file's data is zisofs-compressed */
  zisofs?: RripZf;
  /** the root's "." record: SP (SUSP 5.3) first and ER (SUSP 5.5) last */
  suspRoot?: boolean;
}

export interface RockRidgeWriteOptions {
  /** '1.10' (36-byte PX, ER RRIP_1991A: xorriso's default and what most readers expect) or '1.12' (44-byte PX) */
  rripVersion: RripVersion;
}

/** UTF-8 byte length of a string without encoding it. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Where a measuring or writing pass is: entries before `first` are skipped, from `end` on nothing is done. */
interface Pass {
  /** measuring: each entry's length is pushed here (no bytes are written) */
  readonly lengths: number[] | undefined;
  readonly b: Uint8Array | undefined;
  at: number;
  index: number;
  readonly first: number;
  readonly end: number;
}

/** Count one entry of `len` bytes; true when it is to be written now (at `p.at`; the caller then advances). */
function take(p: Pass, len: number): boolean {
  const i = p.index++;
  if (p.lengths) {
    p.lengths.push(len);
    return false;
  }
  return i >= p.first && i < p.end;
}

/** A prebuilt entry (the rare ones: SL, PN, CL, PL, RE, ZF, SP, ER). */
function copy(p: Pass, bytes: Uint8Array): void {
  if (!take(p, bytes.length)) return;
  (p.b as Uint8Array).set(bytes, p.at);
  p.at += bytes.length;
}

function px(p: Pass, input: RockRidgeWriteInput, version: RripVersion): void {
  const px = { mode: input.mode, nlink: input.nlink, uid: input.uid, gid: input.gid, ino: input.ino ?? 0 };
  if (take(p, sizeOfPX(version))) p.at = writePX(p.b as Uint8Array, p.at, px, version);
  else if (p.lengths) writePX(scratch, 0, px, version); // the same checks when measuring
}

const scratch = new Uint8Array(64);

function tf(p: Pass, input: RockRidgeWriteInput): void {
  const t = { creationMs: input.birthtimeMs, modifyMs: input.mtimeMs, accessMs: input.atimeMs, attributesMs: input.ctimeMs };
  const len = sizeOfTF(t);
  if (len && take(p, len)) p.at = writeTF(p.b as Uint8Array, p.at, t);
}

/** NM entries: the name in parts of at most 250 bytes, CONTINUE on every part but the last. */
function nm(p: Pass, name: string): void {
  let ascii = true;
  for (let i = 0; i < name.length && ascii; i++) ascii = name.charCodeAt(i) < 0x80;
  const byteLength = ascii ? name.length : utf8Length(name);
  let bytes: Uint8Array | undefined;
  let o = 0;
  do {
    const n = Math.min(NM_MAX_NAME_BYTES_PER_ENTRY, byteLength - o);
    if (take(p, 5 + n)) p.at = writeNM(p.b as Uint8Array, p.at, ascii ? name : (bytes ??= encodeUtf8(name)), o, n, o + n < byteLength);
    o += n;
  } while (o < byteLength);
}

function visit(p: Pass, input: RockRidgeWriteInput, opts: RockRidgeWriteOptions): void {
  if (opts.rripVersion !== '1.10' && opts.rripVersion !== '1.12') {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `unknown RRIP version ${String(opts.rripVersion)}`, { structure: 'RockRidge' });
  }
  if (input.suspRoot) copy(p, serializeSP(0));
  px(p, input, opts.rripVersion);
  tf(p, input);
  if (input.name !== undefined) nm(p, input.name);
  if (input.symlinkTarget !== undefined) for (const e of serializeSL(input.symlinkTarget)) copy(p, e);
  if (input.device) copy(p, serializePN(input.device));
  if (input.childLinkLba !== undefined) copy(p, serializeCL(input.childLinkLba));
  if (input.parentLinkLba !== undefined) copy(p, serializePL(input.parentLinkLba));
  if (input.relocated) copy(p, serializeRE());
  if (input.zisofs) copy(p, serializeZF(input.zisofs));
  if (input.suspRoot) copy(p, serializeER(opts.rripVersion));
}

/** The byte length of each SUSP entry of one record, in order (nothing is serialized). */
export function sizeOfRockRidgeEntries(input: RockRidgeWriteInput, opts: RockRidgeWriteOptions, lengths: number[] = []): number[] {
  visit({ lengths, b: undefined, at: 0, index: 0, first: 0, end: 0 }, input, opts);
  return lengths;
}

/** Write entries [first, end) of one record at b[at] (room for them needed); returns the offset after them. */
export function writeRockRidgeEntries(b: Uint8Array, at: number, input: RockRidgeWriteInput, opts: RockRidgeWriteOptions, first = 0, end = Infinity): number {
  const p: Pass = { lengths: undefined, b, at, index: 0, first, end };
  visit(p, input, opts);
  return p.at;
}

/** Complete SUSP entries (each ≤ 255 bytes) for one directory record, one array each. */
export function serializeRockRidge(input: RockRidgeWriteInput, opts: RockRidgeWriteOptions): Uint8Array[] {
  const lengths = sizeOfRockRidgeEntries(input, opts);
  const all = new Uint8Array(lengths.reduce((n, x) => n + x, 0));
  writeRockRidgeEntries(all, 0, input, opts);
  const out: Uint8Array[] = [];
  let o = 0;
  for (const n of lengths) {
    out.push(all.subarray(o, o + n));
    o += n;
  }
  return out;
}
