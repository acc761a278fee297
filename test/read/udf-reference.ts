/**
 * What the reference tools say about a UDF image: 7-Zip's listing (`7zz l -tudf -slt`) and extraction
 * (`7zz x -tudf`), and udftools' `udfinfo`; and the comparisons of the UDF reader's tree and info with them.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { Findings, walkTree, type TreeNode } from '../../src/index.js';
import { openFileSource } from '../../src/node/index.js';
import { openUdfVolume, type UdfVolume } from '../../src/read/udf/index.js';
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { IN_CI, sh } from '../helpers/index.js';

export interface SevenZipEntry {
  readonly folder: boolean;
  readonly size: number;
  /** microseconds since the epoch (TZ=UTC), undefined when 7-Zip shows none */
  readonly modified?: number;
  readonly accessed?: number;
  readonly created?: number;
  readonly changed?: number;
}

const micros = (s: string | undefined): number | undefined => {
  const m = s && /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(s);
  if (!m) return undefined;
  const frac = ((m[7] ?? '') + '000000').slice(0, 6);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) * 1000 + Number(frac);
};

/** 7-Zip's entries of a UDF image (path → entry), listed with TZ=UTC. */
export function sevenZipList(image: string): Map<string, SevenZipEntry> {
  const out = sh('7zz', ['l', '-tudf', '-slt', image], { env: { ...process.env, TZ: 'UTC' } });
  const body = out.slice(out.indexOf('----------\n') + 11);
  const entries = new Map<string, SevenZipEntry>();
  for (const block of body.split(/\n\n+/)) {
    const f = new Map<string, string>();
    for (const line of block.split('\n')) {
      const i = line.indexOf(' = ');
      if (i > 0) f.set(line.slice(0, i), line.slice(i + 3));
    }
    const p = f.get('Path');
    if (!p) continue;
    const e: { -readonly [K in keyof SevenZipEntry]: SevenZipEntry[K] } = { folder: f.get('Folder') === '+', size: Number(f.get('Size') || 0) };
    const times: [keyof SevenZipEntry, string][] = [['modified', 'Modified'], ['accessed', 'Accessed'], ['created', 'Created'], ['changed', 'Metadata Changed']];
    for (const [k, label] of times) {
      const v = micros(f.get(label));
      if (v !== undefined) (e as Record<string, unknown>)[k] = v;
    }
    entries.set(p, e);
  }
  return entries;
}

/** `udfinfo IMAGE` as key → value (the "start=…" layout lines left out). */
export function udfinfo(image: string, extra: string[] = []): Map<string, string> {
  const out = sh('udfinfo', [...extra, image]);
  const m = new Map<string, string>();
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0 && !line.startsWith('start=')) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

export async function openUdfFile(image: string): Promise<{ volume: UdfVolume; findings: Findings; close: () => Promise<void> }> {
  const source = await openFileSource(image);
  const findings = new Findings();
  return { volume: await openUdfVolume(source, findings), findings, close: async () => { await source.close?.(); } };
}

/** The tree's nodes by path (no leading slash), the root left out. */
export function nodesByPath(root: TreeNode): Map<string, TreeNode> {
  const m = new Map<string, TreeNode>();
  for (const { node, path: p } of walkTree(root)) if (p) m.set(p, node);
  return m;
}

/** SHA-256 of a node's content, streamed. */
export async function contentHash(node: TreeNode): Promise<string> {
  const h = createHash('sha256');
  for await (const c of (node.content as NonNullable<TreeNode['content']>).stream()) h.update(c);
  return h.digest('hex');
}

/** Names, kinds, sizes and times of the tree equal 7-Zip's listing (7-Zip knows only files and folders). */
export function assertSameAsSevenZipList(image: string, root: TreeNode): void {
  const seven = sevenZipList(image);
  const ours = nodesByPath(root);
  assert.deepEqual([...ours.keys()].sort(), [...seven.keys()].filter((p) => p !== path.basename(image)).sort(), 'the same paths as 7zz l');
  for (const [p, n] of ours) {
    const s = seven.get(p) as SevenZipEntry;
    assert.equal(n.kind === 'dir', s.folder, `${p}: directory or not`);
    if (n.kind !== 'dir') assert.equal(n.size, s.size, `${p}: size`);
    const us = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * 1000));
    if (s.modified !== undefined) assert.equal(us(n.mtimeMs), s.modified, `${p}: modification time`);
    if (s.accessed !== undefined) assert.equal(us(n.atimeMs), s.accessed, `${p}: access time`);
    if (s.changed !== undefined) assert.equal(us(n.ctimeMs), s.changed, `${p}: attribute time`);
    if (s.created !== undefined) assert.equal(us(n.birthtimeMs), s.created, `${p}: creation time`);
  }
}

/** Every file's bytes equal what `7zz x -tudf` extracted into `dir`; directories and files only there. */
export async function assertSameAsSevenZipExtract(image: string, root: TreeNode, dir: string): Promise<number> {
  sh('7zz', ['x', '-tudf', '-y', `-o${dir}`, image]);
  const ours = nodesByPath(root);
  const onDisk = new Set<string>();
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d)) {
      const p = rel ? `${rel}/${name}` : name;
      onDisk.add(p);
      if (lstatSync(path.join(d, name)).isDirectory()) walk(path.join(d, name), p);
    }
  };
  walk(dir, '');
  assert.deepEqual([...onDisk].sort(), [...ours.keys()].sort(), 'the same paths as 7zz x');
  let files = 0;
  for (const [p, n] of ours) {
    if (n.kind === 'dir') continue;
    const want = createHash('sha256').update(readFileSync(path.join(dir, p))).digest('hex');
    assert.equal(await contentHash(n), want, `${p}: bytes as 7zz x extracts them`);
    files++;
  }
  return files;
}

/** The volume info equals udfinfo's (ids, block size, counts, revision, integrity). */
export function assertSameAsUdfinfo(image: string, volume: UdfVolume, extra: string[] = []): Map<string, string> {
  const u = udfinfo(image, extra);
  const info = volume.info;
  assert.equal(info.volumeId, u.get('vid'), 'volume identifier (PVD)');
  assert.equal(info.logicalVolumeId, u.get('lvid'), 'logical volume identifier');
  assert.equal(info.fileSetId, u.get('fsid'), 'file set identifier');
  assert.equal(info.volumeSetId, u.get('fullvsid'), 'volume set identifier');
  assert.deepEqual([info.lvInfo?.owner ?? '', info.lvInfo?.organization ?? '', info.lvInfo?.contact ?? ''], [u.get('owner'), u.get('organization'), u.get('contact')], 'LV Info owner, organization, contact');
  assert.equal(info.blockSize, Number(u.get('blocksize')), 'block size');
  assert.equal(info.fileCount, Number(u.get('numfiles')), 'file count');
  assert.equal(info.directoryCount, Number(u.get('numdirs')), 'directory count');
  assert.equal(info.minReadRevision ?? info.revision, u.get('udfrev'), 'UDF revision');
  const integrity = u.get('integrity') === 'opened' ? 'open' : u.get('integrity');
  assert.equal(info.integrity, integrity, 'integrity');
  return u;
}

/** Whether Debian's python3-pycdlib is there (skips with a reason on a developer machine; fails under CI). */
export function pycdlibAvailable(t: TestContext): boolean {
  if (spawnSync('/usr/bin/python3', ['-c', 'import pycdlib'], { stdio: 'ignore' }).status === 0) return true;
  if (IN_CI) throw new Error('python3-pycdlib missing under CI (install it in .ci/run)');
  t.skip('needs python3-pycdlib (not installed)');
  return false;
}
