/**
 * Directory extents (ECMA-119 6.8.1, 9.1) shared by the ISO 9660 and Joliet trees: "." and ".." first, then
 * the children in record order; a record never crosses a sector boundary (the rest of the sector is zero);
 * files over 4 GiB − 1 get one record per extent with the multi-extent flag on all but the last (9.1.6,
 * extents of 4 GiB − 2 KiB like xorriso). Measuring and serializing walk the same record list. Nothing is
 * kept between the two but the continuation-area plan: a plain record's Rock Ridge entries are only measured
 * at plan time and written at emit time (plain-system-use.ts); the others are serialized again at emit.
 */
import { concatBytes, encodeUtf8 } from '../../bytes/index.js';
import { encodeJolietName } from '../../formats/joliet/index.js';
import { DirFlag, PARENT_IDENTIFIER, SELF_IDENTIFIER, serializeDirectoryRecord, sizeOfDirectoryRecord, type DirectoryRecordInit } from '../../formats/iso9660/index.js';
import { serializeCE, splitSystemUse } from '../../formats/rockridge/index.js';
import type { ResolvedOptions } from '../options.js';
import { isPlainRecord, plainSystemUseLength, writePlainSystemUse } from '../plain-system-use.js';
import { planSystemUse, systemUseBudget, systemUseEntries, type RecordRole } from '../system-use.js';
import { entryMtime, MAX_EXTENT_BYTES, MULTI_EXTENT_STEP_BYTES, type BDir, type BEntry, type CeArea } from '../tree.js';
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

function identifierOf(e: BEntry, kind: TreeKind): Uint8Array {
  return kind === 'joliet' ? encodeJolietName(e.jolietName) : isoIdentifier(e.isoName);
}

function ceOf(e: BEntry, role: RecordRole): CeArea | undefined {
  if (role === 'child') return e.ce;
  return role === 'self' ? (e as BDir).dir.selfCe : (e as BDir).dir.parentCe;
}

function setCe(e: BEntry, role: RecordRole, ce: CeArea | undefined): void {
  // (only an entry that gets or had one is given the property: see buildTree)
  if (role === 'child') {
    if (ce || e.ce) e.ce = ce;
  }
  else if (role === 'self') (e as BDir).dir.selfCe = ce;
  else (e as BDir).dir.parentCe = ce;
}

/**
 * Plan one record's Rock Ridge System Use; returns its inline byte length (with CE when it has one). A plain
 * record that fits inline is only measured; the others are serialized to plan their continuation areas.
 */
function planRecordSu(e: BEntry, role: RecordRole, idLen: number, o: ResolvedOptions, isRoot: boolean): number {
  const budget = systemUseBudget(idLen);
  const plain = plainSystemUseLength(e, role, o, isRoot);
  if (plain >= 0 && plain <= budget) {
    setCe(e, role, undefined);
    return plain;
  }
  const entries = systemUseEntries(e, role, o, isRoot);
  let total = 0;
  for (const x of entries) total += x.length;
  if (total <= budget) {
    setCe(e, role, undefined);
    return total;
  }
  const planned = planSystemUse(entries, budget);
  setCe(e, role, planned.ce);
  return planned.inlineByteLength;
}

/** Measure one directory extent (bytes, a multiple of 2048), planning Rock Ridge continuation areas. */
export function measureDirectory(d: BDir, kind: TreeKind, o: ResolvedOptions, root: BDir): number {
  const rr = kind === 'iso9660' && o.rockRidge;
  const kids = kind === 'joliet' ? d.dir.jolietChildren : d.dir.children;
  let pos = 0;
  const one = (e: BEntry, role: RecordRole, idLen: number, records: number) => {
    const suLength = rr ? planRecordSu(e, role, idLen, o, d === root && role === 'self') : 0;
    const len = sizeOfDirectoryRecord(idLen, suLength);
    for (let i = records; i > 0; i--) pos = placeRecord(pos, len) + len;
  };
  one(d, 'self', 1, 1);
  one(d, 'parent', 1, 1);
  for (const c of kids) one(c, 'child', identifierOf(c, kind).length, c.data && !c.clTarget ? extentCount(c.data.byteLength) : 1);
  return Math.max(1, Math.ceil(pos / BLOCK_SIZE)) * BLOCK_SIZE;
}

/** Reused for plain records' System Use (copied into the record right away). */
const scratch = new Uint8Array(256);

/** The inline System Use of one record (as planned), with CE appended when it has one. */
function systemUseOf(e: BEntry, role: RecordRole, idLen: number, o: ResolvedOptions, isRoot: boolean): Uint8Array {
  const ce = ceOf(e, role);
  if (!ce && isPlainRecord(e, role, isRoot)) return scratch.subarray(0, writePlainSystemUse(scratch, 0, e, role, o));
  const { inline } = splitSystemUse(systemUseEntries(e, role, o, isRoot), systemUseBudget(idLen));
  if (!ce) return concatBytes(inline);
  const first = ce.parts[0];
  if (!first) throw new IsoKitError(ErrorCode.INTERNAL, 'Rock Ridge continuation area used before it was placed');
  return concatBytes([...inline, serializeCE(first.lba, first.offsetInBlock, ce.partByteLengths[0] as number)]);
}

/** Serialize one directory extent exactly as measured. */
export function serializeDirectory(d: BDir, kind: TreeKind, o: ResolvedOptions, root: BDir): Uint8Array {
  const joliet = kind === 'joliet';
  const out = new Uint8Array(joliet ? d.dir.jolietByteLength : d.dir.isoByteLength);
  const rr = !joliet && o.rockRidge;
  let pos = 0;
  const put = (rec: Uint8Array) => {
    pos = placeRecord(pos, rec.length);
    if (pos + rec.length > out.length) throw new IsoKitError(ErrorCode.INTERNAL, `directory records overflow the planned ${out.length} bytes`);
    out.set(rec, pos);
    pos += rec.length;
  };
  const dirRecord = (target: BEntry, id: Uint8Array, su: Uint8Array | undefined, hidden: number) => {
    const t = target.dir as NonNullable<BEntry['dir']>;
    put(serializeDirectoryRecord(init(joliet ? t.jolietLba : t.isoLba, joliet ? t.jolietByteLength : t.isoByteLength, entryMtime(target, o), DirFlag.DIRECTORY | hidden, id, su)));
  };
  dirRecord(d, SELF_IDENTIFIER, rr ? systemUseOf(d, 'self', 1, o, d === root) : undefined, 0);
  dirRecord(joliet ? d.parent : d.isoParent, PARENT_IDENTIFIER, rr ? systemUseOf(d, 'parent', 1, o, false) : undefined, 0);
  for (const c of joliet ? d.dir.jolietChildren : d.dir.children) {
    const id = identifierOf(c, kind);
    const su = rr ? systemUseOf(c, 'child', id.length, o, false) : undefined;
    const hidden = c.node.hidden ? DirFlag.HIDDEN : 0;
    if (c.dir && !c.clTarget) {
      dirRecord(c, id, su, hidden);
      continue;
    }
    const data = c.clTarget ? undefined : c.data;
    if (!data || data.byteLength === 0) {
      put(serializeDirectoryRecord(init(0, 0, entryMtime(c, o), hidden, id, su)));
      continue;
    }
    const n = extentCount(data.byteLength);
    for (let i = 0; i < n; i++) {
      const last = i === n - 1;
      const len = last ? data.byteLength - i * MULTI_EXTENT_STEP_BYTES : MULTI_EXTENT_STEP_BYTES;
      put(serializeDirectoryRecord(init(data.lba + i * (MULTI_EXTENT_STEP_BYTES / BLOCK_SIZE), len, entryMtime(c, o), hidden | (last ? 0 : DirFlag.MULTI_EXTENT), id, su)));
    }
  }
  return out;
}

function init(lba: number, dataLength: number, recordedAtMs: number | undefined, flags: number, identifier: Uint8Array, systemUse: Uint8Array | undefined): DirectoryRecordInit {
  return { lba, dataLength, recordedAtMs, gmtOffset: 0, flags, volumeSequenceNumber: 1, identifier, systemUse };
}
