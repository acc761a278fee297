/**
 * An install.wim over 4 GiB split with the default 4094 MiB parts: every part under 4 GiB (FAT32), and
 * `wimlib-imagex dir` / `verify` read the set as the original.
 *
 * The default case builds the big WIM cheaply: wimlib-imagex captures five small files (distinct first bytes),
 * then the test "inflates" that WIM: each small blob becomes a sparse resource of ~870 MiB (the same first bytes,
 * then zeros) with its SHA-1, the metadata resources get the new hashes, and the file is written with holes
 * (a few KiB on disk). wimlib-imagex itself accepts the result (dir before the split, verify after), so the input
 * is a real WIM. Cost: SHA-1 over 4.3 GiB here (~6 s), the split (~3 s), wimlib-imagex verify (~20 s CPU): about
 * 30 s on a quiet 2-core machine, 60-140 s measured while other jobs loaded it (load average 15).
 *
 * wim-big-capture.test.ts runs the literal recipe (captured 1 GiB sparse files, holes dug) when
 * ISOKIT_WIM_BIG_CAPTURE=1 is set; .ci/run runs it as a step of its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, openSync, readFileSync, ftruncateSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { MemorySource, toHex, wim } from '../../src/index.js';
import { needTools, tmpDir } from '../helpers/index.js';
import { BIG_FILES, MiB, splitBigAndCheck, wimlib } from './wim-helpers.js';

const ZERO = new Uint8Array(8 * MiB);

/** SHA-1 of `head` followed by zeros up to `byteLength`. */
function sparseSha1(head: Uint8Array, byteLength: number): Uint8Array {
  const h = createHash('sha1').update(head);
  for (let left = byteLength - head.length; left > 0; left -= ZERO.length) h.update(ZERO.subarray(0, Math.min(left, ZERO.length)));
  return new Uint8Array(h.digest());
}

/** Replace every occurrence of `from` (20 bytes) in `b`; returns how many. */
function replaceHash(b: Uint8Array, from: Uint8Array, to: Uint8Array): number {
  let n = 0;
  for (let i = b.indexOf(from[0] as number); i >= 0 && i + 20 <= b.length; i = b.indexOf(from[0] as number, i + 1)) {
    if (Buffer.from(b.buffer, b.byteOffset + i, 20).equals(from)) {
      b.set(to, i);
      n++;
    }
  }
  return n;
}

/**
 * Write `out`: the uncompressed WIM `small` with each blob whose content is a key of `grow` turned into a
 * sparse resource of the given length (that content, then zeros), metadata resources patched to match.
 */
async function inflateWim(small: Uint8Array, out: string, grow: Map<string, number>): Promise<void> {
  const layout = await wim.readWimLayout(new MemorySource(small, 'small.wim'));
  assert.equal(layout.compression, 'none');
  const at = (e: wim.BlobTableEntry): Uint8Array => small.subarray(e.resource.byteOffset, e.resource.byteOffset + e.resource.storedByteLength);
  const newHash = new Map<wim.BlobTableEntry, Uint8Array>();
  const newLength = new Map<wim.BlobTableEntry, number>();
  for (const e of layout.blobs) {
    const length = grow.get(Buffer.from(at(e)).toString('latin1'));
    if (length === undefined) continue;
    newHash.set(e, sparseSha1(at(e), length));
    newLength.set(e, length);
  }
  assert.equal(newHash.size, grow.size, 'every file to grow is a blob of the small WIM');
  const metadata = layout.metadata.map((m) => {
    const bytes = at(m).slice();
    for (const [e, h] of newHash) assert.equal(replaceHash(bytes, e.sha1, h), 1, `one dentry names ${toHex(e.sha1)}`);
    return { entry: m, bytes, sha1: new Uint8Array(createHash('sha1').update(bytes).digest()) };
  });
  const fd = openSync(out, 'w');
  try {
    let offset = wim.WIM_HEADER_BYTE_LENGTH;
    const entries: wim.BlobTableEntry[] = [];
    const put = (bytes: Uint8Array, byteLength: number, e: wim.BlobTableEntry, sha1: Uint8Array): void => {
      writeSync(fd, bytes, 0, bytes.length, offset);
      entries.push({ ...e, sha1, resource: { ...e.resource, byteOffset: offset, storedByteLength: byteLength, originalByteLength: byteLength } });
      offset += byteLength;
    };
    for (const e of layout.blobs) put(at(e), newLength.get(e) ?? e.resource.storedByteLength, e, newHash.get(e) ?? e.sha1);
    for (const m of metadata) put(m.bytes, m.bytes.length, m.entry, m.sha1);
    const table = wim.serializeBlobTable([...entries.slice(layout.blobs.length), ...entries.slice(0, layout.blobs.length)]);
    const tableAt = offset;
    writeSync(fd, table, 0, table.length, tableAt);
    writeSync(fd, layout.xml, 0, layout.xml.length, tableAt + table.length);
    const res = (byteOffset: number, byteLength: number): wim.ResourceHeader => ({ storedByteLength: byteLength, flags: wim.ResourceFlag.METADATA, byteOffset, originalByteLength: byteLength });
    const header = wim.serializeWimHeader({ ...layout.header, blobTable: res(tableAt, table.length), xmlData: res(tableAt + table.length, layout.xml.length) });
    writeSync(fd, header, 0, header.length, 0);
    ftruncateSync(fd, tableAt + table.length + layout.xml.length);
  } finally {
    closeSync(fd);
  }
}

test('an install.wim over 4 GiB splits into 4094 MiB parts that wimlib-imagex dir and verify accept', { timeout: 300_000 }, async (t) => {
  if (!needTools(t, 'wimlib-imagex')) return;
  const { dir, cleanup } = tmpDir('wim-big');
  try {
    const src = path.join(dir, 'src');
    mkdirSync(src);
    const grow = new Map<string, number>();
    for (let i = 1; i <= BIG_FILES; i++) {
      const head = `isokit big file ${i}: distinct first bytes\n`;
      writeFileSync(path.join(src, `file${i}.bin`), head);
      grow.set(head, 870 * MiB + i * 4099);
    }
    writeFileSync(path.join(src, 'small.txt'), 'a small file\n');
    const small = path.join(dir, 'small.wim');
    wimlib('capture', src, small, 'big', '--compress=none');
    const big = path.join(dir, 'install.wim');
    await inflateWim(new Uint8Array(readFileSync(small)), big, grow);
    const detailed = wimlib('dir', big, '1', '--detailed');
    for (const length of grow.values()) assert.ok(detailed.includes(`Uncompressed size = ${length} bytes`), `wimlib reads the inflated size ${length}`);
    await splitBigAndCheck(t, big, dir);
  } finally {
    cleanup();
  }
});
