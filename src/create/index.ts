/**
 * The writer (browser-safe): `planImage(tree, options) → ImageLayout` (pure, exact size) and
 * `emitImage(layout) → AsyncIterable<Uint8Array>` (ascending bytes, never seeks), built on the format-neutral
 * layout engine (`planLayout` / `emitLayout`: any block size, placed regions, patches).
 */
export { planImage, describeLayout } from './plan.js';
export { emitImage, type EmitOptions } from './emit.js';
export { imageRuns, runByteLength, type ImageRun, type ImageRunOptions } from './runs.js';
export type { BuildOptions, ResolvedOptions, IsoLevel, UdfRevision } from './options.js';
export { UDF_REVISIONS } from './options.js';
export type { BootHook, ContentPatch, RegionName, RegionSlot, ImagePlanView } from './hooks.js';
export type { ImageLayout, ImageRegion, ImageEmitContext, LayoutStats } from './types.js';
export { BLOCK_SIZE } from './types.js';
export {
  planLayout, emitLayout, chunkWriterFor, zeroRegion, ChunkWriter, checkLayout,
  type PlanOptions, type ChunkOptions, type Extent, type Placement, type PlanContext, type FileChange, type EmitContext, type Region,
  type PlacedRegion, type Patch, type Layout, type ContentReader, type ReadableContent, type DataItem, type DataRegionChunk,
  type DataRegionChunks, type FileDataSource,
} from './engine/index.js';
export { findDuplicateContents, type DedupOptions, type DedupReport } from './files/dedup.js';
export { proposeIsoName, compareIdentifiers } from './iso9660/names/iso9660.js';
