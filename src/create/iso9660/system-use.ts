/**
 * The System Use field of each ISO 9660 directory record: Rock Ridge entries (RRIP) for the entry, SP + ER
 * on the root's "." record (SUSP 5.3, 5.5), and a CE entry last when entries overflow into a continuation
 * area (SUSP 5.1). Planning measures the entries (`sizeOfRockRidgeEntries`: no bytes built) and emitting
 * writes them into the record (`writeRockRidgeEntries`) from the same input, so the bytes match the plan and
 * nothing is kept per entry in between.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { systemUseOffset } from '../../formats/iso9660/index.js';
import {
  CE_ENTRY_LENGTH, continuationAreas, inlineEntryCount, serializeCE, sizeOfRockRidgeEntries, writeRockRidgeEntries,
  type RockRidgeWriteInput,
} from '../../formats/rockridge/index.js';
import { typeBits } from '../../model/index.js';
import { entryTimes, type PlanEntry } from '../tree.js';
import { sameLba, type CeArea, type IsoState, type LbaMap } from './state.js';

/** Which record of an entry: its own record in the parent, or a directory's "." / ".." records. */
export type RecordRole = 'child' | 'self' | 'parent';

const DEFAULT_PERM: Record<string, number> = { dir: 0o555, file: 0o444, symlink: 0o777 };

/** The PX file mode of an entry: its type bits and the node's permission bits (or the kind's default). */
export function rrMode(e: PlanEntry): number {
  const mode = e.node.mode;
  return typeBits(e.kind) + (mode !== undefined ? mode % 0o10000 : (DEFAULT_PERM[e.kind] ?? 0o444));
}

/** The attributes of `e` as Rock Ridge writes them (`name` for NM). */
function attributes(s: IsoState, e: PlanEntry, name: string | undefined): RockRidgeWriteInput {
  const n = e.node;
  const input: RockRidgeWriteInput = { mode: rrMode(e), nlink: e.nlink, uid: n.uid ?? 0, gid: n.gid ?? 0, ino: e.ino };
  if (name !== undefined) input.name = name;
  const t = entryTimes(e, s.options);
  if (t.mtimeMs !== undefined) input.mtimeMs = t.mtimeMs;
  if (t.atimeMs !== undefined) input.atimeMs = t.atimeMs;
  if (t.ctimeMs !== undefined) input.ctimeMs = t.ctimeMs;
  if (e.kind === 'symlink') input.symlinkTarget = n.symlinkTarget ?? '';
  if ((e.kind === 'chardev' || e.kind === 'blockdev') && n.device) input.device = n.device;
  return input;
}

/** What one record says in Rock Ridge: a child's own attributes, or a directory's "." / ".." (PL when relocated). */
export function recordInput(s: IsoState, e: PlanEntry, role: RecordRole, isRoot: boolean, map: LbaMap = sameLba): RockRidgeWriteInput {
  if (role === 'child') {
    const target = s.clTarget.get(e);
    const input = attributes(s, target ?? e, e.name);
    if (target) input.childLinkLba = map(s.dir(target).isoLba);
    if (s.relocated.has(e)) input.relocated = true;
    return input;
  }
  if (role === 'self') {
    const input = attributes(s, e, undefined);
    if (isRoot) input.suspRoot = true;
    return input;
  }
  const from = e.dir ? s.dir(e).relocatedFrom : undefined;
  const input = attributes(s, from ?? s.isoParent(e), undefined);
  if (from) input.parentLinkLba = map(s.dir(from).isoLba);
  return input;
}

/** Inline budget of a record's System Use field: the record must stay ≤ 254 bytes (even, ≤ 255). */
export const systemUseBudget = (identifierByteLength: number): number => 254 - systemUseOffset(identifierByteLength);

const sum = (xs: readonly number[], from = 0, to = xs.length): number => {
  let n = 0;
  for (let i = from; i < to; i++) n += xs[i] as number;
  return n;
};

/** Entry lengths of the record being planned (reused: planning never interleaves two records). */
const lengths: number[] = [];

/** Plan one record's System Use: its inline byte length (with CE when it needs one) and continuation area. */
export function planSystemUse(s: IsoState, input: RockRidgeWriteInput, budget: number): { inlineByteLength: number; ce: CeArea | undefined } {
  lengths.length = 0;
  sizeOfRockRidgeEntries(input, { rripVersion: s.options.rripVersion }, lengths);
  const inline = inlineEntryCount(lengths, budget);
  if (inline === lengths.length) return { inlineByteLength: sum(lengths), ce: undefined };
  const areas = continuationAreas(lengths, inline);
  const partByteLengths = areas.map(([a, b], i) => sum(lengths, a, b) + (i < areas.length - 1 ? CE_ENTRY_LENGTH : 0));
  return { inlineByteLength: sum(lengths, 0, inline) + CE_ENTRY_LENGTH, ce: { partByteLengths, parts: [] } };
}

function placedParts(ce: CeArea): { lba: number; offsetInBlock: number }[] {
  if (ce.parts.length !== ce.partByteLengths.length) throw new IsoKitError(ErrorCode.INTERNAL, 'Rock Ridge continuation area used before it was placed');
  return ce.parts;
}

/** Write a record's inline System Use at b[at] (as planned, CE last when it has one); returns the offset after it. */
export function writeInlineSystemUse(s: IsoState, b: Uint8Array, at: number, input: RockRidgeWriteInput, budget: number, ce: CeArea | undefined, map: LbaMap): number {
  const opts = { rripVersion: s.options.rripVersion };
  if (!ce) return writeRockRidgeEntries(b, at, input, opts);
  lengths.length = 0;
  sizeOfRockRidgeEntries(input, opts, lengths);
  const end = writeRockRidgeEntries(b, at, input, opts, 0, inlineEntryCount(lengths, budget));
  const first = placedParts(ce)[0] as { lba: number; offsetInBlock: number };
  b.set(serializeCE(map(first.lba), first.offsetInBlock, ce.partByteLengths[0] as number), end);
  return end + CE_ENTRY_LENGTH;
}

/** The continuation-area bytes of a record, one array per chained part (each ends with CE to the next). */
export function continuationParts(s: IsoState, input: RockRidgeWriteInput, budget: number, ce: CeArea, map: LbaMap): Uint8Array[] {
  const opts = { rripVersion: s.options.rripVersion };
  const all: number[] = [];
  sizeOfRockRidgeEntries(input, opts, all);
  const areas = continuationAreas(all, inlineEntryCount(all, budget));
  const parts = placedParts(ce);
  return areas.map(([from, to], i) => {
    const out = new Uint8Array(ce.partByteLengths[i] as number);
    const end = writeRockRidgeEntries(out, 0, input, opts, from, to);
    const next = parts[i + 1];
    if (next) out.set(serializeCE(map(next.lba), next.offsetInBlock, ce.partByteLengths[i + 1] as number), end);
    return out;
  });
}
