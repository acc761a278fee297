/** ECMA-119 (ISO 9660) structures: volume descriptors, directory records, path tables, identifiers. */
export * from './directory-record.js';
export * from './volume-descriptor.js';
export * from './path-table.js';
export * from './names.js';
