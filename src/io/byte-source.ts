import { ErrorCode, IsoKitError } from '../errors/index.js';

export interface ReadOptions {
  signal?: AbortSignal;
}

/**
 * Random-access bytes (design guide §2). `read` returns exactly `byteLength` bytes, or fewer only when the
 * range runs past `byteLength` of the source (a read starting at or past the end returns an empty array).
 * A sequential stream is a different type (`ByteStream`), so a reader can never be handed one by mistake.
 */
export interface ByteSource {
  readonly byteLength: number;
  /** A short human name (file path, URL, "memory") used in messages. */
  readonly name: string;
  read(byteOffset: number, byteLength: number, opts?: ReadOptions): Promise<Uint8Array>;
  close?(): Promise<void>;
}

/**
 * A source that can also answer at once (a local file, memory): what the listing walk uses to read a
 * whole directory area in one call. Same ranges and clamping as `read`.
 */
export interface SyncByteSource extends ByteSource {
  readSync(byteOffset: number, byteLength: number, opts?: ReadOptions): Uint8Array;
  /** Read into `target` from `byteOffset` on; returns the bytes read (fewer only at the end of the source). */
  readIntoSync(byteOffset: number, target: Uint8Array): number;
}

/** Whether `src` reads synchronously too. */
export const isSyncSource = (src: ByteSource): src is SyncByteSource =>
  typeof (src as Partial<SyncByteSource>).readSync === 'function' && typeof (src as Partial<SyncByteSource>).readIntoSync === 'function';

/** Validates read arguments and clamps the length to the end of the source. */
export function clampRead(src: { byteLength: number; name: string }, byteOffset: number, byteLength: number): number {
  if (!Number.isSafeInteger(byteOffset) || byteOffset < 0 || !Number.isSafeInteger(byteLength) || byteLength < 0) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `bad read range offset=${byteOffset} length=${byteLength} on ${src.name}`);
  }
  if (byteOffset >= src.byteLength) return 0;
  return Math.min(byteLength, src.byteLength - byteOffset);
}

/** Read exactly `byteLength` bytes or throw TRUNCATED naming the structure being read. */
export async function readExact(
  src: ByteSource,
  byteOffset: number,
  byteLength: number,
  structure?: string,
  opts?: ReadOptions,
): Promise<Uint8Array> {
  const b = await src.read(byteOffset, byteLength, opts);
  if (b.length < byteLength) {
    throw new IsoKitError(ErrorCode.TRUNCATED, `needs ${byteLength} bytes but the source (${src.byteLength} bytes) ends first`, {
      byteOffset,
      ...(structure ? { structure } : {}),
    });
  }
  return b;
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new IsoKitError(ErrorCode.ABORTED, 'aborted', { cause: signal.reason });
}
