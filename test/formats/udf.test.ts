/**
 * UDF structure codecs on hand-made values: descriptor tags (checksum, CRC-ITU, location), OSTA CS0 and
 * dstrings, timestamps, EntityIDs, allocation descriptors, partition maps, path components, extended
 * attributes, the VAT forms, File Entry summaries and permissions. (Round trips of structures cut from
 * real images: udf-roundtrip.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as u from '../../src/formats/udf/index.js';
import { crcItu } from '../../src/bytes/index.js';
import { IsoKitError } from '../../src/errors/index.js';

const tagInit = { version: 3, serialNumber: 7, location: 300 };

test('descriptor tag: checksum and CRC-ITU computed, each kind of damage named, location checked', () => {
  assert.equal(crcItu(new TextEncoder().encode('123456789')), 0x31c3, 'CRC-16/XMODEM check value');
  const b = u.serializeTerminatingDescriptor({ tag: tagInit });
  const tag = u.parseDescriptorTag(b);
  assert.deepEqual({ ...tag, checksum: 0, crc: 0 }, { identifier: 8, version: 3, checksum: 0, serialNumber: 7, crc: 0, crcLength: 496, location: 300 });
  assert.equal(tag.checksum, u.tagChecksum(b));
  assert.equal(tag.crc, crcItu(b.subarray(16)));
  assert.equal(u.checkDescriptorTag(b, 0, { identifier: 8, location: 300 }), undefined);
  assert.equal(u.checkDescriptorTag(b, 0, { identifier: 2 }), 'identifier');
  assert.equal(u.checkDescriptorTag(b, 0, { location: 301 }), 'location');
  const flip = (i: number) => { const c = b.slice(); c[i]! ^= 1; return c; };
  assert.equal(u.checkDescriptorTag(flip(4), 0), 'checksum');
  assert.equal(u.checkDescriptorTag(flip(100), 0), 'crc');
  const v = b.slice();
  v[2] = 4;
  v[4] = u.tagChecksum(v);
  assert.equal(u.checkDescriptorTag(v, 0), 'version');
  const long = b.slice();
  long[10] = 0xff;
  long[11] = 0x01;
  long[4] = u.tagChecksum(long);
  assert.equal(u.checkDescriptorTag(long, 0), 'crc-length');
  assert.match(u.describeTagProblem('location', b, 0, { location: 301 }), /tag location 300 where 301/);
  assert.throws(() => u.parseDescriptorTag(new Uint8Array(10), 0, 99), (e) => e instanceof IsoKitError && e.code === 'TRUNCATED' && e.byteOffset === 99);
});

test('OSTA CS0: 8-bit, 16-bit (surrogate pairs too), deleted-entry IDs, unknown IDs; dstrings keep their length in the last byte', () => {
  assert.deepEqual(u.decodeCs0(u.encodeCs0('Grüße'), 0, 6), { text: 'Grüße', compressionId: 8 });
  const wide = u.encodeCs0('日本 😀');
  assert.equal(wide[0], 16);
  assert.equal(wide.length, 1 + 2 * '日本 😀'.length);
  assert.equal(u.decodeCs0(wide, 0, wide.length).text, '日本 😀');
  assert.equal(u.decodeCs0(Uint8Array.of(16, 0, 0x41, 0), 0, 4).text, 'A', 'a trailing odd byte is ignored');
  assert.equal(u.decodeCs0(Uint8Array.of(254, 0x61), 0, 2).text, 'a');
  assert.equal(u.decodeCs0(Uint8Array.of(255, 0, 0x62), 0, 3).text, 'b');
  assert.deepEqual(u.decodeCs0(Uint8Array.of(9, 0x61), 0, 2), { text: undefined, compressionId: 9 });
  assert.equal(u.decodeCs0(new Uint8Array(0), 0, 0).text, '');
  assert.equal(u.cs0CompressionFor('ÿ'), 8);
  assert.equal(u.cs0CompressionFor('Ā'), 16);
  assert.throws(() => u.encodeCs0('Ā', 8), IsoKitError);
  const field = new Uint8Array(32);
  u.writeDString(field, 0, 32, 'VOLUME');
  assert.deepEqual([field[0], field[31]], [8, 7]);
  assert.equal(u.readDString(field, 0, 32), 'VOLUME');
  u.writeDString(field, 0, 32, 'Grüße');
  assert.deepEqual([field[0], field[31]], [16, 11], 'non-ASCII dstrings are 16-bit, as mkudffs writes them');
  assert.equal(u.readDString(field, 0, 32), 'Grüße');
  u.writeDString(field, 0, 32, 'x'.repeat(40));
  assert.equal(u.readDString(field, 0, 32), 'x'.repeat(30), 'cut to the field: 32 bytes hold the ID, 30 characters and the length');
  u.writeDString(field, 0, 32, 'é'.repeat(20));
  assert.equal(field[31], 31);
  assert.equal(u.readDString(field, 0, 32), 'é'.repeat(15), 'never half a 16-bit character');
  u.writeDString(field, 0, 32, '');
  assert.ok(field.every((x) => x === 0));
  const cs = new Uint8Array(64);
  u.writeCharspec(cs, 0, u.OSTA_CS0);
  assert.deepEqual(u.parseCharspec(cs, 0), u.OSTA_CS0);
});

test('timestamps: time zones, unspecified zone, microseconds, invalid and unrecorded dates', () => {
  const t = u.timestampFromMs(Date.UTC(2024, 1, 29, 23, 30, 15) + 123.456, 120);
  assert.deepEqual(t, { type: 1, timezoneMinutes: 120, year: 2024, month: 3, day: 1, hour: 1, minute: 30, second: 15, centiseconds: 12, hundredsOfMicroseconds: 34, microseconds: 56 });
  assert.equal(u.timestampToMs(t), Date.UTC(2024, 1, 29, 23, 30, 15) + 123.456);
  assert.deepEqual(u.parseTimestamp(u.serializeTimestamp(t), 0), t);
  assert.equal(u.readTimestampMs(u.serializeTimestamp(t), 0), u.timestampToMs(t));
  const west = { ...t, timezoneMinutes: -300 };
  assert.deepEqual(u.parseTimestamp(u.serializeTimestamp(west), 0), west, 'negative 12-bit zone');
  assert.equal(u.timestampToMs({ ...t, timezoneMinutes: u.TIMEZONE_UNSPECIFIED }), Date.UTC(2024, 2, 1, 1, 30, 15) + 123.456, 'no zone: taken as UTC');
  assert.equal(u.timestampToMs({ ...t, type: 0 }), Date.UTC(2024, 2, 1, 1, 30, 15) + 123.456, 'type 0 (UTC) ignores the zone');
  assert.equal(u.timestampToMs(u.NO_TIMESTAMP), undefined);
  assert.equal(u.timestampToMs({ ...t, month: 13 }), undefined);
  assert.equal(u.timestampToMs({ ...t, centiseconds: 100 }), undefined);
  const year50 = new Date(0);
  year50.setUTCFullYear(50, 0, 1);
  assert.equal(u.timestampToMs({ ...u.NO_TIMESTAMP, year: 50, month: 1, day: 1 }), year50.getTime(), 'year 50 is year 50, not 1950');
});

test('EntityID: identifier, suffix, UDF revisions', () => {
  const id = u.udfEntityId(u.EntityIdentifier.OSTA_DOMAIN, 0x0250, 3);
  const b = u.serializeEntityId(id);
  assert.equal(b.length, 32);
  const back = u.parseEntityId(b, 0);
  assert.equal(back.identifier, '*OSTA UDF Compliant');
  assert.equal(back.flags, 3);
  assert.equal(u.suffixRevision(back), 0x0250);
  assert.deepEqual(u.serializeEntityId(back), b);
  assert.equal(u.formatUdfRevision(0x0102), '1.02');
  assert.equal(u.formatUdfRevision(0x0260), '2.60');
});

test('allocation descriptors: short, long and extended forms, extent types, the zero terminator; AED', () => {
  const ads: u.AllocationDescriptor[] = [
    { byteLength: 0x3ffff800, extentType: 0, blockNumber: 100, partitionRef: 1, implementationUse: Uint8Array.of(0, 0, 1, 2, 3, 4) },
    { byteLength: 4096, extentType: 1, blockNumber: 5, partitionRef: 0, implementationUse: new Uint8Array(6) },
    { byteLength: 4096, extentType: 2, blockNumber: 0, partitionRef: 0, implementationUse: new Uint8Array(6) },
    { byteLength: 2048, extentType: 3, blockNumber: 9, partitionRef: 2, implementationUse: new Uint8Array(6) },
  ];
  const long = u.serializeAllocationDescriptors(ads, u.AdForm.LONG);
  assert.equal(long.length, 64);
  assert.deepEqual(u.parseAllocationDescriptors(long, 0, long.length, u.AdForm.LONG), ads);
  const short = u.serializeAllocationDescriptors(ads.map(({ byteLength, extentType, blockNumber }) => ({ byteLength, extentType, blockNumber })), u.AdForm.SHORT);
  assert.deepEqual(u.parseAllocationDescriptors(short, 0, short.length, u.AdForm.SHORT).map((a) => a.extentType), [0, 1, 2, 3]);
  const ext = u.serializeAllocationDescriptors([{ byteLength: 10, extentType: 0, blockNumber: 3, partitionRef: 1, recordedLength: 10, informationLength: 10, implementationUse: new Uint8Array(2) }], u.AdForm.EXTENDED);
  assert.equal(ext.length, 20);
  assert.deepEqual(u.parseExtAd(ext, 0), { byteLength: 10, extentType: 0, recordedLength: 10, informationLength: 10, blockNumber: 3, partitionRef: 1, implementationUse: new Uint8Array(2) });
  const withZero = new Uint8Array(24);
  withZero.set(short.subarray(0, 8));
  withZero.set(short.subarray(8, 16), 16);
  assert.equal(u.parseAllocationDescriptors(withZero, 0, 24, u.AdForm.SHORT).length, 1, 'a zero length ends the list');
  assert.throws(() => u.serializeAllocationDescriptors([{ byteLength: 0x40000000, extentType: 0, blockNumber: 0 }], u.AdForm.SHORT), IsoKitError);
  const aed = u.serializeAllocationExtentDescriptor({ tag: tagInit, previousAllocationExtentLocation: 0, allocationDescriptors: short });
  const parsed = u.parseAllocationExtentDescriptor(aed);
  assert.deepEqual(parsed.allocationDescriptors, short);
  assert.deepEqual(u.serializeAllocationExtentDescriptor(parsed), aed);
  assert.throws(() => u.parseAllocationExtentDescriptor(aed.subarray(0, 30)), (e) => e instanceof IsoKitError && e.code === 'CORRUPT');
});

test('partition maps: type 1, virtual, sparable, metadata, unknown identifiers and types round-trip; bad lengths throw', () => {
  const id = (s: string) => u.udfEntityId(s, 0x0250);
  const maps: u.PartitionMap[] = [
    { type: 1, kind: 'type1', volumeSequenceNumber: 1, partitionNumber: 0 },
    { type: 2, kind: 'virtual', identifier: id(u.EntityIdentifier.VIRTUAL_PARTITION), volumeSequenceNumber: 1, partitionNumber: 0 },
    { type: 2, kind: 'sparable', identifier: id(u.EntityIdentifier.SPARABLE_PARTITION), volumeSequenceNumber: 1, partitionNumber: 0, packetLength: 32, sparingTableCount: 2, sparingTableByteLength: 2048, sparingTableSectors: [100, 200] },
    { type: 2, kind: 'metadata', identifier: id(u.EntityIdentifier.METADATA_PARTITION), volumeSequenceNumber: 1, partitionNumber: 0, metadataFileBlock: 1, mirrorFileBlock: 2, bitmapFileBlock: 0xffffffff, allocationUnitBlocks: 32, alignmentUnitBlocks: 16, flags: 1 },
    { type: 2, kind: 'other', identifier: id('*Something Else'), volumeSequenceNumber: 1, partitionNumber: 3, data: new Uint8Array(24).fill(5) },
    { type: 7, kind: 'unknown', bytes: Uint8Array.of(7, 4, 1, 2) },
  ];
  const b = u.serializePartitionMaps(maps);
  assert.equal(b.length, 6 + 4 * 64 + 4);
  assert.deepEqual(u.parsePartitionMaps(b, 0, b.length, maps.length), maps);
  assert.throws(() => u.parsePartitionMaps(b, 0, 100, maps.length, 440), (e) => e instanceof IsoKitError && e.byteOffset !== undefined && e.byteOffset >= 440);
  assert.throws(() => u.parsePartitionMaps(Uint8Array.of(1, 0), 0, 2, 1), IsoKitError);
});

test('path components: absolute, relative, parent and current components; odd ones reported', () => {
  for (const target of ['/etc/hostname', '../a/b', './x', 'a', '/', 'seg/../.']) {
    const bytes = u.serializePathComponents(u.pathComponentsOf(target));
    const { components, rest } = u.parsePathComponents(bytes);
    assert.equal(rest, 0);
    assert.deepEqual(u.symlinkTargetOf(components), { target, problems: [] }, target);
  }
  assert.deepEqual(u.pathComponentsOf('a//b/').map((c) => c.type), [5, 5], 'empty segments dropped');
  const odd = u.symlinkTargetOf([{ type: 9, fileVersionNumber: 0, identifier: new Uint8Array(0) }, { type: 5, fileVersionNumber: 0, identifier: u.encodeCs0('x/y') }, { type: 2, fileVersionNumber: 0, identifier: new Uint8Array(0) }, { type: 5, fileVersionNumber: 0, identifier: Uint8Array.of(3, 65) }]);
  assert.equal(odd.target, '/_');
  assert.equal(odd.problems.length, 3);
  assert.equal(u.parsePathComponents(Uint8Array.of(5, 9, 0, 0, 8)).rest, 5, 'a component running past the end');
});

test('extended attributes: device specification, implementation use identifiers, damaged spaces', () => {
  const impl = new Uint8Array(36 + 4);
  impl.set(u.serializeEntityId({ flags: 0, identifier: u.EntityIdentifier.FREE_EA_SPACE, suffix: new Uint8Array(8) }), 4);
  const ea = u.serializeExtendedAttributes(tagInit, [{ type: 12, data: u.deviceSpecificationData(8, 1) }, { type: 2048, data: impl }]);
  assert.equal(u.checkDescriptorTag(ea, 0, { identifier: u.TagIdentifier.EXTENDED_ATTRIBUTE_HEADER }), undefined);
  const space = u.parseExtendedAttributes(ea);
  assert.equal(space.problem, undefined);
  assert.equal(space.attributes.length, 2);
  assert.deepEqual(u.deviceOf(space.attributes[0]!), { major: 8, minor: 1 });
  assert.equal(u.attributeIdentifier(space.attributes[1]!), u.EntityIdentifier.FREE_EA_SPACE);
  assert.equal(space.implementationAttributesLocation, space.attributes[1]!.offset);
  assert.equal(space.applicationAttributesLocation, ea.length);
  const broken = ea.slice();
  broken[24 + 8] = 200;
  assert.match(u.parseExtendedAttributes(broken).problem ?? '', /length 200/);
  assert.match(u.parseExtendedAttributes(new Uint8Array(30)).problem ?? '', /no Extended Attribute Header/);
});

test('VAT: 2.xx header and entries, 1.50 trailer, LVExtension; damaged headers throw', () => {
  const v20: u.Vat20 = { logicalVolumeIdentifier: 'LV', previousVatIcbLocation: 0xffffffff, fileCount: 3, directoryCount: 2, minUdfReadRevision: 0x201, minUdfWriteRevision: 0x201, maxUdfWriteRevision: 0x250, implementationUse: Uint8Array.of(1, 2, 3, 4), entries: [5, 6, 0xffffffff] };
  const b20 = u.serializeVat20(v20);
  assert.deepEqual(u.parseVat20(b20), v20);
  const bad = b20.slice();
  bad[0] = 10;
  assert.throws(() => u.parseVat20(bad), (e) => e instanceof IsoKitError && e.code === 'CORRUPT');
  const v15: u.Vat15 = { identifier: u.udfEntityId(u.EntityIdentifier.VIRTUAL_ALLOCATION_TABLE, 0x150), previousVatIcbLocation: 7, entries: [1, 2] };
  const b15 = u.serializeVat15(v15);
  assert.ok(u.isVat15(b15));
  assert.deepEqual(u.parseVat15(b15), v15);
  assert.throws(() => u.parseVat15(b20), IsoKitError);
  const lv: u.VatLvExtension = { headerChecksum: 0x1234, verificationId: 2 ** 40 + 5, fileCount: 9, directoryCount: 4, logicalVolumeIdentifier: 'Ünïcode' };
  assert.deepEqual(u.parseVatLvExtension(u.serializeVatLvExtension(lv)), lv);
});

test('File Entry and Extended File Entry: parse, summary from the same layout, permissions ↔ mode, lengths that do not fit throw', () => {
  for (const extended of [false, true]) {
    const { permissions, icbFlags } = u.permissionsFromMode(0o4751, 0);
    const ts = u.timestampFromMs(Date.UTC(2020, 5, 1, 12), 60);
    const fe: u.FileEntryInit = {
      tag: tagInit, extended, icbTag: { priorRecordedDirectEntries: 0, strategyType: 4, strategyParameter: 0, maxEntries: 1, fileType: 5, parentIcb: { blockNumber: 0, partitionRef: 0 }, flags: u.AdForm.LONG | icbFlags },
      uid: 1000, gid: 100, permissions, linkCount: 2, recordFormat: 0, recordDisplayAttributes: 0, recordLength: 0, informationLength: 2 ** 33 + 1, objectSize: 2 ** 33 + 1, logicalBlocksRecorded: 2 ** 22 + 1,
      accessTime: ts, modificationTime: ts, creationTime: ts, attributeTime: ts, checkpoint: 1, reserved: 0,
      extendedAttributeIcb: { byteLength: 0, extentType: 0, blockNumber: 0, partitionRef: 0, implementationUse: new Uint8Array(6) },
      streamDirectoryIcb: { byteLength: 0, extentType: 0, blockNumber: 0, partitionRef: 0, implementationUse: new Uint8Array(6) },
      implementationIdentifier: { flags: 0, identifier: '*isokit', suffix: new Uint8Array(8) }, uniqueId: 2 ** 40, extendedAttributes: new Uint8Array(0),
      allocationDescriptors: u.serializeAllocationDescriptors([{ byteLength: 2048, extentType: 0, blockNumber: 1, partitionRef: 0, implementationUse: new Uint8Array(6) }], u.AdForm.LONG),
    };
    const b = u.serializeFileEntry(fe);
    assert.equal(b.length, (extended ? 216 : 176) + 16);
    const back = u.parseFileEntry(b);
    assert.deepEqual(u.serializeFileEntry(back), b);
    const s = u.summarizeFileEntry(b);
    assert.equal(s.extended, extended);
    assert.equal(s.informationLength, 2 ** 33 + 1);
    assert.equal(s.uniqueId, 2 ** 40);
    assert.equal(s.modificationMs, Date.UTC(2020, 5, 1, 12));
    assert.equal(s.creationMs, extended ? Date.UTC(2020, 5, 1, 12) : undefined);
    assert.equal(s.allocationDescriptorsOffset, extended ? 216 : 176);
    assert.equal(u.modeFromPermissions(s.permissions, s.icbFlags), 0o4751);
    const cut = b.slice(0, b.length - 4);
    assert.throws(() => u.parseFileEntry(cut, 4096), (e) => e instanceof IsoKitError && e.code === 'CORRUPT' && (e.byteOffset ?? 0) >= 4096);
    assert.throws(() => u.summarizeFileEntry(cut), IsoKitError);
  }
  assert.equal(u.modeFromPermissions(u.permissionsFromMode(0o3777, 0).permissions, u.permissionsFromMode(0o3777, 0).icbFlags), 0o3777);
  assert.throws(() => u.parseFileEntry(u.serializeTerminatingDescriptor({ tag: tagInit })), (e) => e instanceof IsoKitError && /not a File Entry/.test(e.message));
});

test('File Identifier Descriptor: padding to 4 bytes, the identifier and implementation use as views, too-long fields throw', () => {
  const fid = u.serializeFileIdentifierDescriptor({ tag: tagInit, fileVersionNumber: 1, characteristics: 3, icb: { byteLength: 2048, extentType: 0, blockNumber: 4, partitionRef: 1, implementationUse: new Uint8Array(6) }, implementationUse: Uint8Array.of(9, 9), identifier: u.encodeCs0('abc') });
  assert.equal(fid.length, 44);
  assert.equal(u.sizeOfFileIdentifierDescriptor(2, 4), 44);
  const back = u.parseFileIdentifierDescriptor(fid, 0);
  assert.equal(back.byteLength, 44);
  assert.equal(u.decodeCs0(back.identifier, 0, back.identifier.length).text, 'abc');
  assert.deepEqual(u.serializeFileIdentifierDescriptor(back), fid);
  assert.throws(() => u.parseFileIdentifierDescriptor(fid.subarray(0, 40), 0), IsoKitError);
  assert.throws(() => u.serializeFileIdentifierDescriptor({ ...back, identifier: new Uint8Array(256) }), IsoKitError);
});

test('volume recognition: descriptors every 2048 bytes, or a block apart for larger blocks', () => {
  assert.equal(u.vrsDescriptorOffset(2, 512), 32768 + 4096);
  assert.equal(u.vrsDescriptorOffset(2, 4096), 32768 + 8192);
  const d = u.serializeVolumeStructureDescriptor({ identifier: 'NSR03' });
  assert.deepEqual({ ...u.parseVolumeStructureDescriptor(d), data: undefined }, { structureType: 0, identifier: 'NSR03', version: 1, data: undefined });
});
