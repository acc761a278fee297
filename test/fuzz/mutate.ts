/**
 * Deterministic mutations of ISO images for the reader fuzz test: every mutation is applied in place and
 * can be reverted (no copy of the image per case), and is fully determined by (image, seed).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { IsoKitError } from '../../src/errors/index.js';
import { fixtureImage, type FixtureName } from '../helpers/fixtures.js';

/** mulberry32: a small seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ImageMap {
  /** byte offsets of directory records (found by walking the image once) */
  records: number[];
  /** byte offsets of SUSP entries by signature */
  susp: Map<string, number[]>;
  /** first byte after the metadata (descriptors, path tables, directories, continuation areas) */
  metadataEnd: number;
}

const SUSP_SIGS = ['SP', 'CE', 'ER', 'PX', 'PN', 'SL', 'NM', 'TF', 'RE', 'CL', 'PL', 'ZF', 'RR', 'ST'];

/** Find records and SUSP entries by scanning the metadata region (heuristic; good enough for targeting). */
export function mapImage(b: Uint8Array): ImageMap {
  const records: number[] = [];
  const susp = new Map<string, number[]>();
  // metadata ends where the first regular file extent starts: approximate by the highest sector that still
  // parses as a directory sector among the first 400 sectors
  let metadataEnd = 17 * 2048;
  for (let s = 16; s < Math.min(400, b.length / 2048); s++) {
    const base = s * 2048;
    if (b[base] === 34 && b[base + 32] === 1 && b[base + 33] === 0 && b[base + 25] !== undefined && (b[base + 25] as number) & 2) {
      // a directory extent: walk its records
      for (let o = base; o < base + 2048;) {
        const len = b[o] as number;
        if (len < 34 || o + len > base + 2048) break;
        records.push(o);
        o += len;
      }
      metadataEnd = Math.max(metadataEnd, base + 2048);
    }
  }
  for (let o = 16 * 2048; o + 4 < Math.min(b.length, metadataEnd + 8 * 2048); o++) {
    const sig = String.fromCharCode(b[o] as number, b[o + 1] as number);
    if (SUSP_SIGS.includes(sig) && (b[o + 2] as number) >= 4 && b[o + 3] === 1) {
      const l = susp.get(sig) ?? [];
      l.push(o);
      susp.set(sig, l);
    }
  }
  return { records, susp, metadataEnd: Math.max(metadataEnd, 24 * 2048) };
}

export interface Mutation {
  /** what was done (for regression notes) */
  kind: string;
  /** undo the mutation */
  revert(): void;
  /** the image length to use (truncation) */
  byteLength: number;
}

const EXTREMES = [0, 1, 2, 15, 16, 17, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0xffffffff];

/** Set bytes of `b` from `o` on (those inside it), noting the old values in `undo`. */
export function setBytes(b: Uint8Array, o: number, values: number[], undo: [number, number][]): void {
  for (let i = 0; i < values.length; i++) {
    if (o + i < 0) continue;
    if (o + i >= b.length) return;
    undo.push([o + i, b[o + i] as number]);
    b[o + i] = values[i] as number;
  }
}
const u32both = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24, v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

/** Apply one random mutation (chosen by `r`) to `b` in place. */
export function mutate(b: Uint8Array, map: ImageMap, r: () => number): Mutation {
  const undo: [number, number][] = [];
  const pick = <T>(a: readonly T[]): T | undefined => (a.length ? a[Math.floor(r() * a.length)] : undefined);
  const int = (n: number) => Math.floor(r() * n);
  const value = () => (r() < 0.5 ? (pick(EXTREMES) as number) : int(0x100000000));
  let kind: string;
  let byteLength = b.length;
  const choice = int(10);
  const rec = pick(map.records);
  const sig = pick([...map.susp.keys()]);
  const entry = sig ? pick(map.susp.get(sig) as number[]) : undefined;
  if (choice === 0 || (choice <= 3 && rec === undefined) || (choice >= 4 && choice <= 6 && entry === undefined)) {
    kind = 'flip bytes in metadata';
    for (let i = 0, n = 1 + int(8); i < n; i++) setBytes(b, int(map.metadataEnd), [int(256)], undo);
  } else if (choice === 1) {
    kind = 'record length byte';
    setBytes(b, rec as number, [int(256)], undo);
  } else if (choice === 2) {
    kind = 'record extent LBA';
    const v = r() < 0.5 ? value() : int(map.metadataEnd / 2048 + 4);
    setBytes(b, (rec as number) + 2, r() < 0.8 ? u32both(v) : [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24], undo);
  } else if (choice === 3) {
    kind = r() < 0.5 ? 'record data length' : 'record flags/identifier length';
    if (kind === 'record data length') setBytes(b, (rec as number) + 10, u32both(value()), undo);
    else setBytes(b, (rec as number) + (r() < 0.5 ? 25 : 32), [int(256)], undo);
  } else if (choice === 4) {
    kind = `SUSP ${sig} length byte`;
    setBytes(b, (entry as number) + 2, [pick([0, 1, 3, 4, 5, 255]) as number], undo);
  } else if (choice === 5) {
    kind = `SUSP ${sig} payload`;
    for (let i = 0, n = 1 + int(4); i < n; i++) setBytes(b, (entry as number) + 4 + int(24), [int(256)], undo);
  } else if (choice === 6) {
    kind = `SUSP ${sig} field`;
    // CE: block/offset/length; SL/NM: flags and component lengths; PX/TF/PN/ZF: numbers
    setBytes(b, (entry as number) + 4 + 8 * int(3), u32both(value()), undo);
  } else if (choice === 7) {
    kind = 'sector overwritten';
    const s = 16 + int(Math.max(1, map.metadataEnd / 2048 - 16));
    const fill = int(3);
    const bytes = Array.from({ length: 2048 }, (_, i) => (fill === 0 ? 0 : fill === 1 ? int(256) : (b[((s + 1) * 2048 + i) % b.length] as number)));
    setBytes(b, s * 2048, bytes, undo);
  } else if (choice === 8) {
    kind = 'truncated';
    byteLength = int(Math.min(b.length, map.metadataEnd + 64 * 2048));
  } else {
    kind = 'volume descriptor field';
    const d = 16 + int(3);
    const off = pick([80, 120, 128, 132, 140, 148, 156, 158, 166, 181, 188]) as number;
    setBytes(b, d * 2048 + off, u32both(value()).slice(0, 4 + int(5)), undo);
  }
  return mutation(b, undo, kind, byteLength);
}

/** A Mutation that puts back what `undo` noted (newest first). */
export function mutation(b: Uint8Array, undo: [number, number][], kind: string, byteLength: number): Mutation {
  return {
    kind,
    byteLength,
    revert() {
      for (let i = undo.length - 1; i >= 0; i--) {
        const [o, v] = undo[i] as [number, number];
        b[o] = v;
      }
    },
  };
}

/**
 * Visit `total` mutants spread evenly over `images`, mutation k of image i seeded with
 * `seedBase + i·100,000 + k`; each is reverted after its visit. Returns the sum of what `visit` returns.
 */
export async function overMutants(images: readonly FixtureName[], total: number, seedBase: number, visit: (bytes: Uint8Array, what: string) => Promise<number>): Promise<number> {
  const per = Math.ceil(total / images.length);
  let sum = 0;
  for (const [i, name] of images.entries()) {
    const original = new Uint8Array(readFileSync(await fixtureImage(name)));
    const map = mapImage(original);
    for (let k = 0; k < per; k++) {
      const seed = seedBase + i * 100_000 + k;
      const m = mutate(original, map, rng(seed));
      try {
        sum += await visit(original.subarray(0, m.byteLength), `${name} seed=${seed} (${m.kind})`);
      } finally {
        m.revert();
      }
    }
  }
  return sum;
}

/** `p`'s value, or the IsoKitError it threw; any other exception fails the test, naming `what`. */
export function settler(what: string): <T>(p: Promise<T>) => Promise<T | IsoKitError> {
  return async (p) => {
    try {
      return await p;
    } catch (e) {
      if (!(e instanceof IsoKitError)) assert.fail(`${what}: ${e instanceof Error ? e.stack : String(e)}`);
      return e;
    }
  };
}

/**
 * A mutation aimed at one reader's structures: inside a random `hot` range, flip a few bytes, write an extreme
 * 32-bit value (little-endian, big-endian or both), or fill a short run with zeros, 0xFF or random bytes.
 */
function mutateHot(b: Uint8Array, hot: readonly [number, number][], r: () => number): Mutation {
  const undo: [number, number][] = [];
  const int = (n: number) => Math.floor(r() * n);
  const [start, end] = hot[int(hot.length)] as [number, number];
  const at = () => start + int(Math.max(1, Math.min(end, b.length) - start));
  const choice = int(3);
  let kind: string;
  if (choice === 0) {
    kind = 'hot: flip bytes';
    for (let i = 0, n = 1 + int(8); i < n; i++) setBytes(b, at(), [int(256)], undo);
  } else if (choice === 1) {
    kind = 'hot: extreme 32-bit value';
    const v = r() < 0.6 ? (EXTREMES[int(EXTREMES.length)] as number) : int(0x100000000);
    const both = u32both(v);
    const form = int(3);
    setBytes(b, at() & ~3, form === 0 ? both.slice(0, 4) : form === 1 ? both.slice(4) : both, undo);
  } else {
    kind = 'hot: fill a run';
    const fill = int(3);
    const o = at();
    setBytes(b, o, Array.from({ length: 16 + int(48) }, () => (fill === 0 ? 0 : fill === 1 ? 0xff : int(256))), undo);
  }
  return {
    kind,
    byteLength: b.length,
    revert() {
      for (let i = undo.length - 1; i >= 0; i--) {
        const [o, v] = undo[i] as [number, number];
        b[o] = v;
      }
    },
  };
}

/**
 * One fuzz case's mutation, fully determined by (seed image, `hot`, `r`): half of them in the reader's hot
 * ranges when it has some, the others (and all for readers without) anywhere in the ISO metadata (`mutate`).
 */
export function mutateFor(b: Uint8Array, map: ImageMap, hot: readonly [number, number][], r: () => number): Mutation {
  const inside = hot.filter(([s, e]) => e > s && s < b.length);
  return inside.length && r() < 0.5 ? mutateHot(b, inside, r) : mutate(b, map, r);
}
