/**
 * The UDF reader behind `openImage` (the reader seam): bridge images offer a readable `udf` namespace whose
 * tree and bytes equal 7-Zip's, the automatic choice is Rock Ridge → UDF → Joliet → ISO 9660, UDF-only
 * volumes (mkudffs, no PVD) open with udfinfo's label, the streaming walk gives the eager tree, and a bridge
 * whose UDF volume is broken keeps its other namespaces (a finding) while a broken UDF-only image throws.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode, FindingCode, IsoKitError, MemorySource, openImage, walkImage, walkTree, type TreeNode } from '../../src/index.js';
import { openFileSource } from '../../src/node/index.js';
import { recipeImage, RECIPES } from '../helpers/fixtures.js';
import { needTools, sh, tmpDir } from '../helpers/index.js';
import { assertSameAsSevenZipExtract, assertSameAsSevenZipList, nodesByPath, pycdlibAvailable, udfinfo } from './udf-reference.js';

const serious = (list: readonly { severity: string }[]) => list.filter((x) => x.severity !== 'info');

test('genisoimage -udf bridge through openImage: Rock Ridge chosen, the udf namespace readable and equal to 7-Zip\'s tree and bytes', async (t) => {
  if (!needTools(t, 'genisoimage', '7zz', 'udfinfo')) return;
  const image = await recipeImage('udf-genisoimage');
  const { dir, cleanup } = tmpDir('udf-oi');
  const source = await openFileSource(image);
  try {
    const img = await openImage(source);
    assert.equal(img.namespace, 'rockridge', 'Rock Ridge keeps its POSIX metadata first');
    assert.deepEqual(img.namespaces.udf, { seen: true, readable: true, revision: '1.02' });
    const u = udfinfo(image);
    assert.equal(img.udf?.volumeId, u.get('vid'));
    assert.equal(img.udf?.logicalVolumeId, u.get('lvid'));
    const root = await img.openTree('udf');
    assertSameAsSevenZipList(image, root);
    assert.ok((await assertSameAsSevenZipExtract(image, root, path.join(dir, 'x'))) >= 20);
    // the same files in both trees (UDF has no device or fifo kinds from genisoimage: those are files there)
    const rr = nodesByPath(img.tree);
    for (const [p, n] of nodesByPath(root)) if (n.kind === 'file' && rr.get(p)?.kind === 'file') assert.equal(n.size, rr.get(p)?.size, p);
    // the reader seam: a UDF directory reader, and the deferred walk gives the eager tree's paths
    assert.equal((await img.reader('udf')).namespace, 'udf');
    const walked: string[] = [];
    for await (const e of walkImage(img, { namespace: 'udf' })) walked.push(e.path);
    assert.deepEqual(walked, [...walkTree(root)].map((e) => e.path).filter(Boolean));
    // listing mode (lean nodes, File Entries read into one run buffer): the attributes a listing shows are the tree's
    const shown = (n: TreeNode) => [n.kind, n.size, n.mode, n.nlink, n.uid, n.gid, n.mtimeMs, n.symlinkTarget, n.linkGroup !== undefined];
    const eager = nodesByPath(root);
    let leanCount = 0;
    for await (const e of walkImage(img, { namespace: 'udf', lean: true })) {
      assert.deepEqual(shown(e.node), shown(eager.get(e.path) as TreeNode), e.path);
      if (e.node.kind === 'file') assert.equal(e.node.content, undefined, `${e.path}: no content in listing mode`);
      leanCount++;
    }
    assert.equal(leanCount, eager.size);
    assert.deepEqual(serious(img.findings), []);
  } finally {
    await source.close?.();
    cleanup();
  }
});

test('automatic choice: a bridge without Rock Ridge reads UDF before Joliet; --namespace picks any of them', async (t) => {
  if (!needTools(t, 'genisoimage')) return;
  const { dir, cleanup } = tmpDir('udf-auto');
  try {
    const src = path.join(dir, 'src');
    sh('sh', ['-c', `mkdir -p "${src}/Sub Dir" && printf 'hello udf\\n' > "${src}/Sub Dir/a long file name.txt"`]);
    const iso = path.join(dir, 'b.iso');
    sh('genisoimage', ['-quiet', '-J', '-udf', '-V', 'AUTO', '-o', iso, src], { stdio: 'pipe' });
    const bytes = new Uint8Array(readFileSync(iso));
    const auto = await openImage(new MemorySource(bytes, 'b.iso'));
    assert.equal(auto.namespace, 'udf');
    const file = nodesByPath(auto.tree).get('Sub Dir/a long file name.txt');
    assert.equal(new TextDecoder().decode(await collectContent(file?.content)), 'hello udf\n');
    for (const ns of ['joliet', 'iso9660', 'udf'] as const) assert.equal((await openImage(new MemorySource(bytes, 'b.iso'), { namespace: ns })).namespace, ns);
    await assert.rejects(openImage(new MemorySource(bytes, 'b.iso'), { namespace: 'rockridge' }), (e: IsoKitError) => e.code === ErrorCode.NOT_FOUND);
  } finally {
    cleanup();
  }
});

test('Windows-shaped image: the automatic choice shows the UDF tree, the boot catalog is still read', async (t) => {
  if (!pycdlibAvailable(t)) return;
  const image = await recipeImage('udf-pycdlib-windows');
  const source = await openFileSource(image);
  try {
    const img = await openImage(source);
    assert.equal(img.namespace, 'udf');
    const byPath = nodesByPath(img.tree);
    for (const p of ['bootmgr', 'efi/boot/bootx64.efi', 'sources/install.wim']) assert.equal(byPath.get(p)?.kind, 'file', p);
    assert.equal(byPath.has('README.TXT'), false, 'the ISO 9660 README is not the tree shown');
    assert.deepEqual(img.bootCatalog?.images.map((e) => e.platform), ['x86', 'efi']);
    assert.equal(img.volume.volumeId, 'CCCOMA_X64FRE_EN-US_DV9');
  } finally {
    await source.close?.();
  }
});

test('UDF-only volumes (mkudffs, no ISO 9660 PVD) open: label, block size and revision equal udfinfo\'s', async (t) => {
  if (!needTools(t, 'mkudffs', 'udfinfo')) return;
  const { dir, cleanup } = tmpDir('udf-only');
  try {
    const cases = [{}, { UDFREV: '1.02' }, { BLOCKSIZE: '512', LABEL: 'Grüße' }, { MEDIA: 'bdr', UDFREV: '2.50', BLOCKS: '20000' }];
    for (const env of cases) {
      const image = path.join(dir, `${Object.values(env).join('_') || 'default'}.img`);
      sh('sh', [path.join(RECIPES, 'udf-mkudffs.sh'), image], { env: { ...process.env, ...env } });
      const u = udfinfo(image);
      const source = await openFileSource(image);
      try {
        const img = await openImage(source);
        const what = JSON.stringify(env);
        assert.equal(img.namespace, 'udf', what);
        assert.equal(img.namespaces.iso9660, undefined, what);
        assert.equal(img.namespaces.udf?.revision, u.get('udfrev'), what);
        assert.equal(img.volume.volumeId, u.get('lvid'), `${what}: the label systems show is the logical volume id`);
        assert.equal(img.volume.blockSize, Number(u.get('blocksize')), what);
        assert.deepEqual(img.tree.children, [], what);
        assert.ok(img.descriptors.some((d) => d.identifier === 'BEA01'), `${what}: the recognition sequence is listed`);
        assert.deepEqual(serious(img.findings), [], `${what}: no warnings (no ISO 9660 descriptor-set findings)`);
      } finally {
        await source.close?.();
      }
    }
  } finally {
    cleanup();
  }
});

test('a bridge whose UDF anchors are gone keeps its ISO 9660 namespaces (a finding); a UDF-only image without them throws', async (t) => {
  if (!needTools(t, 'genisoimage', 'mkudffs')) return;
  const { dir, cleanup } = tmpDir('udf-broken');
  try {
    const bridge = new Uint8Array(readFileSync(await recipeImage('udf-genisoimage')));
    const n = bridge.length / 2048;
    for (const s of [256, n - 257, n - 1]) bridge.fill(0, s * 2048, s * 2048 + 16);
    const img = await openImage(new MemorySource(bridge, 'broken.iso'));
    assert.equal(img.namespace, 'rockridge');
    assert.deepEqual(img.namespaces.udf, { seen: true });
    assert.ok(img.findings.some((f) => f.code === FindingCode.UDF_UNREADABLE && f.severity === 'error'), JSON.stringify(img.findings));
    await assert.rejects(img.openTree('udf'), (e: IsoKitError) => e.code === ErrorCode.NOT_FOUND);
    await assert.rejects(openImage(new MemorySource(bridge, 'broken.iso'), { namespace: 'udf' }), (e: IsoKitError) => e.code === ErrorCode.NOT_FOUND);

    const only = path.join(dir, 'only.img');
    sh('sh', [path.join(RECIPES, 'udf-mkudffs.sh'), only]);
    const bytes = new Uint8Array(readFileSync(only));
    const m = bytes.length / 2048;
    for (const s of [256, m - 257, m - 1]) bytes.fill(0, s * 2048, s * 2048 + 16);
    await assert.rejects(openImage(new MemorySource(bytes, 'only.img')), (e: IsoKitError) => e.code === ErrorCode.CORRUPT && /Anchor/.test(e.message));
  } finally {
    cleanup();
  }
});

async function collectContent(content: { stream(): AsyncIterable<Uint8Array> } | undefined): Promise<Uint8Array> {
  assert.ok(content, 'content');
  const parts: Uint8Array[] = [];
  for await (const c of content.stream()) parts.push(c);
  return Buffer.concat(parts);
}
