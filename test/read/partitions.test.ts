/**
 * readPartitionTables against xorriso / isohybrid / sfdisk images: field-by-field comparison with
 * `xorriso -report_system_area plain`, `sfdisk --json` and `sgdisk -p`; MBR / GPT round trips (including a full
 * serializeGpt of xorriso's primary and backup tables and its volume-date GUIDs); injected faults.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Findings } from '../../src/errors/index.js';
import { memorySource } from '../../src/io/index.js';
import { readStrA } from '../../src/bytes/index.js';
import { parseMbr, serializeMbr } from '../../src/formats/mbr/index.js';
import {
  derivedPartitionGuid, parseGptHeader, parseGuid, serializeGpt, serializeGptHeader, serializeGptPartitionArray, volumeDateGuid,
} from '../../src/formats/gpt/index.js';
import { readPartitionTables, type PartitionTables } from '../../src/read/partitions.js';
import { needTools, sh, tmpDir } from '../helpers/index.js';
import { FIXTURE_TOOLS, GRUB_RESCUE, fixture, haveGrubRescue, hexOf, readFixture, xorrisoReport, type Layout } from './boot-fixtures.js';

const LAYOUTS: Layout[] = ['a', 'b1', 'b2', 'c', 'd', 'e1', 'e2', 'e3', 'u', 'apm'];
const utf16Hex = (s: string): string => Buffer.from(s, 'utf16le').toString('hex');

async function tables(bytes: Uint8Array, findings = new Findings()): Promise<PartitionTables> {
  return readPartitionTables(memorySource(bytes), findings);
}

function compareWithXorriso(file: string, t: PartitionTables): void {
  const x = xorrisoReport(file);
  const at = path.basename(file);
  const ours = (t.mbr?.partitions ?? []).filter((p) => !p.empty).map((p) => ({ n: p.index, status: p.status, type: p.type, start: p.startLba, blocks: p.sectorCount }));
  assert.deepEqual(ours, x.mbr, `${at}: MBR entries`);
  assert.equal(!!t.gpt, !!x.gpt, `${at}: GPT present`);
  if (t.gpt && x.gpt) {
    const h = t.gpt.header;
    assert.equal(hexOf(parseGuid(h.diskGuid)), x.gpt.diskGuidHex, `${at}: disk GUID`);
    assert.deepEqual([h.partitionEntryCount, h.firstUsableLba, h.lastUsableLba, h.alternateLba], [x.gpt.entryCount, x.gpt.firstUsable, x.gpt.lastUsable, x.gpt.backupLba], `${at}: GPT header`);
    const parts = t.gpt.partitions.map((p) => ({
      n: p.index, nameHex: utf16Hex(p.name), guidHex: hexOf(parseGuid(p.uniqueGuid)), typeHex: hexOf(parseGuid(p.typeGuid)),
      flags: p.attributes, start: p.firstLba, size: p.sectorCount,
    }));
    assert.deepEqual(parts, x.gpt.parts, `${at}: GPT entries`);
  }
  // xorriso lists the APM entries without the map's own entry
  const apm = (t.apm?.entries ?? []).filter((e) => e.type !== 'Apple_partition_map').map((e) => ({ name: e.name, type: e.type, start: e.startBlock, size: e.blockCount }));
  assert.deepEqual(apm, x.apm.map(({ name, type, start, size }) => ({ name, type, start, size })), `${at}: APM entries`);
}

test('partitions: readPartitionTables matches xorriso -report_system_area', { timeout: 180_000 }, async (t) => {
  if (!needTools(t, ...FIXTURE_TOOLS)) return;
  const files = LAYOUTS.map(fixture);
  if (haveGrubRescue()) files.push(GRUB_RESCUE);
  for (const file of files) {
    const findings = new Findings();
    const pt = await tables(readFixture(file), findings);
    compareWithXorriso(file, pt);
    assert.deepEqual(findings.list.filter((f) => f.severity !== 'info'), [], `${path.basename(file)}: no warnings`);
  }
  const kinds = async (l: Layout) => (await tables(readFixture(fixture(l)))).kinds;
  assert.deepEqual(await kinds('a'), []);
  assert.deepEqual(await kinds('b2'), ['mbr', 'isohybrid']);
  assert.deepEqual(await kinds('e2'), ['mbr', 'gpt', 'isohybrid']);
  assert.deepEqual(await kinds('apm'), ['apm', 'isohybrid']);
  const b2 = await tables(readFixture(fixture('b2')));
  assert.equal(b2.mbr?.bootCodeKind, 'isolinux-isohybrid');
  assert.equal(b2.mbr?.isohybridBootImage512Lba, 41 * 4); // isolinux.bin at LBA 41 (xorriso report above)
  assert.deepEqual(b2.isoCoveredBy, [{ table: 'mbr', index: 1 }]);
  const e2 = await tables(readFixture(fixture('e2')));
  assert.equal(e2.mbr?.bootCodeKind, 'grub2');
  assert.equal(e2.mbr?.protective, true);
  assert.deepEqual(e2.isoCoveredBy, [{ table: 'gpt', index: 1 }]);
});

test('partitions: agree with sfdisk --json and sgdisk -p', { timeout: 180_000 }, async (t) => {
  if (!needTools(t, ...FIXTURE_TOOLS, 'sfdisk', 'sgdisk')) return;
  for (const layout of ['b1', 'b2', 'e1', 'e2', 'e3', 'u'] as const) {
    const file = fixture(layout);
    const pt = await tables(readFixture(file));
    const sf = JSON.parse(sh('sfdisk', ['--json', file])).partitiontable;
    if (sf.label === 'gpt') {
      assert.equal(sf.id, pt.gpt?.header.diskGuid, `${layout}: sfdisk disk GUID`);
      assert.deepEqual(
        sf.partitions.map((p: { start: number; size: number; type: string; uuid: string; name?: string }) => [p.start, p.size, p.type, p.uuid, p.name ?? '']),
        pt.gpt?.partitions.map((p) => [p.firstLba, p.sectorCount, p.typeGuid, p.uniqueGuid, p.name]),
        `${layout}: sfdisk GPT partitions`,
      );
    } else {
      assert.equal(sf.label, 'dos');
      assert.equal(parseInt(sf.id, 16), pt.mbr?.diskSignature, `${layout}: sfdisk disk id`);
      assert.deepEqual(
        sf.partitions.map((p: { start: number; size: number; type: string; bootable?: boolean }) => [p.start, p.size, parseInt(p.type, 16), !!p.bootable]),
        pt.mbr?.partitions.filter((p) => !p.empty).map((p) => [p.startLba, p.sectorCount, p.type, p.bootable]),
        `${layout}: sfdisk MBR partitions`,
      );
    }
    if (!pt.gpt) continue;
    const run = spawnSync('sgdisk', ['-p', file], { encoding: 'utf8' });
    if (run.status !== 0) {
      // sgdisk rejects isohybrid GPTs whose partition 1 overlaps the table; we report the same as a finding
      assert.match(run.stdout + run.stderr, /Invalid partition data/);
      const f = new Findings();
      await tables(readFixture(file), f);
      assert.ok(f.list.some((x) => x.code === 'GPT_ENTRY_OUTSIDE_USABLE'), `${layout}: overlap reported`);
      continue;
    }
    const sg = run.stdout;
    assert.match(sg, new RegExp(`Disk identifier \\(GUID\\): ${pt.gpt.header.diskGuid}`), `${layout}: sgdisk GUID`);
    const rows = [...sg.matchAll(/^\s+(\d+)\s+(\d+)\s+(\d+)\s+\S+ \S+\s+\S+\s+(.*)$/gm)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3]), (m[4] as string).trim()]);
    assert.deepEqual(rows, pt.gpt.partitions.map((p) => [p.index, p.firstLba, p.lastLba, p.name]), `${layout}: sgdisk rows`);
  }
});

test('partitions: serialize(parse(x)) == x for MBRs, GPT headers, arrays and whole GPTs', { timeout: 180_000 }, async (t) => {
  if (!needTools(t, ...FIXTURE_TOOLS)) return;
  const files = ['b1', 'b2', 'e1', 'e2', 'e3', 'u'].map((l) => fixture(l as Layout));
  if (haveGrubRescue()) files.push(GRUB_RESCUE);
  for (const file of files) {
    const at = path.basename(file);
    const bytes = readFixture(file);
    const sector0 = bytes.subarray(0, 512);
    const mbr = parseMbr(sector0, 0, new Findings());
    if (!mbr) throw new Error(`${at}: no MBR`);
    assert.deepEqual(serializeMbr(mbr), sector0, `${at}: MBR round trip`);
    const pt = await tables(bytes);
    if (!pt.gpt) continue;
    const h = pt.gpt.header;
    assert.deepEqual(serializeGptHeader(h), bytes.subarray(512, 1024), `${at}: primary header round trip`);
    const arrayAt = h.partitionEntryLba * 512;
    const arrayLen = h.partitionEntryCount * h.partitionEntrySize;
    assert.deepEqual(serializeGptPartitionArray(pt.gpt.partitions, h.partitionEntryCount), bytes.subarray(arrayAt, arrayAt + arrayLen), `${at}: array round trip`);
    const g = serializeGpt({
      diskGuid: h.diskGuid, diskSectorCount: bytes.length / 512, partitions: pt.gpt.partitions, partitionEntryCount: h.partitionEntryCount,
      firstUsableLba: h.firstUsableLba, lastUsableLba: h.lastUsableLba, alternateLba: h.alternateLba, allowOverlap: true,
      ...(pt.gpt.backup.header ? { backupPartitionEntryLba: pt.gpt.backup.header.partitionEntryLba } : {}),
    });
    assert.deepEqual(g.primary, bytes.subarray(512, 512 + g.primary.length), `${at}: serializeGpt primary`);
    assert.deepEqual(g.backup, bytes.subarray(g.backupByteOffset, g.backupByteOffset + g.backup.length), `${at}: serializeGpt backup`);
  }
});

test('partitions: xorriso volume_date_uuid GUIDs are reproduced from the PVD modification date', { timeout: 180_000 }, async (t) => {
  if (!needTools(t, ...FIXTURE_TOOLS)) return;
  for (const layout of ['e1', 'e2', 'e3'] as const) {
    const bytes = readFixture(fixture(layout));
    const date16 = readStrA(bytes, 16 * 2048 + 830, 16); // PVD volume modification date (ECMA-119 8.4.28)
    const pt = await tables(bytes);
    const disk = volumeDateGuid(date16);
    assert.equal(hexOf(disk), hexOf(parseGuid(pt.gpt?.header.diskGuid ?? '')), `${layout}: disk GUID`);
    for (const p of pt.gpt?.partitions ?? []) assert.equal(hexOf(derivedPartitionGuid(disk, p.index)), hexOf(parseGuid(p.uniqueGuid)), `${layout}: partition ${p.index} GUID`);
  }
});

test('partitions faults: header CRC, array CRC, entry past the end, backup outside / missing, primary missing', { timeout: 180_000 }, async (t) => {
  if (!needTools(t, ...FIXTURE_TOOLS)) return;
  const clean = readFixture(fixture('e2'));
  const codes = (f: Findings) => f.list.map((x) => [x.code, x.byteOffset]);

  const badHeader = clean.slice();
  badHeader[512 + 60] = (badHeader[512 + 60] as number) ^ 1; // disk GUID byte; header CRC not updated
  let f = new Findings();
  let pt = await tables(badHeader, f);
  assert.equal(pt.gpt?.header.headerCrcOk, false);
  assert.deepEqual(codes(f).filter(([c]) => c === 'GPT_HEADER_CRC'), [['GPT_HEADER_CRC', 512 + 16]]);

  const hdr = parseGptHeader(clean.subarray(512, 1024), 512, new Findings());
  if (!hdr) throw new Error('no GPT header');
  const arrayAt = hdr.partitionEntryLba * 512;
  const badArray = clean.slice();
  badArray[arrayAt + 56] = 0x58; // partition 1 name
  f = new Findings();
  pt = await tables(badArray, f);
  assert.equal(pt.gpt?.arrayCrcOk, false);
  assert.deepEqual(codes(f), [['GPT_ARRAY_CRC', arrayAt]]);

  const cut = clean.slice(0, 2 * 1024 * 1024); // ESP (sectors 3580..5627) now past the end; backup too
  f = new Findings();
  pt = await tables(cut, f);
  assert.equal(pt.gpt?.backup.status, 'outside-image');
  const pastEnd = f.list.filter((x) => x.code === 'GPT_ENTRY_PAST_END').map((x) => x.byteOffset);
  assert.deepEqual(pastEnd, [arrayAt + 128 + 40, arrayAt + 256 + 40]);
  assert.equal(f.list.find((x) => x.code === 'GPT_BACKUP_OUTSIDE')?.severity, 'info');

  const noBackup = clean.slice();
  noBackup.fill(0, noBackup.length - 512);
  f = new Findings();
  pt = await tables(noBackup, f);
  assert.equal(pt.gpt?.backup.status, 'missing');
  assert.deepEqual(codes(f), [['GPT_BACKUP_MISSING', noBackup.length - 512]]);

  const noPrimary = clean.slice();
  noPrimary.fill(0, 512, 1024);
  f = new Findings();
  pt = await tables(noPrimary, f);
  assert.equal(pt.gpt?.fromBackup, true);
  assert.equal(pt.gpt?.partitions.length, 3);
  assert.deepEqual(codes(f), [['GPT_PRIMARY_MISSING', 512]]);
});

test('partitions: logical partitions of an extended partition match sfdisk', { timeout: 60_000 }, async (t) => {
  if (!needTools(t, 'sfdisk')) return;
  const { dir, cleanup } = tmpDir('mbr-ext');
  try {
    const img = path.join(dir, 'disk.img');
    writeFileSync(img, new Uint8Array(16 * 1024 * 1024));
    const layout = 'label: dos\nunit: sectors\n\nstart=2048, size=4096, type=83\nstart=8192, type=5\nstart=10240, size=2048, type=83\nstart=14336, size=4096, type=c\n';
    sh('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', img], { input: layout });
    const pt = await tables(new Uint8Array(readFileSync(img)));
    const sf = JSON.parse(sh('sfdisk', ['--json', img])).partitiontable;
    const ours = [...(pt.mbr?.partitions ?? []).filter((p) => !p.empty), ...(pt.mbr?.logical ?? [])];
    assert.deepEqual(
      ours.map((p) => [p.index, p.startLba, p.sectorCount, p.type]),
      sf.partitions.map((p: { node: string; start: number; size: number; type: string }) => [Number(/(\d+)$/.exec(p.node)?.[1]), p.start, p.size, parseInt(p.type, 16)]),
    );
    assert.deepEqual(pt.kinds, ['mbr']);
  } finally {
    cleanup();
  }
});
