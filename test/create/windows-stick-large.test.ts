/**
 * A real install.wim over 4 GiB (issue 16 "Proof"): captured by wimlib-imagex from sparse files with
 * --compress=none and its zeros punched out (fallocate --dig-holes), so it takes little disk. The stick's tree
 * splits it at the default 4094 MiB into install.swm + install2.swm, both under FAT32's 4 GiB; the parts are
 * streamed to (sparse) files and wimlib-imagex lists exactly what it lists for the WIM and verifies the set.
 * Slow (~1–3 minutes: wimlib reads and hashes the 4.4 GiB twice).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, ftruncateSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { planStickTree } from '../../src/create/stick/index.js';
import { bytesContent, rangesContent, type Content, type TreeNode } from '../../src/model/index.js';
import { openFileSource } from '../../src/node/file-source.js';
import { needTools, sh, tmpDir } from '../helpers/index.js';

const MIB = 1048576;
const GIB = 1024 * MIB;
const ZERO = Buffer.alloc(4 * MIB);

const node = (name: string, content: Content): TreeNode => ({ name, kind: 'file', size: content.byteLength, content });
const folder = (name: string, children: TreeNode[]): TreeNode => ({ name, kind: 'dir', size: 0, children });

/** Stream a content into a file, leaving all-zero 4 MiB runs as holes. */
async function writeSparse(content: Content, file: string): Promise<number> {
  const fd = openSync(file, 'w');
  let pos = 0;
  try {
    for await (const c of content.stream({ chunkSize: 4 * MIB })) {
      const b = Buffer.from(c.buffer, c.byteOffset, c.length);
      if (b.compare(ZERO, 0, b.length) !== 0) writeSync(fd, b, 0, b.length, pos);
      pos += c.length;
    }
    ftruncateSync(fd, pos);
  } finally {
    closeSync(fd);
  }
  return pos;
}

test('install.wim over 4 GiB: split at 4094 MiB into install.swm + install2.swm under 4 GiB; wimlib-imagex lists the same files and verifies the set', { timeout: 900_000 }, async (t) => {
  if (!needTools(t, 'wimlib-imagex', 'fallocate', 'truncate')) return;
  const { dir, cleanup } = tmpDir('stick-bigwim');
  try {
    const src = path.join(dir, 'src');
    mkdirSync(src);
    for (let i = 1; i <= 4; i++) {
      const f = path.join(src, `part${i}.bin`);
      sh('truncate', ['-s', String(1100 * MIB), f]);
      const fd = openSync(f, 'r+');
      writeSync(fd, Buffer.from(`distinct file ${i}\n`.repeat(8)), 0, undefined, 0); // distinct blobs
      closeSync(fd);
    }
    const wim = path.join(dir, 'install.wim');
    sh('wimlib-imagex', ['capture', src, wim, 'Big', '--compress=none'], { stdio: 'pipe' });
    sh('fallocate', ['--dig-holes', wim]);
    const wimBytes = statSync(wim).size;
    assert.ok(wimBytes > 4 * GIB, `${wimBytes} bytes`);
    const source = await openFileSource(wim);
    try {
      const tree = folder('', [
        node('bootmgr', bytesContent(new Uint8Array(16))),
        folder('efi', [folder('boot', [node('bootx64.efi', bytesContent(new Uint8Array(16)))])]),
        folder('sources', [node('install.wim', rangesContent([{ source, byteOffset: 0, byteLength: wimBytes }]))]),
      ]);
      const { root, split } = await planStickTree(tree);
      assert.ok(split, 'split');
      assert.equal(split.partByteLength, 4094 * MIB);
      assert.deepEqual(split.parts.map((p) => p.name), ['install.swm', 'install2.swm']);
      const parts = root.children?.find((k) => k.name === 'sources')?.children ?? [];
      const out = path.join(dir, 'parts');
      mkdirSync(out);
      for (const p of parts) {
        assert.ok(p.size <= 4094 * MIB && p.size < 4 * GIB, `${p.name}: ${p.size} bytes`);
        assert.equal(await writeSparse(p.content as Content, path.join(out, p.name)), p.size);
      }
      const ref = `--ref=${path.join(out, 'install*.swm')}`;
      assert.equal(sh('wimlib-imagex', ['dir', path.join(out, 'install.swm'), '1', ref]), sh('wimlib-imagex', ['dir', wim, '1']));
      sh('wimlib-imagex', ['verify', path.join(out, 'install.swm'), ref], { stdio: 'pipe' });
    } finally {
      await source.close();
    }
  } finally {
    cleanup();
  }
});
