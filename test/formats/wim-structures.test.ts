/**
 * WIM structures on files wimlib-imagex wrote (recipe wim-set.sh): every header field as `wimlib-imagex info
 * --header` prints it, every blob table entry as `wimlib-imagex info --blobs` prints it, serialize(parse(bytes))
 * equal to the bytes for headers, blob tables and integrity tables, an integrity table recomputed from the
 * file equal to wimlib's, the XML data's TOTALBYTES and images; resource header sizes above 4 GiB.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ErrorCode, IsoKitError, MemorySource, toHex, wim } from '../../src/index.js';
import { needTools, tmpDir } from '../helpers/index.js';
import { buildWimSet, sha1, wimlib } from './wim-helpers.js';

const tmp = tmpDir('wim-struct');
process.on('exit', () => tmp.cleanup());
let setDir: string | undefined;
function wimSet(): string {
  if (!setDir) {
    setDir = path.join(tmp.dir, 'set');
    mkdirSync(setDir);
    buildWimSet(setDir);
  }
  return setDir;
}
const FILES = ['none.wim', 'xpress.wim', 'lzx.wim', 'lzx-check.wim', 'lzms.wim', 'solid.wim', 'install.esd'];

/** `Key = value` lines of `wimlib-imagex info --header`. */
function headerInfo(file: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of wimlib('info', file, '--header').split('\n')) {
    const kv = /^(\S.*?)\s+= (.*)$/.exec(line);
    if (kv) m.set(kv[1] as string, kv[2] as string);
  }
  return m;
}

test('WIM header: every field as wimlib-imagex info --header reads it; serialize(parse(bytes)) = bytes', async (t) => {
  if (!needTools(t, 'wimlib-imagex')) return;
  for (const name of FILES) {
    const file = path.join(wimSet(), name);
    const bytes = new Uint8Array(readFileSync(file));
    const h = wim.parseWimHeader(bytes);
    const info = headerInfo(file);
    const hex = (n: number): string => `0x${n.toString(16)}`;
    const r = (x: wim.ResourceHeader): string[] => [String(x.storedByteLength), hex(x.flags), String(x.byteOffset), String(x.originalByteLength)];
    assert.equal(hex(h.version), info.get('Version'), name);
    assert.equal(hex(h.flags), info.get('Flags'), name);
    assert.equal(String(h.chunkByteLength), info.get('Chunk Size'), name);
    assert.equal(toHex(h.guid), info.get('GUID'), name);
    assert.deepEqual([h.partNumber, h.totalParts, h.imageCount, h.bootIndex].map(String), ['Part Number', 'Total Parts', 'Image Count', 'Boot Index'].map((k) => info.get(k)), name);
    assert.deepEqual(r(h.blobTable), ['Blob Table Size', 'Blob Table Flags', 'Blob Table Offset', 'Blob Table Original_size'].map((k) => info.get(k)), name);
    assert.deepEqual(r(h.xmlData), ['XML Data Size', 'XML Data Flags', 'XML Data Offset', 'XML Data Original Size'].map((k) => info.get(k)), name);
    assert.deepEqual(r(h.bootMetadata), ['Boot Metadata Size', 'Boot Metadata Flags', 'Boot Metadata Offset', 'Boot Metadata Original Size'].map((k) => info.get(k)), name);
    assert.deepEqual(r(h.integrityTable), ['Integrity Size', 'Integrity Flags', 'Integrity Offset', 'Integrity Original_size'].map((k) => info.get(k)), name);
    assert.deepEqual(wim.serializeWimHeader(h), bytes.subarray(0, wim.WIM_HEADER_BYTE_LENGTH), `${name}: round trip`);
    const tableAt = h.blobTable.byteOffset;
    const table = bytes.subarray(tableAt, tableAt + h.blobTable.storedByteLength);
    assert.deepEqual(wim.serializeBlobTable(wim.parseBlobTable(table, tableAt)), table, `${name}: blob table round trip`);
  }
  assert.equal(wim.parseWimHeader(new Uint8Array(readFileSync(path.join(wimSet(), 'pipable.wim')))).magic, 'pipable');
});

/** Entries of `wimlib-imagex info --blobs` (non-solid WIMs), keyed by hash. */
function blobsInfo(file: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const block of wimlib('info', file, '--blobs').split(/\n\s*\n/)) {
    const rec: Record<string, string> = {};
    for (const line of block.split('\n')) {
      const kv = /^(\S.*?)\s+= (.*)$/.exec(line);
      if (kv) rec[kv[1] as string] = (kv[2] as string).trim();
    }
    if (rec.Hash) out.set(rec.Hash.replace(/^0x/, ''), rec);
  }
  return out;
}

test('blob table: the entries wimlib keeps, with the sizes, offsets, parts, counts and flags wimlib reads', async (t) => {
  if (!needTools(t, 'wimlib-imagex')) return;
  const flagNames: [number, string][] = [[1, 'FREE'], [2, 'METADATA'], [4, 'COMPRESSED'], [8, 'SPANNED'], [16, 'SOLID']];
  for (const name of FILES.slice(0, 5)) {
    const file = path.join(wimSet(), name);
    const layout = await wim.readWimLayout(new MemorySource(new Uint8Array(readFileSync(file)), name));
    const theirs = blobsInfo(file);
    const ours = [...layout.metadata, ...layout.blobs];
    assert.equal(layout.metadata.length, layout.header.imageCount, name);
    assert.equal(ours.length, theirs.size, `${name}: entry count`);
    assert.deepEqual(layout.findings, [], name);
    for (const e of ours) {
      const rec = theirs.get(toHex(e.sha1));
      assert.ok(rec, `${name}: ${toHex(e.sha1)} listed by wimlib`);
      const flags = flagNames.filter(([bit]) => e.resource.flags & bit).map(([, n]) => `WIM_RESHDR_FLAG_${n}`).sort().join(' ');
      assert.deepEqual(
        [rec['Uncompressed size'], rec['Compressed size'], rec['Offset in WIM'], rec['Part Number'], rec['Reference Count'], (rec.Flags ?? '').split(/\s+/).filter(Boolean).sort().join(' ')],
        [`${e.resource.originalByteLength} bytes`, `${e.resource.storedByteLength} bytes`, `${e.resource.byteOffset} bytes`, String(e.partNumber), String(e.referenceCount), flags],
        `${name}: ${toHex(e.sha1)}`,
      );
    }
  }
  for (const name of ['solid.wim', 'install.esd']) {
    const layout = await wim.readWimLayout(new MemorySource(new Uint8Array(readFileSync(path.join(wimSet(), name))), name));
    assert.equal(layout.hasSolidResources, true, name);
    assert.equal(layout.compression, 'lzms', name);
    assert.equal(layout.header.version, wim.WimVersion.SOLID, name);
  }
  const lzms = await wim.readWimLayout(new MemorySource(new Uint8Array(readFileSync(path.join(wimSet(), 'lzms.wim')))));
  assert.deepEqual([lzms.hasSolidResources, lzms.compression, lzms.header.version], [false, 'lzms', wim.WimVersion.SOLID], 'non-solid LZMS');
});

test('integrity table: parse/serialize round trip, and recomputed from the file it equals wimlib\'s', async (t) => {
  if (!needTools(t, 'wimlib-imagex')) return;
  const bytes = new Uint8Array(readFileSync(path.join(wimSet(), 'lzx-check.wim')));
  const h = wim.parseWimHeader(bytes);
  const at = h.integrityTable.byteOffset;
  const raw = bytes.subarray(at, at + h.integrityTable.storedByteLength);
  const table = wim.parseIntegrityTable(raw, at);
  assert.equal(table.chunkByteLength, wim.INTEGRITY_CHUNK_BYTE_LENGTH);
  assert.deepEqual(wim.serializeIntegrityTable(table), raw);
  const end = h.blobTable.byteOffset + h.blobTable.storedByteLength;
  // fed in uneven pieces, across the chunk boundaries of a small chunk size too
  for (const chunk of [wim.INTEGRITY_CHUNK_BYTE_LENGTH, 65536]) {
    const b = new wim.IntegrityTableBuilder(end - wim.WIM_HEADER_BYTE_LENGTH, sha1, chunk);
    for (let o = wim.WIM_HEADER_BYTE_LENGTH; o < end; o += 77777) b.update(bytes.subarray(o, Math.min(end, o + 77777)));
    const built = b.finish();
    assert.equal(built.sha1s.length, Math.ceil((end - wim.WIM_HEADER_BYTE_LENGTH) / chunk));
    if (chunk === wim.INTEGRITY_CHUNK_BYTE_LENGTH) assert.deepEqual(wim.serializeIntegrityTable(built), raw);
  }
  assert.equal(wim.integrityTableByteLength(end - wim.WIM_HEADER_BYTE_LENGTH), raw.length);
  assert.throws(() => wim.parseIntegrityTable(raw.subarray(0, raw.length - 1), at), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.CORRUPT);
});

test('XML data: UTF-16LE with a BOM, the images of the header, TOTALBYTES = the bytes before the XML', async (t) => {
  if (!needTools(t, 'wimlib-imagex')) return;
  for (const name of FILES) {
    const bytes = new Uint8Array(readFileSync(path.join(wimSet(), name)));
    const layout = await wim.readWimLayout(new MemorySource(bytes, name));
    assert.ok(wim.hasXmlBom(layout.xml), name);
    const text = wim.decodeWimXml(layout.xml);
    assert.match(text, /^<WIM>/);
    assert.equal(wim.wimXmlImageCount(text), layout.header.imageCount, name);
    assert.equal(wim.wimXmlTotalBytes(text), layout.header.xmlData.byteOffset, name);
    assert.deepEqual(wim.encodeWimXml(text), layout.xml, `${name}: encode(decode(xml)) = xml`);
    const printed = spawnSync('wimlib-imagex', ['info', path.join(wimSet(), name), '--xml']).stdout;
    assert.ok(Buffer.from(layout.xml).equals(printed), `${name}: the bytes wimlib-imagex info --xml prints`);
  }
});

test('resource header: 56-bit sizes and 64-bit offsets above 4 GiB round trip; values beyond 2^53 are refused', () => {
  const values = [0, 1, 2 ** 32 - 1, 2 ** 32, 5 * 2 ** 30 + 12345, 2 ** 53 - 1];
  for (const v of values) {
    const h: wim.ResourceHeader = { storedByteLength: v, flags: 0x06, byteOffset: v, originalByteLength: v };
    assert.deepEqual(wim.parseResourceHeader(wim.serializeResourceHeader(h)), h, String(v));
  }
  const b = wim.serializeResourceHeader({ storedByteLength: 0, flags: 0, byteOffset: 0, originalByteLength: 0 });
  b.fill(0xff, 0, 7);
  assert.throws(() => wim.parseResourceHeader(b, 0, 1000), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.CORRUPT && e.byteOffset === 1000);
  assert.throws(() => wim.serializeResourceHeader({ storedByteLength: 2 ** 53, flags: 0, byteOffset: 0, originalByteLength: 0 }), (e: unknown) => e instanceof IsoKitError);
  assert.throws(() => wim.parseResourceHeader(new Uint8Array(23)), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.TRUNCATED);
  assert.throws(() => wim.parseWimHeader(new Uint8Array(208)), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.CORRUPT && /MSWIM/.test(e.message));
});
