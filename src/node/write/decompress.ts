/**
 * Streamed decompression for write sources: gzip (node:zlib), xz (xz-decompress, WebAssembly), zstd
 * (fzstd), bzip2 (seek-bzip, driven block by block). Each takes and returns `AsyncIterable<Uint8Array>`;
 * corrupt input ends in one IsoKitError CORRUPT naming the format and how far the compressed input got.
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ErrorCode, IsoKitError } from '../../errors/index.js';

export type CompressionFormat = 'gzip' | 'xz' | 'zstd' | 'bzip2';

/** The format a file name or URL path says (by extension), if any. */
export function compressionFromName(name: string): CompressionFormat | undefined {
  const base = name.replace(/[?#].*$/, '').toLowerCase();
  if (base.endsWith('.gz') || base.endsWith('.gzip')) return 'gzip';
  if (base.endsWith('.xz')) return 'xz';
  if (base.endsWith('.zst') || base.endsWith('.zstd')) return 'zstd';
  if (base.endsWith('.bz2')) return 'bzip2';
  return undefined;
}

/** The format the first bytes say (magic numbers), if any. */
export function compressionFromMagic(head: Uint8Array): CompressionFormat | undefined {
  const m = (...b: number[]) => b.every((v, i) => head[i] === v);
  if (m(0x1f, 0x8b)) return 'gzip';
  if (m(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (m(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  if (m(0x42, 0x5a, 0x68) && (head[3] ?? 0) >= 0x31 && (head[3] ?? 0) <= 0x39) return 'bzip2';
  return undefined;
}

/** Counts compressed bytes as they pass, so errors can say how far decoding got. */
class Counter {
  bytes = 0;
  async *wrap(src: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    for await (const c of src) {
      this.bytes += c.length;
      yield c;
    }
  }
}

function corrupt(format: string, counter: Counter, e: unknown): IsoKitError {
  if (e instanceof IsoKitError) return e;
  const msg = (e as Error)?.message ?? String(e);
  return new IsoKitError(ErrorCode.CORRUPT, `${format} data is corrupt or truncated (after ${counter.bytes} compressed bytes read): ${msg}`, { cause: e });
}

/** Re-throw errors of the raw (compressed) stream as-is; wrap decoder errors. */
async function* guard(format: string, counter: Counter, out: AsyncIterable<Uint8Array>, rawError: () => unknown): AsyncIterable<Uint8Array> {
  try {
    for await (const c of out) yield c;
  } catch (e) {
    const raw = rawError();
    if (raw) throw raw;
    throw corrupt(format, counter, e);
  }
}

export function decompress(format: CompressionFormat, input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  switch (format) {
    case 'gzip':
      return gunzip(input);
    case 'xz':
      return unxz(input);
    case 'zstd':
      return unzstd(input);
    case 'bzip2':
      return bunzip2(input);
  }
}

/** Wrap the compressed input so its own errors (I/O, HTTP) are remembered and not blamed on the decoder. */
function remember(input: AsyncIterable<Uint8Array>, counter: Counter): { stream: AsyncIterable<Uint8Array>; error: () => unknown } {
  let err: unknown;
  async function* s(): AsyncIterable<Uint8Array> {
    try {
      yield* counter.wrap(input);
    } catch (e) {
      err = e;
      throw e;
    }
  }
  return { stream: s(), error: () => err };
}

function gunzip(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const counter = new Counter();
  const r = remember(input, counter);
  const gz = createGunzip({ chunkSize: 1 << 20 });
  const src = Readable.from(r.stream, { objectMode: false });
  src.on('error', (e) => gz.destroy(e));
  src.pipe(gz);
  return guard('gzip', counter, gz as AsyncIterable<Uint8Array>, r.error);
}

function unxz(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const counter = new Counter();
  const r = remember(input, counter);
  async function* run(): AsyncIterable<Uint8Array> {
    // xz-decompress is a webpack-built CommonJS module: Node's own ESM loader (dist/, the CLI bundle) exposes
    // it as `default` only; tsx and bundlers also give the named export
    const xz = (await import('xz-decompress')) as typeof import('xz-decompress') & { default?: typeof import('xz-decompress') };
    const XzReadableStream = xz.XzReadableStream ?? xz.default?.XzReadableStream;
    if (!XzReadableStream) throw new IsoKitError(ErrorCode.INTERNAL, 'xz-decompress has no XzReadableStream export');
    const it = r.stream[Symbol.asyncIterator]();
    const web = new ReadableStream<Uint8Array>({
      async pull(ctrl) {
        const n = await it.next();
        if (n.done) ctrl.close();
        else ctrl.enqueue(n.value);
      },
    });
    const reader = new XzReadableStream(web).getReader();
    let finished = false;
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          return;
        }
        yield value;
      }
    } finally {
      // xz-decompress serializes decoders with a global lock, released only on end, error or cancel.
      if (!finished) await reader.cancel().catch(() => undefined);
    }
  }
  return guard('xz', counter, run(), r.error);
}

function unzstd(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const counter = new Counter();
  const r = remember(input, counter);
  async function* run(): AsyncIterable<Uint8Array> {
    const { Decompress } = await import('fzstd');
    const out: Uint8Array[] = [];
    let ended = false;
    const d = new Decompress((chunk, final) => {
      out.push(chunk);
      if (final) ended = true;
    });
    for await (const c of r.stream) {
      d.push(c);
      while (out.length) yield out.shift() as Uint8Array;
    }
    d.push(new Uint8Array(0), true);
    while (out.length) yield out.shift() as Uint8Array;
    if (!ended) throw new Error('unexpected end of data (incomplete frame)');
  }
  return guard('zstd', counter, run(), r.error);
}

/**
 * bzip2 with seek-bzip. Its decoder pulls bytes synchronously, so the driver keeps at least one maximal
 * compressed block (≤ ~1 MiB for 900k blocks; 2 MiB kept for margin) buffered before each block.
 */
function bunzip2(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const counter = new Counter();
  const r = remember(input, counter);
  const AHEAD = 2 << 20;
  async function* run(): AsyncIterable<Uint8Array> {
    const spec = 'seek-bzip'; // untyped CommonJS package
    const mod = (await import(spec)) as { default: BunzipCtor };
    const Bunzip = mod.default;
    const it = r.stream[Symbol.asyncIterator]();
    let buf = new Uint8Array(0);
    let pos = 0;
    let eof = false;
    const fill = async () => {
      while (!eof && buf.length - pos < AHEAD) {
        const n = await it.next();
        if (n.done) {
          eof = true;
          break;
        }
        const nb = new Uint8Array(buf.length - pos + n.value.length);
        nb.set(buf.subarray(pos));
        nb.set(n.value, buf.length - pos);
        buf = nb;
        pos = 0;
      }
    };
    const input = {
      readByte: () => (pos < buf.length ? (buf[pos++] as number) : -1),
      read(b: Uint8Array, off: number, len: number) {
        let i = 0;
        while (i < len && pos < buf.length) b[off + i++] = buf[pos++] as number;
        return i === 0 ? -1 : i;
      },
      seek() {
        throw new Error('seek not supported');
      },
      eof: () => eof && pos >= buf.length,
    };
    await fill();
    let bz = new Bunzip(input, null);
    while (true) {
      await fill();
      if (bz._init_block()) {
        yield inverseBwtBlock(bz);
        continue;
      }
      const expect = bz.reader.read(32) >>> 0;
      if (expect !== bz.streamCRC) throw new Error(`bad stream CRC (got ${bz.streamCRC.toString(16)}, expected ${expect.toString(16)})`);
      await fill();
      if (input.eof()) break;
      bz = new Bunzip(input, null); // concatenated streams (pbzip2, lbzip2)
    }
  }
  return guard('bzip2', counter, run(), r.error);
}

interface BunzipInstance {
  _init_block(): boolean;
  reader: { read(bits: number): number };
  streamCRC: number;
  targetBlockCRC: number;
  dbuf: Uint32Array;
  writePos: number;
  writeCurrent: number;
  writeCount: number;
  writeRun: number;
}

/** bzip2's CRC-32 (polynomial 0x04C11DB7, MSB first), table-driven. */
const BZ_CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i * 0x1000000;
    for (let k = 0; k < 8; k++) c = c >= 0x80000000 ? ((c * 2) ^ 0x04c11db7) >>> 0 : (c * 2) >>> 0;
    t[i] = c;
  }
  return t;
})();

/**
 * Undo the Burrows–Wheeler transform and the initial run-length coding of one decoded block (bzip2's
 * "read_bunzip"), writing into a typed array instead of seek-bzip's byte-at-a-time output stream, and
 * check the block CRC. Same algorithm as seek-bzip's `_read_bunzip` (micro-bunzip), ~10× faster here.
 */
function inverseBwtBlock(bz: BunzipInstance): Uint8Array {
  const dbuf = bz.dbuf;
  let pos = bz.writePos;
  let current = bz.writeCurrent;
  let count = bz.writeCount;
  let run = bz.writeRun;
  let out = new Uint8Array(Math.max(4096, count + (count >>> 2)));
  let o = 0;
  let crc = 0xffffffff;
  while (count) {
    count--;
    const previous = current;
    pos = dbuf[pos] as number;
    current = pos & 0xff;
    pos >>>= 8;
    let copies = 1;
    let outbyte = current;
    if (run++ === 3) {
      copies = current;
      outbyte = previous;
      current = -1;
    }
    if (o + copies > out.length) {
      const bigger = new Uint8Array(out.length * 2 + copies);
      bigger.set(out.subarray(0, o));
      out = bigger;
    }
    for (let i = 0; i < copies; i++) {
      out[o++] = outbyte;
      crc = ((crc << 8) ^ (BZ_CRC_TABLE[((crc >>> 24) ^ outbyte) & 0xff] as number)) >>> 0;
    }
    if (current !== previous) run = 0;
  }
  bz.writeCount = -1;
  const got = ~crc >>> 0;
  if (got !== bz.targetBlockCRC) throw new Error(`bad block CRC (got ${got.toString(16)}, expected ${bz.targetBlockCRC.toString(16)})`);
  return out.subarray(0, o);
}
type BunzipCtor = new (input: unknown, output: unknown) => BunzipInstance;
