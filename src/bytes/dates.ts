/**
 * ECMA-119 dates.
 * - 7-byte "recording date and time" (9.1.5): years since 1900, month, day, hour, minute, second,
 *   offset from GMT in 15-minute units (signed).
 * - 17-byte "volume date and time" (8.4.26.1): 16 ASCII digits YYYYMMDDHHMMSScc + GMT offset byte;
 *   all digits zero (or all zero bytes) means "not specified".
 * Dates are carried as milliseconds since the Unix epoch (UTC); `undefined` = unspecified.
 */

export interface DecodedDate {
  /** ms since 1970-01-01T00:00:00Z, or undefined when the field says "not specified" */
  readonly ms: number | undefined;
  /** offset from GMT in 15-minute units as stored */
  readonly gmtOffset: number;
  /** false when the stored offset was outside -48..+52 and was treated as 0 (formats.md) */
  readonly offsetValid: boolean;
}

const toSigned8 = (v: number) => (v >= 128 ? v - 256 : v);
const UNSPECIFIED: DecodedDate = { ms: undefined, gmtOffset: 0, offsetValid: true };

export function readDate7(b: Uint8Array, o: number): DecodedDate {
  const y = b[o] ?? 0, mo = b[o + 1] ?? 0, d = b[o + 2] ?? 0, h = b[o + 3] ?? 0, mi = b[o + 4] ?? 0, s = b[o + 5] ?? 0;
  const off = toSigned8(b[o + 6] ?? 0);
  if (y === 0 && mo === 0 && d === 0 && h === 0 && mi === 0 && s === 0) return { ...UNSPECIFIED, gmtOffset: off };
  const offsetValid = off >= -48 && off <= 52;
  const ms = Date.UTC(1900 + y, Math.max(mo, 1) - 1, Math.max(d, 1), h, mi, s) - (offsetValid ? off * 15 * 60000 : 0);
  return { ms: Number.isFinite(ms) ? ms : undefined, gmtOffset: off, offsetValid };
}

/**
 * The proleptic Gregorian date of a count of days since 1970-01-01 (UTC), without a Date object
 * (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil's inverse).
 */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day: doy - Math.floor((153 * mp + 2) / 5) + 1 };
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil; month 1-12), without a Date object. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function writeDate7(b: Uint8Array, o: number, ms: number | undefined, gmtOffset = 0): void {
  if (ms === undefined) {
    b.fill(0, o, o + 7);
    return;
  }
  const t = ms + gmtOffset * 15 * 60000;
  if (t >= 0 && t < 4102444800000) {
    // 1970–2099 without a Date object (the writer stores ~4 dates per file): days → civil date (H. Hinnant)
    const ts = Math.floor(t / 1000);
    const days = Math.floor(ts / 86400);
    const sod = ts - days * 86400;
    const civil = civilFromDays(days);
    b[o] = civil.year - 1900;
    b[o + 1] = civil.month;
    b[o + 2] = civil.day;
    b[o + 3] = Math.floor(sod / 3600);
    b[o + 4] = Math.floor(sod / 60) % 60;
    b[o + 5] = sod % 60;
    b[o + 6] = gmtOffset < 0 ? 256 + gmtOffset : gmtOffset;
    return;
  }
  const d = new Date(t);
  const year = d.getUTCFullYear() - 1900;
  if (year < 0) {
    // before 1900 cannot be stored: clamp to 1900-01-01
    b.set([0, 1, 1, 0, 0, 0, 0], o);
    return;
  }
  if (year > 255) {
    b.set([255, 12, 31, 23, 59, 59, 0], o);
    return;
  }
  b[o] = year;
  b[o + 1] = d.getUTCMonth() + 1;
  b[o + 2] = d.getUTCDate();
  b[o + 3] = d.getUTCHours();
  b[o + 4] = d.getUTCMinutes();
  b[o + 5] = d.getUTCSeconds();
  b[o + 6] = gmtOffset < 0 ? 256 + gmtOffset : gmtOffset;
}

export function readDate17(b: Uint8Array, o: number): DecodedDate {
  let digits = '';
  for (let i = 0; i < 16; i++) digits += String.fromCharCode(b[o + i] ?? 0);
  const off = toSigned8(b[o + 16] ?? 0);
  if (!/^\d{16}$/.test(digits) || /^0{16}$/.test(digits)) return { ...UNSPECIFIED, gmtOffset: off };
  const n = (a: number, l: number) => parseInt(digits.slice(a, a + l), 10);
  const offsetValid = off >= -48 && off <= 52;
  const ms =
    Date.UTC(n(0, 4), Math.max(n(4, 2), 1) - 1, Math.max(n(6, 2), 1), n(8, 2), n(10, 2), n(12, 2), n(14, 2) * 10) -
    (offsetValid ? off * 15 * 60000 : 0);
  return { ms: Number.isFinite(ms) ? ms : undefined, gmtOffset: off, offsetValid };
}

export function writeDate17(b: Uint8Array, o: number, ms: number | undefined, gmtOffset = 0): void {
  if (ms === undefined) {
    for (let i = 0; i < 16; i++) b[o + i] = 0x30;
    b[o + 16] = 0;
    return;
  }
  const d = new Date(ms + gmtOffset * 15 * 60000);
  const p = (v: number, l: number) => String(v).padStart(l, '0');
  const s =
    p(Math.min(9999, Math.max(1, d.getUTCFullYear())), 4) + p(d.getUTCMonth() + 1, 2) + p(d.getUTCDate(), 2) +
    p(d.getUTCHours(), 2) + p(d.getUTCMinutes(), 2) + p(d.getUTCSeconds(), 2) + p(Math.floor(d.getUTCMilliseconds() / 10), 2);
  for (let i = 0; i < 16; i++) b[o + i] = s.charCodeAt(i);
  b[o + 16] = gmtOffset < 0 ? 256 + gmtOffset : gmtOffset;
}
