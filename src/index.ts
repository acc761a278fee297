/**
 * `isokit`: the browser-safe core. Nothing below this entry imports node:*.
 */
export * from './errors/index.js';
export * from './bytes/index.js';
export * from './io/index.js';
export * from './model/index.js';
export * from './formats/rockridge/index.js';
export * from './formats/eltorito/index.js';
export * from './formats/mbr/index.js';
export * from './formats/gpt/index.js';
export * from './formats/apm/index.js';
// FAT: the boot-sector parser stays flat (existing callers); every FAT structure is under `fat.`; the volume
// writer and reader carry Fat in their names
export { parseFatBootSector, type FatBootSector } from './formats/fat/index.js';
export * as fat from './formats/fat/index.js';
export * from './formats/ddrescue-map/index.js';
export * from './create/index.js';
export * from './formats/iso9660/index.js';
export * from './formats/joliet/index.js';
export * from './read/index.js';
export * from './read/fat/index.js';
export * from './verify/index.js';
export * from './create/remaster/index.js';
export * from './create/fat/index.js';
export * from './create/stick/index.js';
export * from './read/windows-media.js';
export * as wim from './formats/wim/index.js';
/** UDF: the ECMA-167 / OSTA UDF structures and the volume reader, as the `udf` namespace (no clash with ISO 9660 names). */
export * as udf from './read/udf/index.js';
