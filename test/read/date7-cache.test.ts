/**
 * The listing's 7-byte date decoder (read/iso9660/records.ts Date7Cache: one-slot cache, the day's time value
 * worked out once per day) gives what the plain decoder (bytes/dates.ts readDate7, Date.UTC per date) gives,
 * on runs of dates that share a day, on random and out-of-range fields, and on all-zero (unspecified) dates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDate7 } from '../../src/bytes/index.js';
import { Date7Cache } from '../../src/read/iso9660/records.js';

test('Date7Cache: what readDate7 gives, date by date', () => {
  const cache = new Date7Cache();
  let seed = 12345;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  const b = new Uint8Array(7);
  for (let i = 0; i < 200_000; i++) {
    const wild = i % 5 === 0;
    // mostly small steps within a day (what listings hold), sometimes any byte at all
    if (wild || i % 50 === 0) for (let k = 0; k < 7; k++) b[k] = rnd(256);
    else {
      b[3] = rnd(24);
      b[4] = rnd(60);
      b[5] = rnd(60);
    }
    if (i % 97 === 0) b.fill(0, 0, 6);
    const want = readDate7(b, 0);
    const got = cache.read(b, 0);
    assert.equal(got.ms, want.ms, `${[...b]}`);
    assert.equal(got.gmtOffset, want.gmtOffset, `${[...b]}`);
    assert.equal(got.offsetValid, want.offsetValid, `${[...b]}`);
  }
});
