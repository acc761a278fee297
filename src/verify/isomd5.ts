/**
 * isomd5sum compute / check / implant over a ByteSource, byte-compatible with rhinstaller/isomd5sum 1.2.x
 * (implantisomd5, checkisomd5). The record format is in src/formats/isomd5.
 *
 * Hashed: bytes [0, isosize − 15·2048) where isosize is the PVD's big-endian Volume Space Size × 2048
 * (not the file or device size), with the 512-byte Application Use area taken as spaces. Data is consumed in
 * 32 KiB chunks; after the chunk that starts at `offset`, fragment index `cur = floor(offset·21 / total)`;
 * whenever it changes, a clone of the running MD5 is finalised and contributes 3 characters.
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { throwIfAborted, ProgressMeter, type ByteSource, type ProgressCallback } from '../io/index.js';
import { readU32BE, toHex } from '../bytes/index.js';
import {
  ISOMD5_APPDATA_BYTE_LENGTH,
  ISOMD5_APPDATA_OFFSET,
  ISOMD5_CHUNK_BYTE_LENGTH,
  ISOMD5_FRAGMENT_COUNT,
  ISOMD5_FRAGMENT_SUMS_LENGTH,
  ISOMD5_SKIP_SECTORS,
  fragmentChars,
  isBlankAppData,
  parseIsoMd5AppData,
  serializeIsoMd5AppData,
  type IsoMd5Record,
} from '../formats/isomd5/index.js';
import { createJsHasher, type HasherFactory } from './hash/index.js';
import { sourceScanner, type RangeScanner } from './hash-source.js';

const SECTOR = 2048;
const PVD_LBA = 16;

export interface IsoMd5Options {
  factory?: HasherFactory;
  /** how to read the hashed range (default: `source.read` in 2 MiB pieces) */
  scan?: RangeScanner;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/** Where the record lives and what the PVD declares. */
export interface IsoMd5Location {
  readonly pvdByteOffset: number;
  readonly appDataByteOffset: number;
  /** Volume Space Size (big-endian half, as isomd5sum reads it) × 2048 */
  readonly volumeByteLength: number;
  readonly appData: Uint8Array;
  readonly record?: IsoMd5Record;
}

/** Find the PVD the way isomd5sum does (first type-1 descriptor from sector 16, stop at the terminator). */
export async function locateIsoMd5(source: ByteSource, opts: { signal?: AbortSignal } = {}): Promise<IsoMd5Location> {
  for (let lba = PVD_LBA; lba < PVD_LBA + 64; lba++) {
    const byteOffset = lba * SECTOR;
    const sector = await source.read(byteOffset, SECTOR, opts);
    if (sector.length < SECTOR) break;
    const type = sector[0] as number;
    if (type === 255) break;
    if (type !== 1) continue;
    if (String.fromCharCode(...sector.subarray(1, 6)) !== 'CD001') break;
    const appData = sector.slice(ISOMD5_APPDATA_OFFSET, ISOMD5_APPDATA_OFFSET + ISOMD5_APPDATA_BYTE_LENGTH);
    const record = parseIsoMd5AppData(appData);
    return {
      pvdByteOffset: byteOffset,
      appDataByteOffset: byteOffset + ISOMD5_APPDATA_OFFSET,
      volumeByteLength: readU32BE(sector, 84) * SECTOR,
      appData,
      ...(record ? { record } : {}),
    };
  }
  throw new IsoKitError(ErrorCode.NOT_ISO, 'no Primary Volume Descriptor found from sector 16 on (isomd5sum needs one)', {
    // (sector 16 itself when the image reaches it; a missing structure has no offset)
    ...(source.byteLength > PVD_LBA * SECTOR ? { byteOffset: PVD_LBA * SECTOR } : {}),
    structure: 'PrimaryVolumeDescriptor',
  });
}

/** One fragment checkpoint: its index (1..20), the bytes its sum covers ([0, endByteOffset)) and its 3 characters. */
export interface IsoMd5Fragment {
  readonly index: number;
  readonly endByteOffset: number;
  readonly chars: string;
}

export interface IsoMd5Computation {
  readonly md5: string;
  /** the string implantisomd5 writes (60 characters, fewer when the hashed range is below 688 KiB) */
  readonly fragmentSums: string;
  readonly fragments: IsoMd5Fragment[];
  readonly hashedByteLength: number;
  /** set when `stopAt` ended the pass early */
  readonly stoppedEarly?: boolean;
}

type IsoMd5PassOptions = IsoMd5Options & { skipSectors?: number; fragmentCount?: number; stopAt?: (f: IsoMd5Fragment, ordinal: number) => boolean };

/** An isomd5sum hash pass fed from outside: chunks in order from byte 0, any sizes (bytes past the range are ignored). */
export interface IsoMd5Pass {
  readonly hashedByteLength: number;
  /** feed the bytes at `byteOffset`; returns true once the pass is complete or `stopAt` stopped it */
  consume(chunk: Uint8Array, byteOffset: number): boolean;
  /** the result; throws TRUNCATED when fewer than `hashedByteLength` bytes were fed (and nothing stopped it) */
  finish(): IsoMd5Computation;
}

/**
 * Start an isomd5sum pass (see `computeIsoMd5`); lets a caller hash the image once for several purposes.
 * `stopAt(fragment, ordinal)` may return true to stop after a fragment (checkisomd5 aborts at the first bad one).
 */
export function startIsoMd5Pass(source: ByteSource, location: IsoMd5Location, opts: IsoMd5PassOptions = {}): IsoMd5Pass {
  const factory = opts.factory ?? createJsHasher;
  const skip = opts.skipSectors ?? ISOMD5_SKIP_SECTORS;
  const count = opts.fragmentCount ?? ISOMD5_FRAGMENT_COUNT;
  const total = location.volumeByteLength - skip * SECTOR;
  if (total <= 0) {
    throw new IsoKitError(ErrorCode.CORRUPT, `Volume Space Size ${location.volumeByteLength / SECTOR} blocks leaves nothing to hash`, {
      byteOffset: location.pvdByteOffset + 80,
      structure: 'PrimaryVolumeDescriptor',
    });
  }
  if (source.byteLength < total) {
    throw new IsoKitError(ErrorCode.TRUNCATED, `the PVD declares ${location.volumeByteLength} bytes but ${source.name} has only ${source.byteLength}`, {
      byteOffset: source.byteLength,
      structure: 'PrimaryVolumeDescriptor',
    });
  }
  const charsPer = Math.floor(ISOMD5_FRAGMENT_SUMS_LENGTH / count);
  const md5 = factory('md5');
  const fragments: IsoMd5Fragment[] = [];
  const meter = opts.onProgress ? new ProgressMeter('isomd5sum', total) : undefined;
  const apStart = location.appDataByteOffset;
  const apEnd = apStart + ISOMD5_APPDATA_BYTE_LENGTH;
  const checkpoints = fragmentCheckpoints(total, count);
  let next = 0;
  let fed = 0;
  let stopped = false;
  let lastReport = 0;
  const sums = (): string => fragments.map((x) => x.chars).join('');
  return {
    hashedByteLength: total,
    consume(chunk, readAt) {
      if (stopped || fed >= total) return true;
      if (readAt !== fed) throw new IsoKitError(ErrorCode.INTERNAL, `isomd5sum pass fed byte ${readAt}, expected ${fed}`);
      let buf = readAt + chunk.length > total ? chunk.subarray(0, total - readAt) : chunk;
      if (readAt < apEnd && readAt + buf.length > apStart) {
        buf = buf.slice();
        buf.fill(0x20, Math.max(0, apStart - readAt), Math.min(buf.length, apEnd - readAt));
      }
      // one update per span between fragment checkpoints (not per 32 KiB chunk): same digests, fewer calls
      let from = 0;
      for (let cp = checkpoints[next]; cp && cp.endByteOffset <= readAt + buf.length; cp = checkpoints[next]) {
        md5.update(buf.subarray(from, cp.endByteOffset - readAt));
        from = cp.endByteOffset - readAt;
        next++;
        const f = { index: cp.index, endByteOffset: cp.endByteOffset, chars: fragmentChars(md5.clone().digest(), charsPer) };
        fragments.push(f);
        if (opts.stopAt?.(f, fragments.length - 1)) return (stopped = true);
      }
      if (from < buf.length) md5.update(from ? buf.subarray(from) : buf);
      fed = readAt + buf.length;
      if (meter && opts.onProgress && (fed - lastReport >= 64 << 20 || fed === total)) {
        lastReport = fed;
        opts.onProgress(meter.update(fed));
      }
      return fed >= total;
    },
    finish() {
      if (stopped) return { md5: '', fragmentSums: sums(), fragments, hashedByteLength: total, stoppedEarly: true };
      if (fed < total) throw new IsoKitError(ErrorCode.TRUNCATED, `${source.name} ended after ${fed} of ${total} bytes (image data)`, { byteOffset: fed });
      return { md5: toHex(md5.digest()), fragmentSums: sums(), fragments, hashedByteLength: total };
    },
  };
}

/**
 * Run the isomd5sum hash pass. `stopAt(fragment, ordinal)` may return true to stop after a fragment
 * (checkisomd5 aborts at the first bad one).
 */
export async function computeIsoMd5(source: ByteSource, location: IsoMd5Location, opts: IsoMd5PassOptions = {}): Promise<IsoMd5Computation> {
  const pass = startIsoMd5Pass(source, location, opts);
  const scan = opts.scan ?? sourceScanner(source, ISOMD5_CHUNK_BYTE_LENGTH * 64);
  await scan(0, pass.hashedByteLength, (chunk, at) => pass.consume(chunk, at), opts.signal ? { signal: opts.signal } : {});
  throwIfAborted(opts.signal);
  return pass.finish();
}

/**
 * Where isomd5sum finalises fragment sums: after the 32 KiB chunk starting at `offset`, the fragment index
 * is floor(offset·(count+1) / total) (integer arithmetic in C; exact here since offset·21 < 2^53); each
 * change of index ends a fragment at min(total, offset + 32 KiB).
 */
export function fragmentCheckpoints(total: number, count: number): { index: number; endByteOffset: number }[] {
  const out: { index: number; endByteOffset: number }[] = [];
  let previous = 0;
  for (let offset = 0; offset < total; offset += ISOMD5_CHUNK_BYTE_LENGTH) {
    const current = Math.floor((offset * (count + 1)) / total);
    if (current !== previous) {
      out.push({ index: current, endByteOffset: Math.min(total, offset + ISOMD5_CHUNK_BYTE_LENGTH) });
      previous = current;
    }
  }
  return out;
}

export type IsoMd5Status = 'pass' | 'fail' | 'absent';

export interface IsoMd5CheckResult {
  readonly status: IsoMd5Status;
  readonly record?: IsoMd5Record;
  readonly computedMd5?: string;
  readonly hashedByteLength?: number;
  readonly volumeByteLength?: number;
  /** the first fragment whose sum differs: the damage lies in [startByteOffset, endByteOffset) */
  readonly badFragment?: { index: number; count: number; startByteOffset: number; endByteOffset: number; expected: string; actual: string };
  /** true when checkisomd5 1.2.x would also pass (it misplaces fragment sums for hashed ranges < 688 KiB) */
  readonly checkisomd5Agrees?: boolean;
  readonly message: string;
}

/**
 * Verify an implanted isomd5sum. Fragment sums are compared in the order implantisomd5 wrote them (so
 * small images that checkisomd5 wrongly rejects still pass; `checkisomd5Agrees` says what it would do);
 * the pass stops at the first bad fragment, like checkisomd5.
 */
export async function checkIsoMd5(source: ByteSource, opts: IsoMd5Options & { stopAtBadFragment?: boolean } = {}): Promise<IsoMd5CheckResult> {
  const check = startIsoMd5Check(source, await locateIsoMd5(source, opts), opts);
  if ('status' in check) return check;
  const scan = opts.scan ?? sourceScanner(source, ISOMD5_CHUNK_BYTE_LENGTH * 64);
  await scan(0, check.pass.hashedByteLength, (chunk, at) => check.pass.consume(chunk, at), opts.signal ? { signal: opts.signal } : {});
  throwIfAborted(opts.signal);
  return check.finish();
}

/**
 * `checkIsoMd5` in steps, for callers that feed the pass themselves (one read for several checks): a final
 * result right away (absent, truncated), or a pass to feed from byte 0 and `finish()` for the result.
 */
export function startIsoMd5Check(
  source: ByteSource,
  loc: IsoMd5Location,
  opts: IsoMd5Options & { stopAtBadFragment?: boolean } = {},
): IsoMd5CheckResult | { pass: IsoMd5Pass; finish(): IsoMd5CheckResult } {
  const record = loc.record;
  if (!record) return { status: 'absent', volumeByteLength: loc.volumeByteLength, message: 'no implanted isomd5sum in the PVD Application Use field' };
  const hashed = loc.volumeByteLength - record.skipSectors * SECTOR;
  if (source.byteLength < hashed) {
    return {
      status: 'fail',
      record,
      volumeByteLength: loc.volumeByteLength,
      message: `implanted MD5: the image is truncated (the PVD declares ${loc.volumeByteLength} bytes, ${source.name} has ${source.byteLength})`,
    };
  }
  const stored = record.fragmentSums;
  const count = record.fragmentCount ?? ISOMD5_FRAGMENT_COUNT;
  const charsPer = count > 0 ? Math.floor(ISOMD5_FRAGMENT_SUMS_LENGTH / count) : 3;
  let bad: IsoMkBad | undefined;
  const stopAtBad = opts.stopAtBadFragment ?? true;
  const pass = startIsoMd5Pass(source, loc, {
    ...opts,
    skipSectors: record.skipSectors,
    ...(count > 0 ? { fragmentCount: count } : {}),
    stopAt: (f, ordinal) => {
      if (stored === undefined || count <= 0 || bad) return false;
      const expected = stored.slice(ordinal * charsPer, ordinal * charsPer + charsPer);
      if (expected === f.chars) return false;
      bad = { f, ordinal, expected };
      return stopAtBad;
    },
  });
  return { pass, finish: () => isoMd5Verdict(record, loc, count, pass.finish(), bad) };
}

function isoMd5Verdict(record: IsoMd5Record, loc: IsoMd5Location, count: number, comp: IsoMd5Computation, bad: IsoMkBad | undefined): IsoMd5CheckResult {
  const checkisomd5Agrees = comp.fragments.every((f, i) => f.index === i + 1);
  const base = { record, hashedByteLength: comp.hashedByteLength, volumeByteLength: loc.volumeByteLength, checkisomd5Agrees };
  if (bad) {
    const start = bad.ordinal > 0 ? (comp.fragments[bad.ordinal - 1] as IsoMd5Fragment).endByteOffset : 0;
    const badFragment = { index: bad.f.index, count, startByteOffset: start, endByteOffset: bad.f.endByteOffset, expected: bad.expected, actual: bad.f.chars };
    return {
      status: 'fail',
      ...base,
      ...(comp.md5 ? { computedMd5: comp.md5 } : {}),
      badFragment,
      message: `implanted MD5: fragment ${bad.f.index} of ${count} differs (bytes 0x${start.toString(16)}–0x${bad.f.endByteOffset.toString(16)}): expected "${bad.expected}", computed "${bad.f.chars}"`,
    };
  }
  if (comp.md5 !== record.md5) {
    return { status: 'fail', ...base, computedMd5: comp.md5, message: `implanted MD5 ${record.md5} does not match the computed ${comp.md5}` };
  }
  return { status: 'pass', ...base, computedMd5: comp.md5, message: `implanted MD5 ${record.md5} matches (${comp.hashedByteLength} bytes hashed)` };
}
type IsoMkBad = { f: IsoMd5Fragment; ordinal: number; expected: string };

export interface IsoMd5Implant {
  /** write `bytes` at `byteOffset` (the PVD Application Use field) to implant */
  readonly byteOffset: number;
  readonly bytes: Uint8Array;
  readonly md5: string;
  readonly fragmentSums: string;
  readonly hashedByteLength: number;
  /** true when the area held something other than spaces and `force` overwrote it */
  readonly overwrote: boolean;
}

/**
 * Compute what implantisomd5 would write. Without `force` the Application Use area must be all spaces
 * (as implantisomd5 requires); with it, the old content is replaced (hashing already treats it as spaces).
 */
export async function planIsoMd5Implant(source: ByteSource, opts: IsoMd5Options & { force?: boolean; supported?: boolean } = {}): Promise<IsoMd5Implant> {
  const loc = await locateIsoMd5(source, opts);
  if (loc.pvdByteOffset !== PVD_LBA * SECTOR) {
    throw new IsoKitError(ErrorCode.UNSUPPORTED, 'the PVD is not the first volume descriptor; implantisomd5/checkisomd5 would look in the wrong place', {
      byteOffset: loc.pvdByteOffset,
      structure: 'PrimaryVolumeDescriptor',
    });
  }
  const blank = isBlankAppData(loc.appData);
  if (!blank && !opts.force) {
    const what = loc.record ? `an implanted MD5 (${loc.record.md5})` : 'application data';
    throw new IsoKitError(ErrorCode.EXISTS, `the PVD Application Use field already holds ${what}; use --force to overwrite it`, {
      byteOffset: loc.appDataByteOffset,
      structure: 'PrimaryVolumeDescriptor',
    });
  }
  const comp = await computeIsoMd5(source, loc, opts);
  const bytes = serializeIsoMd5AppData({ md5: comp.md5, fragmentSums: comp.fragmentSums, supported: !!opts.supported });
  return { byteOffset: loc.appDataByteOffset, bytes, md5: comp.md5, fragmentSums: comp.fragmentSums, hashedByteLength: comp.hashedByteLength, overwrote: !blank };
}
