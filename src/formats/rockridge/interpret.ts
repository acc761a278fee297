/**
 * Rock Ridge metadata of one directory record from its SUSP entries (RRIP 1.12 clause 4; 1.09/1.10
 * tolerated): `RockRidgeReader`, the one interpreter, fed by a SuspWalker over the record's areas.
 */
import { decodeName, concatBytes, type NameDecoder } from '../../bytes/index.js';
import { IsoKitError, type Findings, FindingCode } from '../../errors/index.js';
import { parseER, type ExtensionReference } from './er.js';
import { NmFlag } from './nm.js';
import { parsePN, type DeviceNumber } from './pn.js';
import { readPX } from './px.js';
import { parseLinkLba } from './relocation.js';
import { parseSL, SlComponentFlag, SlFlag, type RripSl } from './sl.js';
import { SuspWalker, parseSP, sigCode, type SuspEntry } from './susp.js';
import { TfFlag, readTF, type Date7Source } from './tf.js';
import { parseZF } from './zf.js';

export interface ZisofsInfo {
  readonly algorithm: string;
  readonly headerSizeLog4: number;
  readonly blockSizeLog2: number;
  readonly uncompressedSize: number;
  /** 1 = zisofs ("pz"), 2 = zisofs2 */
  readonly formatVersion?: number;
}

export interface RockRidgeInfo {
  name?: string;
  nameFlags?: 'current' | 'parent';
  mode?: number;
  nlink?: number;
  uid?: number;
  gid?: number;
  /** RRIP 1.12 PX file serial number */
  ino?: number;
  mtimeMs?: number;
  atimeMs?: number;
  ctimeMs?: number;
  birthtimeMs?: number;
  symlinkTarget?: string;
  device?: DeviceNumber;
  /** RE: this directory was relocated here (hide it; it is reached through the CL placeholder) */
  relocated?: boolean;
  /** CL: this placeholder file stands for the directory at this LBA */
  childLinkLba?: number;
  /** PL: (in a relocated directory's "..") the original parent directory's LBA */
  parentLinkLba?: number;
  zisofs?: ZisofsInfo;
  /** SP LEN_SKP (root "." record only) */
  lenSkp?: number;
  /** ER entries (root "." record only) */
  extensions?: ExtensionReference[];
  /** 36 (RRIP 1.09/1.10) or 44 (RRIP 1.12) when a PX entry was seen */
  pxLength?: number;
}

/** Interpret already-parsed entries (a record's areas in order): the one reader, over entry objects. */
export function interpretRockRidge(entries: readonly SuspEntry[], findings: Findings, byteOffset: number): RockRidgeInfo {
  const r = new RockRidgeReader();
  r.begin();
  const w = new SuspWalker();
  for (const e of entries) {
    // the entry rebuilt with its header, so that the walker reads it as it would inside an area
    // (an SL entry keeps the rest of its area after it: see SuspEntry.dataToAreaEnd)
    if (e.data.length > 251) continue;
    const rest = e.dataToAreaEnd ?? e.data;
    const one = new Uint8Array(4 + rest.length);
    one[0] = e.signature.charCodeAt(0);
    one[1] = e.signature.charCodeAt(1);
    one[2] = 4 + e.data.length;
    one[3] = e.version;
    one.set(rest, 4);
    if (w.reset(one, 0, one.length, e.byteOffset).next(findings)) r.add(w, one, findings);
  }
  return r.finish(findings, byteOffset) ?? {};
}

interface SlComp {
  root?: boolean;
  bytes: number[];
}

const PX = sigCode('PX'), PN = sigCode('PN'), NM = sigCode('NM'), SL = sigCode('SL'), TF = sigCode('TF'), RE = sigCode('RE');
const CL = sigCode('CL'), PL = sigCode('PL'), ZF = sigCode('ZF'), Z2 = sigCode('Z2'), ER = sigCode('ER'), SP = sigCode('SP'), SF = sigCode('SF');

export interface RockRidgeReaderOptions {
  /** decodes (and may intern) NM names */
  readonly nameDecoder?: NameDecoder;
  /** reads TF's 7-byte dates (e.g. with a one-slot cache: most records of an image share their dates) */
  readonly dates?: Date7Source;
  /**
   * listing mode: of the TF stamps only MODIFY is decoded (the others are checked for findings, not kept), and
   * the information `finish` gives is one object emptied by the next `begin` (fields unset are undefined)
   */
  readonly lean?: boolean;
}

/**
 * Turns the SUSP entries of one directory record (inline area, then its continuation areas, in order) into
 * Rock Ridge metadata (RRIP 1.12 clause 4; 1.09/1.10 tolerated): `begin()`, `add()` for each entry a
 * SuspWalker finds, `finish()`. The one Rock Ridge interpreter: the tree reader, the listing and
 * `interpretRockRidge` all go through it. Bad entries become findings; nothing throws except a strict
 * `Findings` (an IsoKitError).
 */
export class RockRidgeReader {
  private info: RockRidgeInfo = {};
  /** entries added to this record */
  private entries = 0;
  /** TF times of the current entry (reused) */
  private readonly tf: { creationMs?: number; modifyMs?: number; accessMs?: number; attributesMs?: number } = {};
  /** NM name bytes: one part is kept as a range of its buffer (the usual case), more are copied */
  private nameBuf: Uint8Array | undefined;
  private nameStart = 0;
  private nameEnd = 0;
  private nameParts: Uint8Array[] | undefined;
  private nameOpen = false;
  private nmSeen = false;
  private slComps: SlComp[] = [];
  private slCompOpen = false;
  private slOpen = false;
  private slSeen = false;
  private readonly keepTimes: number;

  constructor(private readonly opts: RockRidgeReaderOptions = {}) {
    this.keepTimes = opts.lean ? TfFlag.MODIFY : 0x7f;
    if (opts.lean) this.info = emptyInfo({});
  }

  /**
   * A reader holding this record's state so far (to be continued with its continuation areas later); this
   * reader starts afresh.
   */
  detach(): RockRidgeReader {
    const r = new RockRidgeReader(this.opts);
    r.info = this.info;
    if (this.opts.lean) this.info = emptyInfo({});
    r.entries = this.entries;
    r.nameBuf = this.nameBuf;
    r.nameStart = this.nameStart;
    r.nameEnd = this.nameEnd;
    r.nameParts = this.nameParts;
    r.nameOpen = this.nameOpen;
    r.nmSeen = this.nmSeen;
    r.slComps = this.slComps;
    r.slCompOpen = this.slCompOpen;
    r.slOpen = this.slOpen;
    r.slSeen = this.slSeen;
    this.slComps = [];
    this.slSeen = false;
    this.begin();
    return r;
  }

  begin(): void {
    // listing mode: one object of one shape, emptied for each record (its info is read before the next begins)
    if (this.opts.lean) emptyInfo(this.info);
    else this.info = {};
    this.entries = 0;
    this.nameBuf = undefined;
    this.nameParts = undefined;
    this.nameOpen = this.nmSeen = false;
    if (this.slSeen) this.slComps = [];
    this.slCompOpen = this.slOpen = this.slSeen = false;
  }

  /** Interpret the walker's current entry (`bytes` is the array the walker walks). */
  add(w: SuspWalker, bytes: Uint8Array, findings: Findings): void {
    this.entries++;
    try {
      this.entry(w, bytes, findings);
    } catch (err) {
      if (err instanceof IsoKitError) throw err;
      const name = String.fromCharCode(w.sig >> 8, w.sig & 0xff);
      findings.warn(FindingCode.RR_BAD_ENTRY, `cannot interpret ${name} entry: ${err instanceof Error ? err.message : String(err)}`, w.byteOffset, `RockRidge ${name}`);
    }
  }

  /**
   * The record's information; undefined when no entry was added. `nameAsBytes` (listing rows): a name of one
   * NM part is not decoded into `info.name`; `keptName` then says so, and `nameBytes` / `nameFrom` / `nameTo`
   * hold it (`decodeKeptName()` gives it as a string).
   */
  finish(findings: Findings, byteOffset: number, nameAsBytes = false): RockRidgeInfo | undefined {
    this.keptName = false;
    if (!this.entries) return undefined;
    const info = this.info;
    if (this.nmSeen) {
      if (nameAsBytes && !this.nameParts) this.keptName = true;
      else info.name = this.nameParts ? decodeName(concatBytes(this.nameParts)) : this.decodeKeptName();
      if (this.nameOpen) findings.warn(FindingCode.RR_NM_UNTERMINATED, 'last NM entry has the CONTINUE flag set', byteOffset, 'RockRidge NM');
    }
    if (this.slSeen) info.symlinkTarget = joinSl(this.slComps, findings, byteOffset);
    return info;
  }

  /** finish(…, true) kept the NM name as bytes: nameBytes[nameFrom, nameTo) */
  keptName = false;
  get nameBytes(): Uint8Array {
    return this.nameBuf as Uint8Array;
  }
  get nameFrom(): number {
    return this.nameStart;
  }
  get nameTo(): number {
    return this.nameEnd;
  }

  /** The name of one NM part, decoded. */
  decodeKeptName(): string {
    const b = this.nameBuf as Uint8Array;
    return this.opts.nameDecoder ? this.opts.nameDecoder.decode(b, this.nameStart, this.nameEnd) : decodeName(b.subarray(this.nameStart, this.nameEnd));
  }

  private entry(w: SuspWalker, b: Uint8Array, findings: Findings): void {
    const info = this.info;
    const p = w.dataStart, n = w.dataLength;
    switch (w.sig) {
      case PX: {
        if (readPX(b, p, n, w.byteOffset, findings, info)) info.pxLength = n >= 40 ? 44 : 36;
        return;
      }
      case TF: {
        const t = this.tf;
        t.creationMs = t.modifyMs = t.accessMs = t.attributesMs = undefined;
        if (!readTF(b, p, n, w.byteOffset, findings, t, this.keepTimes, this.opts.dates)) return;
        if (t.creationMs !== undefined) info.birthtimeMs = t.creationMs;
        if (t.modifyMs !== undefined) info.mtimeMs = t.modifyMs;
        if (t.accessMs !== undefined) info.atimeMs = t.accessMs;
        if (t.attributesMs !== undefined) info.ctimeMs = t.attributesMs;
        return;
      }
      case NM: return this.addName(b, p, n, w.byteOffset, findings);
      default: return this.rareEntry(w, findings);
    }
  }

  /** Entries few records carry: read through their entry objects. */
  private rareEntry(w: SuspWalker, findings: Findings): void {
    const info = this.info;
    switch (w.sig) {
      case PN: {
        const dev = parsePN(w.entry(), findings);
        if (dev) info.device = dev;
        return;
      }
      case SL: {
        const sl = parseSL(w.entry(), findings);
        if (sl) this.addSymlink(sl, w.byteOffset, findings);
        return;
      }
      case RE: info.relocated = true; return;
      case CL: case PL: {
        const lba = parseLinkLba(w.entry(), findings);
        if (lba !== undefined) info[w.sig === CL ? 'childLinkLba' : 'parentLinkLba'] = lba;
        return;
      }
      case ZF: case Z2: {
        const zf = parseZF(w.entry(), findings);
        if (zf) info.zisofs = zf;
        return;
      }
      case ER: {
        const er = parseER(w.entry(), findings);
        if (er) (info.extensions ??= []).push(er);
        return;
      }
      case SP: {
        const skip = parseSP(w.entry(), findings);
        if (skip !== undefined) info.lenSkp = skip;
        return;
      }
      case SF:
        findings.warn(FindingCode.RR_SPARSE_UNSUPPORTED, 'SF (sparse file) entry is not supported; the file is read as recorded', w.byteOffset, 'RockRidge SF');
        return;
      default:
        // RR (RRIP 1.09 flags), ES, AA/AL (AAIP), AS (Amiga) and unknown extensions are tolerated and ignored
        return;
    }
  }

  private addName(b: Uint8Array, p: number, n: number, at: number, findings: Findings): void {
    if (n < 1) {
      findings.warn(FindingCode.RR_BAD_NM, 'NM entry without flags byte', at, 'RockRidge NM');
      return;
    }
    if (this.nmSeen && !this.nameOpen) findings.warn(FindingCode.RR_NM_AFTER_END, 'NM entry after a complete name (appended)', at, 'RockRidge NM');
    const flags = b[p] as number;
    if (flags & NmFlag.CURRENT) this.info.nameFlags = 'current';
    else if (flags & NmFlag.PARENT) this.info.nameFlags = 'parent';
    if (!this.nmSeen) {
      this.nameBuf = b;
      this.nameStart = p + 1;
      this.nameEnd = p + n;
    } else {
      this.nameParts ??= [(this.nameBuf as Uint8Array).slice(this.nameStart, this.nameEnd)];
      this.nameParts.push(b.slice(p + 1, p + n));
    }
    this.nmSeen = true;
    this.nameOpen = (flags & NmFlag.CONTINUE) !== 0;
  }

  private addSymlink(sl: RripSl, at: number, findings: Findings): void {
    if (this.slSeen && !this.slOpen) findings.warn(FindingCode.RR_SL_AFTER_END, 'SL entry after a complete link target (appended)', at, 'RockRidge SL');
    this.slSeen = true;
    for (const c of sl.components) {
      const kind = c.flags & ~SlComponentFlag.CONTINUE;
      let bytes: number[];
      let root = false;
      if (kind === 0) bytes = [...c.content];
      else if (kind === SlComponentFlag.CURRENT) bytes = [0x2e];
      else if (kind === SlComponentFlag.PARENT) bytes = [0x2e, 0x2e];
      else if (kind === SlComponentFlag.ROOT) { bytes = []; root = true; }
      else {
        const what = kind === SlComponentFlag.VOLROOT ? 'VOLROOT' : kind === SlComponentFlag.HOST ? 'HOST' : `flags 0x${kind.toString(16)}`;
        findings.info(FindingCode.RR_SL_COMPONENT, `SL component ${what} read as the root "/"`, at, 'RockRidge SL');
        bytes = [];
        root = true;
      }
      const last = this.slComps[this.slComps.length - 1];
      if (this.slCompOpen && last && !root && !last.root) last.bytes.push(...bytes);
      else this.slComps.push(root ? { root, bytes } : { bytes });
      this.slCompOpen = (c.flags & SlComponentFlag.CONTINUE) !== 0;
    }
    this.slOpen = (sl.flags & SlFlag.CONTINUE) !== 0;
  }
}

/** Every field of `info` set to undefined (the same shape each time: no new object or property store per record). */
function emptyInfo(info: RockRidgeInfo): RockRidgeInfo {
  info.name = info.nameFlags = info.mode = info.nlink = info.uid = info.gid = info.ino = undefined;
  info.mtimeMs = info.atimeMs = info.ctimeMs = info.birthtimeMs = info.symlinkTarget = info.device = undefined;
  info.relocated = info.childLinkLba = info.parentLinkLba = info.zisofs = info.lenSkp = info.extensions = info.pxLength = undefined;
  return info;
}

function joinSl(comps: SlComp[], findings: Findings, byteOffset: number): string {
  const out: number[] = [];
  comps.forEach((c, i) => {
    if (c.root) {
      if (i === 0) out.push(0x2f);
      else findings.warn(FindingCode.RR_SL_ROOT_INSIDE, 'SL ROOT component after other components (ignored)', byteOffset, 'RockRidge SL');
      return;
    }
    if (out.length && out[out.length - 1] !== 0x2f) out.push(0x2f);
    out.push(...c.bytes);
  });
  return decodeName(Uint8Array.from(out));
}

