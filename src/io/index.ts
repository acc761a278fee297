export * from './byte-source.js';
export * from './memory-source.js';
export * from './blob-source.js';
export * from './http-source.js';
export * from './sub-source.js';
export * from './cached-source.js';
export * from './byte-sink.js';
export * from './streams.js';
export { concatSource, ConcatSource, type ConcatRange } from './concat-source.js';
