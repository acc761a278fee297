/**
 * Directory extents (ECMA-119 6.8.1, 9.1) shared by the ISO 9660 and Joliet trees: "." and ".." first, then
 * the children in record order; a record never crosses a sector boundary (the rest of the sector is zero);
 * files over 4 GiB − 1 get one record per extent with the multi-extent flag on all but the last (9.1.6,
 * extents of 4 GiB − 2 KiB like xorriso). Measuring and serializing walk the same record list. Nothing is
 * kept between the two but the continuation-area plan: Rock Ridge entries are measured at plan time and
 * written at emit time (system-use.ts).
 */
import { encodeUtf8 } from '../../bytes/index.js';
import { encodeJolietName } from '../../formats/joliet/index.js';
import { DirFlag, PARENT_IDENTIFIER, SELF_IDENTIFIER, serializeDirectoryRecord, sizeOfDirectoryRecord, type DirectoryRecordInit } from '../../formats/iso9660/index.js';
import { sameLba, type CeArea, type IsoState, type LbaMap } from './state.js';
import { planSystemUse, recordInput, systemUseBudget, writeInlineSystemUse, type RecordRole } from './system-use.js';
import { entryMtime, MAX_EXTENT_BYTES, MULTI_EXTENT_STEP_BYTES, type PlanDirEntry, type PlanEntry } from '../tree.js';
import { BLOCK_SIZE } from '../types.js';
import { ErrorCode, IsoKitError } from '../../errors/index.js';

export type TreeKind = 'iso9660' | 'joliet';

/** Extents a file's data is recorded as: one, or several of 4 GiB − 2 KiB and a final one. */
export function extentCount(byteLength: number): number {
  return byteLength > MAX_EXTENT_BYTES ? Math.ceil(byteLength / MULTI_EXTENT_STEP_BYTES) : 1;
}

/** Where a record of `byteLength` goes when the extent has `pos` bytes so far (next sector if it would cross). */
export function placeRecord(pos: number, byteLength: number): number {
  const used = pos % BLOCK_SIZE;
  return used + byteLength > BLOCK_SIZE ? pos + (BLOCK_SIZE - used) : pos;
}

/** ISO 9660 identifiers are ASCII for levels 1-3 (fast path) and UTF-8 for level 4. */
function isoIdentifier(name: string): Uint8Array {
  const out = new Uint8Array(name.length);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c > 0x7f) return encodeUtf8(name);
    out[i] = c;
  }
  return out;
}

function identifierOf(s: IsoState, e: PlanEntry, kind: TreeKind): Uint8Array {
  return kind === 'joliet' ? encodeJolietName(s.jolietName[e.id] as string) : isoIdentifier(s.isoName[e.id] as string);
}

function ceOf(s: IsoState, e: PlanEntry, role: RecordRole): CeArea | undefined {
  if (role === 'child') return s.ce(e);
  return role === 'self' ? s.dir(e).selfCe : s.dir(e).parentCe;
}

function setCe(s: IsoState, e: PlanEntry, role: RecordRole, ce: CeArea | undefined): void {
  if (role === 'child') s.setCe(e, ce);
  else if (role === 'self') s.dir(e).selfCe = ce;
  else s.dir(e).parentCe = ce;
}

/** Plan one record's Rock Ridge System Use; returns its inline byte length (with CE when it has one). */
function planRecordSu(s: IsoState, e: PlanEntry, role: RecordRole, idLen: number, isRoot: boolean): number {
  const planned = planSystemUse(s, recordInput(s, e, role, isRoot), systemUseBudget(idLen));
  setCe(s, e, role, planned.ce);
  return planned.inlineByteLength;
}

/** Measure one directory extent (bytes, a multiple of 2048), planning Rock Ridge continuation areas. */
export function measureDirectory(s: IsoState, d: PlanDirEntry, kind: TreeKind): number {
  const rr = kind === 'iso9660' && s.options.rockRidge;
  const v = s.dir(d);
  const kids = kind === 'joliet' ? v.jolietChildren : v.children;
  let pos = 0;
  const one = (e: PlanEntry, role: RecordRole, idLen: number, records: number) => {
    const suLength = rr ? planRecordSu(s, e, role, idLen, d === s.root && role === 'self') : 0;
    const len = sizeOfDirectoryRecord(idLen, suLength);
    for (let i = records; i > 0; i--) pos = placeRecord(pos, len) + len;
  };
  one(d, 'self', 1, 1);
  one(d, 'parent', 1, 1);
  const limited = s.options.isoLargeFiles === 'limited-size';
  for (const c of kids) one(c, 'child', identifierOf(s, c, kind).length, c.data && !limited ? extentCount(c.data.byteLength) : 1);
  return Math.max(1, Math.ceil(pos / BLOCK_SIZE)) * BLOCK_SIZE;
}

/** Reused for each record's System Use (copied into the record right away). */
const scratch = new Uint8Array(256);

/** The inline System Use of one record (as planned), with CE appended when it has one. */
function systemUseOf(s: IsoState, e: PlanEntry, role: RecordRole, idLen: number, isRoot: boolean, map: LbaMap): Uint8Array {
  const input = recordInput(s, e, role, isRoot, map);
  return scratch.subarray(0, writeInlineSystemUse(s, scratch, 0, input, systemUseBudget(idLen), ceOf(s, e, role), map));
}

/** Serialize one directory extent exactly as measured. */
export function serializeDirectory(s: IsoState, d: PlanDirEntry, kind: TreeKind, map: LbaMap = sameLba): Uint8Array {
  const o = s.options;
  const joliet = kind === 'joliet';
  const v = s.dir(d);
  const out = new Uint8Array(joliet ? v.jolietByteLength : v.isoByteLength);
  const rr = !joliet && o.rockRidge;
  let pos = 0;
  const put = (rec: Uint8Array) => {
    pos = placeRecord(pos, rec.length);
    if (pos + rec.length > out.length) throw new IsoKitError(ErrorCode.INTERNAL, `directory records overflow the planned ${out.length} bytes`);
    out.set(rec, pos);
    pos += rec.length;
  };
  const dirRecord = (target: PlanEntry, id: Uint8Array, su: Uint8Array | undefined, hidden: number) => {
    const t = s.dir(target);
    put(serializeDirectoryRecord(init(map(joliet ? t.jolietLba : t.isoLba), joliet ? t.jolietByteLength : t.isoByteLength, entryMtime(target, o), DirFlag.DIRECTORY | hidden, id, su)));
  };
  dirRecord(d, SELF_IDENTIFIER, rr ? systemUseOf(s, d, 'self', 1, d === s.root, map) : undefined, 0);
  dirRecord(joliet ? d.parent : s.isoParent(d), PARENT_IDENTIFIER, rr ? systemUseOf(s, d, 'parent', 1, false, map) : undefined, 0);
  for (const c of joliet ? v.jolietChildren : v.children) {
    const id = identifierOf(s, c, kind);
    const su = rr ? systemUseOf(s, c, 'child', id.length, false, map) : undefined;
    const hidden = c.node.hidden ? DirFlag.HIDDEN : 0;
    if (s.isDirRecord(c)) {
      dirRecord(c, id, su, hidden);
      continue;
    }
    const data = c.data;
    if (!data || data.byteLength === 0) {
      put(serializeDirectoryRecord(init(0, 0, entryMtime(c, o), hidden, id, su)));
      continue;
    }
    if (o.isoLargeFiles === 'limited-size' && data.byteLength > MAX_EXTENT_BYTES) {
      // genisoimage -allow-limited-size: one record of the size's low 32 bits (UDF has the real size)
      put(serializeDirectoryRecord(init(map(data.lba), data.byteLength % 0x100000000, entryMtime(c, o), hidden, id, su)));
      continue;
    }
    const n = extentCount(data.byteLength);
    for (let i = 0; i < n; i++) {
      const last = i === n - 1;
      const len = last ? data.byteLength - i * MULTI_EXTENT_STEP_BYTES : MULTI_EXTENT_STEP_BYTES;
      put(serializeDirectoryRecord(init(map(data.lba + i * (MULTI_EXTENT_STEP_BYTES / BLOCK_SIZE)), len, entryMtime(c, o), hidden | (last ? 0 : DirFlag.MULTI_EXTENT), id, su)));
    }
  }
  return out;
}

function init(lba: number, dataLength: number, recordedAtMs: number | undefined, flags: number, identifier: Uint8Array, systemUse: Uint8Array | undefined): DirectoryRecordInit {
  return { lba, dataLength, recordedAtMs, gmtOffset: 0, flags, volumeSequenceNumber: 1, identifier, systemUse };
}
