/**
 * The writer (browser-safe): `planImage(tree, options) → ImageLayout` (pure, exact size) and
 * `emitImage(layout) → AsyncIterable<Uint8Array>` (ascending bytes, never seeks).
 */
export { planImage, describeLayout } from './plan.js';
export { emitImage, type EmitOptions } from './emit.js';
export type { BuildOptions, ResolvedOptions, IsoLevel } from './options.js';
export type { BootHook, ContentPatch, RegionName } from './hooks.js';
export type { ImageLayout, PlacedRegion, Region, Extent, FileChange, LayoutStats, EmitContext, PlanContext } from './types.js';
export { BLOCK_SIZE } from './types.js';
export type { ContentReader, ReadableContent, DataItem, DataRegionChunk, DataRegionChunks, FileDataSource } from './content-reader.js';
export { ChunkWriter } from './chunk-writer.js';
export { findDuplicateContents, type DedupOptions, type DedupReport } from './dedup.js';
export { proposeIsoName, compareIdentifiers } from './names/iso9660.js';
