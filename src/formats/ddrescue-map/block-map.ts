/**
 * The data-block list of a ddrescue mapfile as a mutable run list: a rescue marks byte ranges as read
 * (`+`), failed (`*`, `/`, `-`) or not tried (`?`) while it goes, and saves the list as a mapfile. Runs
 * stay contiguous, non-overlapping and merged (neighbours never share a status), as §7 requires.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import type { DdrescueBlock, DdrescueBlockStatus } from './mapfile.js';

type Counts = Record<DdrescueBlockStatus, number>;

export class DdrescueBlockMap {
  private runs: DdrescueBlock[];
  private readonly counts: Counts = { '?': 0, '*': 0, '/': 0, '-': 0, '+': 0 };
  readonly byteOffset: number;
  readonly byteLength: number;

  /** A map over `blocks` (contiguous, as parseDdrescueMap returns them). */
  constructor(blocks: readonly DdrescueBlock[]) {
    if (!blocks.length) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'a block map needs at least one block');
    this.byteOffset = (blocks[0] as DdrescueBlock).byteOffset;
    let at = this.byteOffset;
    for (const b of blocks) {
      if (b.byteOffset !== at) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `blocks are not contiguous at byte ${b.byteOffset}`);
      at += b.byteLength;
    }
    this.byteLength = at - this.byteOffset;
    this.runs = [];
    for (const b of blocks) this.push(b);
  }

  /** A map of `byteLength` non-tried bytes from `byteOffset`. */
  static fresh(byteLength: number, byteOffset = 0): DdrescueBlockMap {
    return new DdrescueBlockMap([{ byteOffset, byteLength, status: '?' }]);
  }

  get end(): number {
    return this.byteOffset + this.byteLength;
  }

  private push(b: DdrescueBlock): void {
    if (b.byteLength === 0) return;
    this.counts[b.status] += b.byteLength;
    const last = this.runs[this.runs.length - 1];
    if (last && last.status === b.status) this.runs[this.runs.length - 1] = { ...last, byteLength: last.byteLength + b.byteLength };
    else this.runs.push(b);
  }

  /** Index of the run holding byte `pos` (binary search). */
  private indexAt(pos: number): number {
    let lo = 0;
    let hi = this.runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.runs[mid] as DdrescueBlock).byteOffset <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Mark [byteOffset, byteOffset + byteLength) with `status` (clipped to the map). */
  set(byteOffset: number, byteLength: number, status: DdrescueBlockStatus): void {
    const start = Math.max(byteOffset, this.byteOffset);
    const end = Math.min(byteOffset + byteLength, this.end);
    if (end <= start) return;
    const first = this.indexAt(start);
    const last = this.indexAt(end - 1);
    const a = this.runs[first] as DdrescueBlock;
    const z = this.runs[last] as DdrescueBlock;
    const replaced = this.runs.slice(first, last + 1);
    for (const r of replaced) this.counts[r.status] -= r.byteLength;
    const pieces: DdrescueBlock[] = [];
    if (a.byteOffset < start) pieces.push({ byteOffset: a.byteOffset, byteLength: start - a.byteOffset, status: a.status });
    pieces.push({ byteOffset: start, byteLength: end - start, status });
    const zEnd = z.byteOffset + z.byteLength;
    if (zEnd > end) pieces.push({ byteOffset: end, byteLength: zEnd - end, status: z.status });
    // merge with the neighbours outside the replaced span
    let from = first;
    let to = last + 1;
    const before = this.runs[first - 1];
    if (before && before.status === (pieces[0] as DdrescueBlock).status) {
      from--;
      this.counts[before.status] -= before.byteLength;
      pieces.unshift(before);
    }
    const after = this.runs[last + 1];
    if (after && after.status === (pieces[pieces.length - 1] as DdrescueBlock).status) {
      to++;
      this.counts[after.status] -= after.byteLength;
      pieces.push(after);
    }
    const merged: DdrescueBlock[] = [];
    for (const p of pieces) {
      this.counts[p.status] += p.byteLength;
      const m = merged[merged.length - 1];
      if (m && m.status === p.status) merged[merged.length - 1] = { ...m, byteLength: m.byteLength + p.byteLength };
      else merged.push(p);
    }
    this.runs.splice(from, to - from, ...merged);
  }

  /** The status of byte `pos`. */
  statusAt(pos: number): DdrescueBlockStatus {
    if (pos < this.byteOffset || pos >= this.end) throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, `byte ${pos} is outside the map`);
    return (this.runs[this.indexAt(pos)] as DdrescueBlock).status;
  }

  /** Bytes per status. */
  byteCount(status: DdrescueBlockStatus): number {
    return this.counts[status];
  }

  /** The runs (merged, in order). */
  blocks(): readonly DdrescueBlock[] {
    return this.runs;
  }

  /** Runs with one of `statuses`, in order. */
  ranges(...statuses: DdrescueBlockStatus[]): DdrescueBlock[] {
    return this.runs.filter((r) => statuses.includes(r.status));
  }

  /** The first run at or after byte `from` with one of `statuses` (clipped to start at `from`). */
  next(from: number, ...statuses: DdrescueBlockStatus[]): DdrescueBlock | undefined {
    if (from >= this.end) return undefined;
    for (let i = this.indexAt(Math.max(from, this.byteOffset)); i < this.runs.length; i++) {
      const r = this.runs[i] as DdrescueBlock;
      if (!statuses.includes(r.status)) continue;
      if (r.byteOffset >= from) return r;
      return { byteOffset: from, byteLength: r.byteOffset + r.byteLength - from, status: r.status };
    }
    return undefined;
  }
}
