/**
 * Integrity: streaming hashes, checksum files and their OpenPGP signatures, isomd5sum (implantisomd5 /
 * checkisomd5 compatible), xorriso MD5 tags, and the structural check. Browser-safe.
 */
export * from './hash/index.js';
export * from './hash-source.js';
export * from './checksum-file.js';
export * from './signature.js';
export * from './isomd5.js';
export * from './md5-tags.js';
export * from './md5-tags-files.js';
export * from './report.js';
export * from './verify-image.js';
export * from './check.js';
