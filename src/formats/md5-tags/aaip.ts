/**
 * AAIP 2.0 (libisofs doc/susp_aaip_2_0.txt): "AL" SUSP entries carrying name/value attribute pairs as
 * SL-style component records, and the two libisofs checksum attributes (doc/checksums.txt,
 * doc/susp_aaip_isofs_names.txt):
 * - `isofs.ca` on the root: START, END (block of the checksum array), COUNT (N+2 entries), SIZE (16), "MD5"
 *   — each number as a length byte followed by that many big-endian bytes;
 * - `isofs.cx` on a data file: 4-byte big-endian index into the checksum array.
 */

/** Name prefixes AAIP abbreviates with one byte (0x01 escapes). */
const NAMESPACES: Record<number, string> = { 2: 'system.', 3: 'user.', 4: 'isofs.', 5: 'trusted.', 6: 'security.' };

/** A SUSP entry as far as AAIP needs it: signature and the payload after the 4-byte header. */
export interface AaipSuspEntry {
  readonly signature: string;
  readonly data: Uint8Array;
}

/**
 * Decode the attribute list carried by consecutive AL entries (payload after the 4-byte header:
 * flags byte, then component records). Names are returned with namespaces expanded ("isofs.cx").
 * Malformed records end the list; nothing throws.
 */
export function parseAaipAttributes(entries: readonly AaipSuspEntry[]): Map<string, Uint8Array> {
  const components: Uint8Array[] = [];
  let current: number[] = [];
  for (const e of entries) {
    if (e.signature !== 'AL' || e.data.length < 1) continue;
    const d = e.data;
    for (let i = 1; i + 2 <= d.length; ) {
      const flags = d[i] as number;
      const len = d[i + 1] as number;
      if (i + 2 + len > d.length) break;
      for (let k = 0; k < len; k++) current.push(d[i + 2 + k] as number);
      i += 2 + len;
      if (!(flags & 1)) {
        components.push(Uint8Array.from(current));
        current = [];
      }
    }
  }
  const out = new Map<string, Uint8Array>();
  for (let i = 0; i + 1 < components.length; i += 2) {
    const raw = components[i] as Uint8Array;
    let name = '';
    let start = 0;
    const first = raw[0];
    if (first !== undefined && NAMESPACES[first]) {
      name = NAMESPACES[first] as string;
      start = 1;
    } else if (first === 1) start = 1;
    for (let k = start; k < raw.length; k++) name += String.fromCharCode(raw[k] as number);
    out.set(name, components[i + 1] as Uint8Array);
  }
  return out;
}

export interface IsofsChecksumArea {
  /** first block covered by the session checksum (array entry 0) */
  readonly startLba: number;
  /** block where the checksum array starts; entry 0 covers [startLba, endLba) */
  readonly endLba: number;
  /** number of 16-byte entries: session sum, N file sums, sum of the preceding entries */
  readonly count: number;
  readonly entryByteLength: number;
  readonly algorithm: string;
}

/** Decode `isofs.ca`, or undefined when malformed. */
export function parseIsofsCa(value: Uint8Array): IsofsChecksumArea | undefined {
  const nums: number[] = [];
  let i = 0;
  for (let n = 0; n < 4; n++) {
    const len = value[i];
    if (len === undefined || len > 6 || i + 1 + len > value.length) return undefined;
    let v = 0;
    for (let k = 0; k < len; k++) v = v * 256 + (value[i + 1 + k] as number);
    nums.push(v);
    i += 1 + len;
  }
  let algorithm = '';
  for (; i < value.length && value[i] !== 0; i++) algorithm += String.fromCharCode(value[i] as number);
  const [startLba, endLba, count, entryByteLength] = nums as [number, number, number, number];
  if (entryByteLength !== 16 || endLba < startLba) return undefined;
  return { startLba, endLba, count, entryByteLength, algorithm: algorithm || 'MD5' };
}

/** Decode `isofs.cx` (big-endian index), or undefined when malformed. */
export function parseIsofsCx(value: Uint8Array): number | undefined {
  if (value.length < 1 || value.length > 6) return undefined;
  let v = 0;
  for (let k = 0; k < value.length; k++) v = v * 256 + (value[k] as number);
  return v;
}
