/**
 * FAT structures against volumes made by mkfs.fat + mcopy (the fat-mtools recipe): boot sector, FSInfo, 8.3 and
 * long-name entries serialize back to the bytes dosfstools and mtools wrote; Windows' 8.3 alias hash against the
 * values Windows produced (published with the hash's reverse engineering); alias rules; FAT times.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, readSync, closeSync } from 'node:fs';
import {
  assignShortNames, decodeFatTime, encodeFatTime, exactShortName, fatGeometry, parseDirectoryEntry, parseFatBootSector, parseFsInfo,
  serializeFat32BootSector, serializeFsInfo, serializeLongNameEntries, shortNameBasis, shortNameChecksum, shortNameToString, windowsShortNameHash,
  writeDirectoryEntry, FatAttr, type FatBootSector,
} from '../../src/formats/fat/index.js';
import { needTools } from '../helpers/index.js';
import { mtoolsVolume } from '../create/fat-helpers.js';

function readAt(file: string, byteOffset: number, byteLength: number): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const b = new Uint8Array(byteLength);
    readSync(fd, b, 0, byteLength, byteOffset);
    return b;
  } finally {
    closeSync(fd);
  }
}

test('FAT boot sector and FSInfo: mkfs.fat -F 32 sectors parse and serialize back to the same bytes', (t) => {
  if (!needTools(t, 'mkfs.fat', 'mcopy')) return;
  const img = mtoolsVolume(32, 40_000);
  const sector0 = readAt(img, 0, 512);
  const bs = parseFatBootSector(sector0) as FatBootSector;
  assert.equal(bs.fatType, 'FAT32');
  assert.equal(bs.volumeId, 0x1234abcd);
  assert.equal(bs.volumeLabel, 'ISOKIT_TEST');
  const f32 = bs.fat32 as NonNullable<FatBootSector['fat32']>;
  const again = serializeFat32BootSector({
    oemName: bs.oemName, bytesPerSector: bs.bytesPerSector, sectorsPerCluster: bs.sectorsPerCluster, reservedSectorCount: bs.reservedSectorCount,
    fatCount: bs.fatCount, totalSectors: bs.totalSectors, sectorsPerFat: bs.sectorsPerFat, hiddenSectors: bs.hiddenSectors, volumeId: bs.volumeId as number,
    volumeLabel: bs.volumeLabel as string, mediaDescriptor: bs.mediaDescriptor, sectorsPerTrack: bs.sectorsPerTrack, headCount: bs.headCount,
    driveNumber: bs.driveNumber, rootCluster: f32.rootCluster, fsInfoSector: f32.fsInfoSector, backupBootSector: f32.backupBootSector, extFlags: f32.extFlags, bootCode: bs.bootCode,
  });
  assert.deepEqual(again, sector0);
  const fsInfoBytes = readAt(img, f32.fsInfoSector * 512, 512);
  const fsInfo = parseFsInfo(fsInfoBytes);
  assert.ok(fsInfo.valid);
  assert.deepEqual(serializeFsInfo(fsInfo), fsInfoBytes);
  const g = fatGeometry(bs);
  assert.equal(g.dataByteOffset, (bs.reservedSectorCount + 2 * bs.sectorsPerFat) * 512);
});

test('FAT directory entries: mtools-written 8.3 and long-name entries serialize back to the same bytes', (t) => {
  if (!needTools(t, 'mkfs.fat', 'mcopy')) return;
  for (const bits of [12, 16, 32] as const) {
    const img = mtoolsVolume(bits, bits === 12 ? 3000 : bits === 16 ? 20_000 : 40_000);
    const bs = parseFatBootSector(readAt(img, 0, 512)) as FatBootSector;
    const g = fatGeometry(bs);
    const rootAt = bits === 32 ? g.dataByteOffset + ((bs.fat32?.rootCluster ?? 2) - 2) * g.clusterByteLength : g.rootDirByteOffset;
    const root = readAt(img, rootAt, bits === 32 ? g.clusterByteLength : g.rootDirByteLength);
    let longNames = 0;
    let lfnStart = -1;
    for (let o = 0; o < root.length && root[o] !== 0; o += 32) {
      if (root[o + 11] === FatAttr.LONG_NAME) {
        if (lfnStart < 0) lfnStart = o;
        continue;
      }
      const e = parseDirectoryEntry(root, o);
      const copy = new Uint8Array(32);
      writeDirectoryEntry(copy, 0, e);
      assert.deepEqual(copy, root.subarray(o, o + 32), `FAT${bits} entry ${shortNameToString(e.name)}`);
      if (lfnStart >= 0) {
        const raw = root.subarray(lfnStart, o);
        const name = longNameOf(raw);
        assert.deepEqual(serializeLongNameEntries(name, shortNameChecksum(e.name)), raw, `FAT${bits} long name ${name}`);
        longNames++;
        lfnStart = -1;
      }
    }
    assert.ok(longNames >= 3, `FAT${bits}: ${longNames} long names in the root`);
  }
});

/** The name held by a set of long-name entries (stored last part first). */
function longNameOf(raw: Uint8Array): string {
  const at = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];
  let s = '';
  for (let o = raw.length - 32; o >= 0; o -= 32) {
    for (const a of at) {
      const u = (raw[o + a] as number) | ((raw[o + a + 1] as number) << 8);
      if (u === 0) return s;
      s += String.fromCharCode(u);
    }
  }
  return s;
}

test('FAT aliases: Windows NT hash matches the aliases Windows made; tails, case flags, basis rules', () => {
  // GetShortPathName results published by T. Hore ("A Tale of Two File Names", 2015): AEE90~1.TXT, AB720~1.TXT,
  // SOBC84~1.ASP, TEB00D~1.TXT
  assert.deepEqual(['a.txt3', 'a.txt7', 'SomeStuff.aspx', 'test file.txt'].map(windowsShortNameHash), ['EE90', 'B720', 'BC84', 'B00D']);
  const short = (names: string[]) => assignShortNames(names).map((c) => shortNameToString(c.name11, c.ntFlags));
  assert.deepEqual(short(['a.txt3']), ['AEE90~1.TXT']);
  assert.deepEqual(short(['SomeStuff.aspx', 'SomeStuff.aspy', 'SomeStuff.aspz', 'SomeStuff.asp1', 'SomeStuff.aspx2']), ['SOMEST~1.ASP', 'SOMEST~2.ASP', 'SOMEST~3.ASP', 'SOMEST~4.ASP', `SO${windowsShortNameHash('SomeStuff.aspx2')}~1.ASP`]);
  // a literal 8.3 name keeps its name even when listed after a long name whose alias would take it
  assert.deepEqual(short(['Program Files', 'PROGRA~1']), ['PROGRA~2', 'PROGRA~1']);
  assert.deepEqual(assignShortNames(['readme.txt', 'README.TXT', 'Readme.txt', 'boot.INI']).map((c) => [c.ntFlags, c.longNameEntries]), [[0x18, 0], [0, 0], [0, 1], [0x08, 0]]);
  assert.deepEqual(shortNameBasis('a.testing.file.bat'), { base: 'ATESTING', extension: 'BAT' });
  assert.deepEqual(shortNameBasis('.bashrc'), { base: 'BASHRC', extension: '' });
  assert.deepEqual(shortNameBasis('1+2=3 [x].ü'), { base: '1_2_3_X_', extension: '_' });
  assert.equal(exactShortName('with space.txt'), undefined);
  assert.equal(exactShortName('éte.txt'), undefined);
  assert.deepEqual(exactShortName('MiXed.txt'), { base: 'MIXED', extension: 'TXT', ntFlags: 0, needsLongName: true });
});

test('FAT times: encode/decode, 2-second write times, 10 ms creation units, the 1980–2107 clamp, time zone offset', () => {
  const t = Date.UTC(2024, 1, 29, 23, 59, 59, 990);
  const e = encodeFatTime(t);
  assert.equal(decodeFatTime(e.date, e.time), Date.UTC(2024, 1, 29, 23, 59, 58));
  assert.equal(decodeFatTime(e.date, e.time, e.tenMs), t);
  assert.deepEqual(encodeFatTime(Date.UTC(1979, 11, 31)), { date: (0 << 9) | (1 << 5) | 1, time: 0, tenMs: 0, clamped: 'before-1980' });
  const late = encodeFatTime(Date.UTC(2200, 0, 1));
  assert.equal(late.clamped, 'after-2107');
  assert.equal(decodeFatTime(late.date, late.time, late.tenMs), Date.UTC(2107, 11, 31, 23, 59, 59, 990));
  const east = encodeFatTime(Date.UTC(2024, 0, 1, 12), 120);
  assert.equal(decodeFatTime(east.date, east.time, 0, 0), Date.UTC(2024, 0, 1, 14));
  assert.equal(decodeFatTime(east.date, east.time, 0, 120), Date.UTC(2024, 0, 1, 12));
  assert.equal(decodeFatTime(0, 0), undefined);
  assert.equal(decodeFatTime((44 << 9) | (13 << 5) | 1, 0), undefined, 'month 13');
});
