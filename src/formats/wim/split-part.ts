/**
 * One part (.swm) of a split WIM, laid out the way wimlib's write_wim_part lays it out for wimlib_split
 * (write.c, split.c):
 *
 * ```
 * header (208 bytes)
 * file data resources: first those raw-copied (compressed, in a compressed WIM), then the others, each group
 *                      in source order (write_blob_list: sequential order, then find_raw_copy_blobs)
 * image metadata resources, image 1 first            (part 1 only: write_metadata_resources)
 * blob table: metadata entries, then file entries by offset, part number = this part (write_blob_table)
 * XML data, the source's bytes                        (USE_EXISTING_TOTALBYTES)
 * integrity table, when the parts carry one           (10 MiB chunks from byte 208 to the blob table's end)
 * ```
 * Resources are copied byte for byte: compressed resources keep their chunk tables (relative to the resource),
 * so only the offsets in the blob table change. Every byte but the integrity table is known before streaming.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { MemorySource, throwIfAborted, type ByteSource, type ByteStream, type ReadOptions } from '../../io/index.js';
import type { ConcatRange } from '../../io/concat-source.js';
import { BLOB_TABLE_ENTRY_BYTE_LENGTH, serializeBlobTable, type BlobTableEntry } from './blob-table.js';
import { compressionFlags, serializeWimHeader, WIM_HEADER_BYTE_LENGTH, WimHeaderFlag, type WimHeader } from './header.js';
import { IntegrityTableBuilder, integrityTableByteLength, serializeIntegrityTable, type Sha1Factory } from './integrity-table.js';
import { ResourceFlag, ZERO_RESOURCE_HEADER, type ResourceHeader } from './resource-header.js';
import type { WimLayout } from './wim-layout.js';

/** Default read size while copying resources. */
export const WIM_SPLIT_CHUNK_BYTE_LENGTH = 4 * 2 ** 20;

/** What goes in one part: the metadata resources (part 1) and the file blobs, in source order. */
export interface WimPartAssignment {
  readonly metadata: readonly BlobTableEntry[];
  readonly blobs: readonly BlobTableEntry[];
}

/** Shared by every part of one split. */
export interface WimPartContext {
  readonly source: ByteSource;
  readonly layout: WimLayout;
  readonly guid: Uint8Array;
  readonly totalParts: number;
  /** set when the parts carry an integrity table */
  readonly createSha1: Sha1Factory | undefined;
}

/**
 * A part's bytes: the same shape as the model's `Content` (the formats layer sits below the model, so the type
 * is spelled out here; a WimPartContent is a Content).
 */
export interface WimPartContent {
  readonly byteLength: number;
  /** exactly byteLength bytes, or an IsoKitError */
  stream(opts?: ReadOptions & { chunkSize?: number }): ByteStream;
  /** the bytes as ranges (generated tables as memory sources), when no integrity table has to be computed */
  readonly ranges?: readonly ConcatRange[];
}

/** A piece of a part's bytes: generated, or a run of the source copied as is. */
type Piece = { readonly bytes: Uint8Array } | { readonly byteOffset: number; readonly byteLength: number };

export interface WimPartLayout {
  readonly header: WimHeader;
  readonly byteLength: number;
  readonly pieces: readonly Piece[];
  /** end of the blob table: the integrity table covers [208, checkedEnd) */
  readonly checkedEnd: number;
}

/** A part file's length from its contents' sizes (the planner's arithmetic, shared with buildWimPart). */
export function wimPartByteLength(resourceByteLength: number, entryCount: number, xmlByteLength: number, integrity: boolean): number {
  const tableEnd = WIM_HEADER_BYTE_LENGTH + resourceByteLength + entryCount * BLOB_TABLE_ENTRY_BYTE_LENGTH;
  const integrityByteLength = integrity && entryCount > 0 ? integrityTableByteLength(tableEnd - WIM_HEADER_BYTE_LENGTH) : 0;
  return tableEnd + xmlByteLength + integrityByteLength;
}

/** Raw copies first (a compressed resource in a compressed WIM), then the rest; each group keeps its order. */
function writeOrder(blobs: readonly BlobTableEntry[], compressed: boolean): BlobTableEntry[] {
  const isRaw = (e: BlobTableEntry): boolean => compressed && (e.resource.flags & ResourceFlag.COMPRESSED) !== 0;
  return [...blobs.filter(isRaw), ...blobs.filter((e) => !isRaw(e))];
}

/** The flags wimlib gives a resource it wrote: kept on a raw copy, else only METADATA (write.c). */
function outFlags(e: BlobTableEntry, compressed: boolean): number {
  if (compressed && e.resource.flags & ResourceFlag.COMPRESSED) return e.resource.flags;
  return e.resource.flags & ResourceFlag.METADATA;
}

/** Copy runs over the resources in write order, merging runs that are contiguous in the source. */
function copyPieces(order: readonly BlobTableEntry[]): Piece[] {
  const runs: { byteOffset: number; byteLength: number }[] = [];
  for (const e of order) {
    const { byteOffset, storedByteLength } = e.resource;
    const last = runs[runs.length - 1];
    if (last && last.byteOffset + last.byteLength === byteOffset) last.byteLength += storedByteLength;
    else runs.push({ byteOffset, byteLength: storedByteLength });
  }
  return runs;
}

const tableResource = (byteOffset: number, byteLength: number, flags: number): ResourceHeader =>
  byteLength === 0 ? ZERO_RESOURCE_HEADER : { storedByteLength: byteLength, flags, byteOffset, originalByteLength: byteLength };

/** Lay out part `partNumber` (1-based): its header, its pieces, its length. */
export function buildWimPart(ctx: WimPartContext, partNumber: number, a: WimPartAssignment): WimPartLayout {
  const { layout } = ctx;
  const src = layout.header;
  const compressed = layout.compression !== 'none';
  const order = [...writeOrder(a.blobs, compressed), ...a.metadata];
  let at = WIM_HEADER_BYTE_LENGTH;
  const placed = new Map<BlobTableEntry, ResourceHeader>();
  for (const e of order) {
    placed.set(e, { ...e.resource, flags: outFlags(e, compressed), byteOffset: at });
    at += e.resource.storedByteLength;
  }
  const entry = (e: BlobTableEntry, referenceCount: number): BlobTableEntry => ({ resource: placed.get(e) as ResourceHeader, partNumber, referenceCount, sha1: e.sha1 });
  const table = serializeBlobTable([...a.metadata.map((e) => entry(e, 1)), ...writeOrder(a.blobs, compressed).map((e) => entry(e, e.referenceCount))]);
  const blobTable = tableResource(at, table.length, ResourceFlag.METADATA);
  const checkedEnd = at + table.length;
  const xmlData = tableResource(checkedEnd, layout.xml.length, ResourceFlag.METADATA);
  const integrity = ctx.createSha1 !== undefined && table.length > 0;
  const integrityByteLength = integrity ? integrityTableByteLength(checkedEnd - WIM_HEADER_BYTE_LENGTH) : 0;
  const integrityTable = tableResource(checkedEnd + layout.xml.length, integrityByteLength, 0);
  const single = ctx.totalParts === 1;
  const bootIndex = single && src.bootIndex <= src.imageCount ? src.bootIndex : 0;
  const bootMeta = bootIndex > 0 ? a.metadata[bootIndex - 1] : undefined;
  const header: WimHeader = {
    magic: 'wim',
    version: src.version,
    flags: (src.flags & (WimHeaderFlag.RP_FIX | WimHeaderFlag.READONLY)) | (single ? 0 : WimHeaderFlag.SPANNED) | compressionFlags(layout.compression),
    chunkByteLength: src.chunkByteLength,
    guid: ctx.guid,
    partNumber,
    totalParts: ctx.totalParts,
    imageCount: src.imageCount,
    blobTable,
    xmlData,
    bootMetadata: bootMeta ? (placed.get(bootMeta) as ResourceHeader) : ZERO_RESOURCE_HEADER,
    bootIndex: bootMeta ? bootIndex : 0,
    integrityTable,
  };
  const byteLength = checkedEnd + layout.xml.length + integrityByteLength;
  const expected = wimPartByteLength(at - WIM_HEADER_BYTE_LENGTH, table.length / BLOB_TABLE_ENTRY_BYTE_LENGTH, layout.xml.length, ctx.createSha1 !== undefined);
  if (byteLength !== expected) throw new IsoKitError(ErrorCode.INTERNAL, `part ${partNumber}: laid out ${byteLength} bytes, planned ${expected}`);
  const tail = new Uint8Array(table.length + layout.xml.length);
  tail.set(table, 0);
  tail.set(layout.xml, table.length);
  return { header, byteLength, checkedEnd, pieces: [{ bytes: serializeWimHeader(header) }, ...copyPieces(order), { bytes: tail }] };
}

/** Stream the pieces, reading copies in chunks and checking every read's length. */
async function* streamPieces(source: ByteSource, pieces: readonly Piece[], chunk: number, opts?: ReadOptions): ByteStream {
  for (const p of pieces) {
    throwIfAborted(opts?.signal);
    if ('bytes' in p) {
      if (p.bytes.length) yield p.bytes;
      continue;
    }
    for (let done = 0; done < p.byteLength;) {
      const want = Math.min(chunk, p.byteLength - done);
      throwIfAborted(opts?.signal);
      const b = await source.read(p.byteOffset + done, want, opts);
      if (b.length !== want) {
        throw new IsoKitError(ErrorCode.TRUNCATED, `${source.name} returned ${b.length} of ${want} bytes at ${p.byteOffset + done}: it changed since the split was planned`, { byteOffset: p.byteOffset + done, structure: 'WimResource' });
      }
      yield b;
      done += want;
    }
  }
}

/** The part's Content: exactly `byteLength` bytes; the integrity table (if any) computed on the way. */
export function wimPartContent(ctx: WimPartContext, part: WimPartLayout): WimPartContent {
  const { source } = ctx;
  const createSha1 = part.header.integrityTable.storedByteLength > 0 ? ctx.createSha1 : undefined;
  const stream = async function* (opts?: ReadOptions & { chunkSize?: number }): ByteStream {
    const builder = createSha1 ? new IntegrityTableBuilder(part.checkedEnd - WIM_HEADER_BYTE_LENGTH, createSha1) : undefined;
    const chunk = opts?.chunkSize ?? WIM_SPLIT_CHUNK_BYTE_LENGTH;
    if (!Number.isSafeInteger(chunk) || chunk <= 0) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `chunk size must be a positive whole number, got ${chunk}`);
    let at = 0;
    for await (const b of streamPieces(source, part.pieces, chunk, opts)) {
      if (builder) {
        const from = Math.max(at, WIM_HEADER_BYTE_LENGTH);
        const to = Math.min(at + b.length, part.checkedEnd);
        if (from < to) builder.update(b.subarray(from - at, to - at));
      }
      at += b.length;
      yield b;
    }
    if (builder) {
      const table = serializeIntegrityTable(builder.finish());
      at += table.length;
      yield table;
    }
    if (at !== part.byteLength) throw new IsoKitError(ErrorCode.INTERNAL, `part ${part.header.partNumber}: emitted ${at} bytes, planned ${part.byteLength}`);
  };
  if (createSha1) return { byteLength: part.byteLength, stream };
  const ranges: ConcatRange[] = part.pieces.map((p) =>
    'bytes' in p ? { source: new MemorySource(p.bytes, 'wim part tables'), byteOffset: 0, byteLength: p.bytes.length } : { source, ...p });
  return { byteLength: part.byteLength, ranges, stream };
}
