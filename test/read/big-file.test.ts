/**
 * A real > 4 GiB multi-extent file made by xorriso (-as mkisofs -iso-level 3). The image is ~4.5 GB on disk,
 * so this runs under CI=true or ISOKIT_BIG_TESTS=1 only; it is built in .test-tmp and deleted afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, mkdirSync, openSync, truncateSync, writeSync } from 'node:fs';
import path from 'node:path';
import { openImage } from '../../src/read/index.js';
import { openFileSource } from '../../src/node/file-source.js';
import { findNode } from '../../src/model/index.js';
import { IN_CI, needTools, sh, tmpDir } from '../helpers/index.js';

const BIG = 4500 * 1024 * 1024;

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) h.update(chunk as Uint8Array);
  return h.digest('hex');
}

test('xorriso multi-extent file of 4.4 GiB: size, extents and bytes agree', { timeout: 20 * 60_000 }, async (t) => {
  if (!IN_CI && !process.env.ISOKIT_BIG_TESTS) return t.skip('set ISOKIT_BIG_TESTS=1 (needs ~9 GB of disk and a few minutes)');
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('bigfile');
  try {
    const src = path.join(dir, 'src');
    mkdirSync(src);
    const file = path.join(src, 'big.bin');
    const fd = openSync(file, 'w');
    truncateSync(file, BIG);
    for (const at of [0, 2 ** 32 - 2049, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 12345, BIG - 1]) writeSync(fd, Uint8Array.of(at % 251, 7), 0, 1, at);
    closeSync(fd);
    const iso = path.join(dir, 'big.iso');
    sh('xorriso', ['-report_about', 'SORRY', '-as', 'mkisofs', '-quiet', '-iso-level', '3', '-R', '-o', iso, src]);
    const image = await openImage(await openFileSource(iso));
    const node = findNode(image.tree, 'big.bin');
    assert.equal(node?.size, BIG);
    assert.ok((node?.extents?.length ?? 0) >= 2, 'several extents');
    assert.equal(image.namespaces.iso9660?.level, 3);
    const h = createHash('sha256');
    for await (const chunk of node?.content?.stream({ chunkSize: 4 << 20 }) ?? []) h.update(chunk);
    assert.equal(h.digest('hex'), await sha256File(file));
    const joliet = image.namespaces.joliet ? await image.openTree('joliet') : undefined;
    if (joliet) assert.equal(findNode(joliet, 'big.bin')?.size, BIG);
  } finally {
    cleanup();
  }
});
