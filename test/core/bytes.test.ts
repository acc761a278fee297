import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  readU32Both, writeU32Both, readU16Both, writeU16Both, readDate7, writeDate7, readDate17, writeDate17,
  crc32, crcItu, encodeUcs2BE, readUcs2BE, writeU64LE, readU64LE,
} from '../../src/bytes/index.js';

test('both-endian u32 round trip and mismatch finding', () => {
  const b = new Uint8Array(8);
  writeU32Both(b, 0, 0x12345678);
  assert.deepEqual([...b], [0x78, 0x56, 0x34, 0x12, 0x12, 0x34, 0x56, 0x78]);
  assert.deepEqual(readU32Both(b, 0), { value: 0x12345678, mismatch: false });
  b[7] = 0;
  assert.equal(readU32Both(b, 0).mismatch, true);
  const c = new Uint8Array(4);
  writeU16Both(c, 0, 0xabcd);
  assert.deepEqual(readU16Both(c, 0), { value: 0xabcd, mismatch: false });
});

test('u64 beyond 4 GiB without bitwise truncation', () => {
  const b = new Uint8Array(8);
  writeU64LE(b, 0, 5 * 2 ** 32 + 7);
  assert.equal(readU64LE(b, 0), 5 * 2 ** 32 + 7);
});

test('7-byte dates: offset applied, zero = unspecified, bad offset ignored', () => {
  const b = new Uint8Array(7);
  const ms = Date.UTC(2024, 2, 5, 10, 20, 30);
  writeDate7(b, 0, ms, 4); // +1h
  assert.equal(b[3], 11);
  assert.equal(readDate7(b, 0).ms, ms);
  assert.equal(readDate7(new Uint8Array(7), 0).ms, undefined);
  const bad = new Uint8Array([128, 1, 1, 0, 0, 0, 0xa0]); // -96 quarter hours: out of range
  const d = readDate7(bad, 0);
  assert.equal(d.offsetValid, false);
  assert.equal(d.ms, Date.UTC(2028, 0, 1));
});

test('17-byte dates', () => {
  const b = new Uint8Array(17);
  const ms = Date.UTC(2001, 11, 31, 23, 59, 58, 120);
  writeDate17(b, 0, ms, 0);
  assert.equal(new TextDecoder().decode(b.subarray(0, 16)), '2001123123595812');
  assert.equal(readDate17(b, 0).ms, ms);
  writeDate17(b, 0, undefined);
  assert.equal(readDate17(b, 0).ms, undefined);
});

test('crc32 and crc-itu known vectors', () => {
  const s = new TextEncoder().encode('123456789');
  assert.equal(crc32(s), 0xcbf43926);
  assert.equal(crcItu(s), 0x31c3);
});

test('UCS-2 BE keeps surrogate pairs', () => {
  const s = 'a😀é';
  assert.equal(readUcs2BE(encodeUcs2BE(s), 0, s.length * 2), s);
});
