/**
 * The image to write, read once from start to end: a local file or block device, a compressed file
 * (.gz .xz .zst .bz2, decompressed as it streams), or an http(s) URL (streamed, optionally compressed).
 * The first MiB is read ahead (`head`) so the image can be inspected before anything is written, and the
 * raw bytes can be hashed on the fly against a known digest (`expect`).
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, read as fsRead } from 'node:fs';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { ioError } from '../errors.js';
import { compressionFromMagic, compressionFromName, decompress, type CompressionFormat } from './decompress.js';
import { compressedSizeHint } from './image-size.js';
import { openImageFileSync } from '../file-source.js';

export const HEAD_BYTE_LENGTH = 1 << 20;

export interface ExpectedDigest {
  algorithm: 'md5' | 'sha1' | 'sha256' | 'sha512';
  hex: string;
}

/** "sha256:HEX", "HEX" (algorithm from the length) → ExpectedDigest. */
export function parseExpectedDigest(s: string): ExpectedDigest {
  const m = /^(?:(md5|sha1|sha256|sha512)[:=])?([0-9a-f]+)$/i.exec(s.trim());
  const byLen: Record<number, ExpectedDigest['algorithm']> = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' };
  const hex = m?.[2]?.toLowerCase();
  const algorithm = (m?.[1]?.toLowerCase() as ExpectedDigest['algorithm'] | undefined) ?? (hex ? byLen[hex.length] : undefined);
  if (!hex || !algorithm || byLen[hex.length] !== algorithm) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `"${s}" is not a checksum (give a hex MD5, SHA-1, SHA-256 or SHA-512, optionally as sha256:HEX)`);
  }
  return { algorithm, hex };
}

export interface WriteSourceInfo {
  /** the path or URL as given */
  readonly name: string;
  readonly kind: 'file' | 'device' | 'url';
  readonly compression?: CompressionFormat;
  /** image size (decompressed) when known */
  readonly byteLength?: number;
  /** false: `byteLength` is a lower bound or estimate (gzip ISIZE, zstd first frame) */
  readonly byteLengthExact: boolean;
  readonly sizeHow?: string;
  /** size of the file or download as stored (compressed) */
  readonly rawByteLength?: number;
  /** a plain local file or device: it can be read again for an exact comparison */
  readonly rereadable: boolean;
}

/** A run of a target that an image's bytes fill. */
export interface ImageSegment {
  readonly byteOffset: number;
  readonly byteLength: number;
}

/** Pieces of the image bytes [imageOffset, imageOffset + byteLength) on the target: [target offset, offset in the range, length]. */
export function targetPieces(segments: readonly ImageSegment[] | undefined, imageOffset: number, byteLength: number): [number, number, number][] {
  if (!segments) return [[imageOffset, 0, byteLength]];
  const out: [number, number, number][] = [];
  let base = 0;
  for (const s of segments) {
    const from = Math.max(imageOffset, base);
    const to = Math.min(imageOffset + byteLength, base + s.byteLength);
    if (from < to) out.push([s.byteOffset + from - base, from - imageOffset, to - from]);
    base += s.byteLength;
    if (base >= imageOffset + byteLength) break;
  }
  return out;
}

export interface ImageReader {
  readonly info: WriteSourceInfo;
  /** the first bytes of the image (up to 1 MiB; all of it when smaller) */
  readonly head: Uint8Array;
  /** image bytes delivered so far */
  readonly bytesRead: number;
  /** fill `buf` with the next image bytes; returns how many (less than buf.length only at the end) */
  fill(buf: Uint8Array): Promise<number>;
  /**
   * Alternative to `fill` for readers that make their own buffers (no copy): the next bytes in a new buffer
   * the caller keeps, or undefined at the end. Used instead of `fill` when present.
   */
  nextChunk?(): Promise<Uint8Array | undefined>;
  /** told when every target is done with a chunk from `nextChunk` (the reader may reuse its buffer) */
  releaseChunk?(chunk: Uint8Array): void;
  /** after the end: checks the on-the-fly digest (throws VERIFY_FAILED on a mismatch) and returns it */
  finish(): { algorithm: string; hex: string } | undefined;
  /** rereadable sources: read `buf.length` bytes at `byteOffset` */
  readAt?(byteOffset: number, buf: Uint8Array): Promise<number>;
  /**
   * When the image is a disk with runs that need not be written (a Windows stick's free clusters): the
   * disk's size and the runs the image's bytes fill, in order (the first starts at 0 and is ≥ 1 MiB).
   * Offsets of `fill`/`readAt` count the image's bytes; targets get them at the runs' offsets.
   */
  readonly disk?: { readonly byteLength: number; readonly segments: readonly ImageSegment[] };
  close(): Promise<void>;
}

export interface OpenImageReaderOptions {
  signal?: AbortSignal;
  expect?: ExpectedDigest;
  fetch?: typeof fetch;
}

const preadAsync = (fd: number, buf: Uint8Array, off: number, len: number, pos: number) =>
  new Promise<number>((resolve, reject) => fsRead(fd, buf, off, len, pos, (e, n) => (e ? reject(e) : resolve(n))));

/** A plain file or device: positional reads straight into the caller's (aligned) buffers. */
class FileImageReader implements ImageReader {
  bytesRead = 0;
  private hash: Hash | undefined;
  constructor(
    readonly info: WriteSourceInfo,
    private readonly fd: number,
    readonly head: Uint8Array,
    private readonly expect?: ExpectedDigest,
  ) {
    if (expect) this.hash = createHash(expect.algorithm);
  }
  async fill(buf: Uint8Array): Promise<number> {
    const n = await this.readAt(this.bytesRead, buf);
    this.hash?.update(buf.subarray(0, n));
    this.bytesRead += n;
    return n;
  }
  async readAt(byteOffset: number, buf: Uint8Array): Promise<number> {
    let done = 0;
    while (done < buf.length) {
      let n: number;
      try {
        n = await preadAsync(this.fd, buf, done, buf.length - done, byteOffset + done);
      } catch (e) {
        throw ioError(e, this.info.name, byteOffset + done);
      }
      if (n === 0) break;
      done += n;
    }
    return done;
  }
  finish() {
    return checkDigest(this.info.name, this.hash, this.expect);
  }
  async close(): Promise<void> {
    closeSync(this.fd);
  }
}

function checkDigest(name: string, hash: Hash | undefined, expect: ExpectedDigest | undefined) {
  if (!hash || !expect) return undefined;
  const hex = hash.digest('hex');
  if (hex !== expect.hex) {
    throw new IsoKitError(ErrorCode.VERIFY_FAILED, `${name}: ${expect.algorithm} mismatch: expected ${expect.hex}, got ${hex} (the image is damaged or not the one expected)`, {
      data: { algorithm: expect.algorithm, expected: expect.hex, actual: hex },
    });
  }
  return { algorithm: expect.algorithm, hex };
}

/** A sequential stream (decompressed and/or downloaded) served through `fill`. */
class StreamImageReader implements ImageReader {
  bytesRead = 0;
  head: Uint8Array = new Uint8Array(0);
  private pending: Uint8Array[] = [];
  private readonly it: AsyncIterator<Uint8Array>;
  private ended = false;
  constructor(
    public info: WriteSourceInfo,
    stream: AsyncIterable<Uint8Array>,
    private readonly hash: Hash | undefined,
    private readonly expect: ExpectedDigest | undefined,
    private readonly onClose: () => void,
  ) {
    this.it = stream[Symbol.asyncIterator]();
  }
  /** Read ahead the first `n` bytes into `head` (served again by `fill`). */
  async prefetch(n: number): Promise<void> {
    const parts: Uint8Array[] = [];
    let got = 0;
    while (got < n && !this.ended) {
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else {
        parts.push(r.value);
        got += r.value.length;
      }
    }
    const all = new Uint8Array(got);
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    this.pending = got ? [all] : [];
    this.head = all.subarray(0, Math.min(n, got));
    // The whole image fitted in the read-ahead: now its size is known exactly.
    if (this.ended) this.info = { ...this.info, byteLength: got, byteLengthExact: true, sizeHow: 'decompressed' };
  }
  async fill(buf: Uint8Array): Promise<number> {
    let done = 0;
    while (done < buf.length) {
      if (!this.pending.length) {
        if (this.ended) break;
        const r = await this.it.next();
        if (r.done) {
          this.ended = true;
          break;
        }
        this.pending.push(r.value);
      }
      const p = this.pending[0] as Uint8Array;
      const n = Math.min(p.length, buf.length - done);
      buf.set(p.subarray(0, n), done);
      done += n;
      if (n === p.length) this.pending.shift();
      else this.pending[0] = p.subarray(n);
    }
    this.bytesRead += done;
    return done;
  }
  finish() {
    return checkDigest(this.info.name, this.hash, this.expect);
  }
  async close(): Promise<void> {
    this.onClose();
    await this.it.return?.();
  }
}

/** Tap a raw stream: hash it and count it. */
async function* tap(src: AsyncIterable<Uint8Array>, hash: Hash | undefined, count: { n: number }): AsyncIterable<Uint8Array> {
  for await (const c of src) {
    hash?.update(c);
    count.n += c.length;
    yield c;
  }
}

async function openUrl(url: string, opts: OpenImageReaderOptions): Promise<StreamImageReader> {
  const f = opts.fetch ?? fetch;
  const ctrl = new AbortController();
  const onAbort = () => ctrl.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let res: Response;
  try {
    res = await f(url, { signal: ctrl.signal, headers: { 'Accept-Encoding': 'identity' } });
  } catch (e) {
    throw new IsoKitError(ErrorCode.HTTP, `GET ${url} failed: ${((e as Error).cause as Error)?.message ?? (e as Error).message}`, { cause: e });
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new IsoKitError(ErrorCode.HTTP, `${url}: HTTP ${res.status} ${res.statusText}`);
  }
  const lenHeader = res.headers.get('content-length');
  const rawLength = lenHeader && /^\d+$/.test(lenHeader) ? Number(lenHeader) : undefined;
  const count = { n: 0 };
  const body = res.body;
  async function* download(): AsyncIterable<Uint8Array> {
    try {
      for await (const c of body as unknown as AsyncIterable<Uint8Array>) yield c;
    } catch (e) {
      if (opts.signal?.aborted) throw new IsoKitError(ErrorCode.ABORTED, 'aborted', { cause: e });
      const why = ((e as Error).cause as Error)?.message ?? (e as Error).message;
      throw new IsoKitError(ErrorCode.HTTP, `${url}: download interrupted after ${count.n} bytes${rawLength !== undefined ? ` of ${rawLength}` : ''}: ${why}`, { cause: e });
    }
    if (rawLength !== undefined && count.n !== rawLength) {
      throw new IsoKitError(ErrorCode.HTTP, `${url}: download ended after ${count.n} of ${rawLength} bytes (connection closed early)`);
    }
  }
  const hash = opts.expect ? createHash(opts.expect.algorithm) : undefined;
  const raw = tap(download(), hash, count);
  const compression = compressionFromName(new URL(url).pathname);
  const info: WriteSourceInfo = {
    name: url,
    kind: 'url',
    ...(compression ? { compression } : {}),
    ...(compression ? {} : rawLength !== undefined ? { byteLength: rawLength, sizeHow: 'Content-Length' } : {}),
    byteLengthExact: !compression && rawLength !== undefined,
    ...(rawLength !== undefined ? { rawByteLength: rawLength } : {}),
    rereadable: false,
  };
  const reader = new StreamImageReader(info, compression ? decompress(compression, raw) : raw, hash, opts.expect, () => {
    opts.signal?.removeEventListener('abort', onAbort);
    ctrl.abort();
  });
  await reader.prefetch(HEAD_BYTE_LENGTH);
  return reader;
}

async function openLocal(path: string, opts: OpenImageReaderOptions): Promise<ImageReader> {
  const { fd, byteLength: rawLength, isBlockDevice: isDevice } = openImageFileSync(path);
  const magic = new Uint8Array(6);
  await preadAsync(fd, magic, 0, 6, 0).catch((e) => {
    closeSync(fd);
    throw ioError(e, path);
  });
  const compression = isDevice ? undefined : (compressionFromMagic(magic) ?? undefined);
  if (!compression) {
    const head = new Uint8Array(Math.min(HEAD_BYTE_LENGTH, rawLength));
    await preadAsync(fd, head, 0, head.length, 0);
    const info: WriteSourceInfo = { name: path, kind: isDevice ? 'device' : 'file', byteLength: rawLength, byteLengthExact: true, rawByteLength: rawLength, rereadable: true };
    return new FileImageReader(info, fd, head, opts.expect);
  }
  closeSync(fd);
  if (compressionFromName(path) && compressionFromName(path) !== compression) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `${path}: the name says ${compressionFromName(path)} but the content is ${compression}`);
  }
  const hint = compressedSizeHint(path, compression);
  const hash = opts.expect ? createHash(opts.expect.algorithm) : undefined;
  const count = { n: 0 };
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  async function* raw(): AsyncIterable<Uint8Array> {
    try {
      for await (const c of file) yield c as Uint8Array;
    } catch (e) {
      throw ioError(e, path, count.n);
    }
  }
  const info: WriteSourceInfo = {
    name: path,
    kind: 'file',
    compression,
    ...(hint ? { byteLength: hint.byteLength, sizeHow: hint.how } : {}),
    byteLengthExact: hint?.exact ?? false,
    rawByteLength: rawLength,
    rereadable: false,
  };
  const reader = new StreamImageReader(info, decompress(compression, tap(raw(), hash, count)), hash, opts.expect, () => file.destroy());
  await reader.prefetch(HEAD_BYTE_LENGTH);
  return reader;
}

/** Open IMAGE for writing: a local path (compression detected by magic) or an http(s) URL. */
export async function openImageReader(spec: string, opts: OpenImageReaderOptions = {}): Promise<ImageReader> {
  if (/^https?:\/\//i.test(spec)) return openUrl(spec, opts);
  return openLocal(spec, opts);
}
