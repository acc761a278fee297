/**
 * The layout engine (browser-safe, format-neutral): regions placed at the next free block, at a fixed block,
 * aligned, or from the end of a fixed-size layout; any block size; invariants checked on every layout; a
 * strictly ascending emit with patches applied on the way. ISO 9660, El Torito + MBR/GPT, UDF and FAT are
 * region groups composed on top of it.
 */
export { planLayout, zeroRegion, type PlanOptions } from './plan.js';
export { emitLayout, chunkWriterFor, Patcher, type ChunkOptions } from './emit.js';
export { ChunkWriter } from './chunk-writer.js';
export { checkLayout, checkPatches } from './invariants.js';
export type { Extent, Placement, PlanContext, FileChange, EmitContext, Region, PlacedRegion, Patch, Layout } from './types.js';
export type { ContentReader, ReadableContent, DataItem, DataRegionChunk, DataRegionChunks, FileDataSource } from './content-reader.js';
export { hasReader } from './content-reader.js';
