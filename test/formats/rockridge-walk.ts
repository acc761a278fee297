/**
 * Test-only: a minimal, independent ISO 9660 directory walker over an image held in memory, used to cut the
 * System Use areas out of real images (it does not depend on the reader). Follows CE chains with
 * readSuspChain, hides RE'd directories and follows CL like a Rock Ridge reader.
 */
import { Findings } from '../../src/errors/index.js';
import { interpretRockRidge, readSuspChain, type RockRidgeInfo, type SuspEntry } from '../../src/formats/rockridge/index.js';

const SECTOR = 2048;
const u32 = (b: Uint8Array, o: number) => (b[o] ?? 0) + (b[o + 1] ?? 0) * 0x100 + (b[o + 2] ?? 0) * 0x10000 + (b[o + 3] ?? 0) * 0x1000000;

export interface WalkedRecord {
  path: string;
  isoName: string;
  isDir: boolean;
  lba: number;
  dataLength: number;
  byteOffset: number;
  /** the System Use area as stored in the record (without LEN_SKP handling) */
  systemUse: Uint8Array;
  entries: SuspEntry[];
  info: RockRidgeInfo;
}

interface RawRecord {
  id: Uint8Array;
  flags: number;
  lba: number;
  dataLength: number;
  byteOffset: number;
  systemUse: Uint8Array;
}

function recordsOf(img: Uint8Array, lba: number, dataLength: number): RawRecord[] {
  const out: RawRecord[] = [];
  const start = lba * SECTOR;
  for (let o = 0; o < dataLength;) {
    const at = start + o;
    const len = img[at] ?? 0;
    if (len === 0) {
      o = (Math.floor(o / SECTOR) + 1) * SECTOR;
      continue;
    }
    const idLen = img[at + 32] ?? 0;
    const suStart = 33 + idLen + (idLen % 2 === 0 ? 1 : 0);
    out.push({
      id: img.subarray(at + 33, at + 33 + idLen),
      flags: img[at + 25] ?? 0,
      lba: u32(img, at + 2),
      dataLength: u32(img, at + 10),
      byteOffset: at,
      systemUse: img.subarray(at + Math.min(suStart, len), at + len),
    });
    o += len;
  }
  return out;
}

export interface WalkResult {
  records: WalkedRecord[];
  root: WalkedRecord;
  /** ".." records, by the directory they sit in */
  dotdot: Map<string, WalkedRecord>;
  /** records carrying RE (hidden: reached through their CL placeholder) */
  relocated: WalkedRecord[];
  findings: Findings;
}

export async function walkRockRidge(img: Uint8Array): Promise<WalkResult> {
  const findings = new Findings();
  const pvd = 16 * SECTOR;
  if (img[pvd] !== 1) throw new Error('no PVD at sector 16');
  const rootLba = u32(img, pvd + 156 + 2), rootLen = u32(img, pvd + 156 + 10);
  const readArea = async (c: { lba: number; offsetInBlock: number; byteLength: number }) => {
    const at = c.lba * SECTOR + c.offsetInBlock;
    return img.subarray(at, Math.min(img.length, at + c.byteLength));
  };
  const load = async (r: RawRecord, skip: number, path: string): Promise<WalkedRecord> => {
    const entries = await readSuspChain(r.systemUse, r.systemUse.byteOffset - img.byteOffset, findings, readArea, { skipBytes: skip });
    const info = interpretRockRidge(entries, findings, r.byteOffset);
    const isoName = r.id.length === 1 && (r.id[0] ?? 0) < 2 ? (r.id[0] === 0 ? '.' : '..') : new TextDecoder('latin1').decode(r.id);
    return { path, isoName, isDir: (r.flags & 2) !== 0, lba: r.lba, dataLength: r.dataLength, byteOffset: r.byteOffset, systemUse: r.systemUse, entries, info };
  };
  const rootRecs = recordsOf(img, rootLba, rootLen);
  const root = await load(rootRecs[0] as RawRecord, 0, '/');
  const skip = root.info.lenSkp ?? 0;
  const records: WalkedRecord[] = [];
  const dotdot = new Map<string, WalkedRecord>();
  const relocated: WalkedRecord[] = [];
  const visited = new Set<number>();
  const walkDir = async (lba: number, len: number, path: string): Promise<void> => {
    if (visited.has(lba)) return;
    visited.add(lba);
    for (const r of recordsOf(img, lba, len)) {
      const isDot = r.id.length === 1 && (r.id[0] ?? 0) < 2;
      if (isDot) {
        if (r.id[0] === 1) dotdot.set(path, await load(r, skip, path + '/..'));
        continue;
      }
      const w = await load(r, skip, '');
      const name = w.info.name ?? w.isoName.replace(/;1$/, '');
      w.path = (path === '/' ? '' : path) + '/' + name;
      if (w.info.relocated) {
        relocated.push(w); // reached through its CL placeholder
        continue;
      }
      if (w.info.childLinkLba !== undefined) {
        const target = recordsOf(img, w.info.childLinkLba, SECTOR)[0] as RawRecord;
        w.isDir = true;
        w.lba = target.lba;
        w.dataLength = target.dataLength;
      }
      records.push(w);
      if (w.isDir) await walkDir(w.lba, w.dataLength, w.path);
    }
  };
  await walkDir(rootLba, rootLen, '/');
  return { records, root, dotdot, relocated, findings };
}

/** `ls -l` style permission string for a st_mode. */
export function modeString(mode: number): string {
  const type = ({ 0o040000: 'd', 0o120000: 'l', 0o020000: 'c', 0o060000: 'b', 0o010000: 'p', 0o140000: 's' } as Record<number, string>)[mode & 0o170000] ?? '-';
  let s = type;
  const rwx = 'rwxrwxrwx';
  for (let i = 0; i < 9; i++) s += mode & (1 << (8 - i)) ? rwx[i] : '-';
  const special = (pos: number, bit: number, ch: string) => {
    if (!(mode & bit)) return;
    const x = s[pos] === 'x';
    s = s.slice(0, pos) + (x ? ch : ch.toUpperCase()) + s.slice(pos + 1);
  };
  special(3, 0o4000, 's');
  special(6, 0o2000, 's');
  special(9, 0o1000, 't');
  return s;
}

export interface LsdlLine {
  perms: string;
  uid: number;
  gid: number;
  size: string;
  path: string;
  target?: string;
}

/** Parse `xorriso -find / -exec lsdl` output lines. */
export function parseLsdl(text: string): LsdlLine[] {
  const out: LsdlLine[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S{10})\s+\d+\s+(\d+)\s+(\d+)\s+(\S+)\s+\w{3}\s+\d+\s+[\d:]+\s+'(.*?)'(?: -> '(.*)')?$/.exec(line);
    if (!m) continue;
    out.push({ perms: m[1] as string, uid: Number(m[2]), gid: Number(m[3]), size: m[4] as string, path: m[5] as string, ...(m[6] !== undefined ? { target: m[6] } : {}) });
  }
  return out;
}
