/** FAT: just the boot sector / BPB (to size EFI System Partition images). */
export * from './boot-sector.js';
