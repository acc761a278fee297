/**
 * Fast path for reading a directory extent (ECMA-119 9.1 records with SUSP / RRIP 1.12 entries): fields are
 * read straight from the extent buffer into one reused cursor, without per-record objects.
 *
 * It only accepts what the generic path (`parseDirectoryExtent` + `readRockRidgeBatch` + `interpretRockRidge`)
 * would read without a single finding, and reads it the same way: the common SUSP entries PX, TF (short form)
 * and one plain NM are interpreted here; a record carrying any other interpreted entry (SL, PN, ZF, RE, CL,
 * PL, ER, SP, SF, multi-part or flagged NM) is marked `generic` for the caller to interpret with the
 * generic code. Anything unusual (CE continuation, multi-extent files, misplaced "." / "..", bad lengths,
 * both-endian mismatches, out-of-range GMT offsets) makes `next()` return BAIL: the caller then reads the
 * whole directory with the generic path, which reports it.
 */
import { SECTOR_SIZE } from '../formats/iso9660/index.js';

/** `DirectoryCursor.next()` results. */
export const Step = { RECORD: 0, END: 1, BAIL: 2 } as const;
export type Step = (typeof Step)[keyof typeof Step];

const DIR_FLAG_MULTI_EXTENT = 128;
/** TF flags in time-stamp order (RRIP 4.1.6); bits above ATTRIBUTES are parsed but not kept. */
const TF_LONG_FORM = 128;

/** Whether the fast path is used (tests switch it off to compare with the generic path), and how often it was. */
export const fastPathSettings = { enabled: true, directories: 0, declined: 0 };

/** One-slot cache of a decoded 7-byte date (most records of an image share one date). */
class Date7Cache {
  private hi = -1;
  private lo = -1;
  private ms: number | undefined = undefined;
  /** ms of the 7-byte date at b[o] (ECMA-119 9.1.5), or BAD when its GMT offset would be reported. */
  read(b: Uint8Array, o: number): number | undefined | typeof BAD_DATE {
    const y = b[o] as number, mo = b[o + 1] as number, d = b[o + 2] as number, h = b[o + 3] as number;
    const mi = b[o + 4] as number, s = b[o + 5] as number, offByte = b[o + 6] as number;
    const hi = ((y * 256 + mo) * 256 + d) * 256 + h;
    const lo = (mi * 256 + s) * 256 + offByte;
    if (hi === this.hi && lo === this.lo) return this.ms;
    let ms: number | undefined;
    if (hi === 0 && mi === 0 && s === 0) ms = undefined;
    else {
      const off = offByte >= 128 ? offByte - 256 : offByte;
      if (off < -48 || off > 52) return BAD_DATE;
      const v = Date.UTC(1900 + y, Math.max(mo, 1) - 1, Math.max(d, 1), h, mi, s) - off * 15 * 60000;
      ms = Number.isFinite(v) ? v : undefined;
    }
    this.hi = hi;
    this.lo = lo;
    this.ms = ms;
    return ms;
  }
}
const BAD_DATE = -0.5;

const u32le = (b: Uint8Array, o: number): number =>
  (b[o] as number) + (b[o + 1] as number) * 0x100 + (b[o + 2] as number) * 0x10000 + (b[o + 3] as number) * 0x1000000;
const u32be = (b: Uint8Array, o: number): number =>
  (b[o] as number) * 0x1000000 + (b[o + 1] as number) * 0x10000 + (b[o + 2] as number) * 0x100 + (b[o + 3] as number);

/**
 * Walks the records of one directory extent. After `next()` returns RECORD the public fields describe the
 * record (the "." and ".." records are consumed silently). `records` counts every record seen, "." and ".."
 * included (the tree's record budget).
 */
export class DirectoryCursor {
  /** offset of the current record in `bytes` */
  at = 0;
  lba = 0;
  dataLength = 0;
  recordedAtMs: number | undefined = undefined;
  flags = 0;
  idStart = 0;
  idLength = 0;
  /** offset and length of the System Use field (after the identifier and its padding byte) */
  suStart = 0;
  suLength = 0;
  /** the record carries SUSP entries (Rock Ridge information exists) */
  hasRr = false;
  /** the record carries entries only the generic Rock Ridge code interprets */
  generic = false;
  /** PX seen: mode, nlink, uid, gid (and ino with the 44-byte RRIP 1.12 form) */
  hasPx = false;
  mode = 0;
  nlink = 0;
  uid = 0;
  gid = 0;
  ino: number | undefined = undefined;
  mtimeMs: number | undefined = undefined;
  atimeMs: number | undefined = undefined;
  ctimeMs: number | undefined = undefined;
  birthtimeMs: number | undefined = undefined;
  /** NM name bytes (nameStart < 0: no NM) */
  nameStart = -1;
  nameLength = 0;
  records = 0;

  private o = 0;
  private index = 0;
  private readonly recordDate = new Date7Cache();
  private readonly tfDates = [new Date7Cache(), new Date7Cache(), new Date7Cache(), new Date7Cache()];

  constructor(
    private readonly bytes: Uint8Array,
    /** parse SUSP entries (Rock Ridge tree) */
    private readonly rr: boolean,
    /** SP LEN_SKP */
    private readonly skip: number,
    /**
     * Listing mode: only what `ls -l` shows is decoded. TF dates other than modify are checked (as the
     * generic path would report them) but not kept, and `recordedAtMs` is decoded only when no TF modify
     * time was found (listings show `mtimeMs ?? recordedAtMs`).
     */
    private readonly lean = false,
  ) {}

  /** Go to the record at `offset` (after "." and ".."): the next `next()` reads it. */
  seek(offset: number): void {
    this.o = offset;
    this.index = 2;
  }

  next(): Step {
    const b = this.bytes;
    const n = b.length;
    while (this.o < n) {
      const o = this.o;
      const len = b[o] as number;
      const inSector = o % SECTOR_SIZE;
      if (len === 0) {
        this.o = o + SECTOR_SIZE - inSector;
        continue;
      }
      if (inSector + len > SECTOR_SIZE) return Step.BAIL;
      this.records++;
      const idLen = (b[o + 32] ?? 0) as number;
      if (len < 34 || o + len > n || 33 + idLen > len) return Step.BAIL;
      this.o = o + len;
      if (u32le(b, o + 2) !== u32be(b, o + 6) || u32le(b, o + 10) !== u32be(b, o + 14)) return Step.BAIL;
      const date = this.lean ? (badDate(b, o + 18) ? BAD_DATE : undefined) : this.recordDate.read(b, o + 18);
      if (date === BAD_DATE) return Step.BAIL;
      const flags = b[o + 25] as number;
      if (idLen === 1 && (b[o + 33] as number) <= 1) {
        // "." must come first and ".." second (6.8.2.2); anything else is reported by the generic path
        if ((b[o + 33] as number) !== this.index || this.index > 1) return Step.BAIL;
        this.index++;
        continue;
      }
      this.index++;
      if (flags & DIR_FLAG_MULTI_EXTENT) return Step.BAIL;
      this.at = o;
      this.lba = u32le(b, o + 2);
      this.dataLength = u32le(b, o + 10);
      this.recordedAtMs = date;
      this.flags = flags;
      this.idStart = o + 33;
      this.idLength = idLen;
      const suOff = Math.min(len, 33 + idLen + (idLen % 2 === 0 ? 1 : 0));
      this.suStart = o + suOff;
      this.suLength = len - suOff;
      this.resetRr();
      if (this.rr && this.suLength > this.skip && !this.readSusp(this.suStart + this.skip, o + len)) return Step.BAIL;
      if (this.lean && this.mtimeMs === undefined) this.recordedAtMs = this.recordDate.read(b, o + 18) as number | undefined;
      return Step.RECORD;
    }
    return Step.END;
  }

  private resetRr(): void {
    this.hasRr = false;
    this.generic = false;
    this.hasPx = false;
    this.ino = undefined;
    this.mtimeMs = undefined;
    this.atimeMs = undefined;
    this.ctimeMs = undefined;
    this.birthtimeMs = undefined;
    this.nameStart = -1;
    this.nameLength = 0;
  }

  /** Walk the SUSP entries of [pos, end) like `parseSuspArea`; false = bail out. */
  private readSusp(pos: number, end: number): boolean {
    const b = this.bytes;
    while (end - pos >= 4) {
      const s1 = b[pos] as number, s2 = b[pos + 1] as number, len = b[pos + 2] as number;
      if (len === 0 && s1 === 0 && s2 === 0) break;
      if (len < 4 || pos + len > end) return false;
      const data = pos + 4;
      pos += len;
      if (s1 === 0x53 && s2 === 0x54) break; // ST
      if (s1 === 0x50 && s2 === 0x44) continue; // PD
      if (s1 === 0x43 && s2 === 0x45) return false; // CE: continuation areas are read by the generic path
      this.hasRr = true;
      if (this.generic) continue;
      const dataLength = len - 4;
      if (s1 === 0x50 && s2 === 0x58) { // PX
        if (!this.readPx(data, dataLength)) return false;
      } else if (s1 === 0x54 && s2 === 0x46) { // TF
        if (!this.readTf(data, dataLength)) return false;
      } else if (s1 === 0x4e && s2 === 0x4d) { // NM
        if (dataLength < 1) return false;
        if (this.nameStart >= 0 || b[data] !== 0) this.generic = true;
        else {
          this.nameStart = data + 1;
          this.nameLength = dataLength - 1;
        }
      } else if (interpretedElsewhere(s1, s2)) {
        this.generic = true;
      }
      // other signatures (RR, AA, AL, AS, ES, unknown) are ignored by the generic path too
    }
    return true;
  }

  /** RRIP 4.1.1 PX: 32 or 40 data bytes, both-endian fields that agree. */
  private readPx(p: number, dataLength: number): boolean {
    const b = this.bytes;
    if (dataLength !== 32 && dataLength !== 40) return false;
    for (let f = 0; f < dataLength; f += 8) if (u32le(b, p + f) !== u32be(b, p + f + 4)) return false;
    this.hasPx = true;
    this.mode = u32le(b, p);
    this.nlink = u32le(b, p + 8);
    this.uid = u32le(b, p + 16);
    this.gid = u32le(b, p + 24);
    this.ino = dataLength === 40 ? u32le(b, p + 32) : undefined;
    return true;
  }

  /** RRIP 4.1.6 TF in the 7-byte form; the 17-byte form goes to the generic path. */
  private readTf(p: number, dataLength: number): boolean {
    const b = this.bytes;
    if (dataLength < 1) return false;
    const flags = b[p] as number;
    if (flags >= TF_LONG_FORM) {
      this.generic = true;
      return true;
    }
    let q = 1;
    for (let bit = 0; bit < 7; bit++) {
      if ((flags & (1 << bit)) === 0) continue;
      if (q + 7 > dataLength) return false;
      const ms = this.lean && bit !== 1 ? (badDate(b, p + q) ? BAD_DATE : undefined) : bit < 4 ? (this.tfDates[bit] as Date7Cache).read(b, p + q) : checkDate(b, p + q);
      if (ms === BAD_DATE) return false;
      if (ms !== undefined) {
        if (bit === 0) this.birthtimeMs = ms;
        else if (bit === 1) this.mtimeMs = ms;
        else if (bit === 2) this.atimeMs = ms;
        else if (bit === 3) this.ctimeMs = ms;
      }
      q += 7;
    }
    return true;
  }
}

/** Whether the 7-byte date at b[o] would be reported (a GMT offset out of range on a date that is set); see Date7Cache. */
function badDate(b: Uint8Array, o: number): boolean {
  if ((b[o] as number) === 0 && (b[o + 1] as number) === 0 && (b[o + 2] as number) === 0 && (b[o + 3] as number) === 0 && (b[o + 4] as number) === 0 && (b[o + 5] as number) === 0) return false;
  const offByte = b[o + 6] as number;
  const off = offByte >= 128 ? offByte - 256 : offByte;
  return off < -48 || off > 52;
}

const scratchDate = new Date7Cache();
/** A time stamp that is parsed (and could be reported) but not kept: BACKUP, EXPIRATION, EFFECTIVE. */
const checkDate = (b: Uint8Array, o: number): number | undefined => scratchDate.read(b, o);

/** Entries `interpretRockRidge` does something with, besides PX, TF and NM. */
function interpretedElsewhere(s1: number, s2: number): boolean {
  const sig = s1 * 256 + s2;
  switch (sig) {
    case 0x534c: // SL
    case 0x504e: // PN
    case 0x5245: // RE
    case 0x434c: // CL
    case 0x504c: // PL
    case 0x5a46: // ZF
    case 0x5a32: // Z2
    case 0x4552: // ER
    case 0x5350: // SP
    case 0x5346: // SF
      return true;
    default:
      return false;
  }
}
