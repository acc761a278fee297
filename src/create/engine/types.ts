/**
 * The layout engine's types (design guide §2): a layout is an ordered list of regions; each region's `plan`
 * reserves blocks once every earlier region has planned, so the total size is known before the first byte;
 * `emit` then yields exactly the planned bytes in ascending order and never seeks. Nothing here knows a disc
 * or disk format: ISO 9660, El Torito, MBR/GPT, UDF and FAT are region groups built on top.
 */
import type { ChunkWriter } from './chunk-writer.js';
import type { DataRegionChunks } from './content-reader.js';

/** A run of blocks some structure occupies (checked: inside its region, no overlaps). */
export interface Extent {
  readonly lba: number;
  readonly blockCount: number;
  /** what it is, for error messages: "directory /a/b", "data of /x" (a function: built only when needed) */
  readonly what: string | (() => string);
}

/**
 * Where a region starts. Default: at the next free block. `at`: a fixed block (zeros fill any gap before it;
 * planning fails if earlier regions already reach past it). `align`: the next multiple of `align` blocks.
 * `fromEnd`: the region ends exactly at the layout's fixed total (`PlanOptions.totalBlocks`); without a fixed
 * total it simply goes where it stands (callers list it last).
 */
export type Placement = { readonly at: number } | { readonly align: number } | { readonly fromEnd: true };

/** What `plan` is told besides its first block. */
export interface PlanContext {
  readonly blockSize: number;
  /** the layout's fixed size in blocks, when it has one (a disk of a given size) */
  readonly totalBlocks: number | undefined;
}

/** A source file whose bytes no longer match the plan (already padded/cut to it when reported). */
export interface FileChange {
  readonly path: string;
  readonly plannedByteLength: number;
  /** bytes the source actually had (when known) */
  readonly actualByteLength?: number;
  readonly reason: string;
}

export interface EmitContext<L extends Layout = Layout> {
  /** the finished layout being emitted (a composition's own layout type: regions may read what it offers) */
  readonly layout: L;
  readonly signal?: AbortSignal;
  /** a source file's bytes differ from the plan (already padded/truncated); throws in strict mode */
  readonly fileChanged: (change: FileChange) => void;
  /** one more file's data has been emitted (progress) */
  readonly fileDone: () => void;
  /** the file-data region, produced ahead by `EmitOptions.fileData` (the region then reads no content itself) */
  readonly fileData?: DataRegionChunks;
  /** the consumer keeps chunks after pulling the next one (chunks not made by the ChunkWriter are then copied) */
  readonly keepsChunks: boolean;
}

/**
 * One region. `plan` is called once, in layout order, with the region's first block; it reserves its blocks
 * and returns how many. `emit` then writes exactly `blockCount × blockSize` bytes through `out`, yielding
 * whatever full chunks `out` hands back.
 */
export interface Region<L extends Layout = Layout> {
  readonly name: string;
  readonly placement?: Placement;
  plan(startLba: number, ctx: PlanContext): number;
  /** the extents this region lays down (for the overlap / bounds invariant) */
  extents?(): Iterable<Extent>;
  emit(out: ChunkWriter, ctx: EmitContext<L>): AsyncGenerator<Uint8Array, void, undefined>;
}

/** Where a region landed. */
export interface PlacedRegion {
  readonly name: string;
  readonly lba: number;
  readonly blockCount: number;
}

/**
 * Bytes that overwrite part of the output once the layout is final (a boot info table inside a boot image's
 * copy, a checksum over later bytes). Applied by the engine to the chunks as they pass: the sources are
 * never modified. Patches must not overlap.
 */
export interface Patch {
  readonly byteOffset: number;
  readonly bytes: Uint8Array;
  /** what is patched, for error messages */
  readonly what: string;
}

/** A planned layout: exact size and where each region landed. */
export interface Layout {
  readonly blockSize: number;
  readonly blockCount: number;
  readonly byteLength: number;
  readonly regions: readonly PlacedRegion[];
  /** the regions with their emit functions, in layout order (one per entry of `regions`) */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each composition narrows it (Region<ItsLayout>)
  readonly regionList: readonly Region<any>[];
}
