/**
 * `isokit create` options added for the performance work: `--sort-weight WEIGHT GLOB` (file data order),
 * `--fsync`; usage errors are one line with exit 2.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { openImageFile } from '../../src/node/open-image.js';
import type { TreeNode } from '../../src/model/index.js';
import { runCli, tmpDir } from '../helpers/index.js';

async function lbas(image: string): Promise<Map<string, number>> {
  const img = await openImageFile(image);
  const out = new Map<string, number>();
  const walk = (n: TreeNode, p: string) => {
    for (const c of n.children ?? []) {
      const q = `${p}/${c.name}`;
      const lba = c.extents?.[0]?.lba;
      if (c.kind === 'file' && lba !== undefined) out.set(q, lba);
      walk(c, q);
    }
  };
  walk(img.tree, '');
  await img.source.close?.();
  return out;
}

test('create --sort-weight WEIGHT GLOB puts heavier files first; --fsync is accepted', async () => {
  const { dir: work, cleanup } = tmpDir('create-opts');
  try {
    const src = path.join(work, 'src');
    mkdirSync(path.join(src, 'boot/grub'), { recursive: true });
    for (const name of ['a.txt', 'b.txt', 'z.bin', 'boot/grub/grub.cfg', 'boot/vmlinuz']) writeFileSync(path.join(src, name), `${name}\n`);
    const plain = path.join(work, 'plain.iso');
    assert.equal(runCli(['create', src, '-o', plain, '--date', '0']).status, 0);
    const before = await lbas(plain);
    assert.ok((before.get('/a.txt') as number) < (before.get('/z.bin') as number));

    const sorted = path.join(work, 'sorted.iso');
    // a folder gives its weight to every file below; a name pattern matches at any depth; later rules win
    const r = runCli(['create', src, '-o', sorted, '--date', '0', '--fsync', '--sort-weight', '5', 'boot', '--sort-weight', '10', '*.bin', '--sort-weight', '7', 'boot/vmlinuz', '--sort-weight', '1', 'nothing-*']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /sort weight 1 nothing-\*: nothing in the image matches/);
    const after = await lbas(sorted);
    const order = [...after].sort((x, y) => x[1] - y[1]).map(([p]) => p);
    assert.deepEqual(order.slice(0, 3), ['/z.bin', '/boot/vmlinuz', '/boot/grub/grub.cfg']);
    assert.deepEqual(order.slice(3).sort(), ['/a.txt', '/b.txt']);

    const bad = runCli(['create', src, '-o', sorted, '--sort-weight', 'heavy', '*.bin']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--sort-weight needs a whole number/);
    const missing = runCli(['create', src, '-o', sorted, '--sort-weight', '3']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--sort-weight needs a weight and a pattern/);
  } finally {
    cleanup();
  }
});
