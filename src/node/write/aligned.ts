/**
 * Page-aligned buffers for O_DIRECT I/O.
 *
 * Linux O_DIRECT needs the user buffer aligned to the device's DMA alignment (512 bytes on most disks,
 * 4096 to be safe). Node's Buffer/ArrayBuffer memory comes from malloc and is *not* aligned (glibc puts a
 * 16-byte header before mmap'ed chunks). A WebAssembly.Memory is backed by page-aligned memory from the OS,
 * so one Memory cut into chunk-sized views at multiples of 64 KiB gives aligned buffers without native code.
 */

export const PAGE = 4096;
const WASM_PAGE = 65536;

/** Round up to a multiple of `align` (arithmetic, no bit operators: sizes may exceed 2^31). */
export const alignUp = (n: number, align: number): number => Math.ceil(n / align) * align;
export const alignDown = (n: number, align: number): number => Math.floor(n / align) * align;

/**
 * A fixed pool of `count` aligned buffers of `chunkByteLength` bytes. `acquire` waits while all are in use
 * (the pipeline's back-pressure); `release` hands one back.
 */
export class AlignedPool {
  readonly chunkByteLength: number;
  private readonly free: Uint8Array[] = [];
  private readonly waiters: ((b: Uint8Array) => void)[] = [];
  constructor(chunkByteLength: number, readonly count: number) {
    this.chunkByteLength = alignUp(chunkByteLength, WASM_PAGE);
    const memory = new WebAssembly.Memory({ initial: (this.chunkByteLength / WASM_PAGE) * count });
    for (let i = 0; i < count; i++) this.free.push(new Uint8Array(memory.buffer, i * this.chunkByteLength, this.chunkByteLength));
  }
  acquire(): Promise<Uint8Array> {
    const b = this.free.pop();
    if (b) return Promise.resolve(b);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  release(b: Uint8Array): void {
    const w = this.waiters.shift();
    if (w) w(b);
    else this.free.push(b);
  }
}

/** One aligned buffer (e.g. for a read-back or a held-back first MiB). */
export function alignedBuffer(byteLength: number): Uint8Array {
  const len = alignUp(Math.max(byteLength, 1), WASM_PAGE);
  return new Uint8Array(new WebAssembly.Memory({ initial: len / WASM_PAGE }).buffer, 0, byteLength);
}
