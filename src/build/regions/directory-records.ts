/**
 * Directory extents (ECMA-119 6.8.1, 9.1) shared by the ISO 9660 and Joliet trees: "." and ".." first, then
 * the children in record order; a record never crosses a sector boundary (the rest of the sector is zero);
 * files over 4 GiB − 1 get one record per extent with the multi-extent flag on all but the last (9.1.6,
 * extents of 4 GiB − 2 KiB like xorriso). Measuring and serializing walk the same record list.
 */
import { encodeUtf8 } from '../../bytes/index.js';
import { encodeJolietName } from '../../formats/joliet/index.js';
import { DirFlag, PARENT_IDENTIFIER, SELF_IDENTIFIER, serializeDirectoryRecord, sizeOfDirectoryRecord } from '../../formats/iso9660/index.js';
import type { ResolvedOptions } from '../options.js';
import { inlineSystemUse, planSystemUse, systemUseBudget, systemUseEntries, type RecordRole } from '../system-use.js';
import { MAX_EXTENT_BYTES, MULTI_EXTENT_STEP_BYTES, type BDir, type BEntry, type CeArea } from '../tree.js';
import { BLOCK_SIZE } from '../types.js';

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

const identifierOf = (e: BEntry, kind: TreeKind): Uint8Array =>
  kind === 'joliet' ? encodeJolietName(e.jolietName) : encodeUtf8(e.isoName);

interface RecordSpec {
  entry: BEntry;
  role: RecordRole;
  identifier: Uint8Array;
}

function* recordSpecs(d: BDir, kind: TreeKind): Generator<RecordSpec> {
  yield { entry: d, role: 'self', identifier: SELF_IDENTIFIER };
  yield { entry: d, role: 'parent', identifier: PARENT_IDENTIFIER };
  for (const c of kind === 'joliet' ? d.dir.jolietChildren : d.dir.children) yield { entry: c, role: 'child', identifier: identifierOf(c, kind) };
}

function ceSlot(s: RecordSpec): CeArea | undefined {
  if (s.role === 'child') return s.entry.ce;
  const dir = (s.entry as BDir).dir;
  return s.role === 'self' ? dir.selfCe : dir.parentCe;
}
function setCeSlot(s: RecordSpec, ce: CeArea | undefined): void {
  if (s.role === 'child') s.entry.ce = ce;
  else if (s.role === 'self') (s.entry as BDir).dir.selfCe = ce;
  else (s.entry as BDir).dir.parentCe = ce;
}

const recordsOf = (s: RecordSpec) => (s.role === 'child' && s.entry.data ? extentCount(s.entry.data.byteLength) : 1);

/** Measure one directory extent (bytes, a multiple of 2048), planning Rock Ridge continuation areas. */
export function measureDirectory(d: BDir, kind: TreeKind, o: ResolvedOptions, root: BDir): number {
  let pos = 0;
  const rr = kind === 'iso9660' && o.rockRidge;
  for (const s of recordSpecs(d, kind)) {
    let suLength = 0;
    if (rr) {
      const planned = planSystemUse(systemUseEntries(s.entry, s.role, o, d === root && s.role === 'self'), systemUseBudget(s.identifier.length));
      suLength = planned.inlineByteLength;
      setCeSlot(s, planned.ce);
    }
    const len = sizeOfDirectoryRecord(s.identifier.length, suLength);
    for (let i = recordsOf(s); i > 0; i--) pos = placeRecord(pos, len) + len;
  }
  return Math.max(1, Math.ceil(pos / BLOCK_SIZE)) * BLOCK_SIZE;
}

/** Serialize one directory extent exactly as measured. */
export function serializeDirectory(d: BDir, kind: TreeKind, o: ResolvedOptions, root: BDir): Uint8Array {
  const ext = kind === 'joliet' ? { lba: d.dir.jolietLba, len: d.dir.jolietByteLength } : { lba: d.dir.isoLba, len: d.dir.isoByteLength };
  const out = new Uint8Array(ext.len);
  let pos = 0;
  const rr = kind === 'iso9660' && o.rockRidge;
  for (const s of recordSpecs(d, kind)) {
    let su: Uint8Array | undefined;
    if (rr) su = inlineSystemUse(systemUseEntries(s.entry, s.role, o, d === root && s.role === 'self'), systemUseBudget(s.identifier.length), ceSlot(s));
    for (const rec of recordsFor(s, kind, su)) {
      pos = placeRecord(pos, rec.length);
      out.set(rec, pos);
      pos += rec.length;
    }
  }
  return out;
}

function recordsFor(s: RecordSpec, kind: TreeKind, systemUse: Uint8Array | undefined): Uint8Array[] {
  const target = s.role === 'child' ? (s.entry.clTarget ? undefined : s.entry) : s.role === 'self' ? s.entry : s.entry.isoParent;
  const base = { recordedAtMs: (target ?? s.entry).mtimeMs, gmtOffset: 0, identifier: s.identifier, ...(systemUse ? { systemUse } : {}) };
  const hidden = s.role === 'child' && s.entry.node.hidden ? DirFlag.HIDDEN : 0;
  if (target?.dir) {
    const lba = kind === 'joliet' ? target.dir.jolietLba : target.dir.isoLba;
    const dataLength = kind === 'joliet' ? target.dir.jolietByteLength : target.dir.isoByteLength;
    return [serializeDirectoryRecord({ ...base, lba, dataLength, flags: DirFlag.DIRECTORY | hidden })];
  }
  const data = target?.data;
  if (!data || data.byteLength === 0) return [serializeDirectoryRecord({ ...base, lba: 0, dataLength: 0, flags: hidden })];
  const n = extentCount(data.byteLength);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    const dataLength = last ? data.byteLength - i * MULTI_EXTENT_STEP_BYTES : MULTI_EXTENT_STEP_BYTES;
    const lba = data.lba + i * (MULTI_EXTENT_STEP_BYTES / BLOCK_SIZE);
    out.push(serializeDirectoryRecord({ ...base, lba, dataLength, flags: hidden | (last ? 0 : DirFlag.MULTI_EXTENT) }));
  }
  return out;
}
