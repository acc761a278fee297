/**
 * Optical drives and their media, through xorriso: `-outdev DRIVE -toc -list_speeds -list_profiles out`,
 * fields taken from the message sieve (Drive type, Media current/status/blocks/summary/nwa, ISO session,
 * Write speed, Profile) and the session layout from the -toc result lines (the sieve has no rule for
 * "Other session" or "Non-data blks", which tell data from audio). Drives are found in sysfs (the sr
 * driver: /sys/block/srN), so listing needs no root until a drive is opened.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { mediumStateOf, mediumTypeOf, parseKbps, writeSpeed, type MediumState, type MediumType, type WriteSpeed } from './medium.js';
import { XorrisoDialog, batchError, type XorrisoOptions } from './xorriso.js';

export interface DiscSession {
  /** session (or track) number as xorriso counts it */
  readonly index: number;
  readonly startLba: number;
  readonly blockCount: number;
  /** 'iso': an ISO 9660 session; 'other': a track without ISO 9660 (audio or other data); 'incomplete': an open session */
  readonly kind: 'iso' | 'iso-track' | 'other' | 'other-track' | 'incomplete';
  readonly volumeId?: string;
}

export interface OpticalMedium {
  /** libburn's profile text: "CD-RW", "DVD+R/DL", "stdio file, overwriteable" */
  readonly current: string;
  readonly type?: MediumType;
  readonly state: MediumState;
  readonly statusText: string;
  readonly readableBlocks?: number;
  readonly writableBlocks?: number;
  readonly overallBlocks?: number;
  /** bytes a new image may occupy from block 0: overall blocks on overwritable media, else writable */
  readonly capacityBytes?: number;
  readonly usedBytes?: number;
  readonly freeBytes?: number;
  readonly sessionCount?: number;
  /** blocks in data tracks (the "Media summary" count) */
  readonly dataBlocks?: number;
  readonly sessions: DiscSession[];
  /** blocks in non-data (audio) tracks */
  readonly nonDataBlocks: number;
  /** next writable address on appendable media */
  readonly nextWritableLba?: number;
}

export interface OpticalDrive {
  /** the address given to xorriso: /dev/sr0, or stdio:/path for a pseudo-drive */
  readonly path: string;
  readonly vendor?: string;
  readonly model?: string;
  readonly revision?: string;
  /** the medium, or undefined when the drive could not be opened */
  readonly medium?: OpticalMedium;
  /** write speeds the drive lists for the loaded medium, slowest first */
  readonly writeSpeeds: WriteSpeed[];
  /** media types the drive supports (MMC profiles) */
  readonly profiles: string[];
  /** the drive lists a writable profile (it is a burner) */
  readonly canWrite: boolean;
  /** why the drive could not be queried (permission, busy, xorriso missing) */
  readonly error?: string;
}

const TOC_LINE = /^(ISO session|ISO track|Other session|Other track|Incmp session)\s*:\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)s\s*,\s?(.*)$/;
const KIND: Record<string, DiscSession['kind']> = {
  'ISO session': 'iso', 'ISO track': 'iso-track', 'Other session': 'other', 'Other track': 'other-track', 'Incmp session': 'incomplete',
};

/** The session layout and non-data block count from `-toc` result lines. */
export function parseTocLayout(results: readonly string[]): { sessions: DiscSession[]; nonDataBlocks: number } {
  const sessions: DiscSession[] = [];
  let nonDataBlocks = 0;
  for (const line of results) {
    const m = TOC_LINE.exec(line);
    if (m) {
      const volumeId = (m[5] as string).trim();
      sessions.push({ index: Number(m[2]), startLba: Number(m[3]), blockCount: Number(m[4]), kind: KIND[m[1] as string] as DiscSession['kind'], ...(volumeId ? { volumeId } : {}) });
      continue;
    }
    const n = /^Non-data blks:\s*(\d+)/.exec(line);
    if (n) nonDataBlocks = Number(n[1]);
  }
  return { sessions, nonDataBlocks };
}

/** xorriso's scaled sizes ("2986k", "78.3g", "0") as bytes (k = 1024, as Sfile_scale counts). */
export function parseScaledBytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)\s*$/i.exec(text);
  if (!m) return undefined;
  const mul = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[(m[2] as string).toLowerCase()] as number;
  return Math.round(Number(m[1]) * mul);
}

const last = <T>(a: T[]): T | undefined => a[a.length - 1];
const num = (s: string | undefined): number | undefined => (s !== undefined && /^\s*\d+s?\s*$/.test(s) ? parseInt(s, 10) : undefined);

/** Sieve fields of one query → the medium (pure; tests feed recorded answers). */
export function mediumFromFields(f: {
  current?: string[];
  status?: string[];
  blocks?: string[];
  summary?: string[];
  nwa?: string[];
  tocResults: readonly string[];
}): OpticalMedium | undefined {
  const current = f.current?.[0];
  if (!current) return undefined;
  const type = mediumTypeOf(current);
  const statusText = f.status?.[0] ?? '';
  const state = /not recognizable/.test(current) ? (/not present/.test(statusText) ? 'absent' : 'unknown') : mediumStateOf(statusText);
  const [readable, writable, overall] = (f.blocks ?? []).map(num);
  const { sessions, nonDataBlocks } = parseTocLayout(f.tocResults);
  const capacityBlocks = type?.overwritable ? overall : writable;
  const usedBytes = f.summary?.[2] !== undefined ? parseScaledBytes(f.summary[2]) : undefined;
  const freeBytes = f.summary?.[3] !== undefined ? parseScaledBytes(f.summary[3]) : undefined;
  const sessionCount = num(f.summary?.[0]);
  const dataBlocks = num(f.summary?.[1]);
  const nwa = num(f.nwa?.[0]);
  return {
    current, ...(type ? { type } : {}), state, statusText,
    ...(readable !== undefined ? { readableBlocks: readable } : {}),
    ...(writable !== undefined ? { writableBlocks: writable } : {}),
    ...(overall !== undefined ? { overallBlocks: overall } : {}),
    ...(capacityBlocks !== undefined ? { capacityBytes: capacityBlocks * 2048 } : {}),
    ...(usedBytes !== undefined ? { usedBytes } : {}),
    ...(freeBytes !== undefined ? { freeBytes } : {}),
    ...(sessionCount !== undefined ? { sessionCount } : {}),
    ...(dataBlocks !== undefined ? { dataBlocks } : {}),
    sessions, nonDataBlocks,
    ...(nwa !== undefined ? { nextWritableLba: nwa } : {}),
  };
}



/** Open `address` as the output drive and describe it and its medium. Throws when the drive cannot be acquired. */
export async function queryDrive(d: XorrisoDialog, address: string): Promise<OpticalDrive> {
  await d.clearSieve();
  const acquire = await d.run(['-outdev', address]);
  const err = batchError(acquire, `cannot open ${address}`);
  if (err) throw err;
  const toc = await d.run(['-toc']);
  await d.run(['-list_speeds']);
  await d.run(['-list_profiles', 'out']);
  const [type, current, status, blocks, summary, nwa, speeds, profiles] = await Promise.all(
    ['Drive type   :', 'Media current:', 'Media status :', 'Media blocks :', 'Media summary:', 'Media nwa    :', 'Write speed  :', 'Profile      :'].map((n) => d.sieve(n)),
  );
  const medium = mediumFromFields({
    ...(last(current ?? []) ? { current: last(current ?? []) } : {}),
    ...(last(status ?? []) ? { status: last(status ?? []) } : {}),
    ...(last(blocks ?? []) ? { blocks: last(blocks ?? []) } : {}),
    ...(last(summary ?? []) ? { summary: last(summary ?? []) } : {}),
    ...(last(nwa ?? []) ? { nwa: last(nwa ?? []) } : {}),
    tocResults: toc.results,
  });
  const family = medium?.type?.family ?? 'unknown';
  const writeSpeeds = (speeds ?? [])
    .map((f) => parseKbps(f[0] ?? ''))
    .filter((k): k is number => k !== undefined)
    .sort((a, b) => a - b)
    .filter((k, i, a) => a.indexOf(k) === i)
    .map((k) => writeSpeed(k, family));
  const profileNames = (profiles ?? []).map((f) => /\(([^)]+)\)/.exec(f[1] ?? '')?.[1] ?? f[0] ?? '').filter(Boolean);
  const [vendor, model, revision] = last(type ?? []) ?? [];
  const pseudo = address.startsWith('stdio:');
  return {
    path: address,
    ...(vendor ? { vendor: vendor.trim() } : {}),
    ...(model ? { model: model.trim() } : {}),
    ...(revision ? { revision: revision.trim() } : {}),
    ...(medium ? { medium } : {}),
    writeSpeeds,
    profiles: [...new Set(profileNames)],
    canWrite: pseudo || profileNames.some((p) => mediumTypeOf(p)?.writable === true),
  };
}

/** Optical drives the kernel knows (sr driver), as /dev paths. */
export function opticalDevicePaths(sysBlock = '/sys/block'): string[] {
  let names: string[];
  try {
    names = readdirSync(sysBlock);
  } catch {
    return [];
  }
  return names.filter((n) => /^sr\d+$/.test(n)).sort((a, b) => parseInt(a.slice(2), 10) - parseInt(b.slice(2), 10)).map((n) => `/dev/${n}`);
}

function sysfsIdent(path: string): { vendor?: string; model?: string; revision?: string } {
  const name = path.replace(/^\/dev\//, '');
  const read = (f: string) => {
    try {
      return readFileSync(`/sys/block/${name}/device/${f}`, 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const vendor = read('vendor'), model = read('model'), revision = read('rev');
  return { ...(vendor ? { vendor } : {}), ...(model ? { model } : {}), ...(revision ? { revision } : {}) };
}

export interface ListOpticalDrivesOptions extends XorrisoOptions {
  /** drive addresses to query instead of the sr devices found in sysfs (e.g. stdio:/tmp/disc.img) */
  devices?: string[];
  sysBlock?: string;
}

/**
 * Every optical drive with its medium and write speeds. A drive that cannot be opened (permission, busy)
 * is listed with `error`; without xorriso every drive is listed from sysfs with the reason.
 */
export async function listOpticalDrives(opts: ListOpticalDrivesOptions = {}): Promise<OpticalDrive[]> {
  const paths = opts.devices ?? opticalDevicePaths(opts.sysBlock);
  if (!paths.length) return [];
  const bare = (p: string, error: string): OpticalDrive => ({ path: p, ...sysfsIdent(p), writeSpeeds: [], profiles: [], canWrite: false, error });
  let d: XorrisoDialog;
  try {
    d = await XorrisoDialog.start(opts);
  } catch (e) {
    if (e instanceof IsoKitError && (e.code === ErrorCode.NOT_FOUND || e.code === ErrorCode.UNSUPPORTED)) return paths.map((p) => bare(p, e.message));
    throw e;
  }
  try {
    const out: OpticalDrive[] = [];
    for (const p of paths) {
      try {
        const q = await queryDrive(d, p);
        out.push(p.startsWith('stdio:') ? q : { ...sysfsIdent(p), ...q });
      } catch (e) {
        out.push(bare(p, (e as Error).message));
      }
    }
    await d.run(['-outdev', '']).catch(() => undefined); // give the last drive back (the dialog may have died)
    return out;
  } finally {
    await d.close();
  }
}
