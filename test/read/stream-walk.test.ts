/**
 * The streaming walk (`openImage(…, { deferTree: true })` + `walkImage`) must give what walking the eager
 * tree gives: the same (path, depth, node fields) sequence, in every namespace of every reference image,
 * from the root and from every directory (recursive or not), with the same findings; and on mutated images
 * it must only ever throw IsoKitError (and agree with the eager tree wherever the image has no loops).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ErrorCode, IsoKitError, type Finding } from '../../src/errors/index.js';
import { MemorySource, type ByteSource } from '../../src/io/index.js';
import { walkTree, type TreeNode } from '../../src/model/index.js';
import { openImage, walkImage, walkImageBatches, type IsoImage, type WalkOptions } from '../../src/read/index.js';
import { FIXTURES, fixtureImage, type FixtureName } from '../helpers/fixtures.js';
import { needTools } from '../helpers/index.js';
import { overMutants, settler } from '../fuzz/mutate.js';

const IMAGES = Object.keys(FIXTURES) as FixtureName[];
const NAMESPACES = ['rockridge', 'joliet', 'iso9660'] as const;
type Ns = (typeof NAMESPACES)[number];
const FUZZ_CASES = Number(process.env.STREAM_WALK_FUZZ_CASES ?? 1500);

/** Every field of a node (`linkGroup` only when asked for); `children` as empty or not; content as its ranges. */
function plain(n: TreeNode, links = false): unknown {
  const { content, children, linkGroup, ...rest } = n;
  return {
    ...rest,
    ...(links && linkGroup !== undefined ? { linkGroup } : {}),
    ...(children ? { children: children.length === 0 ? 'empty' : 'listed' } : {}),
    ...(content ? { content: { byteLength: content.byteLength, ranges: content.ranges?.map((r) => [r.byteOffset, r.byteLength]) } } : {}),
  };
}

interface Row { path: string; depth: number; node: unknown }

/** What the eager tree gives below `start` (found at `path`), as `walkImage` would list it. */
function eagerRows(start: TreeNode, recursive: boolean, links = false): Row[] {
  if (start.kind !== 'dir') return [{ path: start.name, depth: 0, node: plain(start, links) }];
  const rows: Row[] = [];
  for (const e of walkTree(start)) {
    if (e.depth === 0 || (!recursive && e.depth > 1)) continue;
    // the walk hands out directory nodes before reading them: their children show as empty
    rows.push({ path: e.path, depth: e.depth, node: plain(e.node.kind === 'dir' ? { ...e.node, children: [] } : e.node, links) });
  }
  return rows;
}

async function streamRows(image: IsoImage, opts: WalkOptions = {}): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const e of walkImage(image, opts)) rows.push({ path: e.path, depth: e.depth, node: plain(e.node, opts.linkGroups) });
  return rows;
}

const sortFindings = (f: Finding[]) => f.map((x) => JSON.stringify(x)).sort();

async function available(bytes: Uint8Array): Promise<Ns[]> {
  const image = await openImage(new MemorySource(bytes), { deferTree: true });
  return NAMESPACES.filter((ns) => ns === 'iso9660' || image.namespaces[ns as 'joliet' | 'rockridge']);
}

test('stream walk: the same entries and findings as the eager tree, every reference image and namespace', async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  for (const name of IMAGES) {
    const bytes = new Uint8Array(readFileSync(await fixtureImage(name)));
    for (const namespace of await available(bytes)) {
      const what = `${name} ${namespace}`;
      const eager = await openImage(new MemorySource(bytes), { namespace });
      const deferred = await openImage(new MemorySource(bytes), { namespace, deferTree: true });
      assert.throws(() => deferred.tree, (e) => e instanceof IsoKitError && e.code === ErrorCode.INVALID_ARGUMENT, what);
      const findingsBefore = deferred.findings.length;
      const rows = await streamRows(deferred);
      assert.ok(rows.length > 0, what);
      assert.deepEqual(rows, eagerRows(eager.tree, true), what);
      // the walk records what building the tree records (a tree built from a deferred image: same boot info)
      const built = await openImage(new MemorySource(bytes), { namespace, deferTree: true });
      await built.openTree(namespace);
      assert.deepEqual(sortFindings(deferred.findings), sortFindings(built.findings), `${what}: findings`);
      assert.ok(deferred.findings.length >= findingsBefore);
      if (name === 'xorriso-rr' && namespace === 'rockridge') assert.ok(rows.length && JSON.stringify(eagerRows(eager.tree, true, true)).includes('linkGroup'), 'hard links compared');
      // with linkGroups: the eager tree's hard-link groups too (groups span the image: also from a subdirectory)
      assert.deepEqual(await streamRows(deferred, { linkGroups: true }), eagerRows(eager.tree, true, true), `${what} (links)`);
      const sub = eager.tree.children?.find((k) => k.kind === 'dir');
      if (sub) assert.deepEqual(await streamRows(deferred, { linkGroups: true, path: sub.name }), eagerRows(sub, true, true), `${what} ${sub.name} (links)`);
      // file contents read through the walked nodes are the bytes of the eager tree's files
      const eagerFiles = new Map([...walkTree(eager.tree)].filter((e) => e.node.kind === 'file').map((e) => [e.path, e.node]));
      for await (const e of walkImage(deferred)) {
        if (e.node.kind !== 'file' || e.node.size > 1 << 20) continue;
        assert.deepEqual(await readAll(e.node), await readAll(eagerFiles.get(e.path) as TreeNode), `${what}: ${e.path}`);
      }
    }
  }
});

async function readAll(n: TreeNode): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  if (n.content) for await (const c of n.content.stream()) parts.push(c);
  return Buffer.concat(parts);
}

test('stream walk: from every directory, recursive or not, and from files (paths like findNode)', async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  for (const name of ['xorriso-rr', 'genisoimage-rr', 'genisoimage-joliet', 'iso-level1'] as FixtureName[]) {
    const bytes = new Uint8Array(readFileSync(await fixtureImage(name)));
    const eager = await openImage(new MemorySource(bytes));
    const image = await openImage(new MemorySource(bytes), { deferTree: true });
    let checked = 0;
    for (const { node, path } of walkTree(eager.tree)) {
      if (node.kind !== 'dir' && checked % 7 !== 0) continue;
      for (const recursive of [true, false]) {
        // also typed with a leading slash, a trailing slash, "." components and other case (like findNode)
        for (const typed of [path, `/${path}/`, `./${path}`, path.toUpperCase()]) {
          const want = eagerRows(findByPath(eager.tree, typed) ?? node, recursive);
          assert.deepEqual(await streamRows(image, { path: typed, recursive }), want, `${name} "${typed}" recursive=${recursive}`);
        }
      }
      checked++;
    }
    assert.ok(checked > 3, name);
    for (const missing of ['no/such/path', `${firstFile(eager.tree)}/below-a-file`]) {
      await assert.rejects(streamRows(image, { path: missing }), (e) => e instanceof IsoKitError && e.code === ErrorCode.NOT_FOUND && e.message === `${missing}: no such file or directory in the image`);
    }
  }
});

/** findNode's lookup (exact name, then case-insensitive), which `walkImage`'s path must follow. */
function findByPath(root: TreeNode, path: string): TreeNode | undefined {
  let cur: TreeNode | undefined = root;
  for (const p of path.split('/').filter((x) => x && x !== '.')) {
    const kids: TreeNode[] = cur?.children ?? [];
    cur = kids.find((k) => k.name === p) ?? kids.find((k) => k.name.toLowerCase() === p.toLowerCase());
    if (!cur) return undefined;
  }
  return cur;
}

function firstFile(root: TreeNode): string {
  for (const e of walkTree(root)) if (e.node.kind === 'file') return e.path;
  return 'none';
}

/** A source whose reads take a while and may overlap (like http): counts how many were in flight at once. */
class SlowSource implements ByteSource {
  inFlight = 0;
  maxInFlight = 0;
  reads = 0;
  constructor(private readonly inner: ByteSource) {}
  get byteLength() { return this.inner.byteLength; }
  get name() { return this.inner.name; }
  async read(byteOffset: number, byteLength: number, opts?: { signal?: AbortSignal }): Promise<Uint8Array> {
    this.reads++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 1));
    this.inFlight--;
    return this.inner.read(byteOffset, byteLength, opts);
  }
}

test('stream walk: reads directories in windows on slow sources, batches, aborts, refuses a missing namespace', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const bytes = new Uint8Array(readFileSync(await fixtureImage('xorriso-rr')));
  const eager = await openImage(new MemorySource(bytes));
  const slow = new SlowSource(new MemorySource(bytes));
  const image = await openImage(slow, { deferTree: true });
  slow.maxInFlight = 0;
  slow.reads = 0;
  assert.deepEqual(await streamRows(image), eagerRows(eager.tree, true));
  // directories written next to each other come in one read (64 KiB windows), not one read each
  const dirs = [...walkTree(eager.tree)].filter((e) => e.node.kind === 'dir').length;
  assert.ok(slow.reads < dirs / 2, `${slow.reads} reads for ${dirs} directories`);

  let total = 0;
  for await (const batch of walkImageBatches(image)) {
    assert.ok(batch.length > 0);
    total += batch.length;
  }
  assert.equal(total, [...walkTree(eager.tree)].length - 1);

  const ac = new AbortController();
  ac.abort();
  await assert.rejects(streamRows(image, { signal: ac.signal }), (e) => e instanceof IsoKitError && e.code === ErrorCode.ABORTED);
  const plainIso = new Uint8Array(readFileSync(await fixtureImage('iso-level1')));
  await assert.rejects(streamRows(await openImage(new MemorySource(plainIso), { deferTree: true }), { namespace: 'joliet' }), (e) => e instanceof IsoKitError && e.code === ErrorCode.NOT_FOUND);
});

test('stream walk: mutated images give IsoKitErrors only, and the eager entries when the image has no loop', async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  const fuzzed = ['xorriso-rr', 'genisoimage-rr', 'zisofs', 'iso-level1', 'genisoimage-joliet'] as const;
  const compared = await overMutants(fuzzed, FUZZ_CASES, 7_000_000, compareMutated);
  assert.ok(compared > FUZZ_CASES / 2, `${compared} namespaces compared`);
});

/** Walk every namespace of a (mutated) image; compare with the eager tree where that has no loop. */
async function compareMutated(bytes: Uint8Array, what: string): Promise<number> {
  const settle = settler(what);
  const deferred = await settle(openImage(new MemorySource(bytes), { deferTree: true }));
  if (deferred instanceof IsoKitError) return 0;
  let compared = 0;
  for (const ns of NAMESPACES) {
    const rows: Row[] | IsoKitError = await settle(streamRows(deferred, { namespace: ns }));
    const other = await settle(openImage(new MemorySource(bytes), { deferTree: true }));
    if (other instanceof IsoKitError) continue;
    const tree = await settle(other.openTree(ns));
    if (tree instanceof IsoKitError || rows instanceof IsoKitError) {
      assert.equal(rows instanceof IsoKitError && tree instanceof IsoKitError ? rows.code : 'x', tree instanceof IsoKitError ? tree.code : 'y', `${what} ${ns}: both fail`);
      continue;
    }
    if (other.findings.some((f) => f.code === 'DIRECTORY_LOOP' || f.code === 'TOO_MANY_RECORDS')) continue;
    assert.deepEqual(rows, eagerRows(tree, true), `${what} ${ns}`);
    compared++;
  }
  return compared;
}
