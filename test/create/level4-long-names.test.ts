/**
 * ISO level 4 (ISO 9660:1999 names on the PVD records) with very long names: a 200-character and a 207-byte
 * (UTF-8) name used to fail planning ("System Use budget 20 cannot hold a CE entry") because the identifier
 * left less than 28 bytes for the CE entry. With Rock Ridge, level-4 identifiers stop at 193 bytes and the
 * RRIP entries move to the continuation area; without Rock Ridge the 207-byte limit stays. Read back by
 * xorriso and isokit's reader.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { openImage } from '../../src/read/index.js';
import { memorySource } from '../../src/io/index.js';
import type { TreeNode } from '../../src/model/index.js';
import { LEVEL4_MAX_BYTES, LEVEL4_MAX_BYTES_WITH_SUSP } from '../../src/create/iso9660/names/iso9660.js';
import { needTools, sh, tmpDir } from '../helpers/index.js';
import { buildBytes, buildFile, dir, file, isokitReaderAgrees, rockRidgeReadersAgree } from './helpers.js';

const LONG_ASCII = 'a'.repeat(200);
const LONG_UTF8 = 'é'.repeat(103) + 'b'; // 207 bytes
const utf8Length = (s: string) => new TextEncoder().encode(s).length;

const tree = (): TreeNode => dir('', [
  file(LONG_ASCII, 'ascii'),
  file(LONG_UTF8, 'utf8'),
  dir('d'.repeat(190), [file(`${'x'.repeat(150)}.txt`, 'inside')]),
  file('short.txt', 'short'),
]);

async function isoNames(bytes: Uint8Array): Promise<string[]> {
  const img = await openImage(memorySource(bytes), { namespace: 'iso9660' });
  return (img.tree.children ?? []).map((c) => c.name);
}

test('level 4 + Rock Ridge: 200-char and 207-byte names plan, build and read back (isokit, names cut to fit a CE entry)', async () => {
  assert.equal(utf8Length(LONG_UTF8), 207);
  const t = tree();
  const { bytes } = await buildBytes(t, { isoLevel: 4, rockRidge: true, joliet: false });
  assert.deepEqual(await isokitReaderAgrees(bytes, t), []);
  const names = await isoNames(bytes);
  assert.equal(names.length, 4);
  for (const n of names) assert.ok(utf8Length(n) <= LEVEL4_MAX_BYTES_WITH_SUSP, `${n.length}: ${n}`);
  assert.ok(names.some((n) => n.startsWith('aaaa') && utf8Length(n) === LEVEL4_MAX_BYTES_WITH_SUSP));
  const img = await openImage(memorySource(bytes));
  assert.deepEqual(img.findings.filter((f) => f.severity === 'error'), []);
});

test('level 4 without Rock Ridge keeps ISO 9660:1999 identifiers up to 207 bytes', async () => {
  const { bytes } = await buildBytes(tree(), { isoLevel: 4, rockRidge: false, joliet: false });
  const names = await isoNames(bytes);
  assert.ok(names.includes(LONG_ASCII), names.join(', '));
  assert.ok(names.includes(LONG_UTF8), names.join(', '));
  assert.ok(names.every((n) => utf8Length(n) <= LEVEL4_MAX_BYTES));
});

test('level 4 long names: xorriso and bsdtar read the Rock Ridge tree back', async (t) => {
  if (!needTools(t, 'xorriso', 'bsdtar')) return;
  const tmp = tmpDir('level4');
  try {
    const src = tree();
    const image = path.join(tmp.dir, 'l4.iso');
    await buildFile(src, image, { isoLevel: 4, rockRidge: true, joliet: false });
    assert.deepEqual(await rockRidgeReadersAgree(image, src, tmp.dir), []);
    const listing = sh('xorriso', ['-indev', image, '-find', '/', '-type', 'f']);
    assert.ok(listing.includes(LONG_ASCII) && listing.includes(LONG_UTF8), listing);
    // and the plain ISO 9660:1999 tree as xorriso sees it without Rock Ridge
    const plain = sh('xorriso', ['-rockridge', 'off', '-indev', image, '-find', '/', '-type', 'f']);
    assert.ok(plain.includes('a'.repeat(LEVEL4_MAX_BYTES_WITH_SUSP)), plain);
  } finally {
    tmp.cleanup();
  }
});
