import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ByteSink } from '../io/index.js';
import { ioError } from './errors.js';

/** The temporary name used while `finalPath` is being written: `DIR/.NAME.partial`. */
export const partialName = (finalPath: string): string => join(dirname(finalPath), `.${basename(finalPath)}.partial`);

const live = new Set<string>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const p of live) rmSync(p, { force: true });
  });
}

/**
 * A sink writing to a temporary name in the target folder; `close()` fsyncs and renames it to the final
 * name, `abort()` removes it. An interrupted run therefore never leaves a half file under the final name
 * (after SIGKILL a stale `.NAME.partial` may remain; the next run replaces it).
 */
export class AtomicFileSink implements ByteSink {
  readonly tempPath: string;
  private fd: number | undefined;
  private position = 0;
  private done = false;
  private readonly fsync: boolean;
  /** `fsync: false` skips the fsync before the rename (still atomic for readers and interrupted runs; not durable across a crash) */
  constructor(readonly finalPath: string, opts: { mode?: number; fsync?: boolean } = {}) {
    this.fsync = opts.fsync ?? true;
    this.tempPath = partialName(finalPath);
    try {
      this.fd = openSync(this.tempPath, 'w', opts.mode ?? 0o644);
    } catch (e) {
      throw ioError(e, this.tempPath);
    }
    live.add(this.tempPath);
    hookExit();
  }
  get bytesWritten(): number {
    return this.position;
  }
  async write(chunk: Uint8Array): Promise<void> {
    this.writeSync(chunk);
  }
  writeSync(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) {
      try {
        off += writeSync(this.fd as number, chunk, off, chunk.length - off, this.position + off);
      } catch (e) {
        throw ioError(e, this.finalPath, this.position + off);
      }
    }
    this.position += chunk.length;
  }
  async writeAt(byteOffset: number, chunk: Uint8Array): Promise<void> {
    let off = 0;
    while (off < chunk.length) {
      try {
        off += writeSync(this.fd as number, chunk, off, chunk.length - off, byteOffset + off);
      } catch (e) {
        throw ioError(e, this.finalPath, byteOffset + off);
      }
    }
  }
  async close(): Promise<void> {
    if (this.done) return;
    try {
      if (this.fsync) fsyncSync(this.fd as number);
      closeSync(this.fd as number);
      this.fd = undefined;
      renameSync(this.tempPath, this.finalPath);
    } catch (e) {
      await this.abort();
      throw ioError(e, this.finalPath);
    }
    this.done = true;
    live.delete(this.tempPath);
  }
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      if (this.fd !== undefined) closeSync(this.fd);
    } catch {
      /* already closed */
    }
    this.fd = undefined;
    rmSync(this.tempPath, { force: true });
    live.delete(this.tempPath);
  }
}
