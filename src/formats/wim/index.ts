/**
 * WIM (Windows Imaging Format): the structures a split needs (header, resource header, blob table, integrity
 * table, XML data), a reader of a WIM's layout, and a streaming splitter into .swm parts (`planWimSplit`).
 * Browser-safe; resources are copied, never decompressed.
 */
export * from './resource-header.js';
export * from './header.js';
export * from './blob-table.js';
export * from './integrity-table.js';
export * from './xml-data.js';
export * from './wim-layout.js';
export { WIM_SPLIT_CHUNK_BYTE_LENGTH, wimPartByteLength, type WimPartContent } from './split-part.js';
export * from './split.js';
