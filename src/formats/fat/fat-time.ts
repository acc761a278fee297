/**
 * FAT directory-entry dates and times (Microsoft FAT specification 1.03, §6.3.5).
 *
 * ```
 * date  bits 15–9 year − 1980 (0–127), 8–5 month (1–12), 4–0 day (1–31)
 * time  bits 15–11 hours (0–23), 10–5 minutes (0–59), 4–0 seconds / 2 (0–29)
 * DIR_CrtTimeTenth  0–199: 10 ms units added to the 2-second creation time
 * ```
 * FAT stores local time without a zone. isokit writes UTC (offset 0) unless given an offset in minutes east
 * of UTC, and reads with the same convention. The range is 1980-01-01 00:00:00 … 2107-12-31 23:59:58; times
 * outside are clamped to its ends (the caller reports it).
 */
import { civilFromDays } from '../../bytes/index.js';

export interface FatTime {
  readonly date: number;
  readonly time: number;
  /** 10 ms units beyond the even second (0–199) */
  readonly tenMs: number;
  /** set when the time was outside 1980…2107 and was moved to the nearest end */
  readonly clamped?: 'before-1980' | 'after-2107';
}

const MINUTE_MS = 60_000;
/** 1980-01-01T00:00:00 as ms since 1970 (local time = UTC + offset). */
export const FAT_EPOCH_MS = Date.UTC(1980, 0, 1);
/** The last representable instant: 2107-12-31 23:59:58 plus 1.99 s in the creation-time tenths. */
export const FAT_LAST_MS = Date.UTC(2107, 11, 31, 23, 59, 59, 990);

/**
 * Encode ms since the Unix epoch as FAT date/time, `tzOffsetMinutes` east of UTC (0 = store UTC).
 * Sub-2-second precision is kept only in `tenMs` (creation time); `time` rounds down to the even second.
 */
export function encodeFatTime(ms: number, tzOffsetMinutes = 0): FatTime {
  let local = Math.floor(ms + tzOffsetMinutes * MINUTE_MS);
  let clamped: FatTime['clamped'];
  if (!(local >= FAT_EPOCH_MS)) {
    local = FAT_EPOCH_MS;
    clamped = 'before-1980';
  } else if (local > FAT_LAST_MS) {
    local = FAT_LAST_MS;
    clamped = 'after-2107';
  }
  const days = Math.floor(local / 86_400_000);
  const msOfDay = local - days * 86_400_000;
  const { year, month, day } = civilFromDays(days);
  const seconds = Math.floor(msOfDay / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const tenMs = (s % 2) * 100 + Math.floor((msOfDay % 1000) / 10);
  return {
    date: ((year - 1980) << 9) | (month << 5) | day,
    time: (h << 11) | (m << 5) | (s >> 1),
    tenMs,
    ...(clamped ? { clamped } : {}),
  };
}

/**
 * Decode a FAT date (and time, and creation tenths): ms since the Unix epoch, or undefined when the date is 0
 * ("not recorded") or a field is out of range (month 0 or 13+, day 0, hour 24+, minute 60+, second 60+, tenths 200+).
 */
export function decodeFatTime(date: number, time = 0, tenMs = 0, tzOffsetMinutes = 0): number | undefined {
  if (date === 0) return undefined;
  const year = 1980 + (date >> 9);
  const month = (date >> 5) & 15;
  const day = date & 31;
  const h = time >> 11;
  const m = (time >> 5) & 63;
  const s = (time & 31) * 2;
  if (month < 1 || month > 12 || day < 1 || h > 23 || m > 59 || s > 59 || tenMs > 199) return undefined;
  return Date.UTC(year, month - 1, day, h, m, s) + tenMs * 10 - tzOffsetMinutes * MINUTE_MS;
}
