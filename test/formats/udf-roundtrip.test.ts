/**
 * serialize(parse(x)) = x for every UDF descriptor cut from images made by mkudffs (every revision, VAT and
 * sparable media, 512/2048/4096-byte blocks, a 16-bit CS0 label), genisoimage -udf and pycdlib: the volume
 * recognition sequence, anchors, every descriptor of both Volume Descriptor Sequences, the integrity
 * sequence, the File Set Descriptor, every (Extended) File Entry, every File Identifier Descriptor, sparing
 * tables, the VAT (1.50 and 2.xx) and the 1.50 VAT's LVExtension attribute.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Findings, MemorySource, walkTree } from '../../src/index.js';
import * as u from '../../src/formats/udf/index.js';
import { openUdfVolume } from '../../src/read/udf/index.js';
import { RECIPES, recipeImage } from '../helpers/fixtures.js';
import { needTools, sh, tmpDir } from '../helpers/index.js';
import { pycdlibAvailable } from '../read/udf-reference.js';

type Codec = (b: Uint8Array, at: number) => Uint8Array;
/** By tag identifier: parse the descriptor at the start of `b`, serialize it again. */
const CODECS: Partial<Record<number, Codec>> = {
  [u.TagIdentifier.PRIMARY_VOLUME]: (b, at) => u.serializePrimaryVolumeDescriptor(u.parsePrimaryVolumeDescriptor(b, at)),
  [u.TagIdentifier.ANCHOR_VOLUME_POINTER]: (b, at) => u.serializeAnchorVolumeDescriptorPointer(u.parseAnchorVolumeDescriptorPointer(b, at)),
  [u.TagIdentifier.VOLUME_POINTER]: (b, at) => u.serializeVolumeDescriptorPointer(u.parseVolumeDescriptorPointer(b, at)),
  [u.TagIdentifier.IMPLEMENTATION_USE_VOLUME]: (b, at) => u.serializeImplementationUseVolumeDescriptor(u.parseImplementationUseVolumeDescriptor(b, at)),
  [u.TagIdentifier.PARTITION]: (b, at) => u.serializePartitionDescriptor(u.parsePartitionDescriptor(b, at)),
  [u.TagIdentifier.LOGICAL_VOLUME]: (b, at) => u.serializeLogicalVolumeDescriptor(u.parseLogicalVolumeDescriptor(b, at)),
  [u.TagIdentifier.UNALLOCATED_SPACE]: (b, at) => u.serializeUnallocatedSpaceDescriptor(u.parseUnallocatedSpaceDescriptor(b, at)),
  [u.TagIdentifier.TERMINATING]: (b, at) => u.serializeTerminatingDescriptor(u.parseTerminatingDescriptor(b, at)),
  [u.TagIdentifier.LOGICAL_VOLUME_INTEGRITY]: (b, at) => u.serializeLogicalVolumeIntegrityDescriptor(u.parseLogicalVolumeIntegrityDescriptor(b, at)),
  [u.TagIdentifier.FILE_SET]: (b, at) => u.serializeFileSetDescriptor(u.parseFileSetDescriptor(b, at)),
  [u.TagIdentifier.ALLOCATION_EXTENT]: (b, at) => u.serializeAllocationExtentDescriptor(u.parseAllocationExtentDescriptor(b, at)),
  [u.TagIdentifier.INDIRECT_ENTRY]: (b, at) => u.serializeIndirectEntry(u.parseIndirectEntry(b, at)),
  [u.TagIdentifier.FILE_ENTRY]: (b, at) => u.serializeFileEntry(u.parseFileEntry(b, at)),
  [u.TagIdentifier.EXTENDED_FILE_ENTRY]: (b, at) => u.serializeFileEntry(u.parseFileEntry(b, at)),
};

/** Round-trip every sound tagged descriptor at a block start, every FID, VAT and sparing table; returns counts by kind. */
export async function roundTripImage(img: Uint8Array, blockSize: number, label: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const count = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
  const same = (got: Uint8Array, b: Uint8Array, what: string) => assert.deepEqual(got, b.subarray(0, got.length), `${label}: ${what} round trip`);
  for (let k = 0; k < 16; k++) {
    const at = u.vrsDescriptorOffset(k, blockSize);
    const d = u.parseVolumeStructureDescriptor(img, at);
    if (!(Object.values(u.VsdIdentifier) as string[]).includes(d.identifier)) continue;
    if (d.identifier !== 'CD001') same(u.serializeVolumeStructureDescriptor(d), img.subarray(at, at + 2048), `VRS ${d.identifier}`);
    count(`VSD ${d.identifier}`);
  }
  for (let at = 0; at + blockSize <= img.length; at += blockSize) {
    const b = img.subarray(at, at + blockSize);
    const id = b[0]! | (b[1]! << 8);
    const codec = CODECS[id];
    if ((!codec && id !== 0) || u.checkDescriptorTag(b, 0) !== undefined) continue;
    if (id === u.TagIdentifier.SPARING_TABLE) {
      if (u.parseEntityId(b, 16).identifier !== u.EntityIdentifier.SPARING_TABLE) continue;
      same(u.serializeSparingTable(u.parseSparingTable(b, at)), b, 'sparing table');
      count('SparingTable');
      continue;
    }
    same((codec as Codec)(b, at), b, `tag ${id} at byte ${at}`);
    count(`tag ${id}`);
    if (id === u.TagIdentifier.FILE_ENTRY || id === u.TagIdentifier.EXTENDED_FILE_ENTRY) roundTripFileEntryParts(b, at, label, count);
  }
  // every FID of every directory, through the reader's tree
  const vol = await openUdfVolume(new MemorySource(img), new Findings());
  for (const { node } of walkTree(await vol.readTree())) {
    if (node.kind !== 'dir' || !node.extents?.length) continue;
    const e = node.extents[0]!;
    const data = img.subarray(e.lba * blockSize, e.lba * blockSize + e.byteLength);
    roundTripFids(data, `${label}: directory at LBA ${e.lba}`, count);
  }
  return counts;
}

function roundTripFids(data: Uint8Array, label: string, count: (k: string) => void): void {
  for (let o = 0; o + 38 <= data.length;) {
    const fid = u.parseFileIdentifierDescriptor(data, o);
    if (fid.tag.identifier !== u.TagIdentifier.FILE_IDENTIFIER) break;
    assert.deepEqual(u.serializeFileIdentifierDescriptor(fid), data.subarray(o, o + fid.byteLength), `${label}: FID at ${o}`);
    count('FID');
    o += fid.byteLength;
  }
}

/** The VAT and the 1.50 VAT LVExtension attribute of a File Entry, and its extended attributes. */
function roundTripFileEntryParts(b: Uint8Array, at: number, label: string, count: (k: string) => void): void {
  const fe = u.parseFileEntry(b, at);
  if (u.adFormOf(fe) !== u.AdForm.EMBEDDED) {
    const ads = u.parseAllocationDescriptors(fe.allocationDescriptors, 0, fe.allocationDescriptors.length, u.adFormOf(fe));
    assert.deepEqual(u.serializeAllocationDescriptors(ads, u.adFormOf(fe)), fe.allocationDescriptors.subarray(0, ads.length * u.adLength(u.adFormOf(fe))), `${label}: allocation descriptors`);
    count('AD list');
  }
  if (fe.icbTag.fileType === u.FileType.DIRECTORY && u.adFormOf(fe) === u.AdForm.EMBEDDED) roundTripFids(fe.allocationDescriptors, `${label}: embedded directory at byte ${at}`, count);
  for (const a of u.parseExtendedAttributes(fe.extendedAttributes).attributes) {
    if (u.attributeIdentifier(a) !== u.EntityIdentifier.VAT_LV_EXTENSION) continue;
    const x = u.parseVatLvExtension(a.data.subarray(36));
    assert.deepEqual(u.serializeVatLvExtension(x), a.data.subarray(36, 36 + u.VAT_LV_EXTENSION_LENGTH), `${label}: VAT LVExtension`);
    count('VatLvExtension');
  }
}

/** The VAT data of a VAT ICB (the last File Entry of type 248, or 0 for 1.50, in the image). */
function roundTripVat(img: Uint8Array, blockSize: number, partitionStart: number, label: string): string | undefined {
  for (let s = img.length / blockSize - 1; s > img.length / blockSize - 40; s--) {
    const b = img.subarray(s * blockSize, (s + 1) * blockSize);
    const id = b[0]! | (b[1]! << 8);
    if (id !== 261 && id !== 266) continue;
    const fe = u.parseFileEntry(b);
    if (fe.icbTag.fileType !== 248 && fe.icbTag.fileType !== 0) continue;
    const embedded = u.adFormOf(fe) === u.AdForm.EMBEDDED;
    const ad = embedded ? undefined : u.parseAllocationDescriptors(fe.allocationDescriptors, 0, fe.allocationDescriptors.length, u.adFormOf(fe))[0];
    const data = embedded ? fe.allocationDescriptors : img.subarray((partitionStart + ad!.blockNumber) * blockSize, (partitionStart + ad!.blockNumber) * blockSize + fe.informationLength);
    if (fe.icbTag.fileType === 248) {
      assert.deepEqual(u.serializeVat20(u.parseVat20(data)), data, `${label}: VAT 2.xx`);
      return 'vat20';
    }
    assert.deepEqual(u.serializeVat15(u.parseVat15(data)), data, `${label}: VAT 1.50`);
    return 'vat15';
  }
  return undefined;
}

const MK: [string, Record<string, string>][] = [
  ['hd 1.02', { UDFREV: '1.02' }], ['hd 1.50', { UDFREV: '1.50' }], ['hd 2.00', { UDFREV: '2.00' }], ['hd 2.01', { UDFREV: '2.01' }],
  ['hd 512', { BLOCKSIZE: '512' }], ['hd 4096', { BLOCKSIZE: '4096' }], ['label Grüße', { LABEL: 'Grüße' }],
  ['cdr 1.50', { MEDIA: 'cdr', UDFREV: '1.50', BLOCKS: '10240' }], ['cdr 2.01', { MEDIA: 'cdr', BLOCKS: '10240' }],
  ['bdr 2.50', { MEDIA: 'bdr', UDFREV: '2.50', BLOCKS: '20000' }], ['bdr 2.60', { MEDIA: 'bdr', UDFREV: '2.60', BLOCKS: '20000' }],
  ['cdrw 2.01', { MEDIA: 'cdrw', BLOCKS: '20000' }],
];

test('round trip: every descriptor of mkudffs volumes (all revisions, VAT, sparable, 512/2048/4096 blocks, 16-bit label)', async (t) => {
  if (!needTools(t, 'mkudffs')) return;
  const { dir, cleanup } = tmpDir('udf-rt');
  try {
    for (const [name, env] of MK) {
      const file = path.join(dir, 'v.img');
      sh('sh', [path.join(RECIPES, 'udf-mkudffs.sh'), file], { env: { ...process.env, ...env } });
      const img = new Uint8Array(readFileSync(file));
      const bs = Number(env.BLOCKSIZE ?? 2048);
      const counts = await roundTripImage(img, bs, name);
      for (const k of ['VSD BEA01', 'VSD TEA01', 'tag 1', 'tag 2', 'tag 4', 'tag 5', 'tag 6', 'tag 7', 'tag 8', 'tag 9', 'tag 256']) assert.ok(counts.get(k), `${name}: a ${k} was checked (${JSON.stringify([...counts])})`);
      assert.ok((counts.get('tag 261') ?? 0) + (counts.get('tag 266') ?? 0) >= 1, `${name}: a File Entry`);
      assert.ok(counts.get('FID'), `${name}: FIDs`);
      if (env.MEDIA === 'cdrw') assert.equal(counts.get('SparingTable'), 2, `${name}: both sparing tables`);
      if (env.MEDIA === 'cdr' || env.MEDIA === 'bdr') {
        assert.equal(roundTripVat(img, bs, 257, name), env.UDFREV === '1.50' ? 'vat15' : 'vat20');
        if (env.UDFREV === '1.50') assert.ok(counts.get('VatLvExtension'), `${name}: the VAT's LVExtension attribute`);
      }
    }
  } finally {
    cleanup();
  }
});

test('round trip: every descriptor and FID of the genisoimage and pycdlib images', async (t) => {
  if (!needTools(t, 'genisoimage')) return;
  const images = ['udf-genisoimage', ...(pycdlibAvailable(t) ? ['udf-pycdlib-windows'] : [])];
  for (const name of images) {
    const img = new Uint8Array(readFileSync(await recipeImage(name)));
    const counts = await roundTripImage(img, 2048, name);
    assert.ok((counts.get('tag 261') ?? 0) > 20, `${name}: File Entries (${counts.get('tag 261')})`);
    assert.ok((counts.get('FID') ?? 0) > 20, `${name}: FIDs (${counts.get('FID')})`);
    assert.ok(counts.get('VSD NSR02'), `${name}: NSR02`);
  }
});
