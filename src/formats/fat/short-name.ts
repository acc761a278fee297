/**
 * Long names that FAT can hold, and their 8.3 aliases as Windows NT makes them.
 *
 * Long names (Microsoft FAT specification 1.03, §7): up to 255 UTF-16 units, none of `\ / : * ? " < > |` nor
 * control characters U+0000–U+001F, not ending in a dot or a space, not "." or "..".
 *
 * Aliases (the specification's "basis-name generation", as Windows NT's RtlGenerate8dot3Name applies it):
 * 1. A name that already is a valid 8.3 name (one dot at most, base 1–8 and extension 0–3 characters, all
 *    characters legal in short names, each part in one case) is its own alias. A part that is all lower case is
 *    stored upper case with the NT case flag (DIR_NTRes 0x08 base, 0x10 extension): no long-name entries.
 *    Mixed case in a part keeps the 8.3 alias and adds long-name entries.
 * 2. Otherwise: upper case; spaces and all dots but the last dropped; leading dots dropped; `+ , ; = [ ]` and any
 *    character outside printable ASCII become `_` (isokit never writes OEM code page bytes, so aliases read the
 *    same under every code page); base = what precedes the last dot, extension = up to 3 characters after it.
 * 3. Numeric tail: the first 6 characters of the base + `~1` … `~4`; then the first 2 characters + 4 hex digits
 *    of Windows' hash of the long name + `~1`, `~2`, … (bases of 1–2 characters go to the hashed form at once).
 *    The hash is the one NT uses (reverse-engineered by T. Hore, "A Tale of Two File Names", 2015), so aliases
 *    match what Windows would have made for the same names created in the same order.
 */
import { longNameEntryCount, LONG_NAME_MAX_UNITS } from './long-name.js';
import { NtCase, shortNameBytes } from './directory-entry.js';

const FORBIDDEN_LONG = new Set(['\\', '/', ':', '*', '?', '"', '<', '>', '|']);
/** Legal in 8.3 names besides A–Z and 0–9 (§6.1: 0x20 is legal but NT never generates it). */
const SHORT_SPECIALS = new Set(['$', '%', "'", '-', '_', '@', '~', '`', '!', '(', ')', '{', '}', '^', '#', '&']);

/** Why `name` cannot be a FAT long name, or undefined when it can. */
export function fatNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name === '.' || name === '..') return `"${name}" is reserved`;
  if (name.length > LONG_NAME_MAX_UNITS) return `the name has ${name.length} UTF-16 units (FAT holds 255)`;
  for (const ch of name) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x20) return `the name contains control character U+${c.toString(16).padStart(4, '0').toUpperCase()}`;
    if (FORBIDDEN_LONG.has(ch)) return `the name contains "${ch}", which FAT names cannot hold`;
  }
  const last = name[name.length - 1];
  if (last === '.' || last === ' ') return `the name ends in ${last === '.' ? 'a dot' : 'a space'}, which Windows strips`;
  return undefined;
}

/** Upper case unit by unit (a character whose upper case is longer, such as ß, stays as it is). */
export function upcaseUnits(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    const up = ch.toUpperCase();
    out += up.length === 1 ? up : ch;
  }
  return out;
}

const isShortChar = (ch: string): boolean => (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || SHORT_SPECIALS.has(ch);
const isLowerAscii = (ch: string): boolean => ch >= 'a' && ch <= 'z';
const isUpperAscii = (ch: string): boolean => ch >= 'A' && ch <= 'Z';

/** Case flags for one part: 0 = upper or caseless, 1 = all lower, -1 = mixed. */
function partCase(part: string): number {
  let lower = false;
  let upper = false;
  for (const ch of part) {
    if (isLowerAscii(ch)) lower = true;
    else if (isUpperAscii(ch)) upper = true;
  }
  return lower && upper ? -1 : lower ? 1 : 0;
}

export interface ExactShortName {
  readonly base: string;
  readonly extension: string;
  readonly ntFlags: number;
  /** mixed case in a part: the 8.3 name is kept but long-name entries carry the case */
  readonly needsLongName: boolean;
}

/** Step 1: `name` as its own 8.3 name, or undefined when it needs a generated alias. */
export function exactShortName(name: string): ExactShortName | undefined {
  const dot = name.indexOf('.');
  if (dot !== name.lastIndexOf('.') || dot === 0) return undefined;
  const base = dot < 0 ? name : name.slice(0, dot);
  const ext = dot < 0 ? '' : name.slice(dot + 1);
  if (base.length < 1 || base.length > 8 || ext.length > 3 || (dot >= 0 && ext.length === 0)) return undefined;
  for (const ch of base + ext) if (!isShortChar(ch.toUpperCase()) || ch.length !== 1 || ch.charCodeAt(0) > 0x7e) return undefined;
  const bc = partCase(base);
  const ec = partCase(ext);
  const needsLongName = bc < 0 || ec < 0;
  return {
    base: base.toUpperCase(),
    extension: ext.toUpperCase(),
    // with long-name entries the case lives there (Windows and Linux set no case flags then)
    ntFlags: needsLongName ? 0 : (bc === 1 ? NtCase.LOWER_BASE : 0) | (ec === 1 ? NtCase.LOWER_EXTENSION : 0),
    needsLongName,
  };
}

/** Step 2: the basis name (base up to 8 characters, extension up to 3) of a name that is not 8.3 already. */
export function shortNameBasis(name: string): { base: string; extension: string } {
  const up = upcaseUnits(name);
  const lastDot = up.lastIndexOf('.');
  const convert = (s: string, max: number): string => {
    let out = '';
    for (const ch of s) {
      if (out.length >= max) break;
      if (ch === ' ' || ch === '.') continue;
      out += isShortChar(ch) ? ch : '_';
    }
    return out;
  };
  // leading dots never start an extension (".bashrc" has none)
  const hasExt = lastDot > 0 && up.slice(0, lastDot).replace(/^[. ]+/, '').length > 0;
  const basePart = (hasExt ? up.slice(0, lastDot) : up).replace(/^[. ]+/, '');
  return { base: convert(basePart, 8) || '_', extension: hasExt ? convert(up.slice(lastDot + 1), 3) : '' };
}

/** Windows NT's 16-bit hash of a long name, as the four hex digits it puts into hashed aliases. */
export function windowsShortNameHash(name: string): string {
  let c = 0;
  for (let i = 0; i < name.length; i++) c = (Math.imul(c, 0x25) + name.charCodeAt(i)) & 0xffff;
  let t = Math.imul(c, 314159269);
  if (t < 0) t = -t | 0;
  t %= 1000000007; // what the kernel computes with a multiply by 0x44B82F99 and a shift by 60
  c = t & 0xffff;
  const swapped = ((c & 0xf000) >> 12) | ((c & 0x0f00) >> 4) | ((c & 0x00f0) << 4) | ((c & 0x000f) << 12);
  return swapped.toString(16).toUpperCase().padStart(4, '0');
}

/** The alias chosen for a name in a directory. */
export interface ShortNameChoice {
  /** the 11 bytes of DIR_Name */
  readonly name11: Uint8Array;
  readonly ntFlags: number;
  /** long-name entries to write before the short entry (0 when the 8.3 name says it all) */
  readonly longNameEntries: number;
}

const keyOf = (base: string, ext: string): string => `${base.padEnd(8)}${ext.padEnd(3)}`;

/** The n-th numeric-tail candidate (n ≥ 1) for a basis: `~1`…`~4` on 6 characters, then hashed forms. */
function tailCandidate(base: string, hash: string, n: number): string {
  const hashed = base.length <= 2 || n > 4;
  const m = hashed ? (base.length <= 2 ? n : n - 4) : n;
  const tail = `~${m}`;
  const stem = hashed ? base.slice(0, 2) + hash : base;
  return stem.slice(0, 8 - tail.length) + tail;
}

/**
 * 8.3 aliases for the names of one directory, unique within it (names must already pass `fatNameProblem` and
 * be unique ignoring case). Names that are their own 8.3 name are placed first, so a generated alias never
 * takes a name that a later entry holds by right; the others get numeric tails in the order given.
 */
export function assignShortNames(names: readonly string[]): ShortNameChoice[] {
  const used = new Set<string>();
  const out: (ShortNameChoice | undefined)[] = new Array(names.length);
  const pending: number[] = [];
  names.forEach((name, i) => {
    const exact = exactShortName(name);
    if (!exact) return void pending.push(i);
    used.add(keyOf(exact.base, exact.extension));
    out[i] = { name11: shortNameBytes(exact.base, exact.extension), ntFlags: exact.ntFlags, longNameEntries: exact.needsLongName ? longNameEntryCount(name) : 0 };
  });
  for (const i of pending) {
    const name = names[i] as string;
    const { base, extension } = shortNameBasis(name);
    const hash = windowsShortNameHash(name);
    let alias: string | undefined;
    for (let n = 1; n < 10_000_000 && alias === undefined; n++) {
      const candidate = tailCandidate(base, hash, n);
      if (!used.has(keyOf(candidate, extension))) alias = candidate;
    }
    const chosen = alias as string;
    used.add(keyOf(chosen, extension));
    out[i] = { name11: shortNameBytes(chosen, extension), ntFlags: 0, longNameEntries: longNameEntryCount(name) };
  }
  return out as ShortNameChoice[];
}
