/**
 * The UDF file structure (ECMA-167 4/14; OSTA UDF 2.3): the File Set Descriptor, one File Entry per file
 * (Extended File Entry from UDF 2.50), and each directory's File Identifier Descriptors, the parent entry
 * first (4/8.6). File data is not copied: the entries point at the extents the ISO 9660 records use, in
 * extents of at most `UDF_EXTENT_BYTES` (short_ads; long_ads into the physical partition when the entries
 * live in the 2.50 metadata partition). Symbolic links are embedded path components (4/14.16), devices carry
 * a Device Specification extended attribute (4/14.10.7).
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import {
  AdForm, EntityIdentifier, FileCharacteristic, FileType, NO_TIMESTAMP, OSTA_CS0, deviceSpecificationData, pathComponentsOf,
  permissionsFromMode, serializeAllocationDescriptors, serializeExtendedAttributes, serializeFileEntry, serializeFileIdentifierDescriptor,
  serializeFileSetDescriptor, serializePathComponents, serializeTerminatingDescriptor, timestampFromMs, udfEntityId, type AllocationDescriptor,
  type EntityId, type UdfTimestamp,
} from '../../formats/udf/index.js';
import { writeU32LE } from '../../bytes/index.js';
import { entryTimes, pathOf, type PlanDirEntry, type PlanEntry } from '../tree.js';
import { BLOCK_SIZE } from '../types.js';
import { UDF_EXTENT_BYTES, type UdfState } from './state.js';

/** UDF 2.1.5.2: the implementation identifier isokit records (Implementation Identifier Suffix: OS class 0). */
export const ISOKIT_UDF_ID: EntityId = { flags: 0, identifier: '*isokit', suffix: new Uint8Array(8) };

const FILE_TYPE: Record<string, number> = {
  file: FileType.FILE, dir: FileType.DIRECTORY, symlink: FileType.SYMLINK, chardev: FileType.CHARACTER_DEVICE,
  blockdev: FileType.BLOCK_DEVICE, fifo: FileType.FIFO, socket: FileType.SOCKET,
};
const NONE: AllocationDescriptor = { byteLength: 0, extentType: 0, blockNumber: 0, partitionRef: 0 };

/** The last time converted: most entries of a tree share their times (a Date per timestamp shows in profiles). */
let lastMs = NaN;
let lastTime: UdfTimestamp = NO_TIMESTAMP;

export function udfTime(ms: number | undefined): UdfTimestamp {
  if (ms === undefined) return NO_TIMESTAMP;
  if (ms !== lastMs) {
    lastTime = timestampFromMs(ms, 0);
    lastMs = ms;
  }
  return lastTime;
}

/** The long_ad of an entry's File Entry, with its unique id in the implementation use (UDF 2.3.4.3). */
export function icbAd(s: UdfState, e: PlanEntry): AllocationDescriptor {
  const iu = new Uint8Array(6);
  writeU32LE(iu, 2, s.uniqueId(e) % 0x100000000);
  return { byteLength: BLOCK_SIZE, extentType: 0, blockNumber: s.icb[e.ino] as number, partitionRef: s.icbRef, implementationUse: iu };
}

/** The File Set Descriptor (ICB-space block 0) and its Terminating Descriptor (block 1). */
export function fileSetDescriptors(s: UdfState, label: string): Uint8Array[] {
  const v = s.version;
  const none = { ...NONE };
  const fsd = serializeFileSetDescriptor({
    tag: { version: v, location: 0 }, recordingTime: udfTime(s.options.dateMs), interchangeLevel: 3, maxInterchangeLevel: 3, characterSetList: 1, maxCharacterSetList: 1,
    fileSetNumber: 0, fileSetDescriptorNumber: 0, logicalVolumeIdentifierCharset: OSTA_CS0, logicalVolumeIdentifier: label, fileSetCharset: OSTA_CS0,
    fileSetIdentifier: label, copyrightFileIdentifier: '', abstractFileIdentifier: '', rootDirectoryIcb: icbAd(s, s.tree.root),
    domainIdentifier: udfEntityId(EntityIdentifier.OSTA_DOMAIN, s.revision), nextExtent: none, systemStreamDirectoryIcb: none,
  });
  return [fsd, serializeTerminatingDescriptor({ tag: { version: v, location: 1 } })];
}

/** A directory's FIDs: the parent entry, then one per child in name order. */
export function directoryData(s: UdfState, d: PlanDirEntry): Uint8Array {
  const out = new Uint8Array(Math.ceil((s.dirBytes[d.ino] as number) / BLOCK_SIZE) * BLOCK_SIZE);
  const first = s.dirData[d.ino] as number;
  let o = 0;
  const put = (e: PlanEntry, characteristics: number, identifier: Uint8Array) => {
    const fid = serializeFileIdentifierDescriptor({
      tag: { version: s.version, location: first + Math.floor(o / BLOCK_SIZE) }, fileVersionNumber: 1, characteristics,
      icb: icbAd(s, e), implementationUse: new Uint8Array(0), identifier,
    });
    out.set(fid, o);
    o += fid.length;
  };
  put(d.parent, FileCharacteristic.PARENT | FileCharacteristic.DIRECTORY, new Uint8Array(0));
  for (const c of d.dir.children) {
    if (!s.has(c)) continue;
    put(c, (c.dir ? FileCharacteristic.DIRECTORY : 0) | (c.node.hidden ? FileCharacteristic.HIDDEN : 0), s.identifier(c));
  }
  return out;
}

/** Data extents of `byteLength` bytes from partition block `block`, each at most UDF_EXTENT_BYTES. */
export function dataExtents(block: number, byteLength: number, partitionRef: number | undefined): AllocationDescriptor[] {
  const out: AllocationDescriptor[] = [];
  for (let done = 0; done < byteLength; done += UDF_EXTENT_BYTES) {
    out.push({ byteLength: Math.min(UDF_EXTENT_BYTES, byteLength - done), extentType: 0, blockNumber: block + done / BLOCK_SIZE, ...(partitionRef !== undefined ? { partitionRef } : {}) });
  }
  return out;
}

/** What an entry's File Entry records after its fixed part: AD form, L_EA and L_AD bytes, sizes. */
function contentsOf(s: UdfState, e: PlanEntry): { form: AdForm; ea: Uint8Array; ads: Uint8Array; size: number; blocks: number } {
  const none = new Uint8Array(0);
  if (e.dir) {
    const size = s.dirBytes[e.ino] as number;
    const ads = serializeAllocationDescriptors([{ byteLength: size, extentType: 0, blockNumber: s.dirData[e.ino] as number }], AdForm.SHORT);
    return { form: AdForm.SHORT, ea: none, ads, size, blocks: Math.ceil(size / BLOCK_SIZE) };
  }
  if (e.kind === 'symlink') {
    const data = serializePathComponents(pathComponentsOf(e.node.symlinkTarget ?? ''));
    if (data.length > BLOCK_SIZE - 256) throw new IsoKitError(ErrorCode.UNSUPPORTED, `${pathOf(e)}: a symbolic link target of ${data.length} bytes does not fit a UDF File Entry`);
    return { form: AdForm.EMBEDDED, ea: none, ads: data, size: data.length, blocks: 0 };
  }
  if ((e.kind === 'chardev' || e.kind === 'blockdev') && e.node.device) {
    const ea = serializeExtendedAttributes({ version: s.version, location: s.icb[e.ino] as number }, [{ type: 12, data: deviceSpecificationData(e.node.device.major, e.node.device.minor) }]);
    return { form: AdForm.SHORT, ea, ads: none, size: 0, blocks: 0 };
  }
  const d = e.data;
  if (e.kind !== 'file' || !d || d.byteLength === 0) return { form: s.metadata ? AdForm.LONG : AdForm.SHORT, ea: none, ads: none, size: 0, blocks: 0 };
  const form = s.metadata ? AdForm.LONG : AdForm.SHORT;
  const list = dataExtents(d.lba - s.partitionStart, d.byteLength, s.metadata ? 0 : undefined);
  const ads = serializeAllocationDescriptors(list, form);
  if (ads.length > BLOCK_SIZE - 256) throw new IsoKitError(ErrorCode.UNSUPPORTED, `${pathOf(e)}: ${d.byteLength} bytes need more extents than one UDF File Entry holds`);
  return { form, ea: none, ads, size: d.byteLength, blocks: d.blockCount };
}

/** The File Entry (UDF 2.50: Extended File Entry) of `e` (the region pads it to a block). */
export function fileEntry(s: UdfState, e: PlanEntry): Uint8Array {
  const o = s.options;
  const { form, ea, ads, size, blocks } = contentsOf(s, e);
  const n = e.node;
  const mode = n.mode ?? (e.dir ? 0o755 : 0o644);
  const { permissions, icbFlags } = permissionsFromMode(mode, 0);
  const t = entryTimes(e, o);
  const location = s.icb[e.ino] as number;
  const fe = serializeFileEntry({
    tag: { version: s.version, location }, extended: s.metadata,
    icbTag: { priorRecordedDirectEntries: 0, strategyType: 4, strategyParameter: 0, maxEntries: 1, fileType: FILE_TYPE[e.kind] as number, parentIcb: { blockNumber: 0, partitionRef: 0 }, flags: form | icbFlags },
    uid: n.uid ?? 0xffffffff, gid: n.gid ?? 0xffffffff, permissions, linkCount: e.dir ? e.nlink - 1 : e.nlink, recordFormat: 0, recordDisplayAttributes: 0, recordLength: 0,
    informationLength: size, objectSize: size, logicalBlocksRecorded: blocks,
    accessTime: udfTime(t.atimeMs), modificationTime: udfTime(t.mtimeMs), creationTime: udfTime(t.mtimeMs), attributeTime: udfTime(t.ctimeMs), checkpoint: 1,
    extendedAttributeIcb: NONE, streamDirectoryIcb: NONE, implementationIdentifier: ISOKIT_UDF_ID, uniqueId: s.uniqueId(e),
    extendedAttributes: ea, allocationDescriptors: ads,
  });
  return fe;
}

/** The ICB space in order (what `prepareUdf` placed), one array per structure, each to be padded to whole blocks. */
export function* icbSpace(s: UdfState, label: string): Generator<Uint8Array, void, undefined> {
  yield* fileSetDescriptors(s, label);
  const seen = new Uint8Array(s.icb.length);
  for (const d of s.tree.dirs) {
    yield fileEntry(s, d);
    yield directoryData(s, d);
    for (const c of d.dir.children) {
      if (c.dir || seen[c.ino] || !s.has(c)) continue;
      seen[c.ino] = 1;
      yield fileEntry(s, c);
    }
  }
}
