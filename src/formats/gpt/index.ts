/** GUID Partition Table: header, partition entries, GUID text and reproducible GUIDs, whole-table serializer. */
export * from './guid.js';
export * from './gpt-header.js';
export * from './partition-entry.js';
export * from './gpt.js';
