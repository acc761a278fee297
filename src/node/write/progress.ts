/** Per-target progress and results of a write (serializable: the CLI prints them, --json streams them). */
import { ProgressMeter, type Progress } from '../../io/index.js';
import type { IsoKitError } from '../../errors/index.js';

export type WritePhase = 'checking' | 'writing' | 'flushing' | 'verifying' | 'done' | 'failed';

export interface WriteProgress extends Progress {
  phase: WritePhase;
  target: string;
}
export type WriteProgressCallback = (p: WriteProgress) => void;

export interface TargetResult {
  readonly path: string;
  readonly ok: boolean;
  /** the phase that failed, or 'done' */
  readonly phase: WritePhase;
  readonly error?: { code: string; message: string; byteOffset?: number };
  readonly bytesWritten: number;
  /** O_DIRECT was used for the bulk of the writes */
  readonly direct: boolean;
  /** true: read back and equal; false: read back and different (see mismatch); undefined: not verified */
  readonly verified?: boolean;
  readonly verifyMethod?: 'compare' | 'digest';
  /** first differing range found by the read-back */
  readonly mismatch?: { byteOffset: number; byteLength: number };
  readonly writeMs?: number;
  readonly verifyMs?: number;
  readonly notes: string[];
}

/** Throttled progress for one target and phase. */
export class TargetMeter {
  private meter: ProgressMeter;
  private last = 0;
  constructor(
    readonly target: string,
    readonly phase: WritePhase,
    private readonly totalBytes: number | undefined,
    private readonly cb: WriteProgressCallback | undefined,
  ) {
    this.meter = new ProgressMeter(phase, totalBytes);
  }
  update(bytes: number, force = false): void {
    if (!this.cb) return;
    const now = Date.now();
    if (!force && now - this.last < 200) return;
    this.last = now;
    const p = this.meter.update(bytes) as WriteProgress;
    p.phase = this.phase;
    p.target = this.target;
    if (this.totalBytes === undefined) delete p.totalBytes;
    this.cb(p);
  }
}

export function errorSummary(e: IsoKitError): { code: string; message: string; byteOffset?: number } {
  return { code: e.code, message: e.message, ...(e.byteOffset !== undefined ? { byteOffset: e.byteOffset } : {}) };
}
