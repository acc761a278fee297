import { concatBytes } from '../bytes/index.js';
import type { ByteSource, ReadOptions } from './byte-source.js';

/** A sequential stream of bytes. Not a ByteSource: it cannot seek. */
export type ByteStream = AsyncIterable<Uint8Array>;

/** Progress of a long operation, one flat serializable object (design guide §2). */
export interface Progress {
  phase: string;
  bytes: number;
  totalBytes?: number;
  /** bytes per second, smoothed */
  speed?: number;
  /** seconds left */
  eta?: number;
  files?: number;
  totalFiles?: number;
  target?: string;
}
export type ProgressCallback = (p: Progress) => void;

/** Read a range of a ByteSource as a stream of chunks of at most `chunkSize` bytes. */
export async function* readRange(
  src: ByteSource,
  byteOffset: number,
  byteLength: number,
  chunkSize = 1 << 20,
  opts?: ReadOptions,
): ByteStream {
  let done = 0;
  while (done < byteLength) {
    const want = Math.min(chunkSize, byteLength - done);
    const b = await src.read(byteOffset + done, want, opts);
    if (b.length === 0) return;
    yield b;
    done += b.length;
    if (b.length < want) return;
  }
}

/** Collect a stream into one array (for small data only). */
export async function collect(stream: ByteStream, limit = Number.MAX_SAFE_INTEGER): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of stream) {
    parts.push(c);
    n += c.length;
    if (n > limit) throw new RangeError(`stream larger than ${limit} bytes`);
  }
  return concatBytes(parts);
}

/** Tracks speed (exponentially smoothed) and ETA for progress reports. */
export class ProgressMeter {
  private lastT = 0;
  private lastBytes = 0;
  private rate = 0;
  private readonly t0: number;
  constructor(
    private readonly phase: string,
    private readonly totalBytes: number | undefined,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.t0 = this.now();
    this.lastT = this.t0;
  }
  update(bytes: number, extra: Partial<Progress> = {}): Progress {
    const t = this.now();
    const dt = (t - this.lastT) / 1000;
    if (dt >= 0.2) {
      const inst = (bytes - this.lastBytes) / dt;
      this.rate = this.rate ? this.rate * 0.7 + inst * 0.3 : inst;
      this.lastT = t;
      this.lastBytes = bytes;
    } else if (!this.rate && t > this.t0) {
      this.rate = bytes / ((t - this.t0) / 1000);
    }
    const p: Progress = { phase: this.phase, bytes, ...extra };
    if (this.totalBytes !== undefined) p.totalBytes = this.totalBytes;
    if (this.rate > 0) {
      p.speed = Math.round(this.rate);
      if (this.totalBytes !== undefined) p.eta = Math.max(0, (this.totalBytes - bytes) / this.rate);
    }
    return p;
  }
}
