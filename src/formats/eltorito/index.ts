/** El Torito 1.0: boot record volume descriptor, boot catalog, boot info table, GRUB2 boot info. */
export * from './boot-record.js';
export * from './boot-catalog.js';
export * from './boot-info-table.js';
