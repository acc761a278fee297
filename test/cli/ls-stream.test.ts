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
import { entryJson, formatLong, formatShort, listEntries, type ListedEntry } from '../../src/cli/render/ls.js';
import { LongListing } from '../../src/cli/render/ls-stream.js';
import { findImagePath } from '../../src/cli/render/find.js';
import { fixtureImage, type FixtureName } from '../helpers/fixtures.js';
import { needTools, runCli } from '../helpers/index.js';

const longText = (entries: readonly ListedEntry[]) => {
  const lines = formatLong(entries);
  return lines.length ? lines.join('\n') + '\n' : '';
};

/** The bytes written: compared as UTF-8, as stdout encodes the in-memory text (a lone surrogate becomes U+FFFD). */
function streamed(entries: readonly ListedEntry[]): Buffer {
  const l = new LongListing();
  for (const e of entries) l.add(e.node, e.path);
  return Buffer.concat([...l.chunks()]);
}
const utf8 = (s: string) => Buffer.from(s, 'utf8');

test('long rows kept as bytes give formatLong exactly: escapes, Unicode, devices, links, odd values', () => {
  const f = (over: Partial<TreeNode>): TreeNode => ({ name: 'x', kind: 'file', size: 0, ...over });
  const entries: ListedEntry[] = [
    { path: 'plain', node: f({ mode: 0o100644, nlink: 1, uid: 0, gid: 0, size: 6, mtimeMs: Date.UTC(2023, 10, 14, 22, 13, 20, 999) }) },
    { path: 'ctl\x01\x1f\x7f and \\ back', node: f({ mode: 0o104755, nlink: 12345, uid: 4294967295, gid: 7, size: 2 ** 40 }) },
    { path: 'unicodé/名前/😀/\ud800 lone', node: f({ mode: 0o100600, size: 1, mtimeMs: -1 }) },
    { path: 'dev', node: f({ kind: 'chardev', mode: 0o20666, device: { major: 4, minor: 64 }, mtimeMs: 8.64e15 }) },
    { path: 'blk', node: f({ kind: 'blockdev', mode: 0o60660, device: { major: 259, minor: 1048575 }, mtimeMs: 8.64e15 + 1 }) },
    { path: 'link', node: f({ kind: 'symlink', mode: 0o120777, symlinkTarget: '../t\narget é' }) },
    { path: 'link-no-target', node: f({ kind: 'symlink', mode: 0o120777 }) },
    { path: 'noperm', node: f({ kind: 'dir', children: [], mtimeMs: Number.NaN }) },
    { path: 'sticky', node: f({ kind: 'dir', mode: 0o41777, nlink: 3, children: [], mtimeMs: -8.64e15 - 1 }) },
    { path: 'odd numbers', node: f({ mode: 0o100644, nlink: 1.5, uid: -1, size: 1e21, mtimeMs: 1.5 }) },
    { path: '', node: f({ kind: 'fifo', mode: 0o10644 }) },
  ];
  assert.deepEqual(streamed(entries), utf8(longText(entries)));
  assert.equal(streamed([]).length, 0);
  // many rows (several output chunks, grown row tables), widths set by the last row
  const many: ListedEntry[] = [];
  for (let i = 0; i < 140_000; i++) {
    many.push({ path: `d${i % 97}/file-${i}${i % 5000 === 0 ? '-é' : ''}`, node: f({ mode: 0o100644, nlink: 1, uid: i % 3, gid: 1000, size: i, mtimeMs: Date.UTC(2020, 0, 1) + (i % 7) * 1000 }) });
  }
  many.push({ path: 'wide', node: f({ mode: 0o100644, nlink: 1234567, uid: 65534, gid: 65534, size: 2 ** 52 }) });
  assert.ok(streamed(many).equals(utf8(longText(many))));
});

/** What the in-memory renderer prints for `ls [opts] IMAGE PATH` (the output before streaming). */
function expected(root: TreeNode, image: string, namespace: string, path: string, opts: { long?: boolean; recursive?: boolean; json?: boolean }): string {
  const entries = listEntries(findImagePath(root, path), { recursive: !!opts.recursive });
  if (opts.json) {
    const head = JSON.stringify({ ok: true, image, namespace, path }).slice(0, -1);
    const body = entries.map((e) => JSON.stringify(entryJson(e))).join(',\n');
    return `${head},"entries":[${body ? '\n' + body + '\n' : ''}]}\n`;
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
