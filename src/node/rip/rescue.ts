/**
 * The rescue loop, after GNU ddrescue's algorithm (ddrescue manual 1.27 §4 "Algorithm"), over a block map
 * that says what is done:
 *
 * 1. **copying** — non-tried areas (`?`) in large reads (1 MiB). A failed read marks its whole area
 *    non-trimmed (`*`); the first pass then skips ahead (64 KiB doubling to 1 % of the size, reset by the
 *    next good read) so a scratched zone costs few slow reads; the second pass reads what was skipped.
 * 2. **trimming** — each non-trimmed area block by block from its leading edge forwards and from its
 *    trailing edge backwards, each up to the first bad block (`-`); the rest becomes non-scraped (`/`).
 * 3. **scraping** — every block of the non-scraped areas: good (`+`) or bad (`-`).
 * 4. **retrying** — `retries` passes over the bad blocks, in alternating directions.
 *
 * Only areas still to be done are read, so a run resumed from its map continues where it stopped. Data
 * is written at its offset in the output as it arrives; before the map is saved every write has landed,
 * so a saved map never claims bytes the output lacks.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import type { DdrescueBlock, DdrescueBlockMap, DdrescueBlockStatus, DdrescueRunStatus } from '../../formats/ddrescue-map/index.js';
import { ProgressMeter, type Progress } from '../../io/index.js';
import { AlignedPool, alignUp } from '../write/aligned.js';
import { ReadFailure, type RipReader } from './reader.js';

export type RescuePhase = 'copying' | 'trimming' | 'scraping' | 'retrying';

/** One flat progress object (design guide §2), for the CLI's line and the web UI. */
export interface RipProgress extends Progress {
  phase: 'checking' | RescuePhase | 'verifying' | 'done';
  /** bytes read so far (finished blocks in the map) */
  bytes: number;
  totalBytes?: number;
  /** bytes in bad blocks (`-`) */
  badBytes?: number;
  /** bytes in failed areas not yet split down (`*`, `/`) */
  pendingBytes?: number;
  /** read errors met in this run */
  readErrors?: number;
  /** where reading is */
  byteOffset?: number;
  pass?: number;
}

/** The status line of the map: where the run is (ddrescue manual §7). */
export interface RescueState {
  currentPos: number;
  currentStatus: DdrescueRunStatus;
  currentPass: number;
}

export interface RescueOptions {
  reader: RipReader;
  map: DdrescueBlockMap;
  /** write `buf` at `byteOffset` of the output */
  write(buf: Uint8Array, byteOffset: number): Promise<void>;
  /** save the map (after syncing the output); called at most every `checkpointMs`, at phase ends and at the end */
  checkpoint(state: RescueState): Promise<void>;
  /** sector size of the medium (2048 for optical discs); trimming, scraping and retries go block by block */
  blockSize: number;
  /** read size of the copying phase (default 1 MiB) */
  clusterByteLength?: number;
  /** passes over bad blocks (default 0) */
  retries?: number;
  checkpointMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: RipProgress) => void;
}

export interface RescueResult {
  readErrors: number;
  /** the reads bypassed the page cache */
  direct: boolean;
}

interface Pending {
  pos: number;
  len: number;
  buf?: Uint8Array;
  n?: number;
  failed?: boolean;
}

const PHASE_STATUS: Record<RescuePhase, DdrescueRunStatus> = { copying: '?', trimming: '*', scraping: '/', retrying: '-' };

class Rescue {
  private readonly pool: AlignedPool;
  private readonly cluster: number;
  private readonly writes = new Set<Promise<void>>();
  private writeError: unknown;
  readErrors = 0;
  private state: RescueState = { currentPos: 0, currentStatus: '?', currentPass: 1 };
  private meter: ProgressMeter;
  private lastProgress = 0;
  private lastCheckpoint = Date.now();

  constructor(private readonly o: RescueOptions) {
    this.cluster = alignUp(o.clusterByteLength ?? 1 << 20, Math.max(o.blockSize, o.reader.logicalBlockSize));
    this.pool = new AlignedPool(this.cluster, 4);
    this.meter = new ProgressMeter('copying', o.map.byteLength);
  }

  private get map(): DdrescueBlockMap {
    return this.o.map;
  }

  private enter(phase: RescuePhase, pass: number): void {
    this.state = { currentPos: this.state.currentPos, currentStatus: PHASE_STATUS[phase], currentPass: pass };
    this.meter = new ProgressMeter(phase, this.map.byteLength);
    this.progress(true);
  }

  progress(force = false): void {
    if (!this.o.onProgress) return;
    const now = Date.now();
    if (!force && now - this.lastProgress < 200) return;
    this.lastProgress = now;
    const phaseOf = { '?': 'copying', '*': 'trimming', '/': 'scraping', '-': 'retrying' } as const;
    const phase = this.state.currentStatus === '+' ? 'done' : phaseOf[this.state.currentStatus as '?' | '*' | '/' | '-'] ?? 'copying';
    const p = this.meter.update(this.map.byteCount('+')) as RipProgress;
    p.phase = phase;
    p.badBytes = this.map.byteCount('-');
    p.pendingBytes = this.map.byteCount('*') + this.map.byteCount('/');
    p.readErrors = this.readErrors;
    p.byteOffset = this.state.currentPos;
    p.pass = this.state.currentPass;
    this.o.onProgress(p);
  }

  /** Wait for every write in flight; rethrow the first write error. */
  async drain(): Promise<void> {
    await Promise.all([...this.writes]);
    if (this.writeError) throw this.writeError;
  }

  async checkpoint(force = false): Promise<void> {
    if (!force && Date.now() - this.lastCheckpoint < (this.o.checkpointMs ?? 5000)) return;
    await this.drain();
    await this.o.checkpoint({ ...this.state });
    this.lastCheckpoint = Date.now();
  }

  private checkAbort(): void {
    if (this.o.signal?.aborted) throw new IsoKitError(ErrorCode.ABORTED, 'interrupted', { cause: this.o.signal.reason });
    if (this.writeError) throw this.writeError;
  }

  /** Start reading [pos, pos + len) into a pooled buffer (the result says how many bytes came, or that it failed). */
  private startRead(pos: number, len: number): Promise<Pending> {
    this.checkAbort();
    return this.pool.acquire().then(async (buf) => {
      try {
        const n = Math.min(len, await this.o.reader.read(buf, pos, alignUp(len, this.o.reader.logicalBlockSize)));
        if (n > 0) return { pos, len, buf, n };
        // the device ends before the map does: these bytes cannot be read
        this.pool.release(buf);
        return { pos, len, failed: true };
      } catch (e) {
        this.pool.release(buf);
        if (e instanceof ReadFailure) return { pos, len, failed: true };
        throw e;
      }
    });
  }

  /** Mark a finished read in the map and hand its bytes to the writer; returns the bytes read or undefined. */
  private commit(r: Pending): number | undefined {
    this.state.currentPos = r.pos;
    if (r.failed || !r.buf || !r.n) {
      this.readErrors++;
      return undefined;
    }
    const buf = r.buf;
    this.map.set(r.pos, r.n, '+');
    const w = this.o.write(buf.subarray(0, r.n), r.pos).then(
      () => undefined,
      (e: unknown) => {
        this.writeError ??= e;
      },
    );
    const tracked = w.finally(() => {
      this.writes.delete(tracked);
      this.pool.release(buf);
    });
    this.writes.add(tracked);
    this.progress();
    return r.n;
  }

  private async readAndWrite(pos: number, len: number): Promise<number | undefined> {
    return this.commit(await this.startRead(pos, len));
  }

  /** Drop reads started ahead that are no longer wanted. */
  private async discard(ahead: Promise<Pending>[]): Promise<void> {
    for (const p of ahead.splice(0)) {
      const r = await p.catch(() => undefined);
      if (r?.buf) this.pool.release(r.buf);
    }
  }

  /**
   * Copy the non-tried areas in large reads, one read ahead (the drive serves the next request while
   * this one is written out); pass 1 skips ahead after errors.
   */
  async copy(pass: number): Promise<void> {
    this.enter('copying', pass);
    const minSkip = Math.max(this.cluster / 16, this.o.blockSize);
    const maxSkip = Math.max(minSkip, alignUp(Math.floor(this.map.byteLength / 100), this.o.blockSize));
    let skip = minSkip;
    let pos = this.map.byteOffset;
    const ahead: Promise<Pending>[] = [];
    try {
      for (let run = this.map.next(pos, '?'); run; run = this.map.next(pos, '?')) {
        pos = run.byteOffset;
        const end = run.byteOffset + run.byteLength;
        let next = pos;
        const fill = () => {
          for (; ahead.length < 2 && next < end; next += Math.min(this.cluster, end - next)) ahead.push(this.startRead(next, Math.min(this.cluster, end - next)));
        };
        fill();
        while (ahead.length) {
          const r = await (ahead.shift() as Promise<Pending>);
          const n = this.commit(r);
          if (n === r.len) {
            skip = minSkip;
          } else {
            await this.discard(ahead);
            if (n === undefined) {
              this.map.set(r.pos, r.len, '*');
              next = r.pos + r.len;
              if (pass === 1) {
                next = Math.min(end, next + skip);
                skip = Math.min(maxSkip, skip * 2);
              }
            } else next = r.pos + n; // a short read: the rest is tried next
          }
          fill();
          await this.checkpoint();
        }
        pos = Math.max(pos, next);
      }
    } finally {
      await this.discard(ahead);
    }
    await this.checkpoint(true);
  }

  /** Read one block of an area; mark it and say whether it was good. */
  private async block(pos: number, end: number): Promise<boolean> {
    const len = Math.min(this.o.blockSize, end - pos);
    const n = await this.readAndWrite(pos, len);
    if (n === len) return true;
    this.map.set(pos + (n ?? 0), len - (n ?? 0), '-');
    return false;
  }

  /** Trim each non-trimmed area from both edges up to its first bad block. */
  async trim(): Promise<void> {
    this.enter('trimming', 1);
    for (let run = this.map.next(this.map.byteOffset, '*'); run; run = this.map.next(run.byteOffset, '*')) {
      const { byteOffset: start } = run;
      const end = start + run.byteLength;
      const bs = this.o.blockSize;
      let lead = start;
      while (lead < end && (await this.block(lead, end))) lead += bs;
      if (lead >= end) continue;
      let tail = start + Math.floor((end - 1 - start) / bs) * bs; // the last block of the area
      while (tail > lead && (await this.block(tail, end))) tail -= bs;
      if (tail > lead + bs) this.map.set(lead + bs, tail - lead - bs, '/');
      await this.checkpoint();
    }
    await this.checkpoint(true);
  }

  /** Read every block of the non-scraped areas. */
  async scrape(): Promise<void> {
    this.enter('scraping', 1);
    for (let run = this.map.next(this.map.byteOffset, '/'); run; run = this.map.next(run.byteOffset, '/')) {
      const end = run.byteOffset + run.byteLength;
      for (let pos = run.byteOffset; pos < end; pos += this.o.blockSize) {
        if (!(await this.block(pos, end))) this.progress();
        await this.checkpoint();
      }
    }
    await this.checkpoint(true);
  }

  /** Passes over the bad blocks, alternating direction (backwards first, as the scrape went forwards). */
  async retry(passes: number): Promise<void> {
    for (let pass = 1; pass <= passes && this.map.byteCount('-') > 0; pass++) {
      this.enter('retrying', pass);
      const blocks: number[] = [];
      for (const r of this.map.ranges('-')) for (let p = r.byteOffset; p < r.byteOffset + r.byteLength; p += this.o.blockSize) blocks.push(p);
      if (pass % 2 === 1) blocks.reverse();
      for (const pos of blocks) {
        const end = Math.min(pos + this.o.blockSize, this.map.end);
        await this.block(pos, end);
        await this.checkpoint();
      }
      await this.checkpoint(true);
    }
  }

  finish(): RescueState {
    const done = this.map.byteCount('+') === this.map.byteLength;
    this.state = { currentPos: done ? this.map.end : this.state.currentPos, currentStatus: '+', currentPass: this.state.currentPass };
    return { ...this.state };
  }
}

/** Run the phases over the map; saves the map as it goes. */
export async function rescue(o: RescueOptions): Promise<RescueResult> {
  const r = new Rescue(o);
  try {
    await r.copy(1);
    await r.copy(2);
    await r.trim();
    await r.scrape();
    await r.retry(o.retries ?? 0);
    await r.drain();
    await o.checkpoint(r.finish());
  } catch (e) {
    // keep what was read: every write lands, then the map is saved as it stands
    await r.drain().catch(() => undefined);
    await r.checkpoint(true).catch(() => undefined);
    throw e;
  }
  return { readErrors: r.readErrors, direct: o.reader.direct };
}

/** The blocks of a map with `status`, as block numbers of `blockSize` bytes (for messages and tests). */
export function blockNumbers(blocks: readonly DdrescueBlock[], blockSize: number, status: DdrescueBlockStatus = '-'): number[] {
  const out: number[] = [];
  for (const b of blocks) {
    if (b.status !== status) continue;
    for (let p = Math.floor(b.byteOffset / blockSize); p * blockSize < b.byteOffset + b.byteLength; p++) out.push(p);
  }
  return out;
}
