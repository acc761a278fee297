/**
 * `write` for Windows install media: the ISO's UDF tree becomes a FAT32 stick (src/create/stick) planned for
 * each target's size, and the planned stick is served to the write pipeline as an image whose bytes go to
 * the stick's segments (the free clusters are skipped). Verification re-emits the stick and compares bytes.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import { planWindowsStick, win11BypassUnattend, type WindowsStickLayout, type WindowsStickOptions } from '../../create/stick/index.js';
import { openWindowsMedia, type WindowsMedia } from '../../read/windows-media.js';
import { alignedBuffer } from './aligned.js';
import type { ImageReader, WriteSourceInfo } from './source.js';
import { FileSource, openFileSource } from '../file-source.js';

/** Said in `write`'s output and in the README. */
export const WINDOWS_BIOS_NOTE =
  'UEFI boot only: legacy-BIOS boot of Windows media is not provided (it needs Microsoft\'s boot code in the stick\'s boot sectors, which isokit does not ship, or a GRUB chain-loader); ' +
  'every PC since 2012 boots the stick through UEFI, Secure Boot included, because only Microsoft\'s own signed loaders run';

export interface WindowsStickRequest {
  /** 'gpt' (default) or 'mbr' */
  scheme?: 'gpt' | 'mbr';
  /** size of disk-image files (regular-file targets); default: the files plus 64 MiB free */
  imageByteLength?: number;
  /** split sources/install.wim into parts of at most this many bytes when it is larger */
  splitByteLength?: number;
  /** answer file written as autounattend.xml at the stick's root */
  unattend?: Uint8Array;
  /** write the bypass answer file (TPM, Secure Boot, RAM checks; online account) — not with `unattend` */
  win11Bypass?: boolean;
}

export interface OpenedWindowsMedia {
  readonly source: FileSource;
  readonly media: WindowsMedia;
  readonly label: string;
}

/** Open a local ISO's UDF tree and look for Windows install media (undefined: no UDF volume). */
export async function openWindowsIso(path: string, isoVolumeId: string | undefined, signal?: AbortSignal): Promise<OpenedWindowsMedia | undefined> {
  const source = await openFileSource(path);
  try {
    const media = await openWindowsMedia(source, signal ? { signal } : {});
    if (!media) {
      await source.close();
      return undefined;
    }
    return { source, media, label: isoVolumeId || media.volumeId };
  } catch (e) {
    await source.close();
    throw e;
  }
}

export function stickOptions(req: WindowsStickRequest, label: string, signal?: AbortSignal): WindowsStickOptions {
  if (req.unattend && req.win11Bypass) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, '--unattend and --win11-bypass both write autounattend.xml: give one');
  const unattend = req.unattend ?? (req.win11Bypass ? win11BypassUnattend() : undefined);
  return {
    scheme: req.scheme ?? 'gpt', label,
    ...(req.splitByteLength !== undefined ? { splitByteLength: req.splitByteLength } : {}),
    ...(unattend ? { unattend } : {}),
    ...(signal ? { signal } : {}),
    seed: `isokit-windows-stick:${label}`,
  };
}

/** Plan a stick of `byteLength` bytes (undefined: the default image size). */
export function planStick(media: WindowsMedia, opts: WindowsStickOptions, byteLength: number | undefined): Promise<WindowsStickLayout> {
  return planWindowsStick(media.root, { ...opts, ...(byteLength !== undefined ? { sectorCount: Math.floor(byteLength / 512) } : {}) });
}

/** Pull chunks from an emit into caller buffers, in order. */
class EmitCursor {
  pos = 0;
  private it: AsyncGenerator<Uint8Array, void, undefined>;
  private pending: Uint8Array | undefined;
  constructor(private readonly stick: WindowsStickLayout, private readonly signal?: AbortSignal) {
    this.it = this.open();
  }
  private open(): AsyncGenerator<Uint8Array, void, undefined> {
    return this.stick.emit({ chunkByteLength: 4 << 20, reuseBuffers: true, allocate: alignedBuffer, ...(this.signal ? { signal: this.signal } : {}) });
  }
  async restart(): Promise<void> {
    await this.it.return();
    this.it = this.open();
    this.pending = undefined;
    this.pos = 0;
  }
  /** Fill `buf` (or less at the end); `skip` bytes first. */
  async read(buf: Uint8Array | undefined, skip = 0): Promise<number> {
    let done = 0;
    let toSkip = skip;
    const want = buf?.length ?? 0;
    while (toSkip > 0 || done < want) {
      if (!this.pending?.length) {
        const r = await this.it.next();
        if (r.done) break;
        this.pending = r.value;
      }
      const p = this.pending;
      if (toSkip > 0) {
        const n = Math.min(toSkip, p.length);
        this.pending = p.subarray(n);
        toSkip -= n;
        this.pos += n;
        continue;
      }
      const n = Math.min(p.length, want - done);
      (buf as Uint8Array).set(p.subarray(0, n), done);
      this.pending = p.subarray(n);
      done += n;
      this.pos += n;
    }
    return done;
  }
  close(): Promise<unknown> {
    return this.it.return();
  }
}

/**
 * A planned stick as the pipeline's image: `fill` streams the segments' bytes; `readAt` (verification, in
 * ascending order) re-emits the stick from the ISO and serves the asked ranges.
 */
export class StickImageReader implements ImageReader {
  readonly info: WriteSourceInfo;
  readonly head = new Uint8Array(0);
  readonly disk: ImageReader['disk'];
  private readonly writing: EmitCursor;
  private readonly checking: EmitCursor;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly chunks: AsyncGenerator<Uint8Array, void, undefined>;
  private produced = 0;
  /** chunk buffers recycled once the emit and every write are done with them (no fresh pages per chunk) */
  private readonly free: Uint8Array[] = [];
  private readonly holds = new Map<ArrayBufferLike, { full: Uint8Array; n: number }>();
  private readonly allocate = (byteLength: number): Uint8Array => {
    const b = this.free.pop() ?? alignedBuffer(byteLength);
    this.holds.set(b.buffer, { full: b, n: 1 }); // the emit's own hold, released by chunkDone
    return b;
  };
  constructor(isoPath: string, readonly stick: WindowsStickLayout, signal?: AbortSignal) {
    this.info = { name: isoPath, kind: 'file', byteLength: stick.writtenByteLength, byteLengthExact: true, rereadable: true, sizeHow: 'planned Windows stick' };
    this.disk = { byteLength: stick.byteLength, segments: stick.segments };
    this.writing = new EmitCursor(stick, signal);
    this.checking = new EmitCursor(stick, signal);
    this.chunks = stick.emit({ chunkByteLength: 4 << 20, reuseBuffers: false, allocate: this.allocate, chunkDone: (c) => this.releaseChunk(c), ...(signal ? { signal } : {}) });
  }
  get bytesRead(): number {
    return this.produced + this.writing.pos;
  }
  fill(buf: Uint8Array): Promise<number> {
    return this.writing.read(buf);
  }
  /** The emit's own chunks (fresh aligned buffers, no copy). */
  async nextChunk(): Promise<Uint8Array | undefined> {
    const r = await this.chunks.next();
    if (r.done) return undefined;
    this.produced += r.value.length;
    const h = this.holds.get(r.value.buffer);
    if (h) h.n++;
    return r.value;
  }
  /** A chunk from `nextChunk` (or the emit's own) is no longer used. */
  releaseChunk(chunk: Uint8Array): void {
    const h = this.holds.get(chunk.buffer);
    if (!h || --h.n > 0) return;
    this.holds.delete(chunk.buffer);
    if (h.full.length === 4 << 20 && this.free.length < 8) this.free.push(h.full);
  }
  finish(): undefined {
    return undefined;
  }
  readAt(byteOffset: number, buf: Uint8Array): Promise<number> {
    const run = async (): Promise<number> => {
      if (byteOffset < this.checking.pos) await this.checking.restart();
      return this.checking.read(buf, byteOffset - this.checking.pos);
    };
    const p = this.tail.then(run, run);
    this.tail = p.catch(() => undefined);
    return p;
  }
  async close(): Promise<void> {
    await Promise.all([this.writing.close(), this.checking.close(), this.chunks.return()]);
  }
}
