/**
 * Errors and findings.
 *
 * `IsoKitError` carries a stable `code`, the byte offset and the on-disk structure it concerns, so a
 * message always says where: `DirectoryRecord at byte 0x9800 (LBA 19): length 0 before end of extent`.
 * Damaged but readable input produces `Finding`s instead of errors (design guide §3).
 */

import { ErrorCode } from './error-code.js';
import type { FindingCode } from './finding-codes.js';

export { ErrorCode } from './error-code.js';
export { FindingCode } from './finding-codes.js';

export interface IsoKitErrorOptions {
  byteOffset?: number;
  lba?: number;
  structure?: string;
  data?: Record<string, unknown>;
  cause?: unknown;
}

const hex = (n: number) => '0x' + n.toString(16);

export class IsoKitError extends Error {
  readonly code: ErrorCode;
  readonly byteOffset?: number;
  readonly lba?: number;
  readonly structure?: string;
  readonly data?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: IsoKitErrorOptions = {}) {
    super(IsoKitError.format(message, options), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IsoKitError';
    this.code = code;
    if (options.byteOffset !== undefined) this.byteOffset = options.byteOffset;
    if (options.lba !== undefined) this.lba = options.lba;
    if (options.structure !== undefined) this.structure = options.structure;
    if (options.data !== undefined) this.data = options.data;
  }

  /** "Structure at byte 0x…(LBA n): message" */
  static format(message: string, o: IsoKitErrorOptions): string {
    const where: string[] = [];
    if (o.structure) where.push(o.structure);
    if (o.byteOffset !== undefined) {
      let at = `at byte ${hex(o.byteOffset)}`;
      const lba = o.lba ?? (o.byteOffset >= 0 ? Math.floor(o.byteOffset / 2048) : undefined);
      if (lba !== undefined) at += ` (LBA ${lba})`;
      where.push(at);
    }
    return where.length ? `${where.join(' ')}: ${message}` : message;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      byteOffset: this.byteOffset,
      lba: this.lba,
      structure: this.structure,
      data: this.data,
    };
  }
}

export const isIsoKitError = (e: unknown): e is IsoKitError => e instanceof IsoKitError;

export type Severity = 'info' | 'warning' | 'error';

/** A problem found in readable input. Reading goes on; `strict` turns findings into errors. */
export interface Finding {
  readonly severity: Severity;
  readonly code: FindingCode;
  readonly message: string;
  readonly byteOffset?: number;
  readonly structure?: string;
}

/** Collects findings; caps the count so a pathological image cannot make the list unbounded. */
export class Findings {
  readonly list: Finding[] = [];
  private dropped = 0;
  constructor(
    readonly strict = false,
    private readonly limit = 1000,
  ) {}

  add(f: Finding): void {
    if (this.strict && f.severity !== 'info') {
      throw new IsoKitError(ErrorCode.CORRUPT, `${f.message} (${f.code})`, {
        ...(f.byteOffset !== undefined ? { byteOffset: f.byteOffset } : {}),
        ...(f.structure !== undefined ? { structure: f.structure } : {}),
      });
    }
    if (this.list.length >= this.limit) {
      this.dropped++;
      return;
    }
    this.list.push(f);
  }
  warn(code: FindingCode, message: string, byteOffset?: number, structure?: string): void {
    this.add({ severity: 'warning', code, message, ...(byteOffset !== undefined ? { byteOffset } : {}), ...(structure ? { structure } : {}) });
  }
  error(code: FindingCode, message: string, byteOffset?: number, structure?: string): void {
    this.add({ severity: 'error', code, message, ...(byteOffset !== undefined ? { byteOffset } : {}), ...(structure ? { structure } : {}) });
  }
  info(code: FindingCode, message: string, byteOffset?: number, structure?: string): void {
    this.add({ severity: 'info', code, message, ...(byteOffset !== undefined ? { byteOffset } : {}), ...(structure ? { structure } : {}) });
  }
  get droppedCount(): number {
    return this.dropped;
  }
  toArray(): Finding[] {
    if (!this.dropped) return [...this.list];
    return [...this.list, { severity: 'info', code: 'FINDINGS_TRUNCATED' as FindingCode, message: `${this.dropped} more findings not listed` }];
  }
}

/** Wrap anything thrown by a parser into an IsoKitError (raw RangeError/TypeError never escape the reader). */
export function asIsoKitError(e: unknown, fallback: IsoKitErrorOptions & { message?: string } = {}): IsoKitError {
  if (e instanceof IsoKitError) return e;
  if (e instanceof Error && e.name === 'AbortError') return new IsoKitError(ErrorCode.ABORTED, 'aborted', { cause: e });
  const msg = e instanceof Error ? e.message : String(e);
  return new IsoKitError(ErrorCode.CORRUPT, fallback.message ? `${fallback.message}: ${msg}` : msg, { ...fallback, cause: e });
}
