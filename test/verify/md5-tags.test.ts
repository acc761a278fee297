/** xorriso `--md5` images: superblock/tree/session tags and per-file MD5s verified; one flipped byte located. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MemorySource } from '../../src/io/index.js';
import { verifyMd5Tags } from '../../src/verify/index.js';
import { parseMd5Tag } from '../../src/formats/md5-tags/index.js';
import { createNodeHasher } from '../../src/node/hash-file.js';
import { needTools, runCli, sh, tmpDir } from '../helpers/index.js';

test('xorriso MD5 tags: found, verified, and a flipped byte is reported with its range and file', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('md5tags');
  try {
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'sub'), { recursive: true });
    writeFileSync(path.join(src, 'a.txt'), 'hello\n');
    writeFileSync(path.join(src, 'sub', 'big.bin'), randomBytes(700_000));
    writeFileSync(path.join(src, 'sub', 'c.bin'), randomBytes(5000));
    const iso = path.join(dir, 'md5.iso');
    sh('xorriso', ['-as', 'mkisofs', '--md5', '-R', '-J', '-o', iso, src]);
    const bytes = new Uint8Array(readFileSync(iso));
    const opts = { factory: createNodeHasher };

    const ok = await verifyMd5Tags(new MemorySource(bytes), { ...opts, files: 'always' });
    assert.equal(ok.status, 'pass', ok.message);
    assert.deepEqual(ok.tags.map((x) => x.type), ['superblock', 'tree', 'session']);
    assert.equal(ok.files?.checked, 3);
    assert.equal(ok.files?.arrayIntact, true);
    assert.equal(ok.files?.sessionArray?.ok, true);

    // the CLI reports the tags (no checksum file: an embedded check is an unsigned match)
    const cli = runCli(['verify', iso, '--json']);
    assert.equal(cli.status, 4, cli.stderr);
    assert.equal(JSON.parse(cli.stdout).md5Tags.status, 'pass');

    // flip a byte inside big.bin → session tag fails, the file is named, range covers the flip
    const session = ok.tags.find((x) => x.type === 'session');
    assert.ok(session);
    const flipped = bytes.slice();
    const tree = ok.tags.find((x) => x.type === 'tree');
    assert.ok(tree);
    const at = tree.newRange.endByteOffset + 2048 * 10 + 17; // inside the data area
    flipped[at] = (flipped[at] as number) ^ 0x01;
    const bad = await verifyMd5Tags(new MemorySource(flipped), opts);
    assert.equal(bad.status, 'fail');
    assert.equal(bad.tags.find((x) => x.type === 'session')?.status, 'mismatch');
    assert.equal(bad.tags.find((x) => x.type === 'tree')?.status, 'ok');
    assert.ok(bad.damagedRange && bad.damagedRange.startByteOffset <= at && at < bad.damagedRange.endByteOffset, JSON.stringify(bad.damagedRange));
    assert.match(bad.message, /file \/sub\/big\.bin/);
    writeFileSync(iso, flipped);
    const cliBad = runCli(['verify', iso]);
    assert.equal(cliBad.status, 3);
    assert.match(cliBad.stdout, /big\.bin/);

    // a flip in the directory area → the tree tag fails and names those blocks
    const dirFlip = bytes.slice();
    const dirAt = tree.newRange.startByteOffset + 2048 + 100;
    dirFlip[dirAt] = (dirFlip[dirAt] as number) ^ 0x01;
    const badTree = await verifyMd5Tags(new MemorySource(dirFlip), opts);
    assert.equal(badTree.tags.find((x) => x.type === 'tree')?.status, 'mismatch');
    assert.ok(badTree.damagedRange && badTree.damagedRange.startByteOffset <= dirAt && dirAt < badTree.damagedRange.endByteOffset);

    // a tag's own checksum protects the tag text
    const tagBlock = bytes.slice(session.byteOffset, session.byteOffset + 2048);
    const parsed = parseMd5Tag(tagBlock);
    assert.equal(parsed?.pos, session.pos);
    tagBlock[30] = 0x39;
    const selfBroken = bytes.slice();
    selfBroken.set(tagBlock, session.byteOffset);
    const r = await verifyMd5Tags(new MemorySource(selfBroken), opts);
    assert.equal(r.status, 'fail');
    assert.equal(r.damagedRange?.startByteOffset, session.byteOffset);

    // an image without tags
    const plain = path.join(dir, 'plain.iso');
    sh('xorriso', ['-as', 'mkisofs', '-R', '-o', plain, src]);
    assert.equal((await verifyMd5Tags(new MemorySource(new Uint8Array(readFileSync(plain))), opts)).status, 'absent');
  } finally {
    cleanup();
  }
});
