/**
 * What a WIM holds, read the way wimlib reads it (wim.c begin_read, header.c read_wim_header, blob_table.c
 * read_blob_table): the header, the compression type, the image metadata resources in table order, the file
 * data blobs, whether any resource is solid, and the XML bytes. Only the header, the blob table and the XML
 * are read; resources are located, never loaded.
 *
 * Entries wimlib ignores are ignored here too, each with a finding: an all-zero hash, an empty blob, a part
 * number other than this file's, a duplicate hash, a metadata entry with no reference or beyond the image
 * count. What wimlib refuses is an IsoKitError: an uncompressed resource whose two sizes differ, a metadata
 * resource referenced more than once, fewer metadata resources than images.
 */
import { isZero, toHex } from '../../bytes/index.js';
import { ErrorCode, FindingCode, Findings, IsoKitError, type Finding } from '../../errors/index.js';
import { readExact, type ByteSource, type ReadOptions } from '../../io/index.js';
import { BLOB_TABLE_ENTRY_BYTE_LENGTH, parseBlobTable, type BlobTableEntry } from './blob-table.js';
import { parseWimHeader, WIM_HEADER_BYTE_LENGTH, WimHeaderFlag, wimCompression, WimVersion, type WimCompression, type WimHeader } from './header.js';
import { ResourceFlag, isZeroResourceHeader, type ResourceHeader } from './resource-header.js';
import { decodeWimXml, hasXmlBom, wimXmlImageCount } from './xml-data.js';

/** wimlib's MAX_IMAGES. */
export const WIM_MAX_IMAGES = 65535;
/**
 * Largest blob table read into memory: 32 MiB, about 670,000 entries (a multi-edition Windows install.wim has
 * a few hundred thousand at most); each entry costs some 200 bytes once parsed.
 */
export const WIM_MAX_BLOB_TABLE_BYTE_LENGTH = 32 * 2 ** 20;
/** Largest XML data read into memory (real ones are kilobytes). */
export const WIM_MAX_XML_BYTE_LENGTH = 64 * 2 ** 20;

export interface WimLayout {
  readonly header: WimHeader;
  readonly compression: WimCompression;
  /** image metadata resources, image 1 first (table order, as wimlib and WIMGAPI assign them) */
  readonly metadata: readonly BlobTableEntry[];
  /** file data blobs kept, in table order */
  readonly blobs: readonly BlobTableEntry[];
  /** a resource has the SOLID flag (version 0xE00 only: wimlib ignores the flag in 0x10D00 WIMs) */
  readonly hasSolidResources: boolean;
  /** the XML data resource bytes as stored (UTF-16LE, normally with a byte order mark) */
  readonly xml: Uint8Array;
  readonly findings: readonly Finding[];
}

/**
 * Read one uncompressed table resource named by the header (blob table, XML data); `fieldAt` is the offset of
 * its resource header in the WIM header (errors point there: the resource itself may lie outside the file).
 */
async function readTableResource(src: ByteSource, r: ResourceHeader, what: string, fieldAt: number, limit: number, opts?: ReadOptions): Promise<Uint8Array> {
  const structure = `WimHeader ${what}`;
  const byteOffset = fieldAt;
  if (isZeroResourceHeader(r)) return new Uint8Array(0);
  if (r.flags & (ResourceFlag.COMPRESSED | ResourceFlag.SOLID)) {
    throw new IsoKitError(ErrorCode.UNSUPPORTED, `${src.name}: compressed ${what} (Microsoft's software cannot read one either)`, { byteOffset, structure });
  }
  if (r.storedByteLength !== r.originalByteLength) {
    throw new IsoKitError(ErrorCode.CORRUPT, `${what} stored as ${r.storedByteLength} bytes but ${r.originalByteLength} bytes long`, { byteOffset, structure });
  }
  if (r.storedByteLength > limit) {
    throw new IsoKitError(ErrorCode.UNSUPPORTED, `${what} of ${r.storedByteLength} bytes is larger than ${limit}`, { byteOffset, structure });
  }
  if (r.byteOffset + r.storedByteLength > src.byteLength) {
    throw new IsoKitError(ErrorCode.TRUNCATED, `${what} (${r.byteOffset}+${r.storedByteLength}) runs past the end of ${src.name} (${src.byteLength} bytes)`, { byteOffset, structure });
  }
  return readExact(src, r.byteOffset, r.storedByteLength, `Wim ${what}`, opts);
}

/**
 * Read and check the header that describes the file: the first one, or for a pipable WIM the copy at the end.
 * Unknown versions and more than 65535 images are refused, as wimlib refuses them.
 */
export async function readWimHeader(src: ByteSource, opts?: ReadOptions): Promise<WimHeader> {
  if (src.byteLength < WIM_HEADER_BYTE_LENGTH) {
    throw new IsoKitError(ErrorCode.TRUNCATED, `${src.name} (${src.byteLength} bytes) is too short for a WIM header`, { byteOffset: 0, structure: 'WimHeader' });
  }
  let header = parseWimHeader(await readExact(src, 0, WIM_HEADER_BYTE_LENGTH, 'WimHeader', opts));
  if (header.magic === 'pipable' && src.byteLength >= 2 * WIM_HEADER_BYTE_LENGTH) {
    const end = src.byteLength - WIM_HEADER_BYTE_LENGTH;
    try {
      header = parseWimHeader(await readExact(src, end, WIM_HEADER_BYTE_LENGTH, 'WimHeader (end copy)', opts));
    } catch (e) {
      if (!(e instanceof IsoKitError)) throw e;
    }
  }
  if (header.version !== WimVersion.DEFAULT && header.version !== WimVersion.SOLID) {
    throw new IsoKitError(ErrorCode.UNSUPPORTED, `unknown WIM version 0x${header.version.toString(16)}`, { byteOffset: 12, structure: 'WimHeader' });
  }
  if (header.imageCount > WIM_MAX_IMAGES) {
    throw new IsoKitError(ErrorCode.CORRUPT, `image count ${header.imageCount} is beyond ${WIM_MAX_IMAGES}`, { byteOffset: 44, structure: 'WimHeader' });
  }
  return header;
}

interface Sorted { metadata: BlobTableEntry[]; blobs: BlobTableEntry[]; hasSolid: boolean }

/** Check one kept entry's resource against the file and the WIM's compression. */
function checkEntryResource(src: ByteSource, e: BlobTableEntry, compression: WimCompression, at: number): void {
  const r = e.resource;
  const structure = 'WimBlobTable entry';
  if (!(r.flags & ResourceFlag.COMPRESSED) && r.storedByteLength !== r.originalByteLength) {
    throw new IsoKitError(ErrorCode.CORRUPT, `uncompressed resource stored as ${r.storedByteLength} bytes but ${r.originalByteLength} bytes long`, { byteOffset: at, structure });
  }
  if (r.flags & ResourceFlag.COMPRESSED && compression === 'none') {
    throw new IsoKitError(ErrorCode.CORRUPT, 'compressed resource in a WIM whose header names no compression type', { byteOffset: at, structure });
  }
  if (r.byteOffset + r.storedByteLength > src.byteLength) {
    throw new IsoKitError(ErrorCode.TRUNCATED, `resource ${r.byteOffset}+${r.storedByteLength} runs past the end of ${src.name} (${src.byteLength} bytes)`, { byteOffset: at, structure });
  }
}

/** Sort the table's entries the way wimlib's read_blob_table does. */
function sortEntries(src: ByteSource, header: WimHeader, compression: WimCompression, table: readonly BlobTableEntry[], findings: Findings): Sorted {
  const out: Sorted = { metadata: [], blobs: [], hasSolid: false };
  const seen = new Set<string>();
  const tableAt = header.blobTable.byteOffset;
  table.forEach((raw, i) => {
    const at = tableAt + i * BLOB_TABLE_ENTRY_BYTE_LENGTH;
    const flags = header.version === WimVersion.DEFAULT ? raw.resource.flags & ~ResourceFlag.SOLID : raw.resource.flags;
    const e: BlobTableEntry = flags === raw.resource.flags ? raw : { ...raw, resource: { ...raw.resource, flags } };
    if (flags & ResourceFlag.SOLID) {
      out.hasSolid = true;
      return;
    }
    const S = 'WimBlobTable entry';
    if (isZero(e.sha1)) return findings.info(FindingCode.WIM_BLOB_ZERO_HASH, `entry ${i} has an all-zero hash: ignored`, at, S);
    if (e.resource.originalByteLength === 0) return findings.warn(FindingCode.WIM_BLOB_EMPTY, `entry ${i} is empty: ignored`, at, S);
    if (e.partNumber !== header.partNumber) return findings.warn(FindingCode.WIM_BLOB_WRONG_PART, `entry ${i} names part ${e.partNumber}: ignored`, at, S);
    if (flags & ResourceFlag.METADATA) {
      if (e.referenceCount === 0) return findings.info(FindingCode.WIM_METADATA_UNREFERENCED, `metadata entry ${i} has no reference: ignored`, at, S);
      if (e.referenceCount !== 1) throw new IsoKitError(ErrorCode.CORRUPT, `metadata resource with reference count ${e.referenceCount}`, { byteOffset: at, structure: S });
      if (out.metadata.length === header.imageCount) return findings.warn(FindingCode.WIM_METADATA_EXTRA, `metadata entry ${i} beyond ${header.imageCount} images: ignored`, at, S);
      checkEntryResource(src, e, compression, at);
      out.metadata.push(e);
      return;
    }
    const key = toHex(e.sha1);
    if (seen.has(key)) return findings.warn(FindingCode.WIM_BLOB_DUPLICATE, `entry ${i} repeats blob ${key}: ignored`, at, S);
    seen.add(key);
    checkEntryResource(src, e, compression, at);
    out.blobs.push(e);
  });
  return out;
}

function checkXml(xml: Uint8Array, header: WimHeader, findings: Findings): void {
  const at = header.xmlData.byteOffset;
  if (xml.length && !hasXmlBom(xml)) findings.warn(FindingCode.WIM_XML_NO_BOM, 'XML data has no UTF-16LE byte order mark', at, 'WimXmlData');
  const images = wimXmlImageCount(decodeWimXml(xml));
  if (images !== header.imageCount) findings.warn(FindingCode.WIM_XML_IMAGE_COUNT, `XML data describes ${images} images, the header ${header.imageCount}`, at, 'WimXmlData');
}

/** Read a WIM's header, blob table and XML data (see the module comment). */
export async function readWimLayout(src: ByteSource, opts?: ReadOptions & { header?: WimHeader }): Promise<WimLayout> {
  const findings = new Findings();
  const header = opts?.header ?? (await readWimHeader(src, opts));
  const compression = wimCompression(header.flags);
  if (!compression) throw new IsoKitError(ErrorCode.CORRUPT, `flags 0x${header.flags.toString(16)} set COMPRESSION but name no codec`, { byteOffset: 16, structure: 'WimHeader' });
  if (header.flags & WimHeaderFlag.WRITE_IN_PROGRESS) findings.warn(FindingCode.WIM_WRITE_IN_PROGRESS, 'the WIM is marked as being written', 16, 'WimHeader');
  const tableBytes = await readTableResource(src, header.blobTable, 'blob table', 48, WIM_MAX_BLOB_TABLE_BYTE_LENGTH, opts);
  const sorted = sortEntries(src, header, compression, parseBlobTable(tableBytes, header.blobTable.byteOffset), findings);
  if (header.partNumber === 1 && !sorted.hasSolid && sorted.metadata.length < header.imageCount) {
    throw new IsoKitError(ErrorCode.CORRUPT, `${sorted.metadata.length} metadata resources for ${header.imageCount} images`, { byteOffset: header.blobTable.byteOffset, structure: 'WimBlobTable' });
  }
  if (header.bootIndex > header.imageCount) findings.warn(FindingCode.WIM_BOOT_INDEX, `boot index ${header.bootIndex} beyond ${header.imageCount} images`, 120, 'WimHeader');
  const xml = await readTableResource(src, header.xmlData, 'XML data', 72, WIM_MAX_XML_BYTE_LENGTH, opts);
  checkXml(xml, header, findings);
  return { header, compression, metadata: sorted.metadata, blobs: sorted.blobs, hasSolidResources: sorted.hasSolid, xml, findings: findings.toArray() };
}

