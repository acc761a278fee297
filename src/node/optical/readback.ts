/**
 * Verification after a burn: read back exactly the image's blocks from the session start — never the
 * padding, the 32/64 KiB write chunks or a TAO run-out after them (research notes §2.2–2.4: hashing the
 * whole medium is why "verify failed" on good discs) — and compare SHA-256 digests per MiB with the
 * image's, taken while the image was checked. A differing MiB is then compared byte for byte with the
 * image to name the first differing block.
 *
 * Reads are direct (O_DIRECT through the kernel, aligned, the way `dd iflag=direct` reads) so they come
 * from the medium and a bad block costs only itself; a failed read is retried block by block. When the
 * kernel cannot see the written blocks (its capacity of a freshly burned disc can be stale until the tray
 * is reloaded), the blocks are read through libburn instead (xorriso -check_media data_to=-, SG_IO).
 * Direct reads compare each MiB byte for byte with the image (read on libuv's thread pool while the medium
 * serves the next MiB) when the image is unchanged since its digests were taken (same size and mtime): a
 * memory compare instead of a SHA-256 keeps the check I/O-bound even on a fast pseudo-disc; equal bytes have
 * the image's digests. A changed image, and the libburn path, compare the per-MiB SHA-256 digests, on the
 * thread pool (WebCrypto), so hashing overlaps reading on several cores.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, read as readCb, readSync } from 'node:fs';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { ProgressMeter } from '../../io/index.js';
import { sameBytes } from '../chunk-reader.js';
import { AlignedPool } from '../write/aligned.js';
import { ioError } from '../errors.js';
import { ReadFailure, openRipReader, type RipReader } from '../rip/reader.js';
import { XORRISO_PACKAGE_HINT } from './xorriso.js';

export const DIGEST_CHUNK = 1 << 20;
const BLOCK = 2048;

/** SHA-256 of a whole image and of each of its MiB (the last one shorter), from one read of the file. */
export interface ImageDigests {
  readonly byteLength: number;
  readonly sha256: string;
  readonly chunks: Uint8Array[];
  /** the image file's mtime when it was digested (read-back compares bytes with it while it is unchanged) */
  readonly mtimeMs?: number;
}

const subtleSha256 = async (data: Uint8Array): Promise<Uint8Array> => new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));

/** Digest an image file: the whole SHA-256 on this thread, the per-MiB ones on the thread pool. */
export async function digestImage(path: string, opts: { signal?: AbortSignal; onBytes?: (n: number) => void } = {}): Promise<ImageDigests> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw ioError(e, path);
  }
  const whole = createHash('sha256');
  const pending: Promise<Uint8Array>[] = [];
  let pos = 0;
  let mtimeMs: number | undefined;
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new IsoKitError(ErrorCode.ABORTED, 'interrupted', { cause: opts.signal.reason });
      const buf = new Uint8Array(DIGEST_CHUNK);
      let n = 0;
      while (n < buf.length) {
        const got = readSync(fd, buf, n, buf.length - n, pos + n);
        if (!got) break;
        n += got;
      }
      if (!n) break;
      const chunk = buf.subarray(0, n);
      whole.update(chunk);
      pending.push(subtleSha256(chunk));
      pos += n;
      opts.onBytes?.(pos);
      if (pending.length % 8 === 0) await pending[pending.length - 4]; // bounded memory
      if (n < buf.length) break;
    }
    const st = fstatSync(fd);
    if (st.size === pos) mtimeMs = st.mtimeMs;
  } catch (e) {
    throw e instanceof IsoKitError ? e : ioError(e, path, pos);
  } finally {
    closeSync(fd);
  }
  return { byteLength: pos, sha256: whole.digest('hex'), chunks: await Promise.all(pending), ...(mtimeMs !== undefined ? { mtimeMs } : {}) };
}

export interface ReadbackOptions {
  /** what the kernel reads (/dev/sr0, or the file behind a stdio: pseudo-drive) */
  device: string;
  /** the xorriso drive address for the libburn fallback (/dev/sr0, stdio:/path) */
  xorrisoAddress?: string;
  xorriso?: string;
  /** the image, to name the first differing block */
  imagePath: string;
  digests: ImageDigests;
  /** first block of the session (0 for a first session) */
  startLba: number;
  /** 'auto' (default): direct reads, libburn when the kernel's device is too short */
  method?: 'auto' | 'direct' | 'xorriso';
  /** read attempts per block after a failed chunk read (default 3) */
  retries?: number;
  signal?: AbortSignal;
  onProgress?: (bytes: number, totalBytes: number, speed?: number, eta?: number) => void;
}

export interface ReadbackResult {
  readonly ok: boolean;
  readonly method: 'direct' | 'buffered' | 'xorriso';
  readonly startLba: number;
  readonly blockCount: number;
  readonly byteLength: number;
  /** the image's SHA-256 (equal to the read-back's when ok) */
  readonly sha256: string;
  /** the first block (absolute LBA on the medium) that differs from the image or could not be read */
  readonly firstBadLba?: number;
  readonly problem?: 'differs' | 'unreadable' | 'short';
  /** blocks differing within the first differing MiB */
  readonly differingBlocksInChunk?: number;
  readonly message: string;
  readonly ms: number;
}

/** Compare one read-back chunk with the image's bytes: the first differing block and how many differ. */
function locateDifference(imagePath: string, chunkIndex: number, data: Uint8Array): { offset: number; count: number } {
  const fd = openSync(imagePath, 'r');
  try {
    const img = new Uint8Array(data.length);
    readSync(fd, img, 0, data.length, chunkIndex * DIGEST_CHUNK);
    let first = -1;
    let count = 0;
    for (let o = 0; o < data.length; o += BLOCK) {
      if (!sameBytes(data.subarray(o, o + BLOCK), img.subarray(o, o + BLOCK))) {
        if (first < 0) first = o;
        count++;
      }
    }
    return { offset: Math.max(first, 0), count };
  } finally {
    closeSync(fd);
  }
}

const preadAsync = (fd: number, buf: Uint8Array, off: number, len: number, pos: number): Promise<number> =>
  new Promise((resolve, reject) => readCb(fd, buf, off, len, pos, (e, n) => (e ? reject(e) : resolve(n))));

/** The image's bytes, for a byte-for-byte compare while the file is as it was when digested. */
class ImageBytes {
  private constructor(private readonly fd: number) {}

  /** undefined when the image changed since `d` was taken (the digests are compared then) */
  static open(path: string, d: ImageDigests): ImageBytes | undefined {
    if (d.mtimeMs === undefined) return undefined;
    let fd: number | undefined;
    try {
      fd = openSync(path, 'r');
      const st = fstatSync(fd);
      if (st.size === d.byteLength && st.mtimeMs === d.mtimeMs) return new ImageBytes(fd);
    } catch {
      // unreadable now: the digests taken earlier still tell
    }
    if (fd !== undefined) closeSync(fd);
    return undefined;
  }

  /** buffers of finished compares, reused (a fresh MiB per chunk costs its page faults every time) */
  private readonly free: Buffer[] = [];

  async equals(index: number, data: Uint8Array): Promise<boolean> {
    const buf = this.free.pop() ?? Buffer.allocUnsafeSlow(DIGEST_CHUNK);
    try {
      const img = buf.subarray(0, data.length);
      for (let n = 0; n < data.length; ) {
        const got = await preadAsync(this.fd, img, n, data.length - n, index * DIGEST_CHUNK + n);
        if (!got) return false;
        n += got;
      }
      return sameBytes(img, data);
    } finally {
      this.free.push(buf);
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

class Checker {
  private readonly t0 = Date.now();
  private readonly meter: ProgressMeter;
  private lastProgress = 0;
  constructor(
    private readonly o: ReadbackOptions,
    readonly method: ReadbackResult['method'],
    /** compare bytes with the image instead of digests (direct reads of an unchanged image) */
    private readonly image?: ImageBytes,
  ) {
    this.meter = new ProgressMeter('verifying', o.digests.byteLength);
  }
  get total(): number {
    return this.o.digests.byteLength;
  }
  progress(bytes: number, force = false): void {
    const now = Date.now();
    if (!this.o.onProgress || (!force && now - this.lastProgress < 200)) return;
    this.lastProgress = now;
    const p = this.meter.update(bytes);
    this.o.onProgress(bytes, this.total, p.speed, p.eta);
  }
  /** Compare chunk `index` (its bytes in `data`); undefined when equal, else the result to return. */
  async check(index: number, data: Uint8Array): Promise<ReadbackResult | undefined> {
    if (this.image) {
      if (await this.image.equals(index, data)) return undefined;
    } else {
      const want = this.o.digests.chunks[index];
      if (want && sameBytes(await subtleSha256(data), want)) return undefined;
    }
    const d = locateDifference(this.o.imagePath, index, data);
    const lba = this.o.startLba + (index * DIGEST_CHUNK + d.offset) / BLOCK;
    return this.result(false, { firstBadLba: lba, problem: 'differs', differingBlocksInChunk: d.count, message: `block ${lba} differs from the image (${d.count} of the ${Math.ceil(data.length / BLOCK)} blocks in that MiB differ)` });
  }
  result(ok: boolean, extra: Partial<ReadbackResult> & { message: string }): ReadbackResult {
    return {
      ok, method: this.method, startLba: this.o.startLba, blockCount: Math.ceil(this.total / BLOCK), byteLength: this.total, sha256: this.o.digests.sha256, ms: Date.now() - this.t0, ...extra,
    };
  }
  passed(): ReadbackResult {
    this.progress(this.total, true);
    const n = Math.ceil(this.total / BLOCK);
    return this.result(true, { message: `${n} blocks read back from block ${this.o.startLba} match the image (SHA-256 ${this.o.digests.sha256})` });
  }
}

/** Read one chunk; after a failed read, block by block with `retries` attempts each. */
async function readChunk(reader: RipReader, buf: Uint8Array, pos: number, len: number, retries: number): Promise<{ n: number } | { badByteOffset: number }> {
  try {
    return { n: await reader.read(buf, pos, len) };
  } catch (e) {
    if (!(e instanceof ReadFailure)) throw e;
  }
  for (let o = 0; o < len; o += BLOCK) {
    let ok = false;
    for (let attempt = 0; attempt < Math.max(1, retries) && !ok; attempt++) {
      try {
        const blockBuf = buf.subarray(o);
        const n = await reader.read(blockBuf, pos + o, Math.min(BLOCK, len - o));
        if (n < Math.min(BLOCK, len - o)) return { n: o + n };
        ok = true;
      } catch (e) {
        if (!(e instanceof ReadFailure)) throw e;
      }
    }
    if (!ok) return { badByteOffset: pos + o };
  }
  return { n: len };
}

async function readDirect(o: ReadbackOptions, reader: RipReader): Promise<ReadbackResult> {
  const image = ImageBytes.open(o.imagePath, o.digests);
  try {
    return await readDirectWith(o, reader, new Checker(o, reader.direct ? 'direct' : 'buffered', image));
  } finally {
    image?.close();
  }
}

/** Direct reads are this large (4 digest chunks): fewer thread-pool round trips, each MiB still checked alone. */
const READ_CHUNK = 4 * DIGEST_CHUNK;

/** Check the digest chunks of one read unit in order; the first differing one's result, else undefined. */
async function checkUnit(c: Checker, unit: number, buf: Uint8Array, len: number): Promise<ReadbackResult | undefined> {
  const per = READ_CHUNK / DIGEST_CHUNK;
  const parts: Promise<ReadbackResult | undefined>[] = [];
  for (let k = 0; k * DIGEST_CHUNK < len; k++) parts.push(c.check(unit * per + k, buf.subarray(k * DIGEST_CHUNK, Math.min(len, (k + 1) * DIGEST_CHUNK))));
  for (const p of parts) {
    const bad = await p;
    if (bad) {
      await Promise.allSettled(parts);
      return bad;
    }
  }
  return undefined;
}

async function readDirectWith(o: ReadbackOptions, reader: RipReader, c: Checker): Promise<ReadbackResult> {
  const pool = new AlignedPool(READ_CHUNK, 5);
  const base = o.startLba * BLOCK;
  const units = Math.ceil(c.total / READ_CHUNK);
  const lenOf = (u: number) => Math.min(READ_CHUNK, c.total - u * READ_CHUNK);
  // two 4 MiB reads in flight: the device serves the next ones while earlier ones are compared
  const reads: Promise<{ unit: number; buf: Uint8Array; r: Awaited<ReturnType<typeof readChunk>> }>[] = [];
  let issued = 0;
  const issue = () => {
    while (reads.length < 2 && issued < units) {
      const unit = issued++;
      reads.push(pool.acquire().then(async (buf) => ({ unit, buf, r: await readChunk(reader, buf, base + unit * READ_CHUNK, Math.ceil(lenOf(unit) / BLOCK) * BLOCK, o.retries ?? 3) })));
    }
  };
  const checks: Promise<ReadbackResult | undefined>[] = [];
  try {
    issue();
    while (reads.length) {
      if (o.signal?.aborted) throw new IsoKitError(ErrorCode.ABORTED, 'interrupted', { cause: o.signal.reason });
      const { unit, buf, r } = await (reads.shift() as (typeof reads)[number]);
      const len = lenOf(unit);
      if ('badByteOffset' in r || r.n < len) {
        // what came before the failure is checked first: an earlier differing block is the first problem
        const good = 'badByteOffset' in r ? r.badByteOffset - base - unit * READ_CHUNK : r.n;
        for (const p of checks.splice(0)) {
          const bad = await p;
          if (bad) return bad;
        }
        const before = await checkUnit(c, unit, buf, Math.floor(good / DIGEST_CHUNK) * DIGEST_CHUNK).finally(() => pool.release(buf));
        if (before) return before;
        const lba = 'badByteOffset' in r ? r.badByteOffset / BLOCK : Math.floor((base + unit * READ_CHUNK + r.n) / BLOCK);
        return 'badByteOffset' in r
          ? c.result(false, { firstBadLba: lba, problem: 'unreadable', message: `block ${lba} could not be read back (${o.retries ?? 3} attempts)` })
          : c.result(false, { firstBadLba: lba, problem: 'short', message: `the medium ends at block ${lba}, before the image does` });
      }
      checks.push(checkUnit(c, unit, buf, len).finally(() => pool.release(buf)));
      issue();
      if (checks.length > 2) {
        const bad = await checks.shift();
        if (bad) return bad;
      }
      c.progress(unit * READ_CHUNK + len);
    }
    for (const p of checks) {
      const bad = await p;
      if (bad) return bad;
    }
    return c.passed();
  } finally {
    await Promise.allSettled([...checks, ...reads]);
  }
}

/** Read the blocks through libburn: `xorriso -check_media … data_to=-` streams them to stdout. */
async function readViaXorriso(o: ReadbackOptions): Promise<ReadbackResult> {
  const c = new Checker(o, 'xorriso');
  const blocks = Math.ceil(c.total / BLOCK);
  const args = ['-abort_on', 'NEVER', '-outdev', o.xorrisoAddress ?? o.device, '-check_media', 'use=outdev', 'what=disc', `min_lba=${o.startLba}`, `max_lba=${o.startLba + blocks - 1}`, 'retry=on', 'data_to=-', '--'];
  const child = spawn(o.xorriso ?? process.env.ISOKIT_XORRISO ?? 'xorriso', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const kill = () => child.pid && process.kill(-child.pid, 'SIGINT');
  o.signal?.addEventListener('abort', kill, { once: true });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new IsoKitError(ErrorCode.NOT_FOUND, `xorriso is not installed: ${XORRISO_PACKAGE_HINT}`) : e));
    child.on('close', resolve);
  });
  let chunk = new Uint8Array(DIGEST_CHUNK);
  let fill = 0;
  let index = 0;
  let result: ReadbackResult | undefined;
  try {
    for await (const piece of child.stdout as AsyncIterable<Buffer>) {
      let at = 0;
      while (at < piece.length && !result) {
        const want = Math.min(DIGEST_CHUNK, c.total - index * DIGEST_CHUNK) - fill;
        const take = Math.min(want, piece.length - at);
        chunk.set(piece.subarray(at, at + take), fill);
        fill += take;
        at += take;
        if (fill === Math.min(DIGEST_CHUNK, c.total - index * DIGEST_CHUNK)) {
          result = await c.check(index, chunk.subarray(0, fill));
          index++;
          fill = 0;
          chunk = new Uint8Array(DIGEST_CHUNK);
          c.progress(Math.min(c.total, index * DIGEST_CHUNK));
          if (index * DIGEST_CHUNK >= c.total) break;
        }
      }
      if (result) {
        kill();
        break;
      }
    }
  } finally {
    o.signal?.removeEventListener('abort', kill);
  }
  await closed;
  if (o.signal?.aborted) throw new IsoKitError(ErrorCode.ABORTED, 'interrupted', { cause: o.signal.reason });
  if (result) return result;
  if (index * DIGEST_CHUNK < c.total) {
    const lba = o.startLba + Math.floor((index * DIGEST_CHUNK + fill) / BLOCK);
    const why = stderr.split('\n').filter((l) => / : (SORRY|FAILURE|FATAL) : /.test(l)).pop();
    return c.result(false, { firstBadLba: lba, problem: 'short', message: `libburn delivered only ${index * DIGEST_CHUNK + fill} of ${c.total} bytes${why ? ` (${why.trim()})` : ''}` });
  }
  return c.passed();
}

/** Read back the image's blocks and compare them with the image. */
export async function verifyReadback(o: ReadbackOptions): Promise<ReadbackResult> {
  const method = o.method ?? 'auto';
  if (method === 'xorriso') return readViaXorriso(o);
  let reader: RipReader;
  try {
    reader = openRipReader(o.device);
  } catch (e) {
    if (method === 'auto' && o.xorrisoAddress && !o.xorrisoAddress.startsWith('stdio:')) return readViaXorriso(o);
    throw e;
  }
  try {
    const end = (o.startLba * BLOCK) + o.digests.byteLength;
    if (method === 'auto' && reader.kind !== 'file' && reader.byteLength < end && o.xorrisoAddress) {
      reader.close();
      return await readViaXorriso(o);
    }
    return await readDirect(o, reader);
  } finally {
    reader.close();
  }
}
