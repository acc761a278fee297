/**
 * Format detection without an ISO 9660 PVD (issue 12, the reader seam): a FAT volume made by mkfs.fat + mtools,
 * a GPT disk image whose first partition holds a FAT32 volume (isokit's disk layout + FAT writer, what a Windows
 * stick is), and bytes that are none of them. The tree of each comes through the same seam (readTree, the
 * streaming walk, `isokit ls`), with names and bytes as mtools shows them.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { emitDisk, planDisk, MIB_SECTORS } from '../../src/create/disk/index.js';
import type { Region } from '../../src/create/index.js';
import { planFatVolume } from '../../src/create/fat/index.js';
import { ErrorCode, IsoKitError } from '../../src/errors/index.js';
import { MemorySource } from '../../src/io/index.js';
import { bytesContent, walkTree, type TreeNode } from '../../src/model/index.js';
import { openImage, walkImage } from '../../src/read/index.js';
import { needTools, runCli, sh, tmpDir } from '../helpers/index.js';

const T0 = Date.UTC(2024, 1, 3, 4, 5, 6);
const enc = new TextEncoder();
const file = (name: string, text: string): TreeNode => ({ name, kind: 'file', size: enc.encode(text).length, content: bytesContent(enc.encode(text)), mtimeMs: T0, mode: 0o100644 });
const dir = (name: string, children: TreeNode[]): TreeNode => ({ name, kind: 'dir', size: 0, children, mtimeMs: T0, mode: 0o40755 });

async function digestOf(n: TreeNode): Promise<string> {
  const h = createHash('sha256');
  for await (const c of n.content?.stream() ?? []) h.update(c);
  return h.digest('hex');
}

async function snapshot(root: TreeNode): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const { node, path: p } of walkTree(root)) if (p) out[p] = node.kind === 'file' ? await digestOf(node) : node.kind;
  return out;
}

test('detect: a FAT32 volume from mkfs.fat reads through the seam (no ISO 9660 at all)', async (t) => {
  if (!needTools(t, 'mkfs.fat', 'mcopy')) return;
  const { dir: work, cleanup } = tmpDir('detect-fat');
  try {
    const img = path.join(work, 'fat.img');
    sh('truncate', ['-s', '40M', img]);
    sh('mkfs.fat', ['-F', '32', '-n', 'DETECT', img]);
    writeFileSync(path.join(work, 'a.txt'), 'alpha');
    sh('mmd', ['-i', img, '::/Sub Dir']);
    sh('mcopy', ['-i', img, path.join(work, 'a.txt'), '::/Sub Dir/A long name.txt']);
    sh('mcopy', ['-i', img, path.join(work, 'a.txt'), '::/short.txt']);
    const image = await openImage(new MemorySource(new Uint8Array(readFileSync(img))));
    assert.equal(image.namespace, 'fat');
    assert.equal(image.namespaces.iso9660, undefined);
    assert.deepEqual(image.namespaces.fat, { type: 'FAT32', partitionByteOffset: 0, label: 'DETECT' });
    assert.equal(image.volume.volumeId, 'DETECT');
    const snap = await snapshot(image.tree);
    const alpha = createHash('sha256').update('alpha').digest('hex');
    assert.deepEqual(snap, { 'Sub Dir': 'dir', 'Sub Dir/A long name.txt': alpha, 'short.txt': alpha });
    const walked: string[] = [];
    for await (const e of walkImage(image)) walked.push(e.path);
    assert.deepEqual(walked.sort(), Object.keys(snap).sort());
    const ls = runCli(['ls', '-R', img]);
    assert.equal(ls.status, 0, ls.stderr);
    assert.deepEqual(ls.stdout.trim().split('\n').sort(), ['Sub Dir/', 'Sub Dir/A long name.txt', 'short.txt']);
  } finally {
    cleanup();
  }
});

test('detect: a GPT disk image whose partition holds FAT32 (the Windows stick shape) lists its files', async (t) => {
  if (!needTools(t, 'mdir')) return;
  const { dir: work, cleanup } = tmpDir('detect-disk');
  try {
    const tree = dir('', [file('README.txt', 'stick'), dir('sources', [file('install.swm', 'part one'), file('install2.swm', 'part two')])]);
    const sectors = 80 * 2048;
    const content = (partSectors: number): Region => {
      const fat = planFatVolume(tree, { sectorCount: partSectors, hiddenSectors: MIB_SECTORS, label: 'STICK', dateMs: T0 });
      return { name: 'fat32', plan: () => partSectors, emit: (out, ctx) => fat.emitInto(out, { ...(ctx.signal ? { signal: ctx.signal } : {}) }) };
    };
    const layout = planDisk({ sectorCount: sectors, scheme: 'gpt', seed: 'detect', partitions: [{ name: 'STICK', mbrType: 0x0c, firstLba: MIB_SECTORS, sectorCount: 'rest', content }] });
    const img = path.join(work, 'stick.img');
    const fd = openSync(img, 'w');
    try {
      for await (const c of emitDisk(layout)) writeSync(fd, c);
    } finally {
      closeSync(fd);
    }
    assert.match(sh('mdir', ['-i', `${img}@@1M`, '::/sources']), /^install2 swm +8 /m);
    const image = await openImage(new MemorySource(new Uint8Array(readFileSync(img))));
    assert.equal(image.namespace, 'fat');
    assert.equal(image.namespaces.fat?.partitionByteOffset, MIB_SECTORS * 512);
    assert.ok(image.partitions.gpt, 'the GPT is read too');
    assert.deepEqual(await snapshot(image.tree), await snapshot(tree));
    const ls = runCli(['ls', '-R', img]);
    assert.equal(ls.status, 0, ls.stderr);
    assert.deepEqual(ls.stdout.trim().split('\n').sort(), ['README.txt', 'sources/', 'sources/install.swm', 'sources/install2.swm']);
  } finally {
    cleanup();
  }
});

test('detect: bytes that hold no ISO 9660, UDF or FAT volume: one clear error', async () => {
  const junk = new Uint8Array(64 * 2048).map((_, i) => (i * 7919) % 251);
  await assert.rejects(openImage(new MemorySource(junk)), (e) => e instanceof IsoKitError && e.code === ErrorCode.NOT_ISO && /not an ISO 9660, UDF or FAT image/.test(e.message));
  await assert.rejects(openImage(new MemorySource(new Uint8Array(3000))), (e) => e instanceof IsoKitError && e.code === ErrorCode.TRUNCATED);
});
