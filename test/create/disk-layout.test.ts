/**
 * The layout engine on a disk, the shape a Windows stick needs: protective MBR + GPT in 512-byte blocks, one
 * partition pinned at LBA 2048 running to the end of the usable area, the backup GPT placed from the end of the
 * disk. The invariants hold, the bytes stream in order, and sgdisk / sfdisk find the tables valid. Also the
 * engine's placements on their own (fixed block, alignment, from the end, gaps) and its refusals.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { MIB_SECTORS, emitDisk, planDisk, type DiskSpec } from '../../src/create/disk/index.js';
import { chunkWriterFor, emitLayout, planLayout, type EmitContext, type Region } from '../../src/create/index.js';
import { GptType } from '../../src/formats/gpt/index.js';
import { needTools, sh, tmpDir } from '../helpers/index.js';

/** A region of `blocks` blocks filled with a marker byte (a stand-in for a file system). */
function filled(name: string, blocks: number, byte: number, blockSize = 512): Region {
  return {
    name,
    plan: () => blocks,
    *extents() {
      yield { lba: 0, blockCount: 0, what: name };
    },
    async *emit(out) {
      yield* out.put(new Uint8Array(blocks * blockSize).fill(byte));
    },
  };
}

const spec = (sectorCount: number, scheme: 'gpt' | 'mbr'): DiskSpec => ({
  sectorCount,
  scheme,
  seed: 'isokit-test',
  partitions: [{ name: 'ISOKIT', gptType: GptType.BASIC_DATA, mbrType: 0x0c, bootable: true, firstLba: MIB_SECTORS, sectorCount: 'rest', content: () => filled('volume', 64, 0x5a) }],
});

async function writeDisk(file: string, s: DiskSpec): Promise<{ sha256: string; bytes: number }> {
  const layout = planDisk(s);
  const fd = openSync(file, 'w');
  const h = createHash('sha256');
  let bytes = 0;
  try {
    for await (const c of emitDisk(layout, { chunkByteLength: 1 << 16 })) {
      writeSync(fd, c);
      h.update(c);
      bytes += c.length;
    }
  } finally {
    closeSync(fd);
  }
  return { sha256: h.digest('hex'), bytes };
}

test('disk layout: protective MBR + GPT, partition at LBA 2048 to the end, backup GPT from the end; sgdisk -v and sfdisk agree', async (t) => {
  if (!needTools(t, 'sgdisk', 'sfdisk')) return;
  const { dir, cleanup } = tmpDir('disk-layout');
  try {
    const sectors = 64 * 2048 + 777; // 64 MiB and an odd tail
    const layout = planDisk(spec(sectors, 'gpt'));
    assert.equal(layout.blockSize, 512);
    assert.equal(layout.byteLength, sectors * 512);
    const names = layout.regions.map((r) => r.name);
    assert.deepEqual(names, ['mbr', 'gpt-primary', 'gap before partition-1', 'partition-1', 'gap before gpt-backup', 'gpt-backup']);
    const part = layout.regions.find((r) => r.name === 'partition-1');
    assert.equal(part?.lba, 2048);
    assert.equal(((part?.lba ?? 0) + (part?.blockCount ?? 0)) % 2048, 0, 'the partition ends on a MiB boundary');
    assert.equal(layout.regions.at(-1)?.lba, sectors - 33, 'backup GPT: the last 33 sectors');
    const file = path.join(dir, 'disk.img');
    const first = await writeDisk(file, spec(sectors, 'gpt'));
    assert.equal(first.bytes, sectors * 512);
    assert.deepEqual(await writeDisk(path.join(dir, 'again.img'), spec(sectors, 'gpt')), first, 'reproducible');
    const verify = sh('sgdisk', ['-v', file]);
    assert.match(verify, /No problems found/);
    const dump = JSON.parse(sh('sfdisk', ['--json', file])) as { partitiontable: { label: string; partitions: { start: number; size: number; type: string; name?: string }[] } };
    assert.equal(dump.partitiontable.label, 'gpt');
    assert.deepEqual(dump.partitiontable.partitions.map((p) => [p.start, p.size, p.type, p.name]), [[2048, part?.blockCount, GptType.BASIC_DATA, 'ISOKIT']]);
  } finally {
    cleanup();
  }
});

test('disk layout: MBR scheme with one active 0x0C partition; sfdisk reads it', async (t) => {
  if (!needTools(t, 'sfdisk')) return;
  const { dir, cleanup } = tmpDir('disk-layout-mbr');
  try {
    const sectors = 40 * 2048;
    const file = path.join(dir, 'mbr.img');
    await writeDisk(file, spec(sectors, 'mbr'));
    const dump = JSON.parse(sh('sfdisk', ['--json', file])) as { partitiontable: { label: string; partitions: { start: number; size: number; type: string; bootable?: boolean }[] } };
    assert.equal(dump.partitiontable.label, 'dos');
    assert.deepEqual(dump.partitiontable.partitions.map((p) => [p.start, p.size, p.type, p.bootable]), [[2048, sectors - 2048, 'c', true]]);
  } finally {
    cleanup();
  }
});

test('disk layout: content larger than its partition, and a disk too small, are refused before any byte', () => {
  assert.throws(() => planDisk({ ...spec(8192, 'gpt'), partitions: [{ ...spec(8192, 'gpt').partitions[0] as DiskSpec['partitions'][number], content: () => filled('big', 999_999, 1) }] }), /needs 999999 sectors/);
  assert.throws(() => planDisk(spec(100, 'gpt')), /too small/);
});

test('engine: fixed, aligned and from-the-end placements; gaps are explicit zero regions; overruns refused', async () => {
  const regions: Region[] = [
    filled('a', 3, 1, 2048),
    { ...filled('b', 2, 2, 2048), placement: { at: 10 } },
    { ...filled('c', 1, 3, 2048), placement: { align: 8 } },
    { ...filled('d', 2, 4, 2048), placement: { fromEnd: true } },
  ];
  const layout = planLayout(regions, { blockSize: 2048, totalBlocks: 40 });
  assert.deepEqual(layout.regions.map((r) => [r.name, r.lba, r.blockCount]), [
    ['a', 0, 3], ['gap before b', 3, 7], ['b', 10, 2], ['gap before c', 12, 4], ['c', 16, 1], ['gap before d', 17, 21], ['d', 38, 2],
  ]);
  const ctx: EmitContext = { layout, keepsChunks: true, fileChanged: () => undefined, fileDone: () => undefined };
  const out = new Uint8Array(layout.byteLength);
  let o = 0;
  for await (const c of emitLayout(layout, chunkWriterFor(layout, { chunkByteLength: 4096 }), ctx, [{ byteOffset: 4095, bytes: Uint8Array.of(9, 9), what: 'straddling patch' }])) {
    out.set(c, o);
    o += c.length;
  }
  assert.equal(o, 40 * 2048);
  assert.deepEqual([out[0], out[3 * 2048], out[10 * 2048], out[16 * 2048], out[17 * 2048], out[38 * 2048]], [1, 0, 2, 3, 0, 4]);
  assert.deepEqual([out[4095], out[4096]], [9, 9], 'a patch across two chunks');
  assert.throws(() => planLayout([filled('a', 12, 1), { ...filled('b', 1, 1), placement: { at: 10 } }], { blockSize: 512 }), /must start at block 10/);
  assert.throws(() => planLayout([filled('a', 39, 1), { ...filled('d', 2, 1), placement: { fromEnd: true } }], { blockSize: 512, totalBlocks: 40 }), /needs 41 blocks/);
  assert.throws(() => planLayout([filled('a', 3, 1)], { blockSize: 1000 }), /power of two/);
  const overlapping: Region = { ...filled('x', 2, 1), *extents() { yield { lba: 5, blockCount: 1, what: 'stray extent' }; } };
  assert.throws(() => planLayout([overlapping], { blockSize: 512 }), /stray extent .* outside region x/);
  await assert.rejects(async () => {
    const l = planLayout([filled('a', 2, 1)], { blockSize: 512 });
    for await (const _ of emitLayout(l, chunkWriterFor(l, {}), { layout: l, keepsChunks: false, fileChanged: () => undefined, fileDone: () => undefined }, [{ byteOffset: 1000, bytes: new Uint8Array(100), what: 'past the end' }])) void _;
  }, /patch of past the end/);
});
