/**
 * Read-ahead for directory extents: windows of at least WINDOW_BYTES asked for before they are needed (in
 * flight together on http), so the directories an image writer put next to each other come in one read; and,
 * on a synchronous source, the whole directory area named by the path table read in one go (`prefill`).
 */
import type { ByteSource, ReadOptions } from '../../io/index.js';
import { SECTOR_SIZE } from '../../formats/iso9660/index.js';

/** Smallest read of directory extents (several small directories in one read). */
const WINDOW_BYTES = 64 * 1024;
/** Read-ahead windows kept (WINDOW_BYTES each, unless a directory is larger). */
const MAX_WINDOWS = 32;
/** Largest directory extent read (a larger data length is reported and cut). */
export const MAX_DIRECTORY_BYTES = 256 * 1024 * 1024;

/**
 * A ByteSource that answers the walk's directory reads from windows read ahead (`want`): a window is at
 * least WINDOW_BYTES, so the directories an image writer put next to each other (they usually are) come
 * in one read, and the next ones are asked for before they are needed (in flight together on http).
 * A read no window holds passes through.
 */
export class ReadAhead implements ByteSource {
  readonly byteLength: number;
  readonly name: string;
  /** recent windows, oldest first */
  private readonly windows: { start: number; end: number; bytes: Promise<Uint8Array> }[] = [];
  constructor(
    private readonly source: ByteSource,
    private readonly signal: AbortSignal | undefined,
    /** the least a window holds */
    private readonly windowBytes = WINDOW_BYTES,
  ) {
    this.byteLength = source.byteLength;
    this.name = source.name;
  }

  /** bytes read before the walk (`prefill`): the directories an image keeps together */
  private held: { start: number; end: number; bytes: Uint8Array } | undefined;

  /** Keep `bytes`, the source's bytes from `start` on: reads they hold are answered from them. */
  prefill(start: number, bytes: Uint8Array): void {
    this.held = { start, end: start + bytes.length, bytes };
  }

  /** What `prefill` was given. */
  heldBytes(): { start: number; bytes: Uint8Array } | undefined {
    return this.held;
  }

  /** The bytes [start, end) when `prefill` holds them (no wait), else undefined. */
  now(start: number, end: number): Uint8Array | undefined {
    const h = this.held;
    return h && h.start <= start && end <= h.end ? h.bytes.subarray(start - h.start, end - h.start) : undefined;
  }

  /** The directory extent at `lba` will be read (as readDirectoryExtent clamps it). */
  want(lba: number, dataLength: number): void {
    const start = lba * SECTOR_SIZE;
    if (start >= this.byteLength) return;
    const end = start + Math.min(dataLength, MAX_DIRECTORY_BYTES, this.byteLength - start);
    if (this.now(start, end) || this.find(start, end)) return;
    const windowEnd = Math.min(this.byteLength, Math.max(end, start + this.windowBytes));
    const bytes = this.source.read(start, windowEnd - start, this.signal ? { signal: this.signal } : undefined);
    bytes.catch(() => undefined); // reported when (if) the walk reads there
    this.windows.push({ start, end: windowEnd, bytes });
    if (this.windows.length > MAX_WINDOWS) this.windows.shift();
  }

  async read(byteOffset: number, byteLength: number, opts?: ReadOptions): Promise<Uint8Array> {
    const end = Math.min(byteOffset + byteLength, this.byteLength);
    const held = byteOffset < end ? this.now(byteOffset, end) : undefined;
    if (held) return held;
    const w = byteOffset < end ? this.find(byteOffset, end) : undefined;
    if (!w) return this.source.read(byteOffset, byteLength, opts);
    const bytes = await w.bytes;
    // a window cut short (a source shorter than it says) answers only what it holds
    if (bytes.length < end - w.start) return this.source.read(byteOffset, byteLength, opts);
    return bytes.subarray(byteOffset - w.start, end - w.start);
  }

  private find(start: number, end: number): { start: number; end: number; bytes: Promise<Uint8Array> } | undefined {
    for (let i = this.windows.length - 1; i >= 0; i--) {
      const w = this.windows[i] as { start: number; end: number; bytes: Promise<Uint8Array> };
      if (w.start <= start && end <= w.end) return w;
    }
    return undefined;
  }
}
