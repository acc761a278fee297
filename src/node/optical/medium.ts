/**
 * Optical media as data: what a libburn profile name means (MMC-5 Table 89 names as libburn spells them,
 * mmc.c mmc_obtain_profile_name), the medium's state from `-toc`, and speeds.
 *
 * Speed units (libburn.h burn_drive_set_speed, xorriso(1) -speed, cdrskin(1) speed=): libburn and xorriso
 * count kB/s with k = 1000 and 1x = 176.4 kB/s for CD (the raw 2352-byte sector rate; 150 KiB/s of data),
 * 1385 kB/s for DVD and 4495.625 kB/s for BD. isokit always hands xorriso an explicit `NNNk` (or min/max),
 * never a bare number whose unit xorriso would guess from the loaded medium.
 */

export type MediumFamily = 'CD' | 'DVD' | 'BD' | 'HD-DVD' | 'file' | 'unknown';
export type MediumState = 'blank' | 'appendable' | 'closed' | 'absent' | 'unsuitable' | 'unknown';

/** kB/s (k = 1000) for 1x, per family (libburn.h; cdrskin(1)). */
export const ONE_X_KBPS: Readonly<Record<'CD' | 'DVD' | 'BD', number>> = { CD: 176.4, DVD: 1385, BD: 4495.625 };
/** The "safe" speed floor per family (issue 17): the lowest listed speed at least this fast. */
export const SAFE_MIN_X: Readonly<Record<'CD' | 'DVD' | 'BD', number>> = { CD: 4, DVD: 4, BD: 2 };

export interface MediumType {
  /** short name: CD-R, CD-RW, DVD-R, DVD+RW, DVD+R DL, BD-RE, … or "file" for a libburn pseudo-drive */
  readonly name: string;
  readonly family: MediumFamily;
  /** can be written at all (not a ROM) */
  readonly writable: boolean;
  /** must be blanked before it is written again (CD-RW, sequential DVD-RW) */
  readonly erasable: boolean;
  /** random-access writable: a new image simply overwrites from block 0 (DVD+RW, DVD-RAM, BD-RE, files) */
  readonly overwritable: boolean;
  /** MMC test write exists (xorriso -dummy): CD-R/RW, DVD-R/RW, and pseudo-drives */
  readonly simulation: boolean;
}

const T = (name: string, family: MediumFamily, f: Partial<Omit<MediumType, 'name' | 'family'>> = {}): MediumType => ({
  name, family, writable: f.writable ?? true, erasable: f.erasable ?? false, overwritable: f.overwritable ?? false, simulation: f.simulation ?? false,
});

/** libburn profile names (the text before ", sequential" / ", overwriteable" in "Media current:"). */
const PROFILES: Readonly<Record<string, MediumType>> = {
  'CD-ROM': T('CD-ROM', 'CD', { writable: false }),
  'CD-R': T('CD-R', 'CD', { simulation: true }),
  'CD-RW': T('CD-RW', 'CD', { erasable: true, simulation: true }),
  'DVD-ROM': T('DVD-ROM', 'DVD', { writable: false }),
  'DVD-R sequential recording': T('DVD-R', 'DVD', { simulation: true }),
  'DVD-RAM': T('DVD-RAM', 'DVD', { overwritable: true }),
  'DVD-RW restricted overwrite': T('DVD-RW', 'DVD', { overwritable: true, simulation: true }),
  'DVD-RW sequential recording': T('DVD-RW', 'DVD', { erasable: true, simulation: true }),
  'DVD-R/DL sequential recording': T('DVD-R DL', 'DVD', { simulation: true }),
  'DVD-R/DL layer jump recording': T('DVD-R DL', 'DVD', { simulation: true }),
  'DVD+RW': T('DVD+RW', 'DVD', { overwritable: true }),
  'DVD+R': T('DVD+R', 'DVD'),
  'DVD+RW/DL': T('DVD+RW DL', 'DVD', { overwritable: true }),
  'DVD+R/DL': T('DVD+R DL', 'DVD'),
  'BD-ROM': T('BD-ROM', 'BD', { writable: false }),
  'BD-R sequential recording': T('BD-R', 'BD'),
  'BD-R random recording': T('BD-R', 'BD'),
  'BD-RE': T('BD-RE', 'BD', { overwritable: true }),
  'HD-DVD-ROM': T('HD DVD-ROM', 'HD-DVD', { writable: false }),
  'HD-DVD-R': T('HD DVD-R', 'HD-DVD'),
  'HD-DVD-RAM': T('HD DVD-RAM', 'HD-DVD', { overwritable: true }),
  'stdio file': T('file', 'file', { simulation: true }),
};

/**
 * The type behind a "Media current:" text: `CD-RW`, `DVD+RW, overwriteable`, `stdio file, overwriteable`,
 * `stdio file, sequential` (a pipe or character device: written once, like a blank DVD-R).
 */
export function mediumTypeOf(current: string): MediumType | undefined {
  const [profile, role] = current.split(/,\s*/);
  const t = PROFILES[(profile ?? '').trim()];
  if (!t) return undefined;
  if (role === 'overwriteable') return { ...t, overwritable: true };
  if (role === 'sequential' && t.family === 'file') return { ...t, overwritable: false };
  return t;
}

/** "Media status :" text → state. */
export function mediumStateOf(status: string): MediumState {
  if (/is blank/.test(status)) return 'blank';
  if (/is appendable/.test(status)) return 'appendable';
  if (/is closed/.test(status)) return 'closed';
  if (/is not present/.test(status)) return 'absent';
  if (/is unsuitable/.test(status)) return 'unsuitable';
  return 'unknown';
}

export interface WriteSpeed {
  /** kB/s, k = 1000, as libburn reports it */
  readonly kBps: number;
  /** the x factor for the medium's family (CD 176.4 kB/s, DVD 1385, BD 4495.625) */
  readonly factor: number;
  /** "4x CD", "16x DVD" */
  readonly label: string;
}

export const speedFamily = (f: MediumFamily): 'CD' | 'DVD' | 'BD' => (f === 'CD' ? 'CD' : f === 'BD' ? 'BD' : 'DVD');

export function writeSpeed(kBps: number, family: MediumFamily): WriteSpeed {
  const fam = speedFamily(family);
  const factor = Math.round((kBps / ONE_X_KBPS[fam]) * 10) / 10;
  return { kBps, factor, label: `${Number.isInteger(factor) ? factor : factor.toFixed(1)}x ${fam}` };
}

/** A "Write speed  :" sieve field ("5540k" / "5.5m" / "706") as kB/s. */
export function parseKbps(field: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(field);
  if (!m) return undefined;
  const v = Number(m[1]) * (m[2]?.toLowerCase() === 'm' ? 1000 : 1);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

export type SpeedRequest = { kind: 'safe' } | { kind: 'min' } | { kind: 'max' } | { kind: 'factor'; factor: number };

/** `safe`, `min`, `max`, `8`, `8x`, `2.4x` → request; undefined for anything else. */
export function parseSpeedRequest(text: string): SpeedRequest | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'safe' || t === 'min' || t === 'max') return { kind: t };
  const m = /^(\d+(?:\.\d+)?)x?$/.exec(t);
  if (m && Number(m[1]) > 0) return { kind: 'factor', factor: Number(m[1]) };
  return undefined;
}

export interface SpeedChoice {
  /** what goes to xorriso's -speed / speed=: "min", "max", "none" or "NNNk" */
  readonly xorriso: string;
  /** the requested speed when it is a number */
  readonly requested?: WriteSpeed;
  /** one line: what was asked and why this was chosen */
  readonly reason: string;
}

/**
 * The speed to request. `safe`: the lowest speed the drive lists for the loaded medium that is at least
 * 4x CD / 4x DVD / 2x BD — or the fastest listed when all are slower — never above the drive's maximum.
 * `Nx`: N times 1x for the family, lowered to the drive's maximum when the list is known. With no list
 * (pseudo-drives, drives that do not tell), `safe` sends no speed command and the drive decides.
 */
export function chooseSpeed(req: SpeedRequest, speeds: readonly WriteSpeed[], family: MediumFamily): SpeedChoice {
  const listed = [...speeds].sort((a, b) => a.kBps - b.kBps);
  const max = listed[listed.length - 1];
  const fam = speedFamily(family);
  if (req.kind === 'min') return { xorriso: 'min', reason: "min: the slowest speed the drive offers" };
  if (req.kind === 'max') return { xorriso: 'max', reason: "max: the drive's fastest speed" };
  if (req.kind === 'factor') {
    const kBps = Math.round(req.factor * ONE_X_KBPS[fam]);
    if (max && kBps > max.kBps) return { xorriso: `${max.kBps}k`, requested: max, reason: `${req.factor}x ${fam} asked; the drive's maximum for this medium is ${max.label}` };
    const s = writeSpeed(kBps, family);
    return { xorriso: `${kBps}k`, requested: s, reason: `${s.label} as asked` };
  }
  if (!max) return { xorriso: 'none', reason: 'safe: the drive lists no write speeds for this medium, so it chooses itself' };
  const floor = SAFE_MIN_X[fam];
  const pick = listed.find((s) => s.factor >= floor) ?? max;
  const why = pick.factor >= floor ? `the lowest listed speed at or above ${floor}x ${fam}` : `no listed speed reaches ${floor}x ${fam}: the fastest listed`;
  return { xorriso: `${pick.kBps}k`, requested: pick, reason: `safe: ${pick.label}, ${why} (listed: ${listed.map((s) => s.label.replace(` ${fam}`, '')).join(', ')})` };
}
