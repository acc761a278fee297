/**
 * The System Use field of each ISO 9660 directory record: Rock Ridge entries (RRIP) for the entry, SP + ER
 * on the root's "." record (SUSP 5.3, 5.5), and a CE entry last when entries overflow into a continuation
 * area (SUSP 5.1). Planning and emitting call the same functions, so the emitted bytes match the plan.
 */
import { concatBytes } from '../bytes/index.js';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { systemUseOffset } from '../formats/iso9660/index.js';
import {
  CE_ENTRY_LENGTH, packContinuationAreas, serializeCE, serializeER, serializeRockRidge, serializeSP, splitSystemUse,
  type RockRidgeWriteInput,
} from '../formats/rockridge/index.js';
import { typeBits } from '../model/index.js';
import type { ResolvedOptions } from './options.js';
import { entryTimes, isBDir, type BEntry, type CeArea } from './tree.js';

/** Which record of an entry: its own record in the parent, or a directory's "." / ".." records. */
export type RecordRole = 'child' | 'self' | 'parent';

const DEFAULT_PERM: Record<string, number> = { dir: 0o555, file: 0o444, symlink: 0o777 };

/** The PX file mode of an entry: its type bits and the node's permission bits (or the kind's default). */
export function rrMode(e: BEntry): number {
  const mode = e.node.mode;
  return typeBits(e.kind) + (mode !== undefined ? mode % 0o10000 : (DEFAULT_PERM[e.kind] ?? 0o444));
}

function rrInput(e: BEntry, name: string | undefined, o: ResolvedOptions): RockRidgeWriteInput {
  const n = e.node;
  const input: RockRidgeWriteInput = {
    mode: rrMode(e),
    nlink: e.nlink,
    uid: n.uid ?? 0,
    gid: n.gid ?? 0,
    ino: e.ino,
  };
  if (name !== undefined) input.name = name;
  const t = entryTimes(e, o);
  if (t.mtimeMs !== undefined) input.mtimeMs = t.mtimeMs;
  if (t.atimeMs !== undefined) input.atimeMs = t.atimeMs;
  if (t.ctimeMs !== undefined) input.ctimeMs = t.ctimeMs;
  if (e.kind === 'symlink') input.symlinkTarget = n.symlinkTarget ?? '';
  if ((e.kind === 'chardev' || e.kind === 'blockdev') && n.device) input.device = n.device;
  return input;
}

/** All SUSP entries of one record, before placement (CE not included). */
export function systemUseEntries(e: BEntry, role: RecordRole, o: ResolvedOptions, isRoot: boolean): Uint8Array[] {
  const v = { rripVersion: o.rripVersion };
  if (role === 'child') {
    const target = e.clTarget;
    const input = rrInput(target ?? e, e.name, o);
    if (target) input.childLinkLba = (target.dir as NonNullable<BEntry['dir']>).isoLba;
    if (e.relocated) input.relocated = true;
    return serializeRockRidge(input, v);
  }
  if (role === 'self') {
    const entries = serializeRockRidge(rrInput(e, undefined, o), v);
    return isRoot ? [serializeSP(0), ...entries, serializeER(o.rripVersion)] : entries;
  }
  const from = isBDir(e) ? e.dir.relocatedFrom : undefined;
  const parent = from ?? e.isoParent;
  const input = rrInput(parent, undefined, o);
  if (from) input.parentLinkLba = (from.dir as NonNullable<BEntry['dir']>).isoLba;
  return serializeRockRidge(input, v);
}

/** Inline budget of a record's System Use field: the record must stay ≤ 254 bytes (even, ≤ 255). */
export const systemUseBudget = (identifierByteLength: number): number => 254 - systemUseOffset(identifierByteLength);

const sum = (xs: readonly Uint8Array[]) => xs.reduce((n, x) => n + x.length, 0);

/** Plan one record's System Use: inline byte length and, when needed, its continuation area. */
export function planSystemUse(entries: Uint8Array[], budget: number): { inlineByteLength: number; ce: CeArea | undefined } {
  const { inline, continuation } = splitSystemUse(entries, budget);
  if (!continuation.length) return { inlineByteLength: sum(inline), ce: undefined };
  const areas = packContinuationAreas(continuation);
  const partByteLengths = areas.map((a, i) => sum(a) + (i < areas.length - 1 ? CE_ENTRY_LENGTH : 0));
  return { inlineByteLength: sum(inline) + CE_ENTRY_LENGTH, ce: { partByteLengths, parts: [] } };
}

/** The continuation-area bytes of a record, one array per chained part (each ends with CE to the next). */
export function continuationParts(entries: Uint8Array[], budget: number, ce: CeArea): Uint8Array[] {
  const { continuation } = splitSystemUse(entries, budget);
  const areas = packContinuationAreas(continuation);
  const parts = ceParts(ce);
  return areas.map((a, i) => {
    const next = parts[i + 1];
    return concatBytes(next ? [...a, serializeCE(next.lba, next.offsetInBlock, ce.partByteLengths[i + 1] as number)] : a);
  });
}

function ceParts(ce: CeArea | undefined): { lba: number; offsetInBlock: number }[] {
  if (!ce || ce.parts.length !== ce.partByteLengths.length) throw new IsoKitError(ErrorCode.INTERNAL, 'Rock Ridge continuation area used before it was placed');
  return ce.parts;
}
