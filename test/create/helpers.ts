/**
 * Writer test helpers: in-memory trees, building images into memory or files, and reading them back with
 * independent tools (xorriso, bsdtar, 7zz, isoinfo) and isokit's own reader.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { emitImage, planImage, type BuildOptions, type ImageLayout } from '../../src/create/index.js';
import { memorySource } from '../../src/io/index.js';
import { bytesContent, type TreeNode } from '../../src/model/index.js';
import { openImage } from '../../src/read/index.js';
import { diffSnapshots, snapshotDir, snapshotTree, xorrisoExtract, type DiffOptions, type Snapshot } from '../helpers/xorriso-compare.js';
import { sh } from '../helpers/index.js';

export const T0 = Date.UTC(2023, 10, 14, 12, 0, 0);
const enc = new TextEncoder();

export function file(name: string, text: string | Uint8Array, extra: Partial<TreeNode> = {}): TreeNode {
  const bytes = typeof text === 'string' ? enc.encode(text) : text;
  return { name, kind: 'file', size: bytes.length, content: bytesContent(bytes), mode: 0o100644, uid: 0, gid: 0, mtimeMs: T0, ...extra };
}
export function dir(name: string, children: TreeNode[], extra: Partial<TreeNode> = {}): TreeNode {
  return { name, kind: 'dir', size: 0, children, mode: 0o40755, uid: 0, gid: 0, mtimeMs: T0, ...extra };
}
export function symlink(name: string, target: string): TreeNode {
  return { name, kind: 'symlink', size: 0, symlinkTarget: target, mode: 0o120777, uid: 0, gid: 0, mtimeMs: T0 };
}

/** Plan + emit into memory, collecting chunks. */
export async function buildBytes(tree: TreeNode, opts: BuildOptions = {}): Promise<{ layout: ImageLayout; bytes: Uint8Array }> {
  const layout = planImage(tree, { dateMs: T0, ...opts });
  const out = new Uint8Array(layout.byteLength);
  let o = 0;
  for await (const c of emitImage(layout)) {
    out.set(c, o);
    o += c.length;
  }
  return { layout, bytes: out };
}

export async function buildFile(tree: TreeNode, file: string, opts: BuildOptions = {}): Promise<ImageLayout> {
  const { layout, bytes } = await buildBytes(tree, opts);
  writeFileSync(file, bytes);
  return layout;
}

/** `xorriso -check_media` must report every block good and nothing damaged. */
export function checkMedia(image: string): string[] {
  const r = spawnSync('xorriso', ['-indev', image, '-check_media', '--'], { encoding: 'utf8' });
  const text = `${r.stdout}\n${r.stderr}`;
  const problems: string[] = [];
  if (r.status !== 0) problems.push(`xorriso -check_media exit ${r.status}`);
  const regions = [...text.matchAll(/^Media region\s*:\s*(\d+)\s*,\s*(\d+)\s*,\s*(.*)$/gm)];
  if (!regions.length) problems.push('no "Media region" line in xorriso -check_media output');
  for (const m of regions) if (!/\+\s*good/.test(m[3] as string)) problems.push(`media region ${m[1]}+${m[2]}: ${m[3]}`);
  if (/FAILURE|SORRY|damaged/i.test(text)) problems.push(text.split('\n').filter((l) => /FAILURE|SORRY|damaged/i.test(l)).join('; '));
  return problems;
}

/** Snapshot of a tree restricted to what a namespace can show. */
export function restrict(s: Snapshot, keep: (p: string, e: NonNullable<ReturnType<Snapshot['get']>>) => boolean): Snapshot {
  return new Map([...s].filter(([p, e]) => keep(p, e)));
}

const isRoot = process.getuid?.() === 0;

/** Rock Ridge readers (xorriso, bsdtar) and isokit's reader must give back the source tree. */
export interface ReadersOptions extends DiffOptions {
  skip?: (p: string) => boolean;
  /** xorriso restores hard links only from RRIP 1.12 PX serial numbers */
  xorrisoLinks?: boolean;
}

export async function rockRidgeReadersAgree(image: string, tree: TreeNode, work: string, opts: ReadersOptions = {}): Promise<string[]> {
  const expected = await snapshotTree(tree);
  const diffs: string[] = [];
  const skip = opts.skip ?? (() => false);
  const keepAll = (s: Snapshot) => restrict(s, (p) => !skip(p));
  const base: DiffOptions = { owners: isRoot, dirMtime: false, ...opts };
  const xx = path.join(work, 'xorriso');
  xorrisoExtract(image, xx);
  diffs.push(...diffSnapshots(keepAll(snapshotDir(xx)), keepAll(expected), { ...base, links: opts.xorrisoLinks ?? true }).map((d) => `xorriso: ${d}`));
  const xb = path.join(work, 'bsdtar');
  mkdirSync(xb);
  sh('bsdtar', ['-xpf', image, '-C', xb]);
  // long symlink targets included: SL entries split inside a component, which libarchive reads right
  diffs.push(...diffSnapshots(keepAll(snapshotDir(xb)), keepAll(expected), { ...base, perm: isRoot }).map((d) => `bsdtar: ${d}`));
  return diffs;
}

/** isokit's own reader: the Rock Ridge tree equals the source. */
export async function isokitReaderAgrees(bytes: Uint8Array, tree: TreeNode, opts: DiffOptions & { skip?: (p: string) => boolean } = {}): Promise<string[]> {
  const img = await openImage(memorySource(bytes, 'built.iso'));
  const skip = opts.skip ?? (() => false);
  const a = restrict(await snapshotTree(img.tree), (p) => !skip(p));
  const e = restrict(await snapshotTree(tree), (p) => !skip(p));
  return diffSnapshots(a, e, { dirMtime: true, ...opts }).map((d) => `isokit: ${d}`);
}

/** 7-Zip reads Joliet: each file under its Joliet name (as planned: cut to 64/103 units), with its bytes. */
export async function sevenZipAgrees(image: string, tree: TreeNode, work: string, layout: ImageLayout): Promise<string[]> {
  const out = path.join(work, '7z');
  mkdirSync(out);
  sh('7zz', ['x', '-y', `-o${out}`, image]);
  const got = snapshotDir(out);
  const diffs: string[] = [];
  const visit = async (n: TreeNode, prefix: string): Promise<void> => {
    for (const c of n.children ?? []) {
      const name = (layout.namesOf(c)?.joliet ?? c.name).replace(/;1$/, '');
      const p = prefix ? `${prefix}/${name}` : name;
      if (c.kind !== 'file' && c.kind !== 'dir') continue;
      const g = got.get(p);
      if (!g) diffs.push(`7zz: missing /${p}`);
      else if (c.kind === 'file') {
        const want = (await snapshotTree({ ...c, name: '' })).get('')?.sha256;
        if (g.sha256 !== want) diffs.push(`7zz: /${p} bytes differ`);
      }
      if (c.kind === 'dir') await visit(c, p);
    }
  };
  await visit(tree, '');
  // Nothing extra: symlinks, devices and fifos are left out of Joliet, not shown as empty files.
  const wanted = new Set<string>();
  const collect = (n: TreeNode, prefix: string): void => {
    for (const c of n.children ?? []) {
      if (c.kind !== 'file' && c.kind !== 'dir') continue;
      const p = (prefix ? `${prefix}/` : '') + (layout.namesOf(c)?.joliet ?? c.name).replace(/;1$/, '');
      wanted.add(p);
      collect(c, p);
    }
  };
  collect(tree, '');
  for (const p of got.keys()) if (p && !wanted.has(p)) diffs.push(`7zz: unexpected /${p}`);
  return diffs;
}

/** `isoinfo -f -R` lists every Rock Ridge path; `-J` every Joliet path. */
export function isoinfoPaths(image: string, ns: 'R' | 'J'): string[] {
  return sh('isoinfo', ['-f', `-${ns}`, '-i', image]).split('\n').filter(Boolean).map((l) => l.replace(/;1$/, ''));
}
