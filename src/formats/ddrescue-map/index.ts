/** GNU ddrescue mapfiles: parse, serialize, and a mutable block map for rescues (browser-safe). */
export * from './mapfile.js';
export * from './block-map.js';
