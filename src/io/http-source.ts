import { ErrorCode, IsoKitError } from '../errors/index.js';
import { clampRead, throwIfAborted, type ByteSource, type ReadOptions } from './byte-source.js';
import { CachedSource } from './cached-source.js';

export interface HttpSourceOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** wrap in a block cache (default true, 256 KiB blocks) */
  cache?: boolean;
  /** a fetch implementation (default: globalThis.fetch) */
  fetch?: typeof fetch;
}

/**
 * A ByteSource over HTTP(S) Range requests. `openHttpSource` probes first (HEAD, then a one-byte ranged GET
 * when HEAD says nothing), the way etcher-sdk's http source does, and refuses servers without range support
 * with a clear error instead of downloading the whole image.
 */
export class HttpSource implements ByteSource {
  constructor(
    readonly url: string,
    readonly byteLength: number,
    private readonly opts: HttpSourceOptions,
    readonly name = url,
  ) {}

  async read(byteOffset: number, byteLength: number, opts?: ReadOptions): Promise<Uint8Array> {
    throwIfAborted(opts?.signal);
    const n = clampRead(this, byteOffset, byteLength);
    if (n === 0) return new Uint8Array(0);
    const f = this.opts.fetch ?? fetch;
    let res: Response;
    try {
      res = await f(this.url, {
        headers: { ...this.opts.headers, Range: `bytes=${byteOffset}-${byteOffset + n - 1}` },
        ...(opts?.signal ? { signal: opts.signal } : {}),
      });
    } catch (e) {
      throw new IsoKitError(ErrorCode.HTTP, `GET ${this.url} failed: ${(e as Error).message}`, { byteOffset, cause: e });
    }
    if (res.status !== 206) {
      await res.body?.cancel();
      throw new IsoKitError(
        res.status === 200 ? ErrorCode.RANGE_NOT_SUPPORTED : ErrorCode.HTTP,
        res.status === 200
          ? `${this.url}: the server ignored the Range request (answered 200 with the whole file)`
          : `${this.url}: HTTP ${res.status} ${res.statusText} for bytes ${byteOffset}-${byteOffset + n - 1}`,
        { byteOffset },
      );
    }
    let buf: Uint8Array;
    try {
      buf = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      throw new IsoKitError(ErrorCode.HTTP, `${this.url}: connection lost while reading bytes ${byteOffset}-${byteOffset + n - 1}`, { byteOffset, cause: e });
    }
    if (buf.length !== n) {
      throw new IsoKitError(ErrorCode.HTTP, `${this.url}: asked for ${n} bytes, server sent ${buf.length}`, { byteOffset });
    }
    return buf;
  }
}

function parseTotal(contentRange: string | null): number | undefined {
  const m = contentRange ? /\/(\d+)\s*$/.exec(contentRange) : null;
  return m ? Number(m[1]) : undefined;
}

export async function openHttpSource(url: string, opts: HttpSourceOptions = {}): Promise<ByteSource> {
  const f = opts.fetch ?? fetch;
  const init = { headers: { ...opts.headers }, ...(opts.signal ? { signal: opts.signal } : {}) };
  let size: number | undefined;
  let ranges: boolean | undefined;
  try {
    const head = await f(url, { ...init, method: 'HEAD' });
    if (head.status === 404) throw new IsoKitError(ErrorCode.NOT_FOUND, `${url}: HTTP 404 Not Found`);
    if (head.ok) {
      const len = head.headers.get('content-length');
      if (len !== null && /^\d+$/.test(len)) size = Number(len);
      const ar = head.headers.get('accept-ranges');
      if (ar !== null) ranges = ar.toLowerCase().includes('bytes');
    }
    if (ranges === false) {
      throw new IsoKitError(ErrorCode.RANGE_NOT_SUPPORTED, `${url}: the server does not support range requests (Accept-Ranges: none); download the image first`);
    }
    if (ranges === undefined || size === undefined) {
      const probe = await f(url, { ...init, headers: { ...init.headers, Range: 'bytes=0-0' } });
      await probe.body?.cancel();
      if (probe.status === 200) {
        throw new IsoKitError(ErrorCode.RANGE_NOT_SUPPORTED, `${url}: the server does not support range requests; download the image first`);
      }
      if (probe.status !== 206) throw new IsoKitError(ErrorCode.HTTP, `${url}: HTTP ${probe.status} ${probe.statusText}`);
      size = parseTotal(probe.headers.get('content-range')) ?? size;
    }
  } catch (e) {
    if (e instanceof IsoKitError) throw e;
    throw new IsoKitError(ErrorCode.HTTP, `${url}: ${(e as Error).message}`, { cause: e });
  }
  if (size === undefined) throw new IsoKitError(ErrorCode.HTTP, `${url}: the server did not say how large the file is`);
  const src = new HttpSource(url, size, opts);
  return opts.cache === false ? src : new CachedSource(src, { blockSize: 256 * 1024, maxBlocks: 128 });
}
