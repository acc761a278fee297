/**
 * The one walk over the directory records of a directory extent (ECMA-119 6.8.1, 9.1): records never cross a
 * sector (a length byte of 0, or a record that would cross, means "continue at the next sector"), the first
 * two records are "." and "..", and consecutive records of one file with the multi-extent flag (9.1.6 bit 7)
 * form one file (6.5.1). Fields are read straight from the extent buffer into one reused cursor; nothing is
 * allocated per record. Damage becomes findings with the record's byte offset, and the walk goes on.
 */
import { FindingCode, type Findings } from '../../errors/index.js';
import { DirFlag, SECTOR_SIZE } from '../../formats/iso9660/index.js';

/** Little-endian 32-bit (bitwise, so V8 keeps it an integer: a small one is stored without a heap number). */
const u32le = (b: Uint8Array, o: number): number =>
  ((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16) | ((b[o + 3] as number) << 24)) >>> 0;
const bothAgree32 = (b: Uint8Array, o: number): boolean => b[o] === b[o + 7] && b[o + 1] === b[o + 6] && b[o + 2] === b[o + 5] && b[o + 3] === b[o + 4];

/**
 * Decodes 7-byte dates (ECMA-119 9.1.5) with a one-slot cache: most records of an image share one date.
 * `valid` is false when the GMT offset is outside -48..+52 (treated as 0, as readDate7 does).
 */
export class Date7Cache {
  private hi = -1;
  private lo = -1;
  private dayKey = -1;
  private dayMs = 0;
  private readonly value: { ms: number | undefined; gmtOffset: number; offsetValid: boolean } = { ms: undefined, gmtOffset: 0, offsetValid: true };

  read(b: Uint8Array, o: number): { readonly ms: number | undefined; readonly gmtOffset: number; readonly offsetValid: boolean } {
    const y = b[o] as number, mo = b[o + 1] as number, d = b[o + 2] as number, h = b[o + 3] as number;
    const mi = b[o + 4] as number, s = b[o + 5] as number, offByte = b[o + 6] as number;
    const hi = ((y * 256 + mo) * 256 + d) * 256 + h;
    const lo = (mi * 256 + s) * 256 + offByte;
    if (hi === this.hi && lo === this.lo) return this.value;
    const off = offByte >= 128 ? offByte - 256 : offByte;
    let ms: number | undefined;
    let valid = true;
    if (hi !== 0 || mi !== 0 || s !== 0) {
      valid = off >= -48 && off <= 52;
      // Date.UTC(y, m, d, h, mi, s) is the day's time value plus a sum linear in h, mi and s (ECMA-262 MakeDate,
      // MakeTime; years 1900-2155 are far inside TimeClip): the day is worked out once for all its records
      const dayKey = (y * 256 + mo) * 256 + d;
      if (dayKey !== this.dayKey) {
        this.dayKey = dayKey;
        this.dayMs = Date.UTC(1900 + y, Math.max(mo, 1) - 1, Math.max(d, 1));
      }
      const v = this.dayMs + h * 3600000 + mi * 60000 + s * 1000 - (valid ? off * 15 * 60000 : 0);
      ms = Number.isFinite(v) ? v : undefined;
    }
    this.hi = hi;
    this.lo = lo;
    // one object, filled again (callers read it at once)
    const v = this.value;
    v.ms = ms;
    v.gmtOffset = off;
    v.offsetValid = valid;
    return v;
  }
}

/**
 * One directory extent's records, one file at a time (a multi-extent file is one step: its extents are
 * `extentLbas` / `extentLengths`). After `next()` returns true the public fields describe the file; "." and
 * ".." are consumed (the "." record's fields are kept in `self*`). `records` counts every record read, "." and
 * ".." included; reading stops (with a finding) when `budget.records` is used up.
 */
export class RecordCursor {
  /** offset of the (first) record in `bytes` and its byte offset in the image */
  at = 0;
  byteOffset = 0;
  recordLength = 0;
  lba = 0;
  dataLength = 0;
  recordedAtMs: number | undefined = undefined;
  /** flags of the final record of the file */
  flags = 0;
  idStart = 0;
  idLength = 0;
  /** offset and length of the System Use field (after the identifier and its padding byte) */
  suStart = 0;
  suLength = 0;
  /** the extents of a multi-extent file (undefined for the usual single extent: lba / dataLength) */
  extentLbas: number[] | undefined;
  extentLengths: number[] | undefined;
  /** total data length over the extents */
  size = 0;
  /** the "." record, when it came first */
  selfSeen = false;
  selfDataLength = 0;
  selfSuStart = 0;
  selfSuLength = 0;
  records = 0;

  private o = 0;
  private index = 0;
  private readonly dates = new Date7Cache();
  /** the next record's offset, read ahead while gathering a multi-extent file */
  private pending = -1;

  constructor(
    private readonly bytes: Uint8Array,
    /** where bytes[0] sits in the image */
    private readonly base: number,
    private readonly findings: Findings,
    private readonly budget: { records: number },
  ) {}

  /** The next file (true), or the end of the extent (false). */
  next(): boolean {
    for (;;) {
      const o = this.pending >= 0 ? this.pending : this.advance();
      this.pending = -1;
      if (o < 0) return false;
      if (!this.take(o)) continue;
      if ((this.flags & DirFlag.MULTI_EXTENT) && !(this.flags & DirFlag.DIRECTORY)) this.gather();
      return true;
    }
  }

  /** The offset of the next plausible record (a finding for each one skipped), or -1 at the end / out of budget. */
  private advance(): number {
    const b = this.bytes;
    while (this.o < b.length) {
      const o = this.o;
      const len = b[o] as number;
      const inSector = o % SECTOR_SIZE;
      if (len === 0 || inSector + len > SECTOR_SIZE) {
        if (len !== 0) this.findings.warn(FindingCode.DIR_RECORD_CROSSES_SECTOR, `directory record of ${len} bytes would cross a sector boundary (skipped)`, this.base + o, 'DirectoryRecord');
        this.o = o + SECTOR_SIZE - inSector;
        continue;
      }
      if (--this.budget.records < 0) {
        if (this.budget.records === -1) this.findings.error(FindingCode.TOO_MANY_RECORDS, 'too many directory records in this image; the rest are not listed', this.base + o, 'DirectoryRecord');
        this.o = b.length;
        return -1;
      }
      this.records++;
      const idLen = (b[o + 32] ?? 0) as number;
      if (len < 34 || o + len > b.length || 33 + idLen > len) {
        this.findings.error(FindingCode.DIR_RECORD_LENGTH, `record length ${len} (identifier length ${idLen}) is invalid`, this.base + o, 'DirectoryRecord');
        this.o = o + SECTOR_SIZE - inSector;
        continue;
      }
      this.o = o + len;
      return o;
    }
    return -1;
  }

  /** Read the record at `o` into the fields; false for "." and ".." (consumed) and misplaced ones (reported). */
  private take(o: number): boolean {
    const b = this.bytes;
    const at = this.base + o;
    const len = b[o] as number;
    const idLen = b[o + 32] as number;
    if (!bothAgree32(b, o + 2) || !bothAgree32(b, o + 10)) {
      this.findings.warn(FindingCode.BOTH_ENDIAN_MISMATCH, `both-endian halves of ${bothAgree32(b, o + 2) ? 'data length' : 'extent location'} disagree (using little-endian)`, at, 'DirectoryRecord');
    }
    const date = this.dates.read(b, o + 18);
    if (!date.offsetValid) this.findings.info(FindingCode.BAD_GMT_OFFSET, `GMT offset ${date.gmtOffset} out of range, treated as 0`, at + 24, 'DirectoryRecord');
    const suOff = Math.min(len, 33 + idLen + (idLen % 2 === 0 ? 1 : 0));
    const index = this.index++;
    if (idLen === 1 && (b[o + 33] as number) <= 1) {
      const id = b[o + 33] as number;
      if (index === 0 && id === 0) {
        this.selfSeen = true;
        this.selfDataLength = u32le(b, o + 10);
        this.selfSuStart = o + suOff;
        this.selfSuLength = len - suOff;
      } else if (index !== 1 || id !== 1) {
        this.findings.warn(FindingCode.DIR_RECORD_MISPLACED, `"${id === 0 ? '.' : '..'}" record out of place (ignored)`, at, 'DirectoryRecord');
      }
      return false;
    }
    this.at = o;
    this.byteOffset = at;
    this.recordLength = len;
    this.lba = u32le(b, o + 2);
    this.dataLength = u32le(b, o + 10);
    this.size = this.dataLength;
    this.recordedAtMs = date.ms;
    this.flags = b[o + 25] as number;
    this.idStart = o + 33;
    this.idLength = idLen;
    this.suStart = o + suOff;
    this.suLength = len - suOff;
    this.extentLbas = this.extentLengths = undefined;
    return true;
  }

  /** Records following a multi-extent one, with the same identifier, are more extents of the same file. */
  private gather(): void {
    const b = this.bytes;
    const lbas = [this.lba], lengths = [this.dataLength];
    const first = { at: this.at, byteOffset: this.byteOffset, recordLength: this.recordLength, recordedAtMs: this.recordedAtMs, idStart: this.idStart, idLength: this.idLength, suStart: this.suStart, suLength: this.suLength };
    const firstFlags = this.flags;
    let flags = firstFlags;
    for (;;) {
      if (this.dataLength % SECTOR_SIZE !== 0) {
        this.findings.warn(FindingCode.MULTI_EXTENT_PARTIAL, `non-final extent of ${this.dataLength} bytes is not a multiple of ${SECTOR_SIZE}`, this.byteOffset, 'DirectoryRecord');
      }
      const o = this.advance();
      if (o < 0) {
        this.findings.warn(FindingCode.MULTI_EXTENT_UNTERMINATED, 'directory ends inside a multi-extent file (kept the extents found)', this.base + b.length, 'DirectoryRecord');
        flags = firstFlags & ~DirFlag.MULTI_EXTENT;
        break;
      }
      const idLen = b[o + 32] as number;
      let same = idLen === first.idLength;
      for (let i = 0; same && i < idLen; i++) same = b[o + 33 + i] === b[first.idStart + i];
      if (!same) {
        // the record is read again as the next file
        this.findings.warn(FindingCode.MULTI_EXTENT_BROKEN, 'multi-extent file not continued by a record of the same name (kept what was found)', this.base + o, 'DirectoryRecord');
        this.pending = o;
        flags = firstFlags & ~DirFlag.MULTI_EXTENT;
        break;
      }
      this.take(o); // the same identifier as a file: never a "." or ".." record
      lbas.push(this.lba);
      lengths.push(this.dataLength);
      flags = this.flags;
      if (!(flags & DirFlag.MULTI_EXTENT)) break;
    }
    Object.assign(this, first);
    this.flags = flags;
    this.lba = lbas[0] as number;
    this.dataLength = lengths[0] as number;
    this.extentLbas = lbas;
    this.extentLengths = lengths;
    let size = 0;
    for (const n of lengths) size += n;
    this.size = size;
  }
}
