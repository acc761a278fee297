/**
 * `isokit`: the browser-safe core. Nothing below this entry imports node:*.
 */
export * from './errors/index.js';
export * from './bytes/index.js';
export * from './io/index.js';
export * from './model/index.js';
