/**
 * Writer side: the complete Rock Ridge entries of one directory record, in the order xorriso writes them
 * (PX, TF, NM…, SL…, then PN, CL, PL, RE, ZF). The writer places them with `splitSystemUse`.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import type { RripVersion } from './er.js';
import { serializeNM } from './nm.js';
import { serializePN, type DeviceNumber } from './pn.js';
import { serializePX } from './px.js';
import { serializeCL, serializePL, serializeRE } from './relocation.js';
import { serializeSL } from './sl.js';
import { serializeTF } from './tf.js';
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
}

export interface RockRidgeWriteOptions {
  /** '1.10' (36-byte PX, ER RRIP_1991A: xorriso's default and what most readers expect) or '1.12' (44-byte PX) */
  rripVersion: RripVersion;
}

/** Complete SUSP entries (each ≤ 255 bytes) for one directory record. */
export function serializeRockRidge(input: RockRidgeWriteInput, opts: RockRidgeWriteOptions): Uint8Array[] {
  if (opts.rripVersion !== '1.10' && opts.rripVersion !== '1.12') {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `unknown RRIP version ${String(opts.rripVersion)}`, { structure: 'RockRidge' });
  }
  const out: Uint8Array[] = [];
  out.push(serializePX({ mode: input.mode, nlink: input.nlink, uid: input.uid, gid: input.gid, ino: input.ino ?? 0 }, opts.rripVersion));
  const tf = serializeTF({
    ...(input.birthtimeMs !== undefined ? { creationMs: input.birthtimeMs } : {}),
    ...(input.mtimeMs !== undefined ? { modifyMs: input.mtimeMs } : {}),
    ...(input.atimeMs !== undefined ? { accessMs: input.atimeMs } : {}),
    ...(input.ctimeMs !== undefined ? { attributesMs: input.ctimeMs } : {}),
  });
  if (tf) out.push(tf);
  if (input.name !== undefined) out.push(...serializeNM(input.name));
  if (input.symlinkTarget !== undefined) out.push(...serializeSL(input.symlinkTarget));
  if (input.device) out.push(serializePN(input.device));
  if (input.childLinkLba !== undefined) out.push(serializeCL(input.childLinkLba));
  if (input.parentLinkLba !== undefined) out.push(serializePL(input.parentLinkLba));
  if (input.relocated) out.push(serializeRE());
  if (input.zisofs) out.push(serializeZF(input.zisofs));
  return out;
}
