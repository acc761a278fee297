/**
 * FAT12/16/32 structures (Microsoft "FAT: General Overview of On-Disk Format" 1.03): boot sector and BPB,
 * FSInfo, FAT entries, 8.3 directory entries, VFAT long-name entries, timestamps, long names and 8.3 aliases.
 */
export * from './boot-sector.js';
export * from './fs-info.js';
export * from './fat-entry.js';
export * from './fat-time.js';
export * from './directory-entry.js';
export * from './long-name.js';
export * from './short-name.js';
