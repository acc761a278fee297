/**
 * Split a WIM into parts (install.swm, install2.swm, …) without recompressing, as `wimlib-imagex split` does
 * (wimlib src/split.c): plan every part exactly first, then stream each part's bytes on demand from the source.
 *
 * Packing (split.c wimlib_split, add_blob_to_swm): the image metadata resources all go to part 1; then every
 * file blob, in source order, goes to the current part, or starts a new one when it does not fit, unless the
 * current part holds no resource yet. A blob is never divided, so a single resource larger than the part size
 * makes a part of its own that is larger than the limit, as wimlib allows (WimSplitPart.oversized says so).
 *
 * "Fits" follows `sizeRule`: 'part-file' (default) counts the whole part file (header, resources, blob table,
 * XML, integrity table) and keeps it ≤ partByteLength, which FAT32 needs; 'wimlib' counts only resources and
 * starts a new part when they would reach partByteLength (wimlib's `>=` test), so its parts can exceed the
 * limit by their tables and XML but match `wimlib-imagex split` byte for byte (given the same GUID).
 *
 * Refused, before any byte is emitted: solid resources (an ESD or a --solid WIM: wimlib refuses them too), a
 * pipable WIM, a WIM that is already a part of a split set.
 */
import { crc32, writeU32LE, writeU64LE } from '../../bytes/index.js';
import { ErrorCode, IsoKitError, type Finding } from '../../errors/index.js';
import { throwIfAborted, type ByteSource } from '../../io/index.js';
import type { BlobTableEntry } from './blob-table.js';
import { WimHeaderFlag, WimVersion, type WimHeader } from './header.js';
import type { Sha1Factory } from './integrity-table.js';
import { isZeroResourceHeader } from './resource-header.js';
import { buildWimPart, wimPartByteLength, wimPartContent, type WimPartAssignment, type WimPartContent, type WimPartContext } from './split-part.js';
import { readWimHeader, readWimLayout, type WimLayout } from './wim-layout.js';

/** 4094 MiB: what Rufus, WoeUSB and wimlib users pick for FAT32 (files ≤ 4 GiB − 1). */
export const WIM_SPLIT_DEFAULT_PART_BYTE_LENGTH = 4094 * 2 ** 20;
/** Part numbers are 16-bit. */
export const WIM_SPLIT_MAX_PARTS = 65535;

export interface WimSplitOptions {
  /** Largest part (see sizeRule). */
  readonly partByteLength: number;
  /** Part names are `${baseName}.swm`, `${baseName}2.swm`, … (default 'install'). */
  readonly baseName?: string;
  readonly signal?: AbortSignal;
  /** 'part-file' (default): whole part files ≤ partByteLength. 'wimlib': wimlib's resources-only count. */
  readonly sizeRule?: 'part-file' | 'wimlib';
  /**
   * The set's GUID (16 bytes). Default: derived from the source's GUID and the part size, so the same input
   * gives the same parts (wimlib draws a random one).
   */
  readonly guid?: Uint8Array;
  /**
   * Whether the parts carry an integrity table. Default: when the source has one, as wimlib does. Needs
   * `createSha1`.
   */
  readonly integrityTable?: boolean;
  /** A SHA-1 factory for integrity tables (e.g. `() => createJsHasher('sha1')`, or node:crypto's). */
  readonly createSha1?: Sha1Factory;
}

export interface WimSplitPart {
  /** install.swm, install2.swm, … */
  readonly name: string;
  readonly partNumber: number;
  readonly byteLength: number;
  /** stream() yields exactly byteLength bytes: header, copied resources (ranges of the source), tables, XML */
  readonly content: WimPartContent;
  /** the part's header as it is written */
  readonly header: WimHeader;
  /** file data blobs stored in this part */
  readonly blobCount: number;
  /** bytes copied from the source into this part */
  readonly resourceByteLength: number;
  /** larger than partByteLength: one resource (or part 1's metadata) that alone exceeds the part size */
  readonly oversized: boolean;
}

export interface WimSplitPlan {
  readonly parts: readonly WimSplitPart[];
  readonly totalParts: number;
  readonly sourceByteLength: number;
  readonly guid: Uint8Array;
  /** what was ignored or odd in the source (see readWimLayout) */
  readonly findings: readonly Finding[];
}

/** "4.6 GiB", or "75.0 MiB" below 1 GiB. */
const sizeText = (n: number): string => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`);

/** Refusals that need only the header. */
function refuseByHeader(src: ByteSource, h: WimHeader): void {
  if (h.magic === 'pipable') {
    throw new IsoKitError(ErrorCode.UNSUPPORTED, `${src.name} is a pipable WIM: isokit cannot split it; convert it first with \`wimlib-imagex export ${src.name} all install.wim --compress=LZX\``, { structure: 'WimHeader' });
  }
  if (h.totalParts > 1 || h.flags & WimHeaderFlag.SPANNED) {
    throw new IsoKitError(ErrorCode.UNSUPPORTED, `${src.name} is already part ${h.partNumber} of a ${h.totalParts}-part split WIM`, { byteOffset: 40, structure: 'WimHeader' });
  }
}

function refuseSolid(src: ByteSource, layout: WimLayout): void {
  if (!layout.hasSolidResources) return;
  const kind = layout.header.version === WimVersion.SOLID && layout.compression === 'lzms' ? 'solid/ESD' : 'solid';
  throw new IsoKitError(
    ErrorCode.UNSUPPORTED,
    `${src.name} is a ${kind} WIM of ${sizeText(src.byteLength)}: it cannot be split into parts for FAT32 (its files are compressed together in solid resources); ` +
      `convert it to a non-solid WIM first (\`wimlib-imagex export ${src.name} all install.wim --compress=LZX\`) or use a stick formatted NTFS or exFAT`,
    { structure: 'WimBlobTable', data: { version: layout.header.version, compression: layout.compression } },
  );
}

/** The default set GUID: four CRC-32s of the source GUID, the part size and an index. */
function derivedGuid(source: Uint8Array, partByteLength: number): Uint8Array {
  const seed = new Uint8Array(16 + 8 + 1);
  seed.set(source.subarray(0, 16), 0);
  writeU64LE(seed, 16, partByteLength);
  const out = new Uint8Array(16);
  for (let k = 0; k < 4; k++) {
    seed[24] = k;
    writeU32LE(out, 4 * k, crc32(seed));
  }
  return out;
}

/** File blobs in source order (wimlib's sequential order; ties keep table order). */
const sourceOrder = (blobs: readonly BlobTableEntry[]): BlobTableEntry[] =>
  blobs.map((e, i) => ({ e, i })).sort((a, b) => a.e.resource.byteOffset - b.e.resource.byteOffset || a.i - b.i).map((x) => x.e);

interface Packing { metadata: BlobTableEntry[]; blobs: BlobTableEntry[]; resourceByteLength: number }

/** Assign resources to parts (module comment). */
function pack(layout: WimLayout, partByteLength: number, rule: 'part-file' | 'wimlib', integrity: boolean): Packing[] {
  const first: Packing = { metadata: [...layout.metadata], blobs: [], resourceByteLength: 0 };
  for (const m of layout.metadata) first.resourceByteLength += m.resource.storedByteLength;
  const parts = [first];
  const fits = (p: Packing, stored: number): boolean =>
    rule === 'wimlib'
      ? p.resourceByteLength + stored < partByteLength
      : wimPartByteLength(p.resourceByteLength + stored, p.metadata.length + p.blobs.length + 1, layout.xml.length, integrity) <= partByteLength;
  for (const e of sourceOrder(layout.blobs)) {
    let cur = parts[parts.length - 1] as Packing;
    if (cur.resourceByteLength > 0 && !fits(cur, e.resource.storedByteLength)) {
      cur = { metadata: [], blobs: [], resourceByteLength: 0 };
      parts.push(cur);
    }
    cur.blobs.push(e);
    cur.resourceByteLength += e.resource.storedByteLength;
  }
  return parts;
}

function checkOptions(opts: WimSplitOptions): void {
  const n = opts.partByteLength;
  if (!Number.isSafeInteger(n) || n <= 0) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `part size must be a positive whole number of bytes, got ${n}`);
  if (opts.baseName !== undefined && opts.baseName === '') throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'empty part base name');
  if (opts.guid !== undefined && opts.guid.length !== 16) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `GUID must be 16 bytes, got ${opts.guid.length}`);
  if (opts.sizeRule !== undefined && opts.sizeRule !== 'part-file' && opts.sizeRule !== 'wimlib') {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `unknown size rule "${String(opts.sizeRule)}" (part-file or wimlib)`);
  }
}

/** Whether the parts get an integrity table, and the hasher for it. */
function integrityHasher(src: ByteSource, header: WimHeader, opts: WimSplitOptions): Sha1Factory | undefined {
  const want = opts.integrityTable ?? !isZeroResourceHeader(header.integrityTable);
  if (!want) return undefined;
  if (!opts.createSha1) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${src.name} has an integrity table and its parts would carry one as wimlib writes them: pass createSha1, or integrityTable: false`);
  }
  return opts.createSha1;
}

/**
 * Plan the split of the WIM in `source` into parts of at most `partByteLength` bytes (module comment).
 * Reads only the header, the blob table and the XML data; each part's `content` reads its resources from
 * `source` when streamed, in large sequential reads.
 */
export async function planWimSplit(source: ByteSource, opts: WimSplitOptions): Promise<WimSplitPlan> {
  checkOptions(opts);
  const readOpts = opts.signal ? { signal: opts.signal } : {};
  const header = await readWimHeader(source, readOpts);
  refuseByHeader(source, header);
  const layout = await readWimLayout(source, { ...readOpts, header });
  refuseSolid(source, layout);
  throwIfAborted(opts.signal);
  const createSha1 = integrityHasher(source, header, opts);
  const packing = pack(layout, opts.partByteLength, opts.sizeRule ?? 'part-file', createSha1 !== undefined);
  if (packing.length > WIM_SPLIT_MAX_PARTS) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `a part size of ${opts.partByteLength} bytes makes ${packing.length} parts of ${source.name}; at most ${WIM_SPLIT_MAX_PARTS} are possible`);
  }
  const guid = opts.guid?.slice() ?? derivedGuid(header.guid, opts.partByteLength);
  const ctx: WimPartContext = { source, layout, guid, totalParts: packing.length, createSha1 };
  const base = opts.baseName ?? 'install';
  const parts = packing.map((p, i): WimSplitPart => {
    const a: WimPartAssignment = { metadata: p.metadata, blobs: p.blobs };
    const part = buildWimPart(ctx, i + 1, a);
    return {
      name: i === 0 ? `${base}.swm` : `${base}${i + 1}.swm`,
      partNumber: i + 1,
      byteLength: part.byteLength,
      content: wimPartContent(ctx, part),
      header: part.header,
      blobCount: p.blobs.length,
      resourceByteLength: p.resourceByteLength,
      oversized: part.byteLength > opts.partByteLength,
    };
  });
  return { parts, totalParts: parts.length, sourceByteLength: source.byteLength, guid, findings: layout.findings };
}
