/**
 * How a split reads and emits, on WIMs from the recipe: planning reads only the header, the blob table and the
 * XML; streaming a part reads its resources in source order, in reads no larger than the chunk size (never a
 * whole resource), merging contiguous resources; a ConcatSource works as the WIM (a file made of extents) and
 * over a part's ranges; abort, a source that shrank, bad options and a blob table that wimlib tolerates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import {
  clampRead, concatSource, ErrorCode, FindingCode, IsoKitError, MemorySource, throwIfAborted, wim,
  type ByteSource, type Content, type ReadOptions,
} from '../../src/index.js';
import { needTools, tmpDir } from '../helpers/index.js';
import { buildWimSet, KiB, refGlob, sha1, wimlib, writeParts } from './wim-helpers.js';

const tmp = tmpDir('wim-stream');
process.on('exit', () => tmp.cleanup());
let setDir: string | undefined;
function wimBytes(name: string): Uint8Array {
  if (!setDir) {
    setDir = path.join(tmp.dir, 'set');
    mkdirSync(setDir);
    buildWimSet(setDir);
  }
  return new Uint8Array(readFileSync(path.join(setDir, name)));
}

/** A memory source that records every read; `shrinkTo` makes later reads stop early (a file cut meanwhile). */
class RecordingSource implements ByteSource {
  readonly reads: [number, number][] = [];
  readonly byteLength: number;
  shrinkTo = Infinity;
  constructor(private readonly bytes: Uint8Array, readonly name = 'recorded.wim') {
    this.byteLength = bytes.length;
  }
  async read(byteOffset: number, byteLength: number, opts?: ReadOptions): Promise<Uint8Array> {
    throwIfAborted(opts?.signal);
    const n = clampRead(this, byteOffset, byteLength);
    this.reads.push([byteOffset, n]);
    return this.bytes.slice(byteOffset, Math.min(byteOffset + n, this.shrinkTo));
  }
}

async function digest(content: Content, chunkSize?: number): Promise<{ sha256: string; byteLength: number }> {
  const h = createHash('sha256');
  let n = 0;
  for await (const c of content.stream(chunkSize ? { chunkSize } : {})) {
    h.update(c);
    n += c.length;
  }
  return { sha256: h.digest('hex'), byteLength: n };
}

test('planning reads only the header, the blob table and the XML data', async (t) => {
  if (!needTools(t, 'wimlib-imagex')) return;
  const src = new RecordingSource(wimBytes('lzx.wim'));
  const plan = await wim.planWimSplit(src, { partByteLength: 512 * KiB });
  const h = plan.parts[0]?.header as wim.WimHeader;
  const read = src.reads.reduce((s, [, n]) => s + n, 0);
  const layout = await wim.readWimLayout(new MemorySource(wimBytes('lzx.wim')));
  assert.equal(read, wim.WIM_HEADER_BYTE_LENGTH + layout.header.blobTable.storedByteLength + layout.xml.length, 'header, blob table, XML');
  assert.equal(src.reads.length, 3);
  assert.ok(plan.totalParts >= 3 && h.totalParts === plan.totalParts);
});

test('a part streams its resources in source order, in reads of at most the chunk size, contiguous ones merged', async (t) => {
  if (!needTools(t, 'wimlib-imagex')) return;
  for (const name of ['none.wim', 'lzx.wim']) {
    const bytes = wimBytes(name);
    const layout = await wim.readWimLayout(new MemorySource(bytes));
    const largest = Math.max(...layout.blobs.map((e) => e.resource.storedByteLength));
    const src = new RecordingSource(bytes);
    const plan = await wim.planWimSplit(src, { partByteLength: 512 * KiB });
    let totalReads = 0;
    for (const part of plan.parts) {
      src.reads.length = 0;
      const chunk = 64 * KiB;
      const got = await digest(part.content, chunk);
      assert.equal(got.byteLength, part.byteLength, `${name} ${part.name}: exactly its planned bytes`);
      const read = src.reads.reduce((s, [, n]) => s + n, 0);
      assert.equal(read, part.resourceByteLength, `${name} ${part.name}: reads only its resources`);
      assert.ok(src.reads.every(([, n]) => n <= chunk), `${name} ${part.name}: no read above ${chunk} bytes`);
      // ascending, except where wimlib's order restarts: uncompressed blobs after the raw-copied ones, metadata
      const backwards = src.reads.filter(([o], i) => i > 0 && o < (src.reads[i - 1] as [number, number])[0]).length;
      assert.ok(backwards <= (part.partNumber === 1 ? 2 : 1), `${name} ${part.name}: ${backwards} restarts`);
      if (name === 'none.wim' && part.partNumber > 1) assert.equal(backwards, 0, `${name} ${part.name}: one sweep`);
      totalReads += src.reads.length;
    }
    assert.ok(largest > 16 * 64 * KiB, `${name}: a resource of ${largest} bytes was read in pieces`);
    // with a chunk larger than any run, one read per run of contiguous resources: fewer reads than blobs
    src.reads.length = 0;
    for (const part of plan.parts) await digest(part.content, 64 * 2 ** 20);
    assert.ok(src.reads.length < layout.blobs.length + layout.metadata.length, `${name}: ${src.reads.length} reads for ${layout.blobs.length} blobs`);
    assert.ok(totalReads > 0);
  }
});

test('concatSource: a WIM given as ranges of other sources splits to the same bytes; a part\'s ranges read back as the part', async (t) => {
  if (!needTools(t, 'wimlib-imagex')) return;
  const bytes = wimBytes('xpress.wim');
  const whole = new MemorySource(bytes, 'install.wim');
  // three "extents" of uneven length, from two different sources
  const other = new MemorySource(bytes.slice(), 'copy');
  const cut1 = 1_000_003;
  const cut2 = 2_345_678;
  const pieces = concatSource([
    { source: whole, byteOffset: 0, byteLength: cut1 },
    { source: other, byteOffset: cut1, byteLength: cut2 - cut1 },
    { source: whole, byteOffset: cut2, byteLength: bytes.length - cut2 },
  ], 'sources/install.wim');
  const a = await wim.planWimSplit(whole, { partByteLength: 512 * KiB });
  const b = await wim.planWimSplit(pieces, { partByteLength: 512 * KiB });
  assert.equal(a.totalParts, b.totalParts);
  for (let i = 0; i < a.totalParts; i++) {
    const pa = a.parts[i] as wim.WimSplitPart;
    const pb = b.parts[i] as wim.WimSplitPart;
    assert.deepEqual(await digest(pb.content, 100_000), await digest(pa.content), `part ${i + 1}`);
    // the part as a ByteSource (no integrity table: its content is plain ranges) parses as a WIM part
    const ranges = pb.content.ranges;
    assert.ok(ranges, 'ranges when no integrity table is computed');
    const asSource = concatSource(ranges, pb.name);
    assert.equal(asSource.byteLength, pb.byteLength);
    const head = wim.parseWimHeader(await asSource.read(0, wim.WIM_HEADER_BYTE_LENGTH));
    assert.deepEqual(head, pb.header);
    const tableAt = head.blobTable.byteOffset;
    const table = wim.parseBlobTable(await asSource.read(tableAt, head.blobTable.storedByteLength), tableAt);
    assert.equal(table.length, pb.blobCount + (i === 0 ? head.imageCount : 0));
    assert.ok(table.every((e) => e.partNumber === i + 1));
  }
  const errors = await wim.planWimSplit(concatSource([{ source: whole, byteOffset: 0, byteLength: 5000 }], 'sources/cut.wim'), { partByteLength: 512 * KiB }).catch((e: unknown) => e);
  assert.ok(errors instanceof IsoKitError && errors.code === ErrorCode.TRUNCATED && /sources\/cut\.wim/.test(errors.message), String(errors));
});

test('abort, a source that shrank after planning, bad options: IsoKitErrors, never a wrong part', async (t) => {
  if (!needTools(t, 'wimlib-imagex')) return;
  const bytes = wimBytes('none.wim');
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(wim.planWimSplit(new MemorySource(bytes), { partByteLength: 512 * KiB, signal: ac.signal }), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.ABORTED);
  const src = new RecordingSource(bytes);
  const plan = await wim.planWimSplit(src, { partByteLength: 512 * KiB });
  const part = plan.parts[1] as wim.WimSplitPart;
  const stop = new AbortController();
  await assert.rejects(async () => {
    for await (const _ of part.content.stream({ chunkSize: 4096, signal: stop.signal })) stop.abort();
  }, (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.ABORTED);
  src.shrinkTo = bytes.length / 2;
  await assert.rejects(digest((plan.parts.at(-1) as wim.WimSplitPart).content), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.TRUNCATED && /changed since the split was planned/.test(e.message));
  const bad = (opts: Partial<wim.WimSplitOptions>) => wim.planWimSplit(new MemorySource(bytes), { partByteLength: 512 * KiB, ...opts });
  for (const o of [{ partByteLength: 0 }, { partByteLength: -5 }, { partByteLength: 1.5 }, { partByteLength: Number.NaN }, { baseName: '' }, { guid: new Uint8Array(15) }, { sizeRule: 'x' as 'wimlib' }]) {
    await assert.rejects(bad(o), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.INVALID_ARGUMENT, JSON.stringify(o));
  }
  const named = await bad({ baseName: 'sources/install' });
  assert.deepEqual(named.parts.slice(0, 3).map((p) => p.name), ['sources/install.swm', 'sources/install2.swm', 'sources/install3.swm']);
  const again = await bad({});
  assert.deepEqual(again.guid, plan.guid, 'the default GUID depends only on the source and the part size');
  assert.notDeepEqual(again.guid, (await bad({ partByteLength: 600 * KiB })).guid);
  assert.notDeepEqual(plan.guid, wim.parseWimHeader(bytes).guid, 'a new GUID, as wimlib gives the set');
});

/** A WIM with `blobs` one-byte uncompressed blobs and no image (the planner's limits, not wimlib's). */
function syntheticWim(blobs: number): Uint8Array {
  const entries: wim.BlobTableEntry[] = [];
  for (let i = 0; i < blobs; i++) {
    const sha = new Uint8Array(20);
    sha[0] = 1;
    sha[1] = i & 0xff;
    sha[2] = (i >> 8) & 0xff;
    sha[3] = (i >> 16) & 0xff;
    entries.push({ resource: { storedByteLength: 1, flags: 0, byteOffset: 208 + i, originalByteLength: 1 }, partNumber: 1, referenceCount: 1, sha1: sha });
  }
  const table = wim.serializeBlobTable(entries);
  const header = wim.serializeWimHeader({
    magic: 'wim', version: wim.WimVersion.DEFAULT, flags: 0, chunkByteLength: 0, guid: new Uint8Array(16).fill(7), partNumber: 1, totalParts: 1, imageCount: 0,
    blobTable: { storedByteLength: table.length, flags: wim.ResourceFlag.METADATA, byteOffset: 208 + blobs, originalByteLength: table.length },
    xmlData: wim.ZERO_RESOURCE_HEADER, bootMetadata: wim.ZERO_RESOURCE_HEADER, bootIndex: 0, integrityTable: wim.ZERO_RESOURCE_HEADER,
  });
  const out = new Uint8Array(208 + blobs + table.length);
  out.set(header, 0);
  out.set(table, 208 + blobs);
  return out;
}

test('at most 65535 parts', async () => {
  const src = new MemorySource(syntheticWim(wim.WIM_SPLIT_MAX_PARTS + 1));
  await assert.rejects(wim.planWimSplit(src, { partByteLength: 1 }), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.INVALID_ARGUMENT && /65536 parts/.test(e.message));
  const ok = await wim.planWimSplit(new MemorySource(syntheticWim(100)), { partByteLength: 1 });
  assert.equal(ok.totalParts, 100);
  assert.ok(ok.parts.every((p) => p.oversized && p.blobCount === 1));
});

test('entries wimlib ignores (duplicate, empty, all-zero hash, other part) are left out with findings; the parts still verify', async (t) => {
  if (!needTools(t, 'wimlib-imagex')) return;
  const bytes = wimBytes('none.wim');
  const h = wim.parseWimHeader(bytes);
  const table = wim.parseBlobTable(bytes.subarray(h.blobTable.byteOffset, h.blobTable.byteOffset + h.blobTable.storedByteLength));
  const file = table.find((e) => !(e.resource.flags & wim.ResourceFlag.METADATA)) as wim.BlobTableEntry;
  const extra: wim.BlobTableEntry[] = [
    file,
    { ...file, sha1: new Uint8Array(20) },
    { ...file, sha1: new Uint8Array(20).fill(9), resource: { ...file.resource, storedByteLength: 0, originalByteLength: 0 } },
    { ...file, sha1: new Uint8Array(20).fill(8), partNumber: 2 },
  ];
  const newTable = wim.serializeBlobTable([...table, ...extra]);
  // the new table goes at the end of the file; the header points at it
  const out = new Uint8Array(bytes.length + newTable.length);
  out.set(bytes, 0);
  out.set(newTable, bytes.length);
  out.set(wim.serializeWimHeader({ ...h, blobTable: { ...h.blobTable, byteOffset: bytes.length, storedByteLength: newTable.length, originalByteLength: newTable.length } }), 0);
  const plan = await wim.planWimSplit(new MemorySource(out, 'odd.wim'), { partByteLength: 512 * KiB, createSha1: sha1 });
  assert.deepEqual(plan.findings.map((f) => f.code).sort(), [FindingCode.WIM_BLOB_DUPLICATE, FindingCode.WIM_BLOB_EMPTY, FindingCode.WIM_BLOB_WRONG_PART, FindingCode.WIM_BLOB_ZERO_HASH].sort());
  assert.ok(plan.findings.every((f) => f.byteOffset !== undefined && f.byteOffset >= bytes.length && f.byteOffset < out.length), 'findings point into the table');
  const dir = path.join(tmp.dir, 'odd');
  mkdirSync(dir);
  await writeParts(plan, dir);
  wimlib('verify', path.join(dir, 'install.swm'), refGlob(dir));
});
