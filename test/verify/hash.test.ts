/** Pure-JS hashers against node:crypto; node hashFile (thread and worker paths); checksum-file parsing. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { toHex } from '../../src/bytes/index.js';
import { MemorySource } from '../../src/io/index.js';
import {
  HASH_ALGORITHMS,
  algorithmForHexLength,
  createJsHasher,
  entriesForFile,
  hashSource,
  parseAlgorithmList,
  parseChecksumFile,
} from '../../src/verify/index.js';
import { balanceAlgorithms, createNodeHasher, hashFile } from '../../src/node/hash-file.js';
import { tmpDir } from '../helpers/index.js';

const ref = (a: string, d: Uint8Array) => createHash(a).update(d).digest('hex');

test('pure-JS MD5/SHA-1/SHA-256/SHA-512 equal node:crypto for any data and any split, clone included', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 700 }), fc.nat(), (data, cut) => {
      const at = data.length ? cut % (data.length + 1) : 0;
      for (const a of HASH_ALGORITHMS) {
        const h = createJsHasher(a);
        h.update(data.subarray(0, at));
        const c = h.clone();
        h.update(data.subarray(at));
        c.update(data.subarray(at));
        const want = ref(a, data);
        assert.equal(toHex(h.digest()), want, `${a} len ${data.length}`);
        assert.equal(toHex(c.digest()), want, `${a} clone len ${data.length}`);
      }
    }),
    { numRuns: 150 },
  );
});

test('block-boundary lengths (55/56/64/111/112/128) hash correctly', () => {
  for (const n of [0, 55, 56, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129, 4096]) {
    const d = Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) % 256);
    for (const a of HASH_ALGORITHMS) assert.equal(toHex(createJsHasher(a).digest.call(Object.assign(createJsHasher(a), {}))), ref(a, new Uint8Array(0)));
    for (const a of HASH_ALGORITHMS) {
      const h = createJsHasher(a);
      h.update(d);
      assert.equal(toHex(h.digest()), ref(a, d), `${a} ${n}`);
    }
  }
});

test('hashSource digests several algorithms in one pass; node hasher clones', async () => {
  const d = Uint8Array.from({ length: 300_001 }, (_, i) => (i * 13) % 251);
  const r = await hashSource(new MemorySource(d), ['md5', 'sha512'], { chunkByteLength: 65536, factory: createNodeHasher });
  assert.deepEqual(r, { md5: ref('md5', d), sha512: ref('sha512', d) });
  const h = createNodeHasher('sha1');
  h.update(d.subarray(0, 10));
  const c = h.clone();
  c.update(d.subarray(10));
  assert.equal(toHex(c.digest()), ref('sha1', d));
});

test('hashFile: one digest on the thread, several through worker threads, same results', async () => {
  const { dir, cleanup } = tmpDir('hash');
  try {
    const d = new Uint8Array(9 << 20 | 12345);
    for (let i = 0; i < d.length; i++) d[i] = (i * 2654435761) >>> 24;
    const f = path.join(dir, 'data.bin');
    writeFileSync(f, d);
    const want = Object.fromEntries(HASH_ALGORITHMS.map((a) => [a, ref(a, d)]));
    assert.deepEqual(await hashFile(f, ['sha256']), { sha256: want.sha256 });
    assert.deepEqual(await hashFile(f, HASH_ALGORITHMS, { workers: true }), want);
    assert.deepEqual(await hashFile(f, ['md5', 'sha1'], { workers: false }), { md5: want.md5, sha1: want.sha1 });
    assert.deepEqual(await hashFile(f, ['sha1'], { byteLength: 1000 }), { sha1: ref('sha1', d.subarray(0, 1000)) });
    await assert.rejects(hashFile(path.join(dir, 'missing.iso'), ['md5']), /no such file/);
  } finally {
    cleanup();
  }
});

test('balanceAlgorithms splits the four digests over two workers by cost', () => {
  const g = balanceAlgorithms(['md5', 'sha1', 'sha256', 'sha512'], 2);
  assert.equal(g.length, 2);
  assert.deepEqual(g.flat().sort(), ['md5', 'sha1', 'sha256', 'sha512']);
  assert.ok(!g.some((x) => x.includes('md5') && x.includes('sha512')), 'the two slow digests are on different workers');
});

test('algorithm names and hex lengths', () => {
  assert.deepEqual(parseAlgorithmList('SHA-256, md5,sha256'), ['sha256', 'md5']);
  assert.throws(() => parseAlgorithmList('crc32'), /unknown hash algorithm/);
  assert.equal(algorithmForHexLength(40), 'sha1');
  assert.equal(algorithmForHexLength(33), undefined);
});

const H64 = 'a'.repeat(64);
const H32 = 'b'.repeat(32);
const H128 = 'c'.repeat(128);

test('checksum files: GNU text/binary, BSD, bare, escaped, clearsigned, DIGESTS sections', () => {
  const gnu = parseChecksumFile(`${H64}  other.iso\n${H64.replace(/a/g, 'd')} *x.iso\n\n# comment\n`, 'sha256');
  const e = entriesForFile(gnu, 'x.iso');
  assert.equal(e.length, 1);
  assert.equal(e[0]?.line, 2);
  assert.equal(e[0]?.algorithm, 'sha256');
  assert.equal(e[0]?.format, 'gnu');

  const bsd = parseChecksumFile(`# Fedora-39.iso: 123 bytes\nSHA256 (Fedora-39.iso) = ${H64.toUpperCase()}\nMD5 (Fedora-39.iso) = ${H32}\n`);
  const b = entriesForFile(bsd, 'Fedora-39.iso');
  assert.deepEqual(b.map((x) => [x.algorithm, x.hex, x.line]), [['sha256', H64, 2], ['md5', H32, 3]]);

  const bare = parseChecksumFile(`${H32}\n`);
  assert.equal(entriesForFile(bare, 'anything.iso').length, 1);

  const esc = parseChecksumFile(`\\${H32}  dir/we\\\\ird\\nname.iso\n`);
  assert.equal(esc.entries[0]?.fileName, 'dir/we\\ird\nname.iso');

  const signed = parseChecksumFile(
    `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n- ${H64}  x.iso\n${H64}  y.iso\n-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n`,
  );
  assert.equal(signed.clearsigned, true);
  assert.equal(entriesForFile(signed, 'x.iso')[0]?.line, 1);
  assert.equal(entriesForFile(signed, 'y.iso').length, 1);

  const digests = parseChecksumFile(`# BLAKE2B HASH\n${H128}  g.iso\n# SHA512 HASH\n${H128}  g.iso\n`);
  const g = entriesForFile(digests, 'g.iso');
  assert.deepEqual(g.map((x) => x.algorithm), [undefined, 'sha512']);
  assert.equal(g[0]?.algorithmName, 'BLAKE2B');

  assert.equal(entriesForFile(parseChecksumFile(`${H64}  ./isos/x.iso\n`), 'x.iso').length, 1);
  assert.throws(() => parseChecksumFile(new Uint8Array([0, 1, 2])), /not a checksum file/);
});
