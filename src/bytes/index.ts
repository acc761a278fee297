/**
 * Byte-level codecs shared by every format: little/big/both-endian integers, ECMA-119 character sets,
 * UCS-2 BE, the 7- and 17-byte ECMA-119 dates, CRC-32 (GPT) and CRC-ITU (UDF).
 * Offsets above 4 GiB are plain numbers: never use bitwise operators on offsets.
 */
export * from './endian.js';
export * from './text.js';
export * from './dates.js';
export * from './crc.js';
export * from './concat.js';
