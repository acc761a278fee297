/**
 * Turn the SUSP entries of one directory record (inline area plus its continuation areas, in order) into
 * Rock Ridge metadata (RRIP 1.12 clause 4; 1.09/1.10 tolerated). Bad entries become findings; nothing throws
 * except a strict `Findings` (an IsoKitError).
 */
import { decodeName, concatBytes } from '../../bytes/index.js';
import { IsoKitError, type Findings, FindingCode } from '../../errors/index.js';
import { parseER, type ExtensionReference } from './er.js';
import { NmFlag, parseNM } from './nm.js';
import { parsePN, type DeviceNumber } from './pn.js';
import { parsePX } from './px.js';
import { parseLinkLba } from './relocation.js';
import { parseSL, SlComponentFlag, SlFlag, type RripSl } from './sl.js';
import { parseSP, type SuspEntry } from './susp.js';
import { parseTF } from './tf.js';
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
  /** every distinct entry signature seen, in order (the reader uses it to detect Rock Ridge) */
  signatures?: string[];
}

interface SlComp {
  root?: boolean;
  bytes: number[];
}
interface State {
  info: RockRidgeInfo;
  nameParts: Uint8Array[];
  nameOpen: boolean;
  nmSeen: boolean;
  slComps: SlComp[];
  slCompOpen: boolean;
  slOpen: boolean;
  slSeen: boolean;
}

export function interpretRockRidge(entries: readonly SuspEntry[], findings: Findings, byteOffset: number): RockRidgeInfo {
  const st: State = { info: {}, nameParts: [], nameOpen: false, nmSeen: false, slComps: [], slCompOpen: false, slOpen: false, slSeen: false };
  const sigs: string[] = [];
  for (const e of entries) {
    if (!sigs.includes(e.signature)) sigs.push(e.signature);
    try {
      interpretEntry(st, e, findings);
    } catch (err) {
      if (err instanceof IsoKitError) throw err;
      findings.warn(FindingCode.RR_BAD_ENTRY, `cannot interpret ${e.signature} entry: ${err instanceof Error ? err.message : String(err)}`, e.byteOffset, `RockRidge ${e.signature}`);
    }
  }
  if (st.nmSeen) {
    st.info.name = decodeName(concat(st.nameParts));
    if (st.nameOpen) findings.warn(FindingCode.RR_NM_UNTERMINATED, 'last NM entry has the CONTINUE flag set', byteOffset, 'RockRidge NM');
  }
  if (st.slSeen) st.info.symlinkTarget = joinSl(st.slComps, findings, byteOffset);
  if (sigs.length) st.info.signatures = sigs;
  return st.info;
}

function interpretEntry(st: State, e: SuspEntry, findings: Findings): void {
  const info = st.info;
  switch (e.signature) {
    case 'PX': {
      const px = parsePX(e, findings);
      if (!px) return;
      info.mode = px.mode;
      info.nlink = px.nlink;
      info.uid = px.uid;
      info.gid = px.gid;
      if (px.ino !== undefined) info.ino = px.ino;
      info.pxLength = e.data.length >= 40 ? 44 : 36;
      return;
    }
    case 'PN': {
      const dev = parsePN(e, findings);
      if (dev) info.device = dev;
      return;
    }
    case 'NM': return addName(st, e, findings);
    case 'SL': {
      const sl = parseSL(e, findings);
      if (sl) addSymlink(st, sl, e, findings);
      return;
    }
    case 'TF': {
      const tf = parseTF(e, findings);
      if (!tf) return;
      if (tf.creationMs !== undefined) info.birthtimeMs = tf.creationMs;
      if (tf.modifyMs !== undefined) info.mtimeMs = tf.modifyMs;
      if (tf.accessMs !== undefined) info.atimeMs = tf.accessMs;
      if (tf.attributesMs !== undefined) info.ctimeMs = tf.attributesMs;
      return;
    }
    case 'RE': info.relocated = true; return;
    case 'CL': case 'PL': {
      const lba = parseLinkLba(e, findings);
      if (lba !== undefined) info[e.signature === 'CL' ? 'childLinkLba' : 'parentLinkLba'] = lba;
      return;
    }
    case 'ZF': case 'Z2': {
      const zf = parseZF(e, findings);
      if (zf) info.zisofs = zf;
      return;
    }
    case 'ER': {
      const er = parseER(e, findings);
      if (er) (info.extensions ??= []).push(er);
      return;
    }
    case 'SP': {
      const skip = parseSP(e, findings);
      if (skip !== undefined) info.lenSkp = skip;
      return;
    }
    case 'SF':
      findings.warn(FindingCode.RR_SPARSE_UNSUPPORTED, 'SF (sparse file) entry is not supported; the file is read as recorded', e.byteOffset, 'RockRidge SF');
      return;
    default:
      // RR (RRIP 1.09 flags), ES, AA/AL (AAIP), AS (Amiga) and unknown extensions are tolerated and ignored
      return;
  }
}

function addName(st: State, e: SuspEntry, findings: Findings): void {
  const nm = parseNM(e, findings);
  if (!nm) return;
  if (st.nmSeen && !st.nameOpen) {
    findings.warn(FindingCode.RR_NM_AFTER_END, 'NM entry after a complete name (appended)', e.byteOffset, 'RockRidge NM');
  }
  st.nmSeen = true;
  if (nm.flags & NmFlag.CURRENT) st.info.nameFlags = 'current';
  else if (nm.flags & NmFlag.PARENT) st.info.nameFlags = 'parent';
  st.nameParts.push(nm.nameBytes);
  st.nameOpen = (nm.flags & NmFlag.CONTINUE) !== 0;
}

function addSymlink(st: State, sl: RripSl, e: SuspEntry, findings: Findings): void {
  if (st.slSeen && !st.slOpen) findings.warn(FindingCode.RR_SL_AFTER_END, 'SL entry after a complete link target (appended)', e.byteOffset, 'RockRidge SL');
  st.slSeen = true;
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
      findings.info(FindingCode.RR_SL_COMPONENT, `SL component ${what} read as the root "/"`, e.byteOffset, 'RockRidge SL');
      bytes = [];
      root = true;
    }
    const last = st.slComps[st.slComps.length - 1];
    if (st.slCompOpen && last && !root && !last.root) last.bytes.push(...bytes);
    else st.slComps.push(root ? { root, bytes } : { bytes });
    st.slCompOpen = (c.flags & SlComponentFlag.CONTINUE) !== 0;
  }
  st.slOpen = (sl.flags & SlFlag.CONTINUE) !== 0;
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

function concat(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? (parts[0] as Uint8Array) : concatBytes(parts);
}
