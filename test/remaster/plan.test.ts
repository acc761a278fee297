/**
 * planRemaster on images isokit builds in memory (no external tools): tree edits (add, replace, remove) keep
 * every untouched node's metadata and store its content as ranges of the original source; the original tree
 * is not modified; volume ids and namespaces are replayed; a library-built bootable image (BIOS entry with a
 * boot info table, isohybrid MBR, EFI entry) is inferred back into the same BootSpec and survives the round trip.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBootHook, type BootSpec } from '../../src/create/boot/index.js';
import { emitImage, planImage } from '../../src/create/index.js';
import { describeRemasterLayout, planRemaster } from '../../src/create/remaster/index.js';
import { ErrorCode, IsoKitError } from '../../src/errors/index.js';
import { memorySource } from '../../src/io/index.js';
import { findNode, walkTree, type TreeNode } from '../../src/model/index.js';
import { openImage, type IsoImage } from '../../src/read/index.js';
import { buildBytes, dir, file, symlink, T0 } from '../create/helpers.js';
import { snapshotTree } from '../helpers/xorriso-compare.js';

async function emitAll(tree: TreeNode, opts: Parameters<typeof planImage>[1]): Promise<Uint8Array> {
  const layout = planImage(tree, opts);
  const out = new Uint8Array(layout.byteLength);
  let o = 0;
  for await (const c of emitImage(layout)) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function sampleTree(): TreeNode {
  return dir('', [
    dir('docs', [file('a.txt', 'alpha\n', { mode: 0o100600, uid: 1000, gid: 100 }), file('b.txt', 'bravo\n')], { mode: 0o40700 }),
    file('readme.md', '# readme\n'),
    symlink('link', 'docs/a.txt'),
    dir('empty', []),
  ]);
}

async function openSample(opts: Parameters<typeof planImage>[1] = {}): Promise<IsoImage> {
  const { bytes } = await buildBytes(sampleTree(), { volumeId: 'SAMPLE', publisherId: 'PUB', ...opts });
  return openImage(memorySource(bytes));
}

/** Plan, emit, reopen. */
async function remasterBytes(image: IsoImage, edits: Parameters<typeof planRemaster>[1], options: Parameters<typeof planRemaster>[2] = {}) {
  const plan = await planRemaster(image, edits, { dateMs: T0, ...options });
  const hook = plan.bootSpec ? await createBootHook(plan.bootSpec, plan.tree, { dateMs: T0, volumeId: plan.buildOptions.volumeId ?? '' }) : undefined;
  const layout = planImage(plan.tree, { ...plan.buildOptions, ...(hook ? { boot: hook } : {}) });
  const bytes = await emitAll(plan.tree, { ...plan.buildOptions, ...(hook ? { boot: hook } : {}) });
  return { plan, layout, bytes, out: await openImage(memorySource(bytes)) };
}

test('edits: remove, add, replace; untouched files keep metadata and are ranges of the original', async () => {
  const image = await openSample();
  const before = await snapshotTree(image.tree);
  const { plan, layout, out } = await remasterBytes(image, {
    remove: ['/docs/b.txt', '/empty'],
    add: [
      { path: '/new/deep/c.txt', node: file('ignored-name', 'charlie\n', { mtimeMs: T0 + 5000 }) },
      { path: '/readme.md', node: file('x', 'replaced readme\n', { mode: 0o100640 }) },
      { path: '/docs', node: dir('d', [file('d.txt', 'delta\n')]) },
    ],
  });
  // the opened image's tree is untouched
  assert.deepEqual(await snapshotTree(image.tree), before);
  const after = await snapshotTree(out.tree);
  assert.deepEqual([...after.keys()].sort(), ['', 'docs', 'docs/a.txt', 'docs/d.txt', 'link', 'new', 'new/deep', 'new/deep/c.txt', 'readme.md']);
  for (const p of ['docs/a.txt', 'link']) assert.deepEqual(after.get(p), before.get(p), p);
  assert.equal(after.get('docs')?.perm, 0o700, 'merged directory keeps its metadata');
  assert.equal(after.get('readme.md')?.perm, 0o640);
  assert.equal(after.get('readme.md')?.size, 16);
  assert.equal(after.get('new/deep/c.txt')?.mtimeSec, Math.floor((T0 + 5000) / 1000));

  assert.deepEqual(plan.report.edits.map((e) => `${e.op} ${e.path}`), ['remove /docs/b.txt', 'remove /empty', 'add /new/deep/c.txt', 'replace /readme.md', 'add /docs/d.txt']);
  assert.equal(plan.report.files.kept, 1);
  assert.equal(plan.report.files.added, 3);
  assert.equal(plan.report.files.removed, 1);
  // the kept file's content is the original's byte range; layout summary agrees
  const a = findNode(plan.tree, '/docs/a.txt');
  assert.ok(a?.content?.ranges?.length && a.content.ranges.every((r) => r.source === image.source));
  const summary = describeRemasterLayout(plan, layout, image.source);
  assert.deepEqual(summary.copiedFromOriginal, { files: 1, bytes: 6, ranges: 1 });
  assert.equal(summary.fromEdits.files, 3);
});

test('volume ids and namespaces are replayed; -V and namespace changes apply', async () => {
  const image = await openSample({ joliet: false, rripVersion: '1.10', applicationId: 'APP' });
  const { plan, out } = await remasterBytes(image, {});
  assert.equal(plan.report.namespaces.joliet, false);
  assert.equal(plan.report.namespaces.rockRidge, '1.10');
  assert.equal(out.volume.volumeId, 'SAMPLE');
  assert.equal(out.volume.publisherId, 'PUB');
  assert.equal(out.volume.applicationId, 'APP');
  assert.equal(out.namespaces.joliet, undefined);
  const relabeled = await remasterBytes(image, {}, { volumeId: 'NEWLABEL' });
  assert.equal(relabeled.out.volume.volumeId, 'NEWLABEL');
  assert.equal(relabeled.out.volume.publisherId, 'PUB');
});

test('Joliet UTF-16 names (surrogate pairs) are replayed; UCS-2 images stay UCS-2', async () => {
  const tree = () => dir('', [file('smile😀.txt', 'x'), file('plain.txt', 'y')]);
  for (const utf16 of [false, true]) {
    const { bytes } = await buildBytes(tree(), { jolietUtf16: utf16 });
    const { plan, out } = await remasterBytes(await openImage(memorySource(bytes)), { add: [{ path: '/more😀.txt', node: file('x', 'z') }] });
    assert.equal(plan.buildOptions.jolietUtf16 ?? false, utf16);
    const names = (await out.openTree('joliet')).children?.map((c) => c.name).sort();
    assert.deepEqual(names, utf16 ? ['more😀.txt', 'plain.txt', 'smile😀.txt'] : ['more_.txt', 'plain.txt', 'smile_.txt']);
  }
});

test('bad edits fail with one clear error', async () => {
  const image = await openSample();
  const code = async (edits: Parameters<typeof planRemaster>[1], expected: string, re: RegExp) => {
    await assert.rejects(planRemaster(image, edits), (e: unknown) => e instanceof IsoKitError && e.code === expected && re.test(e.message));
  };
  await code({ remove: ['/nope'] }, ErrorCode.NOT_FOUND, /\/nope is not in the image/);
  await code({ remove: ['/'] }, ErrorCode.INVALID_ARGUMENT, /root/);
  await code({ remove: ['/readme.md/x'] }, ErrorCode.INVALID_ARGUMENT, /not a directory/);
  await code({ add: [{ path: '/docs', node: file('f', 'x') }] }, ErrorCode.INVALID_ARGUMENT, /is a directory/);
  await code({ add: [{ path: '/../x', node: file('f', 'x') }] }, ErrorCode.INVALID_ARGUMENT, /\.\./);
});

/** A fake BIOS no-emulation loader (≥ 2556 bytes so GRUB2 boot info fits) and a 64 KiB "EFI" image. */
function bootableTree(): TreeNode {
  const loader = new Uint8Array(8192).map((_, i) => (i * 7) % 251);
  const efi = new Uint8Array(65536).map((_, i) => (i * 13) % 253);
  return dir('', [
    dir('boot', [file('loader.bin', loader), file('efi.img', efi)]),
    file('data.txt', 'payload\n'),
  ]);
}

test('boot records: a library-built hybrid image is inferred back into its BootSpec and replayed', async () => {
  const template = new Uint8Array(432).map((_, i) => (i * 3 + 1) % 256);
  const spec: BootSpec = {
    entries: [
      { platform: 'bios', image: { kind: 'file', path: '/boot/loader.bin' }, loadSize: 4, bootInfoTable: true },
      { platform: 'efi', image: { kind: 'file', path: '/boot/efi.img' }, isohybridGpt: 'basdat' },
    ],
    catalog: { path: '/boot/boot.cat' },
    systemArea: { kind: 'isohybrid', template },
  };
  const tree = bootableTree();
  const hook = await createBootHook(spec, tree, { dateMs: T0, volumeId: 'BOOTME' });
  const bytes = await emitAll(tree, { dateMs: T0, volumeId: 'BOOTME', boot: hook });
  const image = await openImage(memorySource(bytes));
  const { plan, out } = await remasterBytes(image, { add: [{ path: '/extra.txt', node: file('e', 'more\n') }] });
  const s = plan.bootSpec;
  assert.ok(s);
  assert.deepEqual(s.catalog, { path: '/boot/boot.cat' });
  assert.equal(s.entries.length, 2);
  assert.deepEqual(s.entries[0], { platform: 'bios', image: { kind: 'file', path: '/boot/loader.bin' }, emulation: 'none', loadSize: 4, bootable: true, bootInfoTable: true });
  assert.deepEqual(s.entries[1], { platform: 'efi', image: { kind: 'file', path: '/boot/efi.img' }, emulation: 'none', bootable: true, isohybridGpt: 'basdat' });
  assert.equal(s.systemArea?.kind, 'isohybrid');
  assert.deepEqual(s.systemArea?.template, template);
  assert.equal(plan.report.boot.systemArea.gpt, 'isohybrid');
  // the replayed image has the same boot structure at its new addresses
  const bc = out.bootCatalog;
  assert.ok(bc);
  assert.equal(bc.catalogPath, '/boot/boot.cat');
  const [bios, efi] = bc.images;
  assert.equal(bios?.path, '/boot/loader.bin');
  assert.equal(bios?.bootInfoTable?.checksumOk, true);
  assert.equal(bios?.bootInfoTable?.imageLba, bios?.lba);
  assert.equal(efi?.path, '/boot/efi.img');
  assert.equal(efi?.platform, 'efi');
  const head = bytes.subarray(0, 432);
  assert.deepEqual(head, template);
  assert.deepEqual(out.partitions.kinds, image.partitions.kinds);
  // MBR bytes 432-439 point at the loader's new 512-byte address
  const outBytes = await out.source.read(0, 512);
  assert.equal(new DataView(outBytes.buffer, outBytes.byteOffset).getUint32(432, true), (bios?.lba ?? 0) * 4);
  assert.ok(findNode(out.tree, '/extra.txt'));
  // removing a boot image is refused; replacing the catalog too
  await assert.rejects(planRemaster(image, { remove: ['/boot/loader.bin'] }), /El Torito boot image 1: it cannot be removed/);
  await assert.rejects(planRemaster(image, { add: [{ path: '/boot/boot.cat', node: file('c', 'x') }] }), /boot catalog/);
  // --no-boot: a plain image
  const plain = await remasterBytes(image, {}, { noBoot: true });
  assert.equal(plain.out.bootCatalog, undefined);
  let files = 0;
  for (const { node } of walkTree(plain.out.tree)) if (node.kind === 'file') files++;
  assert.equal(files, 4, 'loader, efi image, old catalog file, data');
});
