/**
 * The README's library example, run through the package's real entry points ("isokit" and "isokit/node",
 * resolved by package.json "exports" to dist/): the browser-safe core plans and emits an image in memory and
 * reads it back; the node entry opens a file. Also: importing the core entry loads no node:* module.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tmpDir } from '../helpers/index.js';

test('README library example works through "isokit" and "isokit/node"', async () => {
  const core = await import('isokit');
  const node = await import('isokit/node');
  const layout = core.planImage(
    { name: '', kind: 'dir', size: 0, children: [{ name: 'hello.txt', kind: 'file', size: 5, content: core.bytesContent(new TextEncoder().encode('hello')) }] },
    { volumeId: 'HELLO' },
  );
  const parts: Uint8Array[] = [];
  for await (const c of core.emitImage(layout)) parts.push(c.slice());
  const bytes = core.concatBytes(parts);
  assert.equal(bytes.length, layout.byteLength, 'the planned size is the emitted size');

  const image = await core.openImage(core.memorySource(bytes));
  assert.equal(image.volume.volumeId, 'HELLO');
  const file = core.findNode(image.tree, 'hello.txt');
  assert.ok(file?.content);
  const got: Uint8Array[] = [];
  for await (const c of file.content.stream()) got.push(c);
  assert.equal(new TextDecoder().decode(core.concatBytes(got)), 'hello');

  const { dir, cleanup } = tmpDir('pkg');
  try {
    const iso = path.join(dir, 'hello.iso');
    writeFileSync(iso, bytes);
    const fromFile = await node.openImage(await node.openFileSource(iso));
    assert.equal(fromFile.volume.volumeId, 'HELLO');
    await fromFile.source.close?.();
    const viaHelper = await node.openImageFile(iso);
    assert.equal(viaHelper.namespace, 'rockridge');
    const summary = await node.extractTree(viaHelper.tree, path.join(dir, 'out'));
    assert.equal(summary.files, 1);
    await viaHelper.source.close?.();
  } finally {
    cleanup();
  }
});

test('the "isokit" core entry loads no Node built-in module of its own', () => {
  // Baseline: Node itself plus the Node builds of the core's dependencies (fflate's Node build loads
  // worker_threads; its browser build, which bundlers pick, does not). Importing the core must add nothing.
  const list = "JSON.stringify((process.moduleLoadList ?? []).filter((x) => /^NativeModule (fs|child_process|net|http|https|worker_threads|zlib|crypto|os)$/.test(x)))";
  const run = (imports: string[]) => {
    const code = `Promise.all([${imports.map((i) => `import('${i}')`).join(',')}]).then(() => console.log(${list}))`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as string[];
  };
  const before = new Set(run(['fflate']));
  const added = run(['fflate', 'isokit']).filter((m) => !before.has(m));
  assert.deepEqual(added, [], `the core entry pulled in ${added.join(', ')}`);
  const withNode = run(['fflate', 'isokit/node']).filter((m) => !before.has(m));
  assert.ok(withNode.length > 0, 'the probe can see Node built-ins (isokit/node loads node:fs)');
});
