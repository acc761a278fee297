/**
 * ECMA-167 / OSTA UDF structures: one module per structure, each with parse and serialize (the UDF reader
 * and writer share them). Exported as the `udf` namespace from the package root.
 */
export * from './descriptor-tag.js';
export * from './cs0.js';
export * from './timestamp.js';
export * from './entity-id.js';
export * from './allocation-descriptors.js';
export * from './allocation-extent-descriptor.js';
export * from './volume-structure.js';
export * from './anchor-volume-descriptor-pointer.js';
export * from './volume-descriptor-pointer.js';
export * from './primary-volume-descriptor.js';
export * from './implementation-use-volume-descriptor.js';
export * from './partition-descriptor.js';
export * from './logical-volume-descriptor.js';
export * from './partition-maps.js';
export * from './sparing-table.js';
export * from './unallocated-space-descriptor.js';
export * from './terminating-descriptor.js';
export * from './logical-volume-integrity-descriptor.js';
export * from './file-set-descriptor.js';
export * from './icb-tag.js';
export * from './indirect-entry.js';
export * from './file-entry.js';
export * from './file-identifier-descriptor.js';
export * from './extended-attributes.js';
export * from './path-component.js';
export * from './virtual-allocation-table.js';
