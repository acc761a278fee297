/**
 * SUSP 1.12 and Rock Ridge (RRIP 1.09/1.10/1.12) entries, the zisofs ZF entry, and the zisofs block format:
 * parse (reader) and serialize (writer).
 */
export * from './susp.js';
export * from './susp-chain.js';
export * from './er.js';
export * from './px.js';
export * from './pn.js';
export * from './nm.js';
export * from './sl.js';
export * from './tf.js';
export * from './relocation.js';
export * from './zf.js';
export * from './interpret.js';
export * from './serialize.js';
export * from './split-system-use.js';
export * from './zisofs.js';
