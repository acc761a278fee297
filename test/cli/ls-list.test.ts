/**
 * The listing pipeline of `isokit ls` (read/list.ts: the streaming walk in listing mode → views/rows.ts) must
 * print byte for byte what an independent string formatter (ls-reference.ts) prints for the entries of the
 * streaming walk in full mode: on every reference image and namespace, from several start paths, on mutated
 * images (where it may only throw IsoKitError, and must record the walk's findings), and for rows with odd
 * values; formatLong / formatShort (the library's text views) print the same. Also: the bundled CLI entry
 * starts and is the one bin/isokit.js runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { ErrorCode, IsoKitError, type Finding } from '../../src/errors/index.js';
import { MemorySource } from '../../src/io/index.js';
import type { TreeNode } from '../../src/model/index.js';
import { openImage, walkImage, type IsoImage } from '../../src/read/index.js';
import { listImage, type ListOptions } from '../../src/read/list.js';
import { LongRows, ShortRows } from '../../src/read/views/rows.js';
import { formatLong, formatShort, type ListedEntry } from '../../src/read/views/ls.js';
import { referenceLong, referenceShort } from './ls-reference.js';
import { fixtureImage, type FixtureName } from '../helpers/fixtures.js';
import { NAMESPACES, listingCases } from './listing-cases.js';
import { needTools, runCli } from '../helpers/index.js';
import { overMutants, settler } from '../fuzz/mutate.js';

const FUZZ_CASES = Number(process.env.LS_LIST_FUZZ_CASES ?? 1000);
const utf8 = (s: string) => Buffer.from(s, 'utf8');
const text = (lines: string[]) => (lines.length ? lines.join('\n') + '\n' : '');

/** The reference: the streaming walk's entries (full nodes) through the independent string formatter. */
async function expected(image: IsoImage, opts: ListOptions, long: boolean): Promise<Buffer> {
  const entries: ListedEntry[] = [];
  for await (const e of walkImage(image, opts)) entries.push({ node: e.node, path: e.path });
  // compared as UTF-8 (a lone surrogate in a name is written as U+FFFD, as UTF-8 encodes it)
  const want = utf8(long ? referenceLong(entries) : referenceShort(entries));
  assert.ok(utf8(text(long ? formatLong(entries) : formatShort(entries))).equals(want), 'formatLong / formatShort');
  return want;
}

/** What the listing pipeline prints. */
async function listed(image: IsoImage, opts: ListOptions, long: boolean): Promise<Buffer> {
  if (long) {
    const rows = new LongRows();
    for await (const _ of listImage(image, rows, opts));
    return Buffer.concat([...rows.chunks()]);
  }
  const rows = new ShortRows();
  const parts: Uint8Array[] = [];
  for await (const _ of listImage(image, rows, opts)) parts.push(...rows.take());
  parts.push(...rows.take(true));
  return Buffer.concat(parts);
}

const sortFindings = (f: readonly Finding[]) => f.map((x) => JSON.stringify(x)).sort();

test('rows: the text of formatLong / formatShort for odd values, escapes, Unicode, print order ≠ add order', () => {
  const f = (over: Partial<TreeNode>): TreeNode => ({ name: 'x', kind: 'file', size: 0, ...over });
  const nodes: [string, TreeNode][] = [
    ['plain', f({ mode: 0o100644, nlink: 1, uid: 0, gid: 0, size: 6, mtimeMs: Date.UTC(2023, 10, 14, 22, 13, 20, 999) })],
    ['ctl\x01\x1f\x7f and \\ back', f({ mode: 0o104755, nlink: 12345, uid: 4294967295, gid: 7, size: 2 ** 40, mtimeMs: -1 })],
    ['unicodé/名前/😀/\ud800 lone', f({ mode: 0o100600, size: 1, mtimeMs: -1.5 })],
    ['dev', f({ kind: 'chardev', mode: 0o20666, device: { major: 4, minor: 64 }, mtimeMs: 8.64e15 })],
    ['blk', f({ kind: 'blockdev', mode: 0o60660, device: { major: 259, minor: 1048575 }, mtimeMs: 8.64e15 + 1 })],
    ['link', f({ kind: 'symlink', mode: 0o120777, symlinkTarget: '../t\narget é', mtimeMs: Date.UTC(9999, 11, 31, 23, 59, 59) })],
    ['link-no-target', f({ kind: 'symlink', mode: 0o120777, mtimeMs: Date.UTC(10000, 0, 1) })],
    ['noperm', f({ kind: 'dir', children: [], mtimeMs: Number.NaN })],
    ['sticky', f({ kind: 'dir', mode: 0o41777, nlink: 3, children: [], mtimeMs: -8.64e15 - 1 })],
    ['odd numbers', f({ mode: 0o100644, nlink: 1.5, uid: -1, size: 1e21, mtimeMs: 1.5 })],
    ['old', f({ mode: 0o100644, mtimeMs: Date.UTC(-1, 5, 1) })],
    ['epoch-ish', f({ mode: 0o100644, mtimeMs: Date.UTC(1900, 1, 28, 23, 59, 59, 500) })],
    ['leap', f({ mode: 0o100644, mtimeMs: Date.UTC(2000, 1, 29, 12) })],
    ['', f({ kind: 'fifo', mode: 0o10644 })],
  ];
  for (const long of [true, false]) {
    // every node twice: by prefix and name, and with its whole path as the name
    const rows = long ? new LongRows() : new ShortRows();
    const entries: ListedEntry[] = [];
    for (const [path, node] of nodes) {
      const slash = path.lastIndexOf('/');
      const prefix = slash < 0 ? '' : path.slice(0, slash);
      const name = path.slice(slash + 1);
      const named = { ...node, name };
      rows.addNode(named, prefix);
      entries.push({ node: named, path });
      rows.addNode(named, '', path);
      entries.push({ node: named, path });
    }
    // rows added, then some dropped, then visited in reverse
    const kept = rows.rowCount;
    rows.addNode(f({ name: 'dropped', size: 123456789012 }), '');
    rows.truncate(kept);
    for (let r = kept - 1; r >= 0; r--) rows.visit(r);
    entries.reverse();
    const want = utf8(long ? referenceLong(entries) : referenceShort(entries));
    assert.ok(utf8(text(long ? formatLong(entries) : formatShort(entries))).equals(want), 'formatLong / formatShort');
    const got = rows instanceof LongRows ? Buffer.concat([...rows.chunks()]) : Buffer.concat(rows.take(true));
    assert.ok(got.equals(want), `${long ? 'long' : 'short'}:\n${got.toString()}\n---\n${want.toString()}`);
  }
  // many rows: several chunks, a row longer than a chunk's slack, widths set by the last row
  const many = new LongRows();
  const entries: ListedEntry[] = [];
  for (let i = 0; i < 150_000; i++) {
    const name = i === 77_777 ? `long-${'x'.repeat(3000)}` : `file-${i}${i % 5000 === 0 ? '-é' : ''}`;
    const node: TreeNode = { name, kind: 'file', size: i, mode: 0o100644, nlink: 1, uid: i % 3, gid: 1000, mtimeMs: Date.UTC(2020, 0, 1) + (i % 7) * 1000 + (i % 11) * 86_400_000 * 400 };
    many.addNode(node, `d${i % 97}`);
    many.visit(i);
    entries.push({ path: `d${i % 97}/${name}`, node });
  }
  many.addNode({ name: 'wide', kind: 'file', size: 2 ** 52, mode: 0o100644, nlink: 1234567, uid: 65534, gid: 65534 }, '');
  many.visit(150_000);
  entries.push({ path: 'wide', node: { name: 'wide', kind: 'file', size: 2 ** 52, mode: 0o100644, nlink: 1234567, uid: 65534, gid: 65534 } });
  const chunks = [...many.chunks()];
  assert.ok(chunks.length > 50);
  assert.ok(Buffer.concat(chunks).equals(utf8(referenceLong(entries))));
  assert.equal([...new LongRows().chunks()].length, 0);
});

test('listing walk: what walkImage + render/ls print, every reference image, namespace, form and start path', async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  let compared = 0;
  for await (const { name, bytes, namespace, starts } of listingCases((p, depth) => (depth % 2 ? p.toUpperCase() : `/${p}/`))) {
    for (const path of starts) {
      for (const recursive of [true, false]) {
        for (const long of [true, false]) {
          const opts = { namespace, path, recursive };
          const what = `${name} ${namespace} ${path} recursive=${recursive} long=${long}`;
          const a = await openImage(new MemorySource(bytes), { deferTree: true });
          const b = await openImage(new MemorySource(bytes), { deferTree: true });
          assert.ok((await listed(a, opts, long)).equals(await expected(b, opts, long)), what);
          assert.deepEqual(sortFindings(a.findings), sortFindings(b.findings), `${what}: findings`);
          compared++;
        }
      }
    }
  }
  assert.ok(compared > 100, `${compared} listings compared`);
  // a missing PATH or namespace: NOT_FOUND before any row
  const image = await openImage(new MemorySource(new Uint8Array(readFileSync(await fixtureImage('iso-level1')))), { deferTree: true });
  const rows = new LongRows();
  await assert.rejects(listed(image, { path: 'no/such' }, true), (e) => e instanceof IsoKitError && e.code === ErrorCode.NOT_FOUND && e.message === 'no/such: no such file or directory in the image');
  await assert.rejects(listed(image, { namespace: 'joliet' }, true), (e) => e instanceof IsoKitError && e.code === ErrorCode.NOT_FOUND);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(listed(image, { signal: ac.signal }, true), (e) => e instanceof IsoKitError && e.code === ErrorCode.ABORTED);
  assert.equal(rows.rowCount, 0);
});

test('listing walk: over a source that only reads asynchronously (read-ahead windows, as over http), the same text and findings', async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  let compared = 0;
  for await (const { name, bytes, namespace, starts } of listingCases((p) => p)) {
    for (const path of starts) {
      const opts = { namespace, path, recursive: true };
      const sync = new MemorySource(bytes);
      // no readSync: the reader reads each directory through its read-ahead windows
      const asyncOnly = { byteLength: sync.byteLength, name: sync.name, read: async (o: number, n: number) => sync.readSync(o, n) };
      const a = await openImage(asyncOnly, { deferTree: true });
      const b = await openImage(new MemorySource(bytes), { deferTree: true });
      assert.ok((await listed(a, opts, true)).equals(await listed(b, opts, true)), `${name} ${namespace} ${path}`);
      assert.deepEqual(sortFindings(a.findings), sortFindings(b.findings), `${name} ${namespace} ${path}: findings`);
      compared++;
    }
  }
  assert.ok(compared > 20, `${compared} listings compared`);
});

test('listing walk: mutated images give IsoKitErrors only, and what the streaming walk prints otherwise', async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  const fuzzed: FixtureName[] = ['xorriso-rr', 'genisoimage-rr', 'zisofs', 'iso-level1', 'genisoimage-joliet'];
  const compared = await overMutants(fuzzed, FUZZ_CASES, 9_000_000, compareMutated);
  assert.ok(compared > FUZZ_CASES / 2, `${compared} listings compared`);
});

async function compareMutated(bytes: Uint8Array, what: string): Promise<number> {
  const settle = settler(what);
  let compared = 0;
  for (const namespace of NAMESPACES) {
    const a = await settle(openImage(new MemorySource(bytes), { deferTree: true }));
    const b = await settle(openImage(new MemorySource(bytes), { deferTree: true }));
    if (a instanceof IsoKitError || b instanceof IsoKitError) return compared;
    const got = await settle(listed(a, { namespace }, true));
    const want = await settle(expected(b, { namespace }, true));
    if (got instanceof IsoKitError || want instanceof IsoKitError) {
      assert.equal(got instanceof IsoKitError ? got.code : 'listed', want instanceof IsoKitError ? want.code : 'walked', `${what} ${namespace}: both fail`);
      continue;
    }
    assert.ok(got.equals(want), `${what} ${namespace}`);
    assert.deepEqual(sortFindings(a.findings), sortFindings(b.findings), `${what} ${namespace}: findings`);
    compared++;
  }
  return compared;
}

test('the bundled CLI: built with dist/, newer than it, and what bin/isokit.js runs', (t) => {
  if (!existsSync(new URL('../../node_modules/esbuild/package.json', import.meta.url))) {
    t.skip('esbuild not installed: bin/isokit.js runs dist/cli/main.js');
    return;
  }
  // the whole CLI, and `isokit ls` alone
  for (const name of ['main.cjs', 'ls.cjs', 'create.cjs']) {
    const bundle = new URL(`../../dist/bundle/${name}`, import.meta.url);
    assert.ok(existsSync(bundle), `npm run build makes dist/bundle/${name}`);
    assert.ok(statSync(bundle).mtimeMs >= statSync(new URL('../../dist/cli/main.js', import.meta.url)).mtimeMs, 'the bundle is not older than dist/');
    // the V8 code cache made at build time is accepted by this Node (else every start compiles the bundle)
    const cache = new URL(`../../dist/bundle/${name}.cache`, import.meta.url);
    assert.ok(existsSync(cache), `npm run build makes dist/bundle/${name}.cache`);
    const source = readFileSync(bundle, 'utf8');
    const script = new Script(`(function (exports, require, module, __filename, __isokitBundleUrl, __isokitImport) {${source}\n})`, {
      filename: fileURLToPath(bundle),
      cachedData: readFileSync(cache),
    });
    assert.equal(script.cachedDataRejected, false, `${name}: the code cache matches the bundle and this Node`);
    assert.doesNotMatch(source, /(?<![\w$.])import\(|\bimport\.meta\b/, 'no import() or import.meta left in the vm script');
    // a one-byte string in V8 (scripts/bundle-cli.mjs escapes what esbuild leaves in comments)
    assert.doesNotMatch(source, /[^\x00-\x7f]/, `${name} is ASCII only`);
  }
  for (const name of ['ls.cjs', 'create.cjs']) {
    const small = statSync(new URL(`../../dist/bundle/${name}`, import.meta.url)).size;
    assert.ok(small < statSync(new URL('../../dist/bundle/main.cjs', import.meta.url)).size / 2, `${name} leaves the other commands out`);
  }
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const v = runCli(['--version']);
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout, `isokit ${pkg.version}\n`);
  const help = runCli(['help']);
  assert.equal(help.status, 0, help.stderr);
  for (const c of ['ls', 'extract', 'create', 'verify', 'write']) assert.match(help.stdout, new RegExp(`^  ${c} `, 'm'));
  const bad = runCli(['no-such-command']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown command "no-such-command"/);
  // through the ls bundle: its usage, a usage error, `list` as an alias
  const usage = runCli(['ls', '--help']);
  assert.equal(usage.status, 0, usage.stderr);
  assert.match(usage.stdout, /^usage: isokit ls IMAGE/);
  const none = runCli(['list']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /usage error: ls needs an IMAGE/);
});
