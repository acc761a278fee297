/**
 * The one routine that writes a planned image to a file (or stdout), for create and remaster alike: check the
 * free space, emit the layout strictly in order into `.NAME.partial`, fsync if asked, rename into place. Any
 * error or abort (SIGINT/SIGTERM through the signal) removes the partial file, so the final name only ever
 * holds a complete image.
 */
import { statfsSync } from 'node:fs';
import * as path from 'node:path';
import { emitImage, type FileChange, type ImageLayout } from '../create/index.js';
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { ProgressMeter, throwIfAborted, type ByteSink, type ProgressCallback } from '../io/index.js';
import { AtomicFileSink } from './atomic-file.js';
import { skewedBuffer } from './chunk-reader.js';
import { readAheadSource } from './create-data.js';

export interface WriteImageOptions {
  /** image path, or '-' for `stdout` */
  output: string;
  /** where '-' writes (default process.stdout) */
  stdout?: NodeJS.WritableStream;
  /**
   * fsync the image before renaming it into place (default false, like genisoimage, xorriso and cp). The rename is
   * atomic either way: readers and interrupted runs never see a partial image under the final name. fsync adds
   * durability across a power loss, at the cost of waiting for the whole image to reach the disk.
   */
  fsync?: boolean;
  /** a source file that changes while the image is written is an error (default: padded/cut and reported) */
  strict?: boolean;
  /**
   * read the source files on worker threads, ahead of the writer (default 'auto': for 2,000+ files or 256+ MiB of
   * data); the image is the same either way
   */
  readAhead?: boolean | 'auto';
  /**
   * called once the read-ahead threads have started (the create command sets a V8 flag again that starting
   * them resets; see ReadAheadOptions.onThreadsStarted)
   */
  onReaderThreadsStarted?: () => void;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  onFileChanged?: (change: FileChange) => void;
}

/** Refuse early, in one line, when the target file system cannot hold the image. */
export function checkFreeSpace(output: string, byteLength: number): void {
  let st;
  try {
    st = statfsSync(path.dirname(path.resolve(output)));
  } catch {
    return; // statfs unsupported here: the write itself will report ENOSPC
  }
  const available = st.bavail * st.bsize;
  if (available < byteLength) throw noSpace(output, byteLength, available);
}

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
function noSpace(output: string, needed: number, available?: number): IsoKitError {
  const avail = available !== undefined ? `, ${mib(available)} available` : '';
  return new IsoKitError(ErrorCode.NO_SPACE, `not enough space for ${output}: the image needs ${mib(needed)}${avail}`, { data: { needed, ...(available !== undefined ? { available } : {}) } });
}

class StreamSink implements ByteSink {
  constructor(private readonly out: NodeJS.WritableStream) {}
  write(chunk: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.write(chunk, (e) => (e ? reject(new IsoKitError(ErrorCode.IO, `writing to stdout: ${e.message}`, { cause: e })) : resolve()));
    });
  }
  async close(): Promise<void> {}
  async abort(): Promise<void> {}
}

const yieldToEventLoop = () => new Promise((r) => setImmediate(r));

/** Write `layout` to `opts.output`; returns the source files that changed while they were copied. */
export async function writeImageLayout(layout: ImageLayout, opts: WriteImageOptions): Promise<FileChange[]> {
  const toStdout = opts.output === '-';
  if (!toStdout) checkFreeSpace(opts.output, layout.byteLength);
  const sink: ByteSink & { writeSync?: (c: Uint8Array) => void } = toStdout ? new StreamSink(opts.stdout ?? process.stdout) : new AtomicFileSink(opts.output, { fsync: opts.fsync ?? false });
  const meter = new ProgressMeter('write', layout.byteLength);
  const changed: FileChange[] = [];
  try {
    let lastYield = Date.now();
    const emit = emitImage(layout, {
      reuseBuffers: true,
      // chunk buffers 2 KiB past a page boundary (4 KiB aliasing made the kernel's copies 3-6× slower, see chunk-reader.ts)
      allocate: skewedBuffer,
      chunkByteLength: 1 << 20,
      fileData: readAheadSource({ enabled: opts.readAhead ?? 'auto', ...(opts.onReaderThreadsStarted ? { onThreadsStarted: opts.onReaderThreadsStarted } : {}) }),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.strict ? { strict: true } : {}),
      onFileChanged: (c) => {
        changed.push(c);
        opts.onFileChanged?.(c);
      },
      onProgress: (p) => opts.onProgress?.(meter.update(p.bytes, { files: p.files ?? 0, totalFiles: p.totalFiles ?? 0 })),
    });
    for await (const chunk of emit) {
      if (sink.writeSync) sink.writeSync(chunk);
      else await sink.write(chunk);
      if (Date.now() - lastYield > 100) {
        await yieldToEventLoop(); // let SIGINT/SIGTERM handlers run
        lastYield = Date.now();
        throwIfAborted(opts.signal);
      }
    }
    throwIfAborted(opts.signal);
    await sink.close();
  } catch (e) {
    await sink.abort(e);
    if (e instanceof IsoKitError && e.code === ErrorCode.NO_SPACE) throw noSpace(opts.output, layout.byteLength);
    throw e;
  }
  return changed;
}
