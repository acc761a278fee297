/**
 * FAT reader fuzzing: volumes made by mkfs.fat + mcopy (FAT12, FAT16, FAT32), mutated in place with fixed seeds
 * (BPB fields, FAT entries, directory entry fields, long-name order/checksum bytes, random metadata bytes,
 * overwritten directory sectors, truncation). Every case must return or throw an IsoKitError that is not
 * INTERNAL, report findings at offsets inside the input, and finish within 5 s while reading the whole tree and
 * a few file contents. FAT_FUZZ_CASES (default 3000) sets the total, FAT_FUZZ_SEED the base seed; failing seeds
 * go into test/fuzz/regressions/fat-cases.json and are re-run forever.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, Findings, IsoKitError } from '../../src/errors/index.js';
import { MemorySource } from '../../src/io/index.js';
import { walkTree } from '../../src/model/index.js';
import { fatEntryOf, openFatVolume } from '../../src/read/fat/index.js';
import { needTools } from '../helpers/index.js';
import { mtoolsVolume } from '../create/fat-helpers.js';
import { rng } from './mutate.js';

const TOTAL = Number(process.env.FAT_FUZZ_CASES ?? 3000);
const BASE_SEED = Number(process.env.FAT_FUZZ_SEED ?? 20250101);
const CASE_LIMIT_MS = 5000;
const VOLUMES = { 12: 3000, 16: 20_000, 32: 40_000 } as const;
type Bits = keyof typeof VOLUMES;
const here = path.dirname(fileURLToPath(import.meta.url));

interface VolumeMap { entries: number[]; fatStart: number; fatEnd: number; metadataEnd: number }

/** Where a clean volume keeps its FAT and its directory entries (from isokit's reader). */
async function mapVolume(b: Uint8Array): Promise<VolumeMap> {
  const vol = await openFatVolume(new MemorySource(b), new Findings());
  const tree = await vol.readTree();
  const entries: number[] = [];
  for (const { node } of walkTree(tree)) {
    const e = fatEntryOf(node);
    if (e) entries.push(e.byteOffset);
  }
  const g = vol.info.geometry;
  return { entries, fatStart: g.fatByteOffset, fatEnd: g.fatByteOffset + 2 * g.fatByteLength, metadataEnd: Math.min(b.length, g.dataByteOffset + 64 * 1024) };
}

const EXTREMES = [0, 1, 2, 3, 0xff, 0xfff, 0xff7, 0xff8, 0xffff, 0xfff7, 0x0ffffff7, 0x0fffffff, 0x7fffffff, 0xffffffff];

function mutate(b: Uint8Array, map: VolumeMap, r: () => number): { kind: string; byteLength: number; revert(): void } {
  const undo: [number, number][] = [];
  const int = (n: number) => Math.floor(r() * n);
  const value = () => (r() < 0.6 ? (EXTREMES[int(EXTREMES.length)] as number) : int(0x100000000));
  const set = (o: number, bytes: number[]) => bytes.forEach((v, i) => {
    if (o + i < b.length) {
      undo.push([o + i, b[o + i] as number]);
      b[o + i] = v & 0xff;
    }
  });
  const le = (v: number, n: number) => Array.from({ length: n }, (_, i) => Math.floor(v / 2 ** (8 * i)) & 0xff);
  const entry = map.entries[int(map.entries.length)] ?? 0;
  let kind: string;
  let byteLength = b.length;
  switch (int(7)) {
    case 0: {
      const field = [[11, 2], [13, 1], [14, 2], [16, 1], [17, 2], [19, 2], [22, 2], [32, 4], [36, 4], [44, 4], [48, 2], [50, 2], [40, 2]][int(13)] as [number, number];
      kind = `BPB byte ${field[0]}`;
      set(field[0], le(value(), field[1]));
      break;
    }
    case 1: {
      kind = 'FAT entry';
      const width = r() < 0.5 ? 4 : 2;
      set(map.fatStart + int(Math.min(4096, map.fatEnd - map.fatStart)) & ~(width - 1), le(value(), width));
      break;
    }
    case 2: {
      const field = [[20, 2], [26, 2], [28, 4], [11, 1], [12, 1], [0, 1]][int(6)] as [number, number];
      kind = `directory entry byte ${field[0]}`;
      set(entry + field[0], le(value(), field[1]));
      break;
    }
    case 3:
      kind = 'long-name entry before an entry';
      set(entry - 32 * (1 + int(3)) + [0, 11, 13, 26][int(4)], [int(256)]);
      break;
    case 4:
      kind = 'bytes in metadata';
      for (let i = 0, n = 1 + int(8); i < n; i++) set(int(map.metadataEnd), [int(256)]);
      break;
    case 5:
      kind = 'directory sector overwritten';
      set(entry - (entry % 512), Array.from({ length: 512 }, () => (r() < 0.5 ? 0 : int(256))));
      break;
    default:
      kind = 'truncated';
      byteLength = int(map.metadataEnd + 4096);
  }
  return { kind, byteLength, revert: () => { for (let i = undo.length - 1; i >= 0; i--) b[(undo[i] as [number, number])[0]] = (undo[i] as [number, number])[1]; } };
}

async function runCase(bytes: Uint8Array): Promise<void> {
  const findings = new Findings();
  try {
    const vol = await openFatVolume(new MemorySource(bytes), findings);
    const tree = await vol.readTree();
    let budget = 1 << 20;
    let files = 0;
    for (const { node } of walkTree(tree)) {
      if (!node.content || files++ > 3) continue;
      for await (const c of node.content.stream({ chunkSize: 65536 })) if ((budget -= c.length) < 0) break;
    }
  } catch (e) {
    if (!(e instanceof IsoKitError) || e.code === ErrorCode.INTERNAL) throw e;
    if (e.byteOffset !== undefined) assert.ok(e.byteOffset >= 0 && e.byteOffset < Math.max(bytes.length, 512), `error offset ${e.byteOffset}`);
  }
  for (const f of findings.list) assert.ok(f.byteOffset === undefined || (f.byteOffset >= 0 && f.byteOffset < Math.max(bytes.length, 512)), `finding offset ${f.byteOffset}: ${f.message}`);
}

interface Failure { bits: Bits; seed: number; kind: string; error: string }

async function fuzzVolume(bits: Bits, seeds: number[], failures: Failure[]): Promise<void> {
  const original = new Uint8Array(readFileSync(mtoolsVolume(bits, VOLUMES[bits])));
  const map = await mapVolume(original);
  for (const seed of seeds) {
    const m = mutate(original, map, rng(seed));
    const t0 = performance.now();
    try {
      await runCase(original.subarray(0, m.byteLength));
      const ms = performance.now() - t0;
      if (ms > CASE_LIMIT_MS) failures.push({ bits, seed, kind: m.kind, error: `took ${ms.toFixed(0)} ms` });
    } catch (e) {
      failures.push({ bits, seed, kind: m.kind, error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e) });
    } finally {
      m.revert();
    }
  }
}

const report = (f: Failure[]) => f.slice(0, 10).map((x) => `FAT${x.bits} seed=${x.seed} (${x.kind}): ${x.error}`).join('\n');

test('FAT fuzz: regression cases stay fixed', async (t) => {
  if (!needTools(t, 'mkfs.fat', 'mcopy')) return;
  const cases = JSON.parse(readFileSync(path.join(here, 'regressions/fat-cases.json'), 'utf8')) as { bits: Bits; seeds: number[] }[];
  const failures: Failure[] = [];
  for (const c of cases) await fuzzVolume(c.bits, c.seeds, failures);
  assert.deepEqual(failures, [], report(failures));
});

test(`FAT fuzz: ${TOTAL} mutated mkfs.fat + mcopy volumes never crash or hang the reader`, async (t) => {
  if (!needTools(t, 'mkfs.fat', 'mcopy')) return;
  const failures: Failure[] = [];
  const bits: Bits[] = [12, 16, 32];
  const per = Math.ceil(TOTAL / bits.length);
  for (const [i, b] of bits.entries()) await fuzzVolume(b, Array.from({ length: per }, (_, k) => BASE_SEED + i * 1_000_000 + k), failures);
  assert.deepEqual(failures, [], `${failures.length} failing cases:\n${report(failures)}`);
});
