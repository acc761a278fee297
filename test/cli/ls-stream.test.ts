/**
 * `isokit ls` streams (a directory at a time, long rows kept as bytes): its output must be byte for byte what
 * the in-memory renderer (render/ls.ts over the eager tree) gives, for every form (-l, -R, --json, PATH).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { TreeNode } from '../../src/model/index.js';
import { MemorySource } from '../../src/io/index.js';
import { openImage } from '../../src/read/index.js';
import { entryJson, formatLong, formatShort, listEntries } from '../../src/read/views/ls.js';
import { findImagePath } from '../../src/cli/render/find.js';
import { fixtureImage, type FixtureName } from '../helpers/fixtures.js';
import { needTools, runCli } from '../helpers/index.js';

/** What the in-memory renderer prints for `ls [opts] IMAGE PATH` (the output before streaming). */
function expected(root: TreeNode, image: string, namespace: string, path: string, opts: { long?: boolean; recursive?: boolean; json?: boolean }): string {
  const entries = listEntries(findImagePath(root, path), { recursive: !!opts.recursive });
  if (opts.json) {
    const head = JSON.stringify({ ok: true, image, namespace, path }).slice(0, -1);
    const body = entries.map((e) => JSON.stringify(entryJson(e))).join(',\n');
    // the reference images are clean: no findings
    return `${head},"entries":[${body ? '\n' + body + '\n' : ''}],"findings":[]}\n`;
  }
  const lines = opts.long ? formatLong(entries) : formatShort(entries);
  return lines.length ? lines.join('\n') + '\n' : '';
}

test('ls streams exactly what the in-memory renderer prints (forms, namespaces, paths)', async (t) => {
  if (!needTools(t, 'xorriso', 'genisoimage')) return;
  const images: [FixtureName, ('rockridge' | 'joliet' | 'iso9660')[]][] = [
    ['xorriso-rr', ['rockridge', 'joliet', 'iso9660']], ['genisoimage-rr', ['rockridge']], ['genisoimage-joliet', ['joliet']], ['iso-level1', ['iso9660']],
  ];
  const forms = [{}, { long: true }, { recursive: true }, { long: true, recursive: true }, { json: true }, { json: true, recursive: true }];
  const nsFlag = { rockridge: 'rr', joliet: 'joliet', iso9660: 'iso9660' } as const;
  let compared = 0;
  for (const [name, namespaces] of images) {
    const iso = await fixtureImage(name);
    for (const namespace of namespaces) {
      const root = (await openImage(new MemorySource(new Uint8Array(readFileSync(iso))), { namespace })).tree;
      const dirs = listEntries(root, { recursive: true }).filter((e) => e.node.kind === 'dir').map((e) => e.path);
      const file = listEntries(root, { recursive: true }).find((e) => e.node.kind === 'file')?.path ?? '';
      for (const path of ['/', (dirs[1] ?? dirs[0] ?? '/').toUpperCase(), file]) {
        for (const form of forms) {
          const args = ['ls', '--namespace', nsFlag[namespace], iso, path, ...(form.long ? ['-l'] : []), ...(form.recursive ? ['-R'] : []), ...(form.json ? ['--json'] : [])];
          const r = runCli(args);
          assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
          assert.equal(r.stdout, expected(root, iso, namespace, path, form), args.join(' '));
          compared++;
        }
      }
    }
  }
  assert.ok(compared >= 90);
  // a missing PATH fails before anything is written, also with --json
  for (const extra of [[], ['--json'], ['-l', '-R']]) {
    const r = runCli(['ls', await fixtureImage('xorriso-rr'), '/no/such', ...extra]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout.includes('"entries"'), false);
    assert.match(r.stderr + r.stdout, /\/no\/such: no such file or directory in the image/);
  }
});
