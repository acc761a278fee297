/**
 * xorriso's interval reader descriptions (xorrisofs(1), "System Area"):
 *
 *   --interval:FLAGS:INTERVAL:ZEROIZERS:SOURCE
 *
 * FLAGS is `local_fs` (read SOURCE from disk), `imported_iso` (read from -indev; not available here) or
 * `appended_partition_N` (only for El Torito boot image paths). INTERVAL is `START-END` (inclusive byte
 * numbers, optionally scaled by k, m, g, t, s = 2048, d = 512; a scaled END means the last byte of that
 * unit: `0d-0d` = 0-511) or `all`. ZEROIZERS is a comma list of `zero_mbrpt`, `zero_gpt`, `zero_apm`,
 * START-END. SOURCE is the rest (it may contain ':').
 */
import { UsageError } from '../context.js';
import type { BootImageRef, DiskSource } from './types.js';

export const INTERVAL_PREFIX = '--interval:';

const SCALE: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, s: 2048, d: 512 };

function parseNumber(text: string, isEnd: boolean, whole: string): number {
  const m = /^(\d+)([kmgtsd]?)$/i.exec(text);
  if (!m) throw new UsageError(`bad byte number "${text}" in ${whole}`);
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  if (!unit) return n;
  const scale = SCALE[unit] as number;
  return isEnd ? (n + 1) * scale - 1 : n * scale;
}

function parseRange(text: string, whole: string): { startByte: number; endByte: number } | undefined {
  if (text === 'all' || text === '') return undefined;
  const m = /^([^-]+)-([^-]+)$/.exec(text);
  if (!m) throw new UsageError(`bad interval "${text}" in ${whole} (expected START-END or all)`);
  const startByte = parseNumber(m[1] as string, false, whole);
  const endByte = parseNumber(m[2] as string, true, whole);
  if (endByte < startByte) throw new UsageError(`interval "${text}" ends before it starts in ${whole}`);
  return { startByte, endByte };
}

interface Parsed {
  flags: string;
  range: { startByte: number; endByte: number } | undefined;
  zeroize: DiskSource['zeroize'];
  source: string;
}

function split(text: string): Parsed {
  const body = text.slice(INTERVAL_PREFIX.length);
  const parts = body.split(':');
  if (parts.length < 4) throw new UsageError(`bad interval description ${text} (expected --interval:FLAGS:INTERVAL:ZEROIZERS:SOURCE)`);
  const [flags, interval, zeroizers] = parts as [string, string, string];
  const source = parts.slice(3).join(':');
  const zeroize: NonNullable<DiskSource['zeroize']>[number][] = [];
  for (const z of zeroizers.split(',').filter(Boolean)) {
    if (z === 'zero_mbrpt' || z === 'zero_gpt' || z === 'zero_apm') zeroize.push(z);
    else {
      const r = parseRange(z, text);
      if (!r) throw new UsageError(`bad zeroizer "${z}" in ${text}`);
      zeroize.push(r);
    }
  }
  return { flags, range: parseRange(interval, text), zeroize, source };
}

/** A disk file argument (-G, -isohybrid-mbr, --grub2-mbr, -append_partition, -efi-boot-part): a path or a local_fs interval. */
export function parseDiskSource(arg: string, option: string): DiskSource {
  if (!arg.startsWith(INTERVAL_PREFIX)) {
    if (!arg) throw new UsageError(`${option} needs a file name`);
    return { path: arg };
  }
  const p = split(arg);
  if (p.flags === 'imported_iso') throw new UsageError(`${option} ${arg}: imported_iso intervals need an input image (-indev), which isokit mkisofs does not take; use a local_fs interval on the image file`);
  if (p.flags !== 'local_fs') throw new UsageError(`${option} ${arg}: interval flags must be local_fs here, not "${p.flags}"`);
  if (!p.source) throw new UsageError(`${option} ${arg}: no source file after the last ':'`);
  return { path: p.source, ...(p.range ? { range: p.range } : {}), ...(p.zeroize?.length ? { zeroize: p.zeroize } : {}) };
}

/** An El Torito boot image argument (-b, -e, --efi-boot): an ISO path or `--interval:appended_partition_N:…`. */
export function parseBootImage(arg: string, option: string): BootImageRef {
  if (!arg.startsWith(INTERVAL_PREFIX)) {
    if (!arg) throw new UsageError(`${option} needs a boot image path`);
    return { kind: 'file', path: arg.startsWith('/') ? arg : '/' + arg };
  }
  const p = split(arg);
  // xorriso's -report_el_torito as_mkisofs adds where the partition sat: appended_partition_2_start_1024s_size_2048d
  const m = /^appended_partition_(\d+)(?:_start_\d+[sd]?_size_\d+[sd]?)?$/.exec(p.flags);
  if (!m) throw new UsageError(`${option} ${arg}: a boot image interval must name appended_partition_N (disk files have to be in the image)`);
  const partition = Number(m[1]);
  if (partition < 1 || partition > 8) throw new UsageError(`${option} ${arg}: partition number must be 1 to 8`);
  if (p.zeroize?.length) throw new UsageError(`${option} ${arg}: zeroizers are not possible for a boot image`);
  return { kind: 'appended-partition', partition, ...(p.range ? { range: p.range } : {}) };
}
