/**
 * Where emitted bytes go. `write` is strictly sequential; `writeAt` exists only on seekable sinks
 * (used for patches such as an implanted MD5). `abort` discards a partial result.
 */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
  writeAt?(byteOffset: number, chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}

/** A sink that collects everything in memory (tests, browser downloads of small images). */
export class MemorySink implements ByteSink {
  private parts: Uint8Array[] = [];
  private length = 0;
  closed = false;
  aborted = false;
  async write(chunk: Uint8Array): Promise<void> {
    this.parts.push(chunk.slice());
    this.length += chunk.length;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  async abort(): Promise<void> {
    this.aborted = true;
    this.parts = [];
    this.length = 0;
  }
  get byteLength(): number {
    return this.length;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    this.parts = [out];
    return out;
  }
}
