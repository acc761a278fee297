/**
 * RRIP 4.1.3 SL "symbolic link". BP5 flags (CONTINUE: the link goes on in the next SL entry), then
 * component records: `flags, length, content`. Component flags: CONTINUE (the component goes on in the next
 * record), CURRENT ".", PARENT "..", ROOT "/", VOLROOT (the mount point of this volume), HOST (the host name).
 */
import { encodeUtf8 } from '../../bytes/index.js';
import type { Findings } from '../../errors/index.js';
import { MAX_SUSP_ENTRY_LENGTH, serializeSuspEntry, type SuspEntry } from './susp.js';
import { FindingCode } from '../../errors/index.js';

export const SlFlag = { CONTINUE: 1 } as const;
export const SlComponentFlag = { CONTINUE: 1, CURRENT: 2, PARENT: 4, ROOT: 8, VOLROOT: 16, HOST: 32 } as const;

export interface SlComponent {
  readonly flags: number;
  readonly content: Uint8Array;
}
export interface RripSl {
  readonly flags: number;
  readonly components: SlComponent[];
}

/** Bytes of component records that fit in one SL entry (255 minus the 4-byte header and the flags byte). */
export const SL_COMPONENT_AREA_BYTES = MAX_SUSP_ENTRY_LENGTH - 5;

/**
 * Parse one SL entry's component records. A record that starts inside the entry but overruns it is read as
 * libisofs reads it (read_rr_SL: records are taken while they *start* inside the entry, each as long as its
 * length byte says): whole, from the bytes after the entry in the same area (`e.dataToAreaEnd`), with a
 * finding; it is the entry's last record. genisoimage writes such entries: an SL entry of more than 255 bytes
 * gets its length byte wrapped (268 → 12) for long link targets, and xorriso and isokit then read the same
 * (cut) target. Only when the area itself ends too soon is the record dropped.
 */
export function parseSL(e: SuspEntry, findings: Findings): RripSl | undefined {
  const d = e.data;
  if (d.length < 1) {
    findings.warn(FindingCode.RR_BAD_SL, 'SL entry without flags byte', e.byteOffset, 'RockRidge SL');
    return undefined;
  }
  const components: SlComponent[] = [];
  let p = 1;
  while (p < d.length) {
    const ext = e.dataToAreaEnd ?? d;
    const end = p + 2 > ext.length ? Infinity : p + 2 + (ext[p + 1] as number);
    if (end > ext.length) {
      findings.warn(FindingCode.RR_BAD_SL, `SL component record at +${p} overruns the entry (rest ignored)`, e.byteOffset, 'RockRidge SL');
      break;
    }
    if (end > d.length) {
      findings.warn(FindingCode.RR_BAD_SL, `SL component record at +${p} overruns the entry (${end + 4} bytes: a wrapped length byte?); read whole, as xorriso does`, e.byteOffset, 'RockRidge SL');
    }
    components.push({ flags: ext[p] as number, content: ext.subarray(p + 2, end) });
    p = end;
  }
  return { flags: d[0] as number, components };
}

interface PlainComponent {
  flags: number;
  bytes: Uint8Array;
}

function componentsOf(target: string): PlainComponent[] {
  const comps: PlainComponent[] = [];
  if (target.startsWith('/')) comps.push({ flags: SlComponentFlag.ROOT, bytes: new Uint8Array(0) });
  for (const part of target.split('/')) {
    if (part === '') continue;
    if (part === '.') comps.push({ flags: SlComponentFlag.CURRENT, bytes: new Uint8Array(0) });
    else if (part === '..') comps.push({ flags: SlComponentFlag.PARENT, bytes: new Uint8Array(0) });
    else comps.push({ flags: 0, bytes: encodeUtf8(part) });
  }
  if (!comps.length) comps.push({ flags: 0, bytes: new Uint8Array(0) });
  return comps;
}

/**
 * Encode a symlink target as SL entries (each ≤ 255 bytes). Repeated and trailing slashes are dropped
 * (`a//b/` → `a/b`); every SL entry but the last carries the SL CONTINUE flag.
 *
 * Entry boundaries always fall *inside* a component: every entry but the last ends with a component record
 * that has the component CONTINUE flag — a name split across the boundary, or else an empty record with
 * CONTINUE. libarchive (bsdtar) starts each SL entry with no separator, so a boundary between two whole
 * components would lose the "/" there ("a/b" read as "ab"); Linux adds the "/" itself unless the last record
 * continues. With the boundary inside a component both, and isokit's reader, read the same target.
 */
export function serializeSL(target: string): Uint8Array[] {
  // 2 bytes stay free in every entry for the empty CONTINUE record that may have to end it
  const capacity = SL_COMPONENT_AREA_BYTES - 2;
  const entries: number[][] = [];
  let cur: number[] = [];
  let lastFlagsAt = -1;
  let room = capacity;
  const push = (flags: number, bytes: Uint8Array) => {
    lastFlagsAt = cur.length;
    cur.push(flags, bytes.length, ...bytes);
    room -= 2 + bytes.length;
  };
  const flushContinued = () => {
    if (lastFlagsAt < 0 || ((cur[lastFlagsAt] as number) & SlComponentFlag.CONTINUE) === 0) cur.push(SlComponentFlag.CONTINUE, 0);
    entries.push(cur);
    cur = [];
    lastFlagsAt = -1;
    room = capacity;
  };
  for (const comp of componentsOf(target)) {
    let rest = comp.bytes;
    for (;;) {
      if (room < (rest.length ? 3 : 2)) flushContinued();
      const n = Math.min(rest.length, room - 2, 255);
      const more = n < rest.length;
      push(comp.flags | (more ? SlComponentFlag.CONTINUE : 0), rest.subarray(0, n));
      rest = rest.subarray(n);
      if (!more) break;
    }
  }
  entries.push(cur);
  return entries.map((recs, i) => serializeSuspEntry('SL', 1, [i < entries.length - 1 ? SlFlag.CONTINUE : 0, ...recs]));
}
