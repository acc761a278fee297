/**
 * The UDF reader (ECMA-167 / OSTA UDF 1.02-2.60), browser-safe: `detectUdf` finds a volume and its block
 * size, `openUdfVolume` reads its descriptors and gives its info, root, and directories one at a time or
 * as a whole tree.
 */
export { detectUdf, type UdfDetection, type UdfRecognition } from './detect.js';
export { openUdfVolume, type OpenUdfOptions } from './open.js';
export type { UdfVolume } from './volume.js';
export type { UdfVolumeInfo, UdfPartitionInfo, UdfPartitionMapInfo } from './info.js';
// the structures too: `udf.parseFileEntry`, `udf.serializeFileEntry`, … (the UDF writer reuses them)
export * from '../../formats/udf/index.js';
