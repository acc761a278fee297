/**
 * FAT reader against mtools and 7-Zip: volumes made by mkfs.fat -F 12/16/32 and filled by mcopy (the fat-mtools
 * recipe) read back with the names, sizes, bytes and times that `mcopy -s -m` and `7zz x` extract; damaged
 * copies (orphaned long names, chain loops, clusters out of range, a differing backup boot sector) are read with
 * findings instead of failing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Findings, FindingCode } from '../../src/errors/index.js';
import { MemorySource } from '../../src/io/index.js';
import { walkTree, type TreeNode } from '../../src/model/index.js';
import { fatEntryOf, openFatVolume } from '../../src/read/fat/index.js';
import { needTools } from '../helpers/index.js';
import { diffSnapshots, snapshotTree } from '../helpers/xorriso-compare.js';
import { asMtoolsShows, FAT_TOOLS, fatScratch, mtoolsSnapshot, mtoolsVolume, sevenZipSnapshot, withoutRoot } from '../create/fat-helpers.js';

const SIZES = { 12: 3000, 16: 20_000, 32: 40_000 } as const;
const FAT_DIFF = { perm: false, owners: false, links: false } as const;

test('FAT reader: mkfs.fat + mcopy volumes (FAT12, FAT16, FAT32) read as mtools and 7-Zip extract them', async (t) => {
  if (!needTools(t, ...FAT_TOOLS)) return;
  for (const bits of [12, 16, 32] as const) {
    const img = mtoolsVolume(bits, SIZES[bits]);
    const findings = new Findings();
    const vol = await openFatVolume(new MemorySource(new Uint8Array(readFileSync(img))), findings);
    assert.equal(vol.info.fatType, `FAT${bits}`);
    assert.equal(vol.info.label, 'ISOKIT_TEST');
    assert.equal(vol.info.volumeId, 0x1234abcd);
    const tree = await vol.readTree();
    assert.deepEqual(findings.list, [], `FAT${bits}`);
    const ours = withoutRoot(await snapshotTree(tree));
    const m = withoutRoot(mtoolsSnapshot(img, path.join(fatScratch(), `read-${bits}-mtools`)));
    assert.deepEqual(diffSnapshots(m, asMtoolsShows(ours), FAT_DIFF), [], `FAT${bits} vs mtools`);
    const z = withoutRoot(sevenZipSnapshot(img, path.join(fatScratch(), `read-${bits}-7z`)));
    assert.deepEqual(diffSnapshots(z, ours, FAT_DIFF), [], `FAT${bits} vs 7-Zip`);
    const readme = tree.children?.find((k) => k.name === 'README.TXT');
    assert.equal(readme?.mtimeMs, Date.UTC(2001, 1, 3, 4, 5, 6));
    const lower = tree.children?.find((k) => k.name === 'readme2.txt');
    assert.equal(fatEntryOf(lower as TreeNode)?.hasLongName, false, 'mtools stores readme2.txt through the NT case flags');
    const big = [...walkTree(tree)].find((e) => e.path === 'sources/install.bin')?.node;
    assert.ok((big?.content?.ranges?.length ?? 0) >= 1);
  }
});

interface Damaged { bytes: Uint8Array; findings: Findings; tree: TreeNode }

async function damaged(edit: (b: Uint8Array, find: (p: string) => TreeNode) => void): Promise<Damaged> {
  const bytes = new Uint8Array(readFileSync(mtoolsVolume(32, SIZES[32])));
  const clean = await (await openFatVolume(new MemorySource(bytes), new Findings())).readTree();
  edit(bytes, (p) => [...walkTree(clean)].find((e) => e.path === p)?.node as TreeNode);
  const findings = new Findings();
  const tree = await (await openFatVolume(new MemorySource(bytes), findings)).readTree();
  return { bytes, findings, tree };
}

const codes = (f: Findings) => f.list.map((x) => x.code);

test('FAT reader: damage becomes findings (orphaned long name, chain loop, cluster out of range, backup boot sector)', async (t) => {
  if (!needTools(t, 'mkfs.fat', 'mcopy')) return;
  const fatAt = (b: Uint8Array, cluster: number) => ((b[14] as number) | ((b[15] as number) << 8)) * 512 + cluster * 4;
  const put32 = (b: Uint8Array, o: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(o, v, true);

  // the long-name set before Mixed.Case.Txt gets a wrong checksum: its 8.3 name is used
  const lfn = await damaged((b, find) => {
    const at = fatEntryOf(find('Mixed.Case.Txt'))?.byteOffset as number;
    b[at - 32 + 13] = ((b[at - 32 + 13] as number) + 1) & 0xff;
  });
  assert.ok(codes(lfn.findings).includes(FindingCode.FAT_LFN_ORPHAN));
  assert.ok(lfn.tree.children?.some((k) => k.name === 'MIXEDC~1.TXT'));

  // install.bin's first cluster points at itself
  const loop = await damaged((b, find) => {
    const c = fatEntryOf(find('sources/install.bin'))?.firstCluster as number;
    put32(b, fatAt(b, c), c);
  });
  assert.ok(codes(loop.findings).includes(FindingCode.FAT_CHAIN_LOOP));
  const bin = [...walkTree(loop.tree)].find((e) => e.path === 'sources/install.bin')?.node;
  assert.equal(bin?.size, bin?.content?.byteLength);
  assert.ok((bin?.size ?? 0) < 300_000);

  // README.TXT starts past the last cluster; a directory's cluster points back to the root
  const range = await damaged((b, find) => {
    const at = fatEntryOf(find('README.TXT'))?.byteOffset as number;
    put32(b, at + 20 - 2, 0); // high half 0
    b[at + 20] = 0xff;
    b[at + 21] = 0x0f;
    const dirAt = fatEntryOf(find('EFI'))?.byteOffset as number;
    b[dirAt + 26] = 2;
    b[dirAt + 27] = 0;
    b[dirAt + 20] = 0;
    b[dirAt + 21] = 0;
  });
  assert.ok(codes(range.findings).includes(FindingCode.FAT_CLUSTER_RANGE), JSON.stringify(range.findings.list));
  assert.ok(codes(range.findings).includes(FindingCode.FAT_DIRECTORY_LOOP));
  assert.deepEqual(range.tree.children?.find((k) => k.name === 'EFI')?.children, []);

  const backup = await damaged((b) => {
    b[6 * 512 + 3] ^= 0xff;
  });
  assert.deepEqual(codes(backup.findings), [FindingCode.FAT_BACKUP_BOOT_MISMATCH]);
  for (const d of [lfn, loop, range, backup]) for (const f of d.findings.list) assert.ok(f.byteOffset === undefined || (f.byteOffset >= 0 && f.byteOffset < d.bytes.length), f.message);
});
