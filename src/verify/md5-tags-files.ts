/**
 * Per-file MD5s recorded by libisofs (`xorriso -md5 on`): the checksum array announced by the root's AAIP
 * attribute `isofs.ca`, indexed by each file's `isofs.cx` (libisofs doc/checksums.txt "The Checksum Array").
 * A small self-contained directory walk: ECMA-119 records + SUSP entries (following CE) — enough to find
 * the attributes without depending on the full reader.
 */
import { Findings } from '../errors/index.js';
import { readU32LE, toHex } from '../bytes/index.js';
import { throwIfAborted, type ByteSource } from '../io/index.js';
import { DirFlag, parseDirectoryRecord, type DirectoryRecord } from '../formats/iso9660/index.js';
import { parseAaipAttributes, parseIsofsCa, parseIsofsCx, type AaipSuspEntry } from '../formats/md5-tags/index.js';
import { createJsHasher, type HasherFactory } from './hash/index.js';

const BLOCK = 2048;
const MAX_DIRECTORIES = 200_000;

export interface FileMd5Mismatch {
  readonly path: string;
  readonly byteOffset: number;
  readonly byteLength: number;
  readonly expected: string;
  readonly actual: string;
}

export interface FileMd5Report {
  /** files that carry an MD5 index */
  readonly checked: number;
  readonly mismatches: FileMd5Mismatch[];
  /** entry 0 of the array: MD5 of blocks [startLba, endLba) */
  readonly sessionArray?: { startLba: number; endLba: number; ok: boolean };
  /** the last entry is the MD5 of the entries before it */
  readonly arrayIntact?: boolean;
  readonly note?: string;
}

/** SUSP entries of a system use area, following CE continuation areas (SUSP 5.1). Never throws. */
async function suspEntries(source: ByteSource, area: Uint8Array): Promise<AaipSuspEntry[]> {
  const out: AaipSuspEntry[] = [];
  let current: Uint8Array | undefined = area;
  for (let hops = 0; current && hops < 32; hops++) {
    const a: Uint8Array = current;
    current = undefined;
    let ce: { lba: number; offset: number; length: number } | undefined;
    for (let i = 0; i + 4 <= a.length; ) {
      const len = a[i + 2] as number;
      if (len < 4 || i + len > a.length) break;
      const sig = String.fromCharCode(a[i] as number, a[i + 1] as number);
      if (sig === 'ST') break;
      if (sig === 'CE' && len >= 28) ce = { lba: readU32LE(a, i + 4), offset: readU32LE(a, i + 12), length: readU32LE(a, i + 20) };
      else out.push({ signature: sig, data: a.subarray(i + 4, i + len) });
      i += len;
    }
    if (ce && ce.length > 0 && ce.length <= 64 * BLOCK && ce.lba * BLOCK + ce.offset + ce.length <= source.byteLength) {
      current = await source.read(ce.lba * BLOCK + ce.offset, ce.length);
    }
  }
  return out;
}

async function attributesOf(source: ByteSource, rec: DirectoryRecord): Promise<{ attrs: Map<string, Uint8Array>; name: string }> {
  const entries = rec.systemUse.length ? await suspEntries(source, rec.systemUse) : [];
  const attrs = entries.some((e) => e.signature === 'AL') ? parseAaipAttributes(entries) : new Map<string, Uint8Array>();
  // RRIP NM (flags byte, then name bytes); fall back to the ISO 9660 identifier
  const nm = entries.filter((e) => e.signature === 'NM' && e.data.length > 1);
  let name = '';
  if (nm.length) name = new TextDecoder().decode(Uint8Array.from(nm.flatMap((e) => [...e.data.subarray(1)])));
  else for (const c of rec.identifier) name += String.fromCharCode(c);
  return { attrs, name: nm.length ? name : name.replace(/;1$/, '') };
}

interface FileItem {
  path: string;
  extents: { byteOffset: number; byteLength: number }[];
  index: number;
}

/** Walk directories from the session's PVD root; collect files with an isofs.cx index. */
async function collectFiles(source: ByteSource, rootRec: DirectoryRecord, signal?: AbortSignal): Promise<{ files: FileItem[]; rootAttrs: Map<string, Uint8Array> }> {
  const findings = new Findings(false, 50);
  const files: FileItem[] = [];
  let rootAttrs = new Map<string, Uint8Array>();
  const queue: { lba: number; byteLength: number; path: string }[] = [{ lba: rootRec.lba, byteLength: rootRec.dataLength, path: '' }];
  const seen = new Set<number>();
  while (queue.length && seen.size < MAX_DIRECTORIES) {
    throwIfAborted(signal);
    const dir = queue.shift() as { lba: number; byteLength: number; path: string };
    if (seen.has(dir.lba) || (dir.lba + 1) * BLOCK > source.byteLength) continue;
    seen.add(dir.lba);
    const bytes = await source.read(dir.lba * BLOCK, Math.min(dir.byteLength, 64 << 20));
    let pending: FileItem | undefined;
    for (let o = 0; o < bytes.length; ) {
      const rec = parseDirectoryRecord(bytes, o, dir.lba * BLOCK + o, findings);
      if (!rec) {
        o = (Math.floor(o / BLOCK) + 1) * BLOCK;
        continue;
      }
      o += rec.recordLength;
      const id0 = rec.identifier[0];
      if (rec.identifier.length === 1 && (id0 === 0 || id0 === 1)) {
        if (id0 === 0 && dir.path === '') rootAttrs = (await attributesOf(source, rec)).attrs;
        continue;
      }
      const info = await attributesOf(source, rec);
      const path = `${dir.path}/${info.name}`;
      if (rec.flags & DirFlag.DIRECTORY) {
        queue.push({ lba: rec.lba, byteLength: rec.dataLength, path });
        continue;
      }
      const extent = { byteOffset: rec.lba * BLOCK, byteLength: rec.dataLength };
      if (pending && pending.path === path) pending.extents.push(extent);
      else {
        const cx = info.attrs.get('isofs.cx');
        const index = cx ? parseIsofsCx(cx) : undefined;
        pending = index !== undefined ? { path, extents: [extent], index } : undefined;
        if (pending) files.push(pending);
      }
      if (!(rec.flags & DirFlag.MULTI_EXTENT)) pending = undefined;
    }
  }
  return { files, rootAttrs };
}

async function md5OfRanges(source: ByteSource, ranges: { byteOffset: number; byteLength: number }[], factory: HasherFactory, signal?: AbortSignal): Promise<string> {
  const h = factory('md5');
  for (const r of ranges) {
    for (let done = 0; done < r.byteLength; ) {
      throwIfAborted(signal);
      const b = await source.read(r.byteOffset + done, Math.min(4 << 20, r.byteLength - done));
      if (!b.length) break;
      h.update(b);
      done += b.length;
    }
  }
  return toHex(h.digest());
}

/** Check every file's recorded MD5 (and the array's own sums) for the session starting at `sessionStartLba`. */
export async function checkFileMd5s(source: ByteSource, sessionStartLba: number, opts: { factory?: HasherFactory; signal?: AbortSignal } = {}): Promise<FileMd5Report> {
  const factory = opts.factory ?? createJsHasher;
  const pvd = await source.read((sessionStartLba + 16) * BLOCK, BLOCK);
  const rootRec = pvd.length === BLOCK && pvd[0] === 1 ? parseDirectoryRecord(pvd, 156, (sessionStartLba + 16) * BLOCK + 156, new Findings()) : undefined;
  if (!rootRec) return { checked: 0, mismatches: [], note: 'no Primary Volume Descriptor for the session' };
  const { files, rootAttrs } = await collectFiles(source, rootRec, opts.signal);
  const caValue = rootAttrs.get('isofs.ca');
  const ca = caValue ? parseIsofsCa(caValue) : undefined;
  if (!ca || ca.count < 2) return { checked: 0, mismatches: [], note: 'no isofs.ca checksum array on the root directory' };
  const array = await source.read(ca.endLba * BLOCK, ca.count * 16);
  if (array.length < ca.count * 16) return { checked: 0, mismatches: [], note: 'the checksum array lies past the end of the image' };
  const entry = (i: number): string => toHex(array.subarray(i * 16, i * 16 + 16));
  const arrayIntact = toHex((() => {
    const h = factory('md5');
    h.update(array.subarray(0, (ca.count - 1) * 16));
    return h.digest();
  })()) === entry(ca.count - 1);
  const sessionOk = (await md5OfRanges(source, [{ byteOffset: ca.startLba * BLOCK, byteLength: (ca.endLba - ca.startLba) * BLOCK }], factory, opts.signal)) === entry(0);
  const mismatches: FileMd5Mismatch[] = [];
  let checked = 0;
  for (const f of files) {
    if (f.index < 1 || f.index >= ca.count - 1) continue;
    checked++;
    const actual = await md5OfRanges(source, f.extents, factory, opts.signal);
    const expected = entry(f.index);
    if (actual !== expected) {
      const first = f.extents[0] as { byteOffset: number; byteLength: number };
      const byteLength = f.extents.reduce((n, e) => n + e.byteLength, 0);
      mismatches.push({ path: f.path, byteOffset: first.byteOffset, byteLength, expected, actual });
    }
  }
  return { checked, mismatches, sessionArray: { startLba: ca.startLba, endLba: ca.endLba, ok: sessionOk }, arrayIntact };
}
