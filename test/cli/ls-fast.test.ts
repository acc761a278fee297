/**
 * `isokit ls -l` rows made in WebAssembly (cli/list-rows-fast.ts over wasm/list-rows.ts) print byte for
 * byte what the streaming walk + render/ls print, with the same findings, along each way the module is
 * used: the whole tree at once (`walk`, from the directory area read in one go), directory by directory
 * (`walk` off), and rows the walk reads itself copied in. On every reference image, namespace, start path
 * and depth; on mutated images; on images whose dates were randomized (GMT offsets, months and days out
 * of range: the module's own date arithmetic). The committed module is what its source builds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IsoKitError, type Finding } from '../../src/errors/index.js';
import { MemorySource } from '../../src/io/index.js';
import { openImage, walkImage, type IsoImage } from '../../src/read/index.js';
import { listImage, type ListOptions } from '../../src/read/list-walk.js';
import { FastLongRows } from '../../src/cli/list-rows-fast.js';
import { formatLong, type ListedEntry } from '../../src/read/views/ls.js';
import { fixtureImage, type FixtureName } from '../helpers/fixtures.js';
import { listingCases } from './listing-cases.js';
import { needTools, runCli, tmpDir } from '../helpers/index.js';
import { mapImage, overMutants, rng, settler } from '../fuzz/mutate.js';

const FUZZ_CASES = Number(process.env.LS_FAST_FUZZ_CASES ?? 400);
const DATE_CASES = Number(process.env.LS_FAST_DATE_CASES ?? 240);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const sortFindings = (f: readonly Finding[]) => f.map((x) => JSON.stringify(x)).sort();

/** The reference: the streaming walk's entries through render/ls.ts formatLong. */
async function expected(image: IsoImage, opts: ListOptions): Promise<Buffer> {
  const entries: ListedEntry[] = [];
  for await (const e of walkImage(image, opts)) entries.push({ node: e.node, path: e.path });
  const lines = formatLong(entries);
  return Buffer.from(lines.length ? lines.join('\n') + '\n' : '', 'utf8');
}

type Way = 'tree' | 'dirs';
/** How often the whole-tree walk answered (else the test would compare the directory way twice). */
const walked = { yes: 0, no: 0 };

/** The listing through FastLongRows, the whole tree at once where it can ('tree') or never ('dirs'). */
async function fast(image: IsoImage, opts: ListOptions, way: Way): Promise<Buffer> {
  const rows = FastLongRows.create();
  assert.ok(rows, 'WebAssembly runs here');
  if (way === 'dirs') (rows as { walk?: unknown }).walk = undefined;
  else {
    const walk = rows.walk.bind(rows);
    rows.walk = (...args) => {
      const r = walk(...args);
      walked[r ? 'yes' : 'no']++;
      return r;
    };
  }
  for await (const _ of listImage(image, rows, opts));
  return Buffer.concat([...rows.chunks()]);
}

async function compare(bytes: Uint8Array, opts: ListOptions, what: string): Promise<boolean> {
  const settle = settler(what);
  const want = await settle(openImage(new MemorySource(bytes), { deferTree: true }).then(async (b) => ({ text: await expected(b, opts), findings: b.findings })));
  for (const way of ['tree', 'dirs'] as const) {
    const got = await settle(openImage(new MemorySource(bytes), { deferTree: true }).then(async (a) => ({ text: await fast(a, opts, way), findings: a.findings })));
    if (got instanceof IsoKitError || want instanceof IsoKitError) {
      assert.equal(got instanceof IsoKitError ? got.code : 'listed', want instanceof IsoKitError ? want.code : 'walked', `${what} ${way}: both fail`);
      continue;
    }
    assert.ok(got.text.equals(want.text), `${what} ${way}:\n${got.text.toString().slice(0, 2000)}\n---\n${want.text.toString().slice(0, 2000)}`);
    assert.deepEqual(sortFindings(got.findings), sortFindings(want.findings), `${what} ${way}: findings`);
  }
  return !(want instanceof IsoKitError);
}

test('WebAssembly rows: what walkImage + formatLong print, every reference image, namespace, start path and depth', async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  let compared = 0;
  const before = { ...walked };
  for await (const { name, bytes, namespace, starts } of listingCases((p) => `/${p}`)) {
    for (const path of starts) {
      for (const recursive of [true, false]) {
        if (await compare(bytes, { namespace, path, recursive }, `${name} ${namespace} ${path} recursive=${recursive}`)) compared++;
      }
    }
  }
  assert.ok(compared > 60, `${compared} listings compared`);
  // both ways were taken: whole trees (plain images) and directory by directory (symlinks, devices, …)
  assert.ok(walked.yes > before.yes, 'the whole-tree walk answered');
  assert.ok(walked.no > before.no, 'the whole-tree walk declined');
});

test('WebAssembly rows: one call lists a tree whose records the walk reads in part (symlinks, fifos, escaped and Unicode names)', async (t) => {
  if (!needTools(t, 'mkfifo')) return;
  const { dir, cleanup } = tmpDir('ls-fast');
  try {
    const src = path.join(dir, 'src');
    // names the module leaves to the walk: Unicode, a backslash, a control character; a Unicode directory
    // (its rows' prefix made from the walk's name), symlinks, a fifo; plain files around them
    for (const d of ['plain', 'plain/sub', 'unicodé', 'unicodé/ünter', 'back\\slash']) mkdirSync(path.join(src, d), { recursive: true });
    for (const f of ['plain/a.txt', 'plain/sub/b.txt', 'unicodé/c.txt', 'unicodé/ünter/d 名前.txt', 'back\\slash/e\x01f', 'top.txt']) writeFileSync(path.join(src, f), f);
    symlinkSync('plain/a.txt', path.join(src, 'link'));
    symlinkSync('../top.txt', path.join(src, 'unicodé/up'));
    assert.equal(spawnSync('mkfifo', [path.join(src, 'plain/fifo')]).status, 0);
    const iso = path.join(dir, 'mixed.iso');
    const made = runCli(['create', src, '-o', iso, '--date', '2024-05-06T07:08:09Z']);
    assert.equal(made.status, 0, made.stderr);
    const bytes = new Uint8Array(readFileSync(iso));
    const before = walked.yes;
    for (const recursive of [true, false]) assert.ok(await compare(bytes, { namespace: 'rockridge', recursive }, `mixed recursive=${recursive}`));
    assert.equal(walked.yes, before + 1, 'the whole-tree walk answered');
    const listing = (await fast(await openImage(new MemorySource(bytes), { deferTree: true }), {}, 'tree')).toString();
    assert.match(listing, / unicodé\/ünter\/d 名前\.txt\n/);
    assert.match(listing, / back\\\\slash\/e\\x01f\n/);
    assert.match(listing, /^l.* unicodé\/up -> \.\.\/top\.txt$/m);
    assert.match(listing, /^p.* plain\/fifo$/m);
    // the CLI: into a pipe, into a file (written from the module's memory), the same text
    const piped = runCli(['ls', '-R', '-l', iso]);
    assert.equal(piped.status, 0, piped.stderr);
    assert.equal(piped.stdout, listing);
    const file = path.join(dir, 'listing.txt');
    const fd = openSync(file, 'w');
    try {
      const r = runCli(['ls', '-R', '-l', iso], { stdio: ['ignore', fd, 'pipe'] });
      assert.equal(r.status, 0, r.stderr);
    } finally {
      closeSync(fd);
    }
    assert.equal(readFileSync(file, 'utf8'), listing);
  } finally {
    cleanup();
  }
});

test('WebAssembly rows: mutated images give IsoKitErrors only, and what the streaming walk prints otherwise', async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  const fuzzed: FixtureName[] = ['xorriso-rr', 'genisoimage-rr', 'many-files', 'multisession'];
  const compared = await overMutants(fuzzed, FUZZ_CASES, 11_000_000, async (bytes, what) => ((await compare(bytes, { namespace: 'rockridge' }, what)) ? 1 : 0));
  assert.ok(compared > FUZZ_CASES / 2, `${compared} listings compared`);
});

test('WebAssembly rows: random record and Rock Ridge dates print as a Date shows them', async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  let compared = 0;
  for (const name of ['xorriso-rr', 'genisoimage-rr', 'many-files'] as const) {
    const original = new Uint8Array(readFileSync(await fixtureImage(name)));
    const map = mapImage(original);
    const dates = [...map.records.map((o) => o + 18), ...(map.susp.get('TF') ?? []).flatMap((o) => [o + 5, o + 12, o + 19])];
    assert.ok(dates.length > 10, `${name}: dates found`);
    for (let k = 0; k < DATE_CASES / 3; k++) {
      const r = rng(12_000_000 + k);
      const bytes = original.slice();
      for (const o of dates) {
        if (r() < 0.5) continue;
        // mostly plausible dates (days 29–31 of any month too), some with any byte: carried fields, GMT
        // offsets in and out of range (stored as a signed byte)
        const wild = r() < 0.3;
        const field = (max: number) => Math.floor(r() * (wild ? 256 : max));
        const offset = wild ? field(256) : r() < 0.7 ? 0 : Math.floor(r() * 105) - 48;
        bytes.set([field(200), field(12) + (wild ? 0 : 1), field(31) + (wild ? 0 : 1), field(24), field(60), field(60), (offset + 256) % 256], o);
      }
      if (await compare(bytes, { namespace: 'rockridge' }, `${name} dates seed=${k}`)) compared++;
    }
  }
  assert.ok(compared > DATE_CASES / 2, `${compared} listings compared`);
});

test('the committed WebAssembly module is what wasm/list-rows.ts builds (scripts/build-wasm.mjs --check)', () => {
  const r = spawnSync(process.execPath, [`${ROOT}scripts/build-wasm.mjs`, '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
