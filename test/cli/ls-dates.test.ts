/**
 * `isokit ls -l` text (the listing engine: the streaming walk in listing mode → views/rows.ts, which formats
 * dates with its own day arithmetic) against the independent string formatter over the walk's full nodes:
 * on images whose record and Rock Ridge dates were randomized (GMT offsets, months and days out of range,
 * days 29–31), and on a tree with symlinks, a fifo, escaped and Unicode names, into a pipe and into a file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IsoKitError, type Finding } from '../../src/errors/index.js';
import { MemorySource } from '../../src/io/index.js';
import { openImage, walkImage, type IsoImage } from '../../src/read/index.js';
import { listImage, type ListOptions } from '../../src/read/list.js';
import { LongRows } from '../../src/read/views/rows.js';
import { fixtureImage } from '../helpers/fixtures.js';
import { needTools, runCli, tmpDir } from '../helpers/index.js';
import { mapImage, rng, settler } from '../fuzz/mutate.js';
import { referenceLong, type RefEntry } from './ls-reference.js';

const DATE_CASES = Number(process.env.LS_DATE_CASES ?? 240);
const sortFindings = (f: readonly Finding[]) => f.map((x) => JSON.stringify(x)).sort();

/** The reference: the streaming walk's entries through the string formatter. */
async function expected(image: IsoImage, opts: ListOptions): Promise<Buffer> {
  const entries: RefEntry[] = [];
  for await (const e of walkImage(image, opts)) entries.push({ node: e.node, path: e.path });
  return Buffer.from(referenceLong(entries), 'utf8');
}

async function listed(image: IsoImage, opts: ListOptions): Promise<Buffer> {
  const rows = new LongRows();
  for await (const _ of listImage(image, rows, opts));
  return Buffer.concat([...rows.chunks()]);
}

async function compare(bytes: Uint8Array, opts: ListOptions, what: string): Promise<boolean> {
  const settle = settler(what);
  const want = await settle(openImage(new MemorySource(bytes), { deferTree: true }).then(async (b) => ({ text: await expected(b, opts), findings: b.findings })));
  const got = await settle(openImage(new MemorySource(bytes), { deferTree: true }).then(async (a) => ({ text: await listed(a, opts), findings: a.findings })));
  if (got instanceof IsoKitError || want instanceof IsoKitError) {
    assert.equal(got instanceof IsoKitError ? got.code : 'listed', want instanceof IsoKitError ? want.code : 'walked', `${what}: both fail`);
    return false;
  }
  assert.ok(got.text.equals(want.text), `${what}:\n${got.text.toString().slice(0, 2000)}\n---\n${want.text.toString().slice(0, 2000)}`);
  assert.deepEqual(sortFindings(got.findings), sortFindings(want.findings), `${what}: findings`);
  return true;
}

test('ls -l: symlinks, fifos, escaped and Unicode names, the same text into a pipe and into a file', async (t) => {
  if (!needTools(t, 'mkfifo')) return;
  const { dir, cleanup } = tmpDir('ls-dates');
  try {
    const src = path.join(dir, 'src');
    // Unicode, a backslash, a control character; a Unicode directory (its rows' prefix), symlinks, a fifo;
    // plain files around them
    for (const d of ['plain', 'plain/sub', 'unicodé', 'unicodé/ünter', 'back\\slash']) mkdirSync(path.join(src, d), { recursive: true });
    for (const f of ['plain/a.txt', 'plain/sub/b.txt', 'unicodé/c.txt', 'unicodé/ünter/d 名前.txt', 'back\\slash/e\x01f', 'top.txt']) writeFileSync(path.join(src, f), f);
    symlinkSync('plain/a.txt', path.join(src, 'link'));
    symlinkSync('../top.txt', path.join(src, 'unicodé/up'));
    assert.equal(spawnSync('mkfifo', [path.join(src, 'plain/fifo')]).status, 0);
    const iso = path.join(dir, 'mixed.iso');
    const made = runCli(['create', src, '-o', iso, '--date', '2024-05-06T07:08:09Z']);
    assert.equal(made.status, 0, made.stderr);
    const bytes = new Uint8Array(readFileSync(iso));
    for (const recursive of [true, false]) assert.ok(await compare(bytes, { namespace: 'rockridge', recursive }, `mixed recursive=${recursive}`));
    const listing = (await listed(await openImage(new MemorySource(bytes), { deferTree: true }), {})).toString();
    assert.match(listing, / unicodé\/ünter\/d 名前\.txt\n/);
    assert.match(listing, / back\\\\slash\/e\\x01f\n/);
    assert.match(listing, /^l.* unicodé\/up -> \.\.\/top\.txt$/m);
    assert.match(listing, /^p.* plain\/fifo$/m);
    // the CLI: into a pipe, into a file (written at once), the same text
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

test('ls -l: random record and Rock Ridge dates print as a Date shows them', async (t) => {
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
