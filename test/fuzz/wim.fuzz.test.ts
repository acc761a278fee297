/**
 * WIM fuzzing: WIMs from the recipe (wim-set.sh) mutated in their header, resource headers, blob table
 * entries (sizes, offsets, flags, part numbers, counts, hashes), XML data and integrity table, or truncated;
 * then a split is planned and two of its parts streamed. Every case must finish or throw an IsoKitError that is
 * not INTERNAL, report offsets inside the input, and take less than CASE_LIMIT_MS.
 *
 * FUZZ_WIM_CASES (default 1400) sets the total; FUZZ_SEED the base seed. A failing case is printed as a JSON
 * mutation: add it to test/fuzz/regressions/wim-cases.json so it is re-run forever.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, IsoKitError, MemorySource, wim } from '../../src/index.js';
import { needTools, tmpDir } from '../helpers/index.js';
import { buildWimSet, sha1 } from '../formats/wim-helpers.js';
import { rng } from './mutate.js';

const FILES = ['none.wim', 'lzx-check.wim', 'xpress.wim', 'lzms.wim', 'solid.wim', 'install.esd', 'pipable.wim'];
const TOTAL = Number(process.env.FUZZ_WIM_CASES ?? 1400);
const BASE_SEED = Number(process.env.FUZZ_SEED ?? 20240601);
const CASE_LIMIT_MS = 3000;
const here = path.dirname(fileURLToPath(import.meta.url));

/** A reproducible mutation: bytes written at offsets, then an optional cut. */
interface Mutation { file: string; kind: string; writes: [number, number[]][]; truncate?: number }
interface Failure { mutation: Mutation; error: string }

const tmp = tmpDir('wim-fuzz');
process.on('exit', () => tmp.cleanup());
const originals = new Map<string, Uint8Array>();
function original(file: string): Uint8Array {
  if (!originals.size) {
    const dir = path.join(tmp.dir, 'set');
    mkdirSync(dir);
    buildWimSet(dir);
    for (const f of FILES) originals.set(f, new Uint8Array(readFileSync(path.join(dir, f))));
  }
  return originals.get(file) as Uint8Array;
}

const int = (r: () => number, n: number): number => Math.floor(r() * n);
const u64 = (v: number): number[] => Array.from({ length: 8 }, (_, i) => Math.floor(v / 2 ** (8 * i)) % 256);
/** Values that hit boundaries: 0, small, around the file length, 4 GiB, huge, random. */
function edgeValue(r: () => number, fileLength: number): number {
  const picks = [0, 1, 207, 208, fileLength - 1, fileLength, fileLength + 1, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 56 - 1, int(r, fileLength), int(r, 2 ** 48)];
  return picks[int(r, picks.length)] as number;
}

/** Plan one mutation of `b` (deterministic in the seed). */
function plan(file: string, b: Uint8Array, r: () => number): Mutation {
  const h = (() => { try { return wim.parseWimHeader(b); } catch { return undefined; } })();
  const table = h && h.blobTable.byteOffset + h.blobTable.storedByteLength <= b.length ? h.blobTable : undefined;
  const entries = table ? Math.floor(table.storedByteLength / wim.BLOB_TABLE_ENTRY_BYTE_LENGTH) : 0;
  const kinds = ['header-bytes', 'header-reshdr', 'entry-field', 'entry-bytes', 'xml-bytes', 'truncate', 'integrity-bytes'];
  const kind = kinds[int(r, kinds.length)] as string;
  const m: Mutation = { file, kind, writes: [] };
  const randomBytes = (at: number, span: number, count: number): void => {
    for (let i = 0; i < count; i++) m.writes.push([at + int(r, span), [int(r, 256)]]);
  };
  switch (kind) {
    case 'header-bytes': randomBytes(0, wim.WIM_HEADER_BYTE_LENGTH, 1 + int(r, 4)); break;
    case 'header-reshdr': {
      const field = [48, 72, 96, 124][int(r, 4)] as number;
      const part = [0, 8, 16][int(r, 3)] as number;
      m.writes.push([field + part, part === 0 ? u64(edgeValue(r, b.length)).slice(0, 7) : u64(edgeValue(r, b.length))]);
      break;
    }
    case 'entry-field':
    case 'entry-bytes': {
      if (!table || !entries) return { ...m, kind: 'truncate', truncate: int(r, b.length) };
      const at = table.byteOffset + int(r, entries) * wim.BLOB_TABLE_ENTRY_BYTE_LENGTH;
      if (kind === 'entry-bytes') randomBytes(at, wim.BLOB_TABLE_ENTRY_BYTE_LENGTH, 1 + int(r, 3));
      else {
        const which = int(r, 6);
        const v = edgeValue(r, b.length);
        if (which === 0) m.writes.push([at, u64(v).slice(0, 7)]);
        else if (which === 1) m.writes.push([at + 7, [[0, 2, 4, 6, 0x10, 0x12, 0x14, 0xff][int(r, 8)] as number]]);
        else if (which === 2) m.writes.push([at + 8, u64(v)]);
        else if (which === 3) m.writes.push([at + 16, u64(v)]);
        else if (which === 4) m.writes.push([at + 24, [int(r, 4), 0]]);
        else m.writes.push([at + 26, u64([0, 1, 2, 0xffffffff][int(r, 4)] as number).slice(0, 4)]);
      }
      break;
    }
    case 'xml-bytes':
      if (h && h.xmlData.storedByteLength && h.xmlData.byteOffset + h.xmlData.storedByteLength <= b.length) randomBytes(h.xmlData.byteOffset, h.xmlData.storedByteLength, 1 + int(r, 8));
      else randomBytes(0, b.length, 4);
      break;
    case 'integrity-bytes':
      if (h && h.integrityTable.storedByteLength && h.integrityTable.byteOffset + h.integrityTable.storedByteLength <= b.length) randomBytes(h.integrityTable.byteOffset, h.integrityTable.storedByteLength, 1 + int(r, 4));
      else randomBytes(wim.WIM_HEADER_BYTE_LENGTH, b.length - wim.WIM_HEADER_BYTE_LENGTH, 8);
      break;
    default: m.truncate = int(r, b.length);
  }
  return m;
}

/** Apply `m` to the file's bytes in place; returns the input and an undo. */
function apply(m: Mutation): { input: Uint8Array; revert: () => void } {
  const b = original(m.file);
  const saved = m.writes.map(([at, bytes]) => [at, b.slice(at, at + bytes.length)] as const);
  for (const [at, bytes] of m.writes) b.set(bytes.slice(0, Math.max(0, b.length - at)), at);
  return {
    input: b.subarray(0, m.truncate ?? b.length),
    revert: () => { for (const [at, bytes] of saved.reverse()) b.set(bytes, at); },
  };
}

function checkOffset(e: { byteOffset?: number }, input: Uint8Array, what: string): void {
  if (e.byteOffset !== undefined && (e.byteOffset < 0 || e.byteOffset >= Math.max(input.length, wim.WIM_HEADER_BYTE_LENGTH))) {
    throw new Error(`${what} offset ${e.byteOffset} outside the ${input.length}-byte input`);
  }
}

/** Outcomes by kind, to show the mutations reach both the happy path and the refusals. */
const outcomes = new Map<string, number>();
const count = (k: string): void => { outcomes.set(k, (outcomes.get(k) ?? 0) + 1); };

async function runCase(input: Uint8Array, r: () => number): Promise<void> {
  try {
    const partByteLength = [16 * 1024, 256 * 1024, 4 * 2 ** 20][int(r, 3)] as number;
    const p = await wim.planWimSplit(new MemorySource(input, 'fuzz.wim'), { partByteLength, createSha1: sha1, sizeRule: r() < 0.5 ? 'wimlib' : 'part-file' });
    for (const f of p.findings) checkOffset(f, input, `finding ${f.code}`);
    const smallest = [...p.parts].sort((a, b) => a.byteLength - b.byteLength)[0] as wim.WimSplitPart;
    for (const part of new Set([p.parts[0] as wim.WimSplitPart, smallest])) {
      let n = 0;
      for await (const c of part.content.stream({ chunkSize: 256 * 1024 })) n += c.length;
      assert.equal(n, part.byteLength);
    }
    count(p.findings.length ? 'split with findings' : 'split');
  } catch (e) {
    if (!(e instanceof IsoKitError) || e.code === ErrorCode.INTERNAL) throw e;
    checkOffset(e, input, `${e.code} error`);
    count(e.code);
  }
}

async function runMutation(m: Mutation, seed: number, failures: Failure[]): Promise<void> {
  const { input, revert } = apply(m);
  const t0 = performance.now();
  try {
    await runCase(input, rng(seed ^ 0x5eed));
    const ms = performance.now() - t0;
    if (ms > CASE_LIMIT_MS) failures.push({ mutation: m, error: `took ${ms.toFixed(0)} ms` });
  } catch (e) {
    failures.push({ mutation: m, error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e) });
  } finally {
    revert();
  }
}

const report = (f: Failure[]): string => f.slice(0, 10).map((x) => `${JSON.stringify(x.mutation)}\n  ${x.error}`).join('\n');

test('WIM fuzz: regression cases stay fixed', async (t) => {
  if (!needTools(t, 'wimlib-imagex')) return;
  const cases = JSON.parse(readFileSync(path.join(here, 'regressions/wim-cases.json'), 'utf8')) as Mutation[];
  const failures: Failure[] = [];
  for (const [i, m] of cases.entries()) await runMutation(m, i, failures);
  assert.deepEqual(failures, [], report(failures));
});

test(`WIM fuzz: ${TOTAL} mutated WIMs never crash or hang the split`, { timeout: 600_000 }, async (t) => {
  if (!needTools(t, 'wimlib-imagex')) return;
  const failures: Failure[] = [];
  for (let i = 0; i < TOTAL; i++) {
    const seed = BASE_SEED + i;
    const r = rng(seed);
    const file = FILES[i % FILES.length] as string;
    await runMutation(plan(file, original(file), r), seed, failures);
  }
  assert.deepEqual(failures, [], `${failures.length} failing cases:\n${report(failures)}`);
  t.diagnostic(JSON.stringify(Object.fromEntries(outcomes)));
  if (TOTAL >= 500) {
    for (const k of ['split', ErrorCode.CORRUPT, ErrorCode.TRUNCATED, ErrorCode.UNSUPPORTED]) assert.ok((outcomes.get(k) ?? 0) >= TOTAL / 100, `outcome ${k}: ${outcomes.get(k) ?? 0}`);
  }
});
