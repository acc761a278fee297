/**
 * Every reference image (test/fixtures/recipes) read by isokit must agree with what xorriso extracts from
 * it: names, kinds, permissions, sizes, mtimes, owners, symlink targets, device numbers, hard-link groups
 * and file bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openImage, type IsoImage } from '../../src/read/index.js';
import { openFileSource } from '../../src/node/file-source.js';
import { findNode, walkTree } from '../../src/model/index.js';
import { fixtureImage, type FixtureName } from '../helpers/fixtures.js';
import { compareWithXorriso } from '../helpers/xorriso-compare.js';
import { needFiles, needTools, tmpDir } from '../helpers/index.js';

async function open(name: FixtureName, ns?: 'joliet' | 'iso9660' | 'rockridge'): Promise<{ image: IsoImage; file: string }> {
  const file = await fixtureImage(name);
  const image = await openImage(await openFileSource(file), ns ? { namespace: ns } : {});
  return { image, file };
}

async function agree(t: import('node:test').TestContext, name: FixtureName, opts: { ns?: 'joliet' | 'iso9660'; joliet?: boolean; readFs?: 'norock' | 'ecma119'; links?: boolean } = {}) {
  if (!needTools(t, 'xorriso', 'genisoimage')) return undefined;
  const { image, file } = await open(name, opts.ns);
  const { dir, cleanup } = tmpDir(`ref-${name}`);
  try {
    const diff = await compareWithXorriso(file, image.tree, path.join(dir, 'x'), {
      ...(opts.joliet ? { joliet: true } : {}), ...(opts.readFs ? { readFs: opts.readFs } : {}), ...(opts.links === false ? { links: false } : {}),
    });
    assert.deepEqual(diff, [], `${name}: isokit and xorriso disagree:\n${diff.slice(0, 30).join('\n')}`);
  } finally {
    cleanup();
  }
  assert.deepEqual(image.findings.filter((f) => f.severity !== 'info'), [], `${name}: unexpected findings`);
  return image;
}

for (const level of [1, 2, 3, 4] as const) {
  test(`genisoimage -iso-level ${level}: plain ISO 9660 tree agrees with xorriso`, async (t) => {
    const image = await agree(t, `iso-level${level}`);
    if (!image) return;
    assert.equal(image.namespace, 'iso9660');
    assert.equal(image.volume.volumeId, `LEVEL${level}`);
    assert.equal(image.namespaces.iso9660_1999, level === 4 ? true : undefined);
    // version ";1" and the dot of "MAKEFILE." are stripped
    assert.ok(findNode(image.tree, 'MAKEFILE'));
    assert.equal(findNode(image.tree, 'README.TXT')?.mtimeMs, Date.UTC(2001, 1, 3, 4, 5, 6));
  });
}

test('genisoimage -J: Joliet tree agrees with xorriso -joliet on', async (t) => {
  const image = await agree(t, 'genisoimage-joliet', { joliet: true });
  if (!image) return;
  assert.equal(image.namespace, 'joliet');
  assert.equal(image.namespaces.joliet?.level, 3);
  assert.ok(findNode(image.tree, 'names/CASE') && findNode(image.tree, 'names/case') && findNode(image.tree, 'names/Case'));
});

test('genisoimage -J -joliet-long: 103-character Joliet names', async (t) => {
  const image = await agree(t, 'genisoimage-joliet-long', { joliet: true });
  if (!image) return;
  const long = image.tree.children?.find((c) => c.name === 'names')?.children?.find((c) => c.name.startsWith('long_name'));
  assert.ok(long && long.name.length > 64, `long name kept: ${long?.name}`);
});

const linkGroupOf = (image: IsoImage, p: string) => findNode(image.tree, p)?.linkGroup;

test('genisoimage -R: Rock Ridge 1.09, relocated deep directories shown in place, rr_moved kept', async (t) => {
  // RRIP 1.09 has no file serial numbers: xorriso restores no hard links, isokit groups files that share an
  // extent and have a link count > 1 (as bsdtar does), so link groups are checked here instead
  const image = await agree(t, 'genisoimage-rr', { links: false });
  if (!image) return;
  assert.equal(image.namespace, 'rockridge');
  assert.ok(findNode(image.tree, 'deep/level1/level2/level3/level4/level5/level6/level7/level8/level9/level10/level11/bottom.txt'));
  const moved = findNode(image.tree, 'rr_moved');
  assert.ok(moved && moved.children?.length === 0, 'rr_moved is empty after relocation');
  const g = linkGroupOf(image, 'posix/file');
  assert.ok(g && g === linkGroupOf(image, 'posix/hardlink') && g === linkGroupOf(image, 'posix/sub/hardlink2'));
  assert.equal(linkGroupOf(image, 'posix/empty1'), undefined);
});

test('genisoimage -r: rationalized modes agree', async (t) => {
  await agree(t, 'genisoimage-r', { links: false });
});

test('xorriso Rock Ridge: all file kinds, hard links (RRIP 1.12 serials), deep paths', async (t) => {
  const image = await agree(t, 'xorriso-rr');
  if (!image) return;
  const file = findNode(image.tree, 'posix/file');
  assert.equal(file?.linkGroup !== undefined && file.linkGroup === findNode(image.tree, 'posix/sub/hardlink2')?.linkGroup, true);
  assert.equal(findNode(image.tree, 'posix/empty1')?.linkGroup, undefined, 'empty files are not hard links');
  assert.equal(findNode(image.tree, 'posix/null')?.kind, 'chardev');
  assert.equal(findNode(image.tree, 'posix/long-link')?.symlinkTarget?.length, 60 * 4 + 3);
  // the other namespaces are there on demand
  const joliet = await image.openTree('joliet');
  assert.ok(findNode(joliet, 'posix/file'));
  const iso = await image.openTree('iso9660');
  assert.ok(iso.children?.some((c) => c.name === 'POSIX'));
});

test('xorriso Rock Ridge image read as plain ISO 9660 agrees with xorriso -read_fs ecma119', async (t) => {
  await agree(t, 'xorriso-rr', { ns: 'iso9660', readFs: 'ecma119' });
});

test('xorriso Rock Ridge image read as Joliet agrees with xorriso -read_fs norock', async (t) => {
  await agree(t, 'xorriso-rr', { ns: 'joliet', readFs: 'norock' });
});

test('5,000 files in one directory', async (t) => {
  const image = await agree(t, 'many-files');
  if (!image) return;
  assert.equal(findNode(image.tree, 'many')?.children?.length, 5000);
});

test('zisofs files are decompressed transparently', async (t) => {
  const image = await agree(t, 'zisofs');
  if (!image) return;
  const n = findNode(image.tree, 'z/numbers.txt');
  assert.ok(n?.zisofs && n.zisofs.storedBytes < n.size, 'stored compressed');
});

test('multi-session: the newest session is listed; sessions are reported', async (t) => {
  const image = await agree(t, 'multisession');
  if (!image) return;
  assert.equal(image.sessions.length, 2);
  assert.equal(image.volume.volumeId, 'SESSION2');
  assert.equal(findNode(image.tree, 'deleted.txt'), undefined);
  assert.ok(findNode(image.tree, 'newdir/new.txt'));
});

test('El Torito image: tree agrees, boot catalog read', async (t) => {
  const image = await agree(t, 'eltorito');
  if (!image) return;
  assert.ok(image.bootCatalog, 'boot catalog found');
});

test('Debian grub-rescue-cdrom.iso agrees with xorriso', async (t) => {
  if (!needFiles(t, 'grub-rescue-pc', '/usr/lib/grub-rescue/grub-rescue-cdrom.iso')) return;
  const image = await agree(t, 'grub-rescue');
  if (!image) return;
  assert.ok(image.bootCatalog);
  assert.ok(image.partitions.kinds.length > 0, 'hybrid partition table seen');
  let files = 0;
  for (const { node } of walkTree(image.tree)) if (node.kind === 'file') files++;
  assert.ok(files > 10);
});
