/**
 * One contract suite for every ByteSource: memory, Blob, file, HTTP range (local server on 127.0.0.1),
 * sub-range and the LRU cache, over a small payload and over a virtual source larger than 4 GiB.
 * Plus the HTTP-specific refusals and `isokit ls URL` reading only what it needs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import {
  MemorySource, BlobSource, SubSource, CachedSource, ZeroSource, ZEROS, openHttpSource, readExact, IsoKitError, ErrorCode, concatSource,
  type ByteSource, type ReadOptions, clampRead, throwIfAborted,
} from '../../src/index.js';
import { openFileSource } from '../../src/node/index.js';
import { BIN, tmpDir } from '../helpers/index.js';

/** Deterministic content by offset, so any window can be checked without holding the source. */
const byteAt = (o: number): number => (o * 31 + Math.floor(o / 65536) + 7) % 251;
function expectedAt(offset: number, length: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = byteAt(offset + i);
  return b;
}

/** A source of any size whose bytes are computed (sizes above 4 GiB without disk). */
class VirtualSource implements ByteSource {
  readonly name = 'virtual';
  reads = 0;
  constructor(readonly byteLength: number) {}
  async read(byteOffset: number, byteLength: number, opts?: ReadOptions): Promise<Uint8Array> {
    throwIfAborted(opts?.signal);
    this.reads++;
    const n = clampRead(this, byteOffset, byteLength);
    return expectedAt(byteOffset, n);
  }
}

interface Served { url: string; close: () => Promise<void>; bytesSent: () => number }
function serve(payload: Uint8Array, mode: 'ranges' | 'no-ranges' = 'ranges'): Promise<Served> {
  let sent = 0;
  const server = http.createServer((req, res) => {
    if (req.url !== '/image.iso') { res.writeHead(404).end(); return; }
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-length': payload.length, ...(mode === 'ranges' ? { 'accept-ranges': 'bytes' } : {}) }).end();
      return;
    }
    if (mode === 'ranges' && range) {
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), payload.length - 1);
      const body = payload.subarray(start, end + 1);
      sent += body.length;
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${payload.length}`, 'content-length': body.length }).end(body);
      return;
    }
    sent += payload.length;
    res.writeHead(200, { 'content-length': payload.length }).end(payload);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    resolve({ url: `http://127.0.0.1:${port}/image.iso`, bytesSent: () => sent, close: () => new Promise((r) => server.close(() => r())) });
  }));
}

/** The contract every source must meet, given a source whose bytes follow byteAt() (or `expected` given). */
async function contract(src: ByteSource, expected = expectedAt): Promise<void> {
  const L = src.byteLength;
  assert.deepEqual(await src.read(0, 16), expected(0, 16), 'offset 0');
  assert.equal((await src.read(0, 0)).length, 0, 'zero-length read');
  const mid = Math.floor(L / 2) - 3;
  assert.deepEqual(await src.read(mid, 100), expected(mid, 100), 'a window in the middle');
  assert.deepEqual(await src.read(L - 10, 100), expected(L - 10, 10), 'a read running past the end is short');
  assert.equal((await src.read(L, 10)).length, 0, 'a read at the end is empty');
  assert.equal((await src.read(L + 4096, 10)).length, 0, 'a read beyond the end is empty');
  await assert.rejects(readExact(src, L - 4, 8, 'Probe'), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.TRUNCATED && /Probe/.test(e.message));
  await assert.rejects(src.read(-1, 4), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.INVALID_ARGUMENT);
  const ac = new AbortController();
  ac.abort();
  if (!(src instanceof SubSource) && !(src instanceof CachedSource)) {
    await assert.rejects(src.read(0, 4, { signal: ac.signal }), (e: unknown) => e instanceof IsoKitError || (e as Error).name === 'AbortError');
  }
}

test('ByteSource contract: memory, Blob, file, HTTP range, sub-range, cache', async () => {
  const size = 300_000;
  const payload = expectedAt(0, size);
  await contract(new MemorySource(payload));
  await contract(new BlobSource(new Blob([payload.buffer as ArrayBuffer])));
  const { dir, cleanup } = tmpDir('bs');
  const srv = await serve(payload);
  try {
    const file = path.join(dir, 'image.iso');
    writeFileSync(file, payload);
    const fs = await openFileSource(file);
    await contract(fs);
    await fs.close?.();
    await contract(await openHttpSource(srv.url, { cache: false }));
    await contract(await openHttpSource(srv.url));
    // a sub-range is a source of its own: its offset 0 is the parent's byteOffset
    const parent = new MemorySource(payload);
    const sub = new SubSource(parent, 4096, 100_000);
    assert.deepEqual(await sub.read(0, 8), expectedAt(4096, 8));
    assert.equal((await sub.read(99_998, 10)).length, 2);
    await contract(new CachedSource(new MemorySource(payload), { blockSize: 4096, maxBlocks: 8 }));
    // ranges of different sources end to end (a file stored as extents); the middle window straddles two
    const fs2 = await openFileSource(file);
    const blob = new BlobSource(new Blob([payload.buffer as ArrayBuffer]));
    const concat = concatSource([
      { source: parent, byteOffset: 0, byteLength: 1000 },
      { source: parent, byteOffset: 1000, byteLength: 0 },
      { source: blob, byteOffset: 1000, byteLength: 149_000 },
      { source: fs2, byteOffset: 150_000, byteLength: 149_999 },
      { source: parent, byteOffset: 299_999, byteLength: 1 },
    ]);
    assert.equal(concat.byteLength, size);
    await contract(concat);
    assert.deepEqual(await concat.read(500, 200_000), expectedAt(500, 200_000), 'a read across three ranges');
    assert.throws(() => concatSource([{ source: parent, byteOffset: size - 10, byteLength: 11 }]), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.INVALID_ARGUMENT);
    await fs2.close?.();
  } finally {
    await srv.close();
    cleanup();
  }
});

test('ByteSource contract above 4 GiB: virtual source, sub-range past 4 GiB, cache', async () => {
  const big = new VirtualSource(5 * 2 ** 30 + 12345);
  await contract(big);
  const at = 2 ** 32 + 17; // a window straddling nothing but above 4 GiB
  assert.deepEqual(await big.read(at, 64), expectedAt(at, 64));
  const sub = new SubSource(big, 2 ** 32 - 8, 2 ** 31);
  assert.deepEqual(await sub.read(0, 16), expectedAt(2 ** 32 - 8, 16), 'a window crossing the 4 GiB boundary');
  assert.equal(sub.byteLength, 2 ** 31);
  const cached = new CachedSource(big, { blockSize: 65536, maxBlocks: 4 });
  await contract(cached);
  const concat = concatSource([
    { source: big, byteOffset: 0, byteLength: 2 ** 32 - 5 },
    { source: new SubSource(big, 2 ** 32 - 5, 2 ** 29), byteOffset: 0, byteLength: 2 ** 29 },
    { source: big, byteOffset: 2 ** 32 - 5 + 2 ** 29, byteLength: big.byteLength - (2 ** 32 - 5 + 2 ** 29) },
  ]);
  await contract(concat);
  assert.deepEqual(await concat.read(2 ** 32 - 16, 64), expectedAt(2 ** 32 - 16, 64), 'a window across ranges at 4 GiB');
  const before = big.reads;
  await cached.read(2 ** 32 + 100, 10);
  await cached.read(2 ** 32 + 200, 10);
  assert.equal(big.reads - before, 1, 'the second read in the same block is served from the cache');
});

test('ByteSource contract: zeros (the holes of sparse files), small and of any length up to 2^53', async () => {
  const zeros = (_offset: number, length: number) => new Uint8Array(length);
  await contract(new ZeroSource(300_000), zeros);
  await contract(new ZeroSource(2 ** 52), zeros);
  assert.deepEqual(await ZEROS.read(2 ** 50, 16), new Uint8Array(16), 'the shared instance reaches 2^53 − 1');
  await contract(new SubSource(ZEROS, 2 ** 40, 5 * 2 ** 30), zeros);
  const z = new ZeroSource(10);
  const a = await z.read(0, 10);
  a[0] = 7;
  assert.equal((await z.read(0, 1))[0], 0, 'a read hands out its own array: writing into it changes nothing');
  const into = new Uint8Array(8).fill(9);
  assert.equal(z.readIntoSync(6, into), 4);
  assert.deepEqual([...into], [0, 0, 0, 0, 9, 9, 9, 9]);
});

test('HTTP: a server without range support, a missing file and a dead server each give a clear IsoKitError', async () => {
  const payload = expectedAt(0, 10_000);
  const noRanges = await serve(payload, 'no-ranges');
  try {
    await assert.rejects(openHttpSource(noRanges.url), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.RANGE_NOT_SUPPORTED && /range/i.test(e.message));
    await assert.rejects(openHttpSource(noRanges.url.replace('image.iso', 'missing.iso')), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.NOT_FOUND);
  } finally {
    await noRanges.close();
  }
  await assert.rejects(openHttpSource(noRanges.url), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.HTTP);
});

test('isokit ls URL reads the image by ranges, far less than the whole file', async () => {
  const iso = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
  let payload: Uint8Array;
  try {
    payload = new Uint8Array(readFileSync(iso));
  } catch {
    if (process.env.CI === 'true') throw new Error(`${iso} missing under CI (package grub-rescue-pc)`);
    return;
  }
  const srv = await serve(payload);
  try {
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'ls', '-R', srv.url], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '', stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /boot\/grub/);
    assert.ok(srv.bytesSent() < payload.length / 2, `read ${srv.bytesSent()} of ${payload.length} bytes to list`);
  } finally {
    await srv.close();
  }
});
