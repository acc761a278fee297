/**
 * ECMA-167 1/7.3 timestamp (12 bytes), as UDF 2.1.4 profiles it.
 *
 * ```
 * RBP 0   u16  Type and Time Zone: type in bits 12-15 (0 UTC, 1 local time, 2 by agreement),
 *              time zone in bits 0-11: minutes from UTC as a signed 12-bit number, -2047 = unspecified
 * RBP 2   i16  Year (1-9999)
 * RBP 4   u8   Month (1-12)
 * RBP 5   u8   Day (1-31)
 * RBP 6   u8   Hour (0-23)
 * RBP 7   u8   Minute (0-59)
 * RBP 8   u8   Second (0-59, 60 for a leap second)
 * RBP 9   u8   Centiseconds (0-99)
 * RBP 10  u8   Hundreds of Microseconds (0-99)
 * RBP 11  u8   Microseconds (0-99)
 * ```
 * UDF 2.1.4.1 requires type 1 (local time with its offset). A field of all zeros means "not recorded".
 * Note: pycdlib 1.12 (Debian 12) stores the month in the day field; such dates are read as recorded.
 */
import { daysFromCivil, readU16LE, writeU16LE } from '../../bytes/index.js';

export const TIMESTAMP_LENGTH = 12;
/** 1/7.3.1: this time zone value means "not specified". */
export const TIMEZONE_UNSPECIFIED = -2047;

export interface UdfTimestamp {
  /** 0 UTC, 1 local time (UDF), 2 by agreement */
  readonly type: number;
  /** minutes east of UTC (-1440..1440), TIMEZONE_UNSPECIFIED, or another recorded value */
  readonly timezoneMinutes: number;
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly centiseconds: number;
  readonly hundredsOfMicroseconds: number;
  readonly microseconds: number;
}

export function parseTimestamp(b: Uint8Array, o: number): UdfTimestamp {
  const tt = readU16LE(b, o);
  const tz = tt & 0xfff;
  const year = readU16LE(b, o + 2);
  return {
    type: tt >>> 12,
    timezoneMinutes: tz >= 0x800 ? tz - 0x1000 : tz,
    year: year >= 0x8000 ? year - 0x10000 : year,
    month: b[o + 4] ?? 0,
    day: b[o + 5] ?? 0,
    hour: b[o + 6] ?? 0,
    minute: b[o + 7] ?? 0,
    second: b[o + 8] ?? 0,
    centiseconds: b[o + 9] ?? 0,
    hundredsOfMicroseconds: b[o + 10] ?? 0,
    microseconds: b[o + 11] ?? 0,
  };
}

export function writeTimestamp(b: Uint8Array, o: number, t: UdfTimestamp): void {
  writeU16LE(b, o, ((t.type & 0xf) << 12) | (t.timezoneMinutes & 0xfff));
  writeU16LE(b, o + 2, t.year & 0xffff);
  b[o + 4] = t.month;
  b[o + 5] = t.day;
  b[o + 6] = t.hour;
  b[o + 7] = t.minute;
  b[o + 8] = t.second;
  b[o + 9] = t.centiseconds;
  b[o + 10] = t.hundredsOfMicroseconds;
  b[o + 11] = t.microseconds;
}

export function serializeTimestamp(t: UdfTimestamp): Uint8Array {
  const b = new Uint8Array(TIMESTAMP_LENGTH);
  writeTimestamp(b, 0, t);
  return b;
}

/** An all-zero timestamp: "not recorded". */
export const NO_TIMESTAMP: UdfTimestamp = {
  type: 0, timezoneMinutes: 0, year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, centiseconds: 0, hundredsOfMicroseconds: 0, microseconds: 0,
};


/**
 * Milliseconds since the epoch (UTC, with the microseconds as a fraction), or undefined for a timestamp that
 * is not recorded or not a date. A local time (type 1) with a time zone in -1440..1440 is shifted to UTC;
 * an unspecified or impossible zone is taken as UTC.
 */
export function timestampToMs(t: UdfTimestamp): number | undefined {
  return msOf(t.type, t.timezoneMinutes, t.year, t.month, t.day, t.hour, t.minute, t.second, t.centiseconds, t.hundredsOfMicroseconds, t.microseconds);
}

/** `timestampToMs(parseTimestamp(b, o))` without the object (a reader converts three per file). */
export function readTimestampMs(b: Uint8Array, o: number): number | undefined {
  const tt = readU16LE(b, o);
  const tz = tt & 0xfff;
  const year = readU16LE(b, o + 2);
  return msOf(tt >>> 12, tz >= 0x800 ? tz - 0x1000 : tz, year >= 0x8000 ? year - 0x10000 : year, b[o + 4] ?? 0, b[o + 5] ?? 0, b[o + 6] ?? 0, b[o + 7] ?? 0, b[o + 8] ?? 0, b[o + 9] ?? 0, b[o + 10] ?? 0, b[o + 11] ?? 0);
}

function msOf(type: number, tz: number, year: number, month: number, day: number, hour: number, minute: number, second: number, cs: number, hus: number, us: number): number | undefined {
  if (year === 0 && month === 0 && day === 0 && hour === 0 && minute === 0 && second === 0) return undefined;
  if (!(year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60 && cs <= 99 && hus <= 99 && us <= 99)) return undefined;
  // day overflow (31 February) rolls over as Date.UTC does
  let ms = ((daysFromCivil(year, month, 1) + day - 1) * 86400 + hour * 3600 + minute * 60 + second) * 1000;
  if (type === 1 && tz >= -1440 && tz <= 1440) ms -= tz * 60000;
  const micros = cs * 10000 + hus * 100 + us;
  return micros === 0 ? ms : ms + micros / 1000;
}

/** The timestamp of `ms` (UTC ms, fractions kept to the microsecond) as local time `timezoneMinutes` east of UTC (type 1). */
export function timestampFromMs(ms: number, timezoneMinutes = 0): UdfTimestamp {
  const local = ms + timezoneMinutes * 60000;
  let seconds = Math.floor(local / 1000);
  let micros = Math.round((local - seconds * 1000) * 1000);
  if (micros >= 1_000_000) {
    seconds++;
    micros -= 1_000_000;
  }
  const d = new Date(seconds * 1000);
  return {
    type: 1,
    timezoneMinutes,
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    centiseconds: Math.floor(micros / 10000),
    hundredsOfMicroseconds: Math.floor(micros / 100) % 100,
    microseconds: micros % 100,
  };
}
