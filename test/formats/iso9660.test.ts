import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Findings } from '../../src/errors/index.js';
import {
  DirFlag, parseDirectoryRecord, serializeDirectoryRecord, sizeOfDirectoryRecord, parseVolumeDescriptor,
  serializeVolumeDescriptor, serializeTerminator, serializeBootRecord, parsePathTable, serializePathTable,
  sizeOfPathTable, decodeIsoFileIdentifier, SECTOR_SIZE, type PrimaryVolumeDescriptor, type SupplementaryVolumeDescriptor,
} from '../../src/formats/iso9660/index.js';
import { JOLIET_ESCAPE, decodeJolietName, encodeJolietName, jolietLevelFromEscapes } from '../../src/formats/joliet/index.js';
import { encodeUtf8 } from '../../src/bytes/index.js';
import { needTools, sh, tmpDir } from '../helpers/index.js';

test('directory record: serialize → parse round trip, even length, padding byte', () => {
  for (const idLen of [1, 2, 7, 8]) {
    for (const suLen of [0, 1, 10, 11]) {
      const init = {
        lba: 0x12345, dataLength: 0xfffff800, recordedAtMs: Date.UTC(2024, 0, 2, 3, 4, 5), gmtOffset: 4,
        flags: DirFlag.MULTI_EXTENT | DirFlag.HIDDEN, volumeSequenceNumber: 1,
        identifier: encodeUtf8('ABCDEFGH'.slice(0, idLen)), systemUse: new Uint8Array(suLen).fill(0x41),
      };
      const b = serializeDirectoryRecord(init);
      assert.equal(b.length % 2, 0);
      assert.equal(b.length, sizeOfDirectoryRecord(idLen, suLen));
      assert.equal(b[0], b.length);
      const f = new Findings();
      const r = parseDirectoryRecord(b, 0, 1000, f);
      if (!r) throw new Error('record not parsed');
      assert.equal(r.lba, init.lba);
      assert.equal(r.dataLength, init.dataLength);
      assert.equal(r.recordedAtMs, init.recordedAtMs);
      assert.equal(r.gmtOffset, 4);
      assert.equal(r.flags, init.flags);
      assert.deepEqual([...r.identifier], [...init.identifier]);
      assert.deepEqual([...r.systemUse.subarray(0, suLen)], [...init.systemUse]);
      assert.equal(f.list.length, 0);
      // serialize(parse(bytes)) == bytes
      assert.deepEqual(serializeDirectoryRecord({ ...r, systemUse: r.systemUse }), b);
    }
  }
});

test('directory record: length 0 → undefined; bad length and endian mismatch → findings', () => {
  const f = new Findings();
  assert.equal(parseDirectoryRecord(new Uint8Array(64), 0, 0, f), undefined);
  assert.equal(f.list.length, 0);
  const b = serializeDirectoryRecord({ lba: 20, dataLength: 2048, recordedAtMs: undefined, flags: 2, identifier: Uint8Array.of(0) });
  const bad = b.slice();
  bad[0] = 200;
  assert.equal(parseDirectoryRecord(bad, 0, 0, f), undefined);
  assert.equal(f.list[0]?.code, 'DIR_RECORD_LENGTH');
  const mm = b.slice();
  mm[9] = 7; // BE half of the LBA
  const r = parseDirectoryRecord(mm, 0, 0, f);
  assert.equal(r?.lba, 20);
  assert.ok(f.list.some((x) => x.code === 'BOTH_ENDIAN_MISMATCH'));
  assert.throws(() => serializeDirectoryRecord({ lba: 0, dataLength: 0, recordedAtMs: undefined, flags: 0, identifier: new Uint8Array(240), systemUse: new Uint8Array(20) }));
});

test('volume descriptors: PVD, Joliet SVD (3 levels), EVD, terminator, boot record', () => {
  const common = {
    systemId: 'LINUX', volumeId: 'MY_VOLUME', volumeSpaceBlockCount: 1234, pathTableByteLength: 10, lPathTableLba: 19,
    mPathTableLba: 21, root: { lba: 23, dataLength: 2048, recordedAtMs: Date.UTC(2020, 5, 6, 7, 8, 9), flags: DirFlag.DIRECTORY },
    volumeSetId: 'SET', publisherId: 'PUB', dataPreparerId: 'PREP', applicationId: 'APP',
    creationMs: Date.UTC(2020, 5, 6, 7, 8, 9, 120), modificationMs: Date.UTC(2021, 0, 1),
  };
  const f = new Findings();
  const pvd = parseVolumeDescriptor(serializeVolumeDescriptor({ kind: 'primary', ...common }), 32768, f) as PrimaryVolumeDescriptor;
  assert.equal(pvd.kind, 'primary');
  assert.equal(pvd.volumeId, 'MY_VOLUME');
  assert.equal(pvd.volumeSpaceBlockCount, 1234);
  assert.equal(pvd.logicalBlockSize, 2048);
  assert.equal(pvd.lPathTableLba, 19);
  assert.equal(pvd.mPathTableLba, 21);
  assert.equal(pvd.rootRecord?.lba, 23);
  assert.equal(pvd.rootRecord?.recordLength, 34);
  assert.equal(pvd.creationMs, common.creationMs);
  assert.equal(pvd.expirationMs, undefined);
  assert.equal(pvd.fileStructureVersion, 1);
  for (const level of [1, 2, 3] as const) {
    const bytes = serializeVolumeDescriptor({ kind: 'joliet', jolietLevel: level, ...common, volumeId: 'Grüße' });
    const svd = parseVolumeDescriptor(bytes, 34816, f) as SupplementaryVolumeDescriptor;
    assert.equal(svd.kind, 'supplementary');
    assert.equal(svd.joliet, level);
    assert.equal(svd.volumeId, 'Grüße');
    assert.equal(String.fromCharCode(...bytes.subarray(88, 91)), JOLIET_ESCAPE[level]);
  }
  const evd = parseVolumeDescriptor(serializeVolumeDescriptor({ kind: 'enhanced', ...common }), 36864, f) as SupplementaryVolumeDescriptor;
  assert.equal(evd.kind, 'enhanced');
  assert.equal(evd.version, 2);
  assert.equal(evd.fileStructureVersion, 2);
  assert.equal(evd.joliet, undefined);
  assert.equal(parseVolumeDescriptor(serializeTerminator(), 0, f)?.kind, 'terminator');
  const br = parseVolumeDescriptor(serializeBootRecord({ bootSystemId: 'EL TORITO SPECIFICATION', bootSystemUse: Uint8Array.of(33, 0, 0, 0) }), 0, f);
  assert.equal(br?.kind, 'boot');
  assert.equal(br?.kind === 'boot' && br.bootSystemId, 'EL TORITO SPECIFICATION');
  assert.equal(br?.kind === 'boot' && br.bootSystemUse[0], 33);
  assert.equal(parseVolumeDescriptor(new Uint8Array(2048), 0, f), undefined);
  assert.equal(f.list.length, 0);
});

test('path tables: L and M round trip', () => {
  const recs = [
    { identifier: Uint8Array.of(0), lba: 20, parentNumber: 1 },
    { identifier: encodeUtf8('A'), lba: 21, parentNumber: 1 },
    { identifier: encodeUtf8('BB'), lba: 0x10000, parentNumber: 2 },
  ];
  for (const t of ['L', 'M'] as const) {
    const b = serializePathTable(recs, t);
    assert.equal(b.length, sizeOfPathTable(recs));
    assert.equal(b.length, 10 + 10 + 10);
    const back = parsePathTable(b, t, 0, new Findings());
    assert.deepEqual(back.map((r) => [[...r.identifier], r.lba, r.parentNumber]), recs.map((r) => [[...r.identifier], r.lba, r.parentNumber]));
  }
});

test('names: ISO version and trailing dot stripped; Joliet UCS-2 incl. surrogates', () => {
  assert.equal(decodeIsoFileIdentifier(encodeUtf8('README.TXT;1')), 'README.TXT');
  assert.equal(decodeIsoFileIdentifier(encodeUtf8('MAKEFILE.;1')), 'MAKEFILE');
  assert.equal(decodeIsoFileIdentifier(encodeUtf8('DIR')), 'DIR');
  assert.equal(decodeIsoFileIdentifier(encodeUtf8('A.B')), 'A.B');
  assert.equal(decodeJolietName(encodeJolietName('日本語 file.txt;1')), '日本語 file.txt');
  assert.equal(decodeJolietName(encodeJolietName('emoji 😀')), 'emoji 😀');
  assert.equal(jolietLevelFromEscapes(encodeUtf8('%/E')), 3);
  assert.equal(jolietLevelFromEscapes(new Uint8Array(32)), undefined);
});

test('real xorriso image: every structure re-serializes byte-identically', (t) => {
  if (!needTools(t, 'xorriso')) return;
  const { dir, cleanup } = tmpDir('iso9660-rt');
  try {
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'sub/deeper'), { recursive: true });
    writeFileSync(path.join(src, 'a.txt'), 'hello');
    writeFileSync(path.join(src, 'sub/Long File Name.data'), 'x'.repeat(5000));
    writeFileSync(path.join(src, 'sub/deeper/z'), '');
    const img = path.join(dir, 'x.iso');
    sh('xorriso', ['-report_about', 'SORRY', '-outdev', img, '-joliet', 'on', '-map', src, '/'], { env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } });
    const bytes = new Uint8Array(readFileSync(img));
    const f = new Findings();
    const pvd = parseVolumeDescriptor(bytes.subarray(16 * SECTOR_SIZE, 17 * SECTOR_SIZE), 16 * SECTOR_SIZE, f) as PrimaryVolumeDescriptor;
    assert.equal(pvd.kind, 'primary');
    // PVD re-serialized from the parsed fields equals the original sector
    const again = serializeVolumeDescriptor({
      ...pvd, kind: 'primary', root: { ...(pvd.rootRecord as NonNullable<typeof pvd.rootRecord>) }, applicationUse: pvd.applicationUse,
    });
    assert.deepEqual([...again.subarray(0, 1395)], [...bytes.subarray(16 * SECTOR_SIZE, 16 * SECTOR_SIZE + 1395)]);
    // every directory record of every directory re-serializes to the same bytes
    let count = 0;
    const seen = new Set<number>();
    const walk = (lba: number, len: number) => {
      if (seen.has(lba)) return;
      seen.add(lba);
      const ext = bytes.subarray(lba * SECTOR_SIZE, lba * SECTOR_SIZE + len);
      for (let o = 0; o < ext.length;) {
        const r = parseDirectoryRecord(ext, o, lba * SECTOR_SIZE + o, f);
        if (!r) { o = (Math.floor(o / SECTOR_SIZE) + 1) * SECTOR_SIZE; continue; }
        assert.deepEqual(serializeDirectoryRecord(r), ext.subarray(o, o + r.recordLength));
        count++;
        if (r.flags & DirFlag.DIRECTORY && !(r.identifier.length === 1 && r.identifier[0]! <= 1)) walk(r.lba, r.dataLength);
        o += r.recordLength;
      }
    };
    walk(pvd.rootRecord!.lba, pvd.rootRecord!.dataLength);
    assert.ok(count >= 10);
    // path table re-serializes identically
    const lpt = bytes.subarray(pvd.lPathTableLba * SECTOR_SIZE, pvd.lPathTableLba * SECTOR_SIZE + pvd.pathTableByteLength);
    const mpt = bytes.subarray(pvd.mPathTableLba * SECTOR_SIZE, pvd.mPathTableLba * SECTOR_SIZE + pvd.pathTableByteLength);
    assert.deepEqual(serializePathTable(parsePathTable(lpt, 'L', 0, f), 'L'), lpt);
    assert.deepEqual(serializePathTable(parsePathTable(lpt, 'L', 0, f), 'M'), mpt);
    assert.equal(parsePathTable(lpt, 'L', 0, f).length, 3);
    // Joliet SVD
    const svd = parseVolumeDescriptor(bytes.subarray(17 * SECTOR_SIZE, 18 * SECTOR_SIZE), 17 * SECTOR_SIZE, f) as SupplementaryVolumeDescriptor;
    assert.equal(svd.kind, 'supplementary');
    assert.equal(svd.joliet, 3);
    const svdAgain = serializeVolumeDescriptor({ ...svd, kind: 'joliet', jolietLevel: 3, root: { ...svd.rootRecord! }, applicationUse: svd.applicationUse });
    assert.deepEqual([...svdAgain.subarray(0, 1395)], [...bytes.subarray(17 * SECTOR_SIZE, 17 * SECTOR_SIZE + 1395)]);
    assert.deepEqual(f.list, []);
  } finally {
    cleanup();
  }
});
