/**
 * UDF writer test helpers: what independent readers see of a UDF volume — 7-Zip's extraction (`7zz x -tudf`),
 * udfinfo's report (revision, counts, integrity, where the partition and the anchors are), pycdlib's UDF walk —
 * and a check of the partition against the blocks the volume uses, which no Linux reader makes (pycdlib #173).
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Findings, MemorySource, walkTree, type TreeNode } from '../../src/index.js';
import { openUdfVolume, parseLogicalVolumeIntegrityDescriptor, parseLogicalVolumeDescriptor } from '../../src/read/udf/index.js';
import { sh } from '../helpers/index.js';
import { snapshotDir, snapshotTree, type Snapshot } from '../helpers/xorriso-compare.js';

/** Files (path → sha256) and directories ('dir') of a snapshot, the root left out. */
export function filesAndDirs(s: Snapshot, keep: (p: string) => boolean = () => true): Map<string, string> {
  const out = new Map<string, string>();
  for (const [p, e] of s) if (p && keep(p) && (e.kind === 'dir' || e.kind === 'file')) out.set(p, e.kind === 'dir' ? 'dir' : (e.sha256 as string));
  return out;
}

/** Differences between two path → content maps. */
export function diffMaps(what: string, want: Map<string, string>, got: Map<string, string>): string[] {
  const d: string[] = [];
  for (const [p, v] of want) if (got.get(p) !== v) d.push(`${what}: /${p} ${got.has(p) ? 'differs' : 'missing'}`);
  for (const p of got.keys()) if (!want.has(p)) d.push(`${what}: extra /${p}`);
  return d;
}

/** 7-Zip's UDF reading of `image` must equal the files and directories of `tree` (names and bytes). */
export async function sevenZipUdfAgrees(image: string, tree: TreeNode, work: string, keep?: (p: string) => boolean): Promise<string[]> {
  const out = path.join(work, `7z-udf-${path.basename(image)}`);
  mkdirSync(out, { recursive: true });
  const r = spawnSync('7zz', ['x', '-y', '-tudf', `-o${out}`, image], { encoding: 'utf8' });
  if (r.status !== 0) return [`7zz x -tudf exit ${r.status}: ${r.stdout.split('\n').filter((l) => /error|warning|unsupported/i.test(l)).join('; ')}`];
  if (/WARNINGS:|ERRORS:/.test(r.stdout)) return [`7zz: ${r.stdout.slice(r.stdout.indexOf('WARNINGS') >= 0 ? r.stdout.indexOf('WARNINGS') : r.stdout.indexOf('ERRORS'))}`];
  return diffMaps('7zz -tudf', filesAndDirs(await snapshotTree(tree), keep), filesAndDirs(snapshotDir(out)));
}

export interface UdfinfoReport {
  fields: Map<string, string>;
  /** start/blocks/type lines (VRS, MVDS, RVDS, LVID, ANCHOR, PSPACE…) */
  areas: { start: number; blocks: number; type: string }[];
  stderr: string;
  status: number;
}

export function udfinfo(image: string): UdfinfoReport {
  const r = spawnSync('udfinfo', [image], { encoding: 'utf8' });
  const fields = new Map<string, string>();
  const areas: UdfinfoReport['areas'] = [];
  for (const line of r.stdout.split('\n')) {
    const a = /^start=(\d+), blocks=(\d+), type=(\S+)/.exec(line);
    if (a) areas.push({ start: Number(a[1]), blocks: Number(a[2]), type: a[3] as string });
    else if (line.includes('=')) fields.set(line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1));
  }
  return { fields, areas, stderr: r.stderr, status: r.status ?? -1 };
}

/** Debian's python3-pycdlib is importable (CI installs it: .ci/run PKGS). */
export const hasPycdlib = (): boolean => spawnSync('/usr/bin/python3', ['-c', 'import pycdlib'], { stdio: 'ignore' }).status === 0;

/** pycdlib (Debian's python3-pycdlib) walks the UDF tree: '/'-joined paths of files and directories. */
export function pycdlibUdfPaths(image: string): string[] {
  const script = [
    'import sys, pycdlib',
    'iso = pycdlib.PyCdlib(); iso.open(sys.argv[1])',
    "for p, ds, fs in iso.walk(udf_path='/'):",
    "  base = '' if p == '/' else p[1:] + '/'",
    '  for d in ds: print(base + d + "/")',
    '  for f in fs: print(base + f)',
    'iso.close()',
  ].join('\n');
  return sh('/usr/bin/python3', ['-c', script, image]).split('\n').filter(Boolean).sort();
}

/** The paths pycdlib should list for `tree`: files and directories (directories with a trailing '/'). */
export function expectedUdfPaths(tree: TreeNode): string[] {
  const out: string[] = [];
  for (const { node, path: p } of walkTree(tree)) if (p && (node.kind === 'file' || node.kind === 'dir')) out.push(node.kind === 'dir' ? p + '/' : p);
  return out.sort();
}

/**
 * The partition must cover every block UDF uses: it must end exactly at the end anchor (udfinfo's PSPACE and
 * ANCHOR areas), every file's data (isokit's reader) must lie in it, and the LVID size table must give its length.
 */
export async function partitionProblems(bytes: Uint8Array, info: UdfinfoReport): Promise<string[]> {
  const p: string[] = [];
  const space = info.areas.find((a) => a.type === 'PSPACE');
  const anchors = info.areas.filter((a) => a.type === 'ANCHOR').map((a) => a.start);
  const lastBlock = bytes.length / 2048 - 1;
  if (!space) return ['udfinfo reports no partition space'];
  const end = space.start + space.blocks;
  if (!anchors.includes(256)) p.push('no anchor at 256');
  const endAnchor = Math.max(...anchors);
  if (end !== endAnchor) p.push(`partition ends at block ${end}, the end anchor is at ${endAnchor}`);
  if (endAnchor > lastBlock) p.push(`end anchor ${endAnchor} past the image's last block ${lastBlock}`);
  const findings = new Findings();
  const volume = await openUdfVolume(new MemorySource(bytes), findings);
  const tree = await volume.readTree();
  for (const { node, path: np } of walkTree(tree)) {
    for (const e of node.extents ?? []) {
      const last = e.lba + Math.ceil(e.byteLength / 2048) - 1;
      if (e.lba < space.start || last >= end) p.push(`/${np}: blocks ${e.lba}-${last} outside the partition ${space.start}-${end - 1}`);
    }
  }
  // LVID size table: from the LVD's integrity sequence extent (main VDS through the anchor at 256)
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  const mainVds = dv.getUint32(256 * 2048 + 20, true);
  for (let s = mainVds; s < mainVds + 16; s++) {
    if (dv.getUint16(s * 2048, true) !== 6) continue;
    const lvd = parseLogicalVolumeDescriptor(bytes.subarray(s * 2048, s * 2048 + 2048));
    const at = lvd.integritySequence.sector * 2048;
    const lvid = parseLogicalVolumeIntegrityDescriptor(bytes.subarray(at, at + 2048));
    if (lvid.sizeTable[0] !== space.blocks) p.push(`LVID size table ${lvid.sizeTable[0]}, partition ${space.blocks} blocks`);
  }
  for (const f of findings.list) if (f.severity !== 'info') p.push(`isokit reader: ${f.code} ${f.message}`);
  return p;
}

/** El Torito entries from `xorriso -report_el_torito plain`: platform and LBA of each boot image. */
export function elToritoEntries(image: string): { platform: string; lba: number; loadSize: number }[] {
  const r = spawnSync('xorriso', ['-indev', image, '-report_el_torito', 'plain'], { encoding: 'utf8' });
  return [...r.stdout.matchAll(/^El Torito boot img :\s+\d+\s+(\S+)\s+\S+\s+\S+\s+\S+\s+\S+\s+(\d+)\s+(\d+)\s*$/gm)].map((m) => ({ platform: m[1] as string, loadSize: Number(m[2]), lba: Number(m[3]) }));
}
