/** Master Boot Record: partition table, CHS geometry, isohybrid/GRUB hybrid boot code, protective MBR. */
export * from './chs.js';
export * from './mbr.js';
