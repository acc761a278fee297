/**
 * FAT32 volumes from a tree, planned exactly and emitted strictly in order (for USB sticks and disk images: the
 * layout engine places the volume as one region, a partition).
 */
export { planFatVolume, sanitizeFatLabel, FAT_MAX_FILE_BYTES, FAT_MAX_DIRECTORY_ENTRIES } from './plan.js';
export { defaultFatClusterByteLength, planFat32Geometry, type Fat32Geometry } from './geometry.js';
export type { FatVolumeOptions, FatVolumeLayout, FatVolumeStats, FatSection, FatEmitOptions } from './types.js';
