/**
 * Checksum files as distributions publish them:
 * - GNU coreutils (`sha256sum`): `HEX  NAME` (text mode) or `HEX *NAME` (binary mode); a leading `\` marks
 *   a name with `\\` / `\n` escapes. A file holding only `HEX` (common for `IMAGE.sha256`) names no file.
 * - BSD / `--tag` / Fedora `*-CHECKSUM`: `SHA256 (NAME) = HEX`.
 * - Gentoo `*.DIGESTS`: GNU lines under `# SHA512 HASH` / `# BLAKE2B HASH` headers (the header names the algorithm).
 * - Any of these wrapped in an OpenPGP clearsigned message (the text is taken from inside the armor).
 */
import { ErrorCode, IsoKitError } from '../errors/index.js';
import { algorithmForHexLength, type HashAlgorithm } from './hash/index.js';

export interface ChecksumEntry {
  /** lower-case hex digest */
  readonly hex: string;
  /** undefined when the algorithm is one isokit does not compute (e.g. BLAKE2B) */
  readonly algorithm: HashAlgorithm | undefined;
  /** the algorithm name as the file states it, or as inferred ("SHA256", "BLAKE2B") */
  readonly algorithmName: string;
  /** the file name the line refers to; undefined for a bare digest */
  readonly fileName: string | undefined;
  /** 1-based line number in the checksum file (inside the clearsigned text when clearsigned) */
  readonly line: number;
  readonly format: 'gnu' | 'bsd' | 'bare';
  /** the line as written */
  readonly text: string;
}

export interface ParsedChecksumFile {
  readonly entries: ChecksumEntry[];
  /** true when the text was an OpenPGP clearsigned message */
  readonly clearsigned: boolean;
  /** lines that look like neither format (comments and blank lines excluded) */
  readonly unparsedLines: number;
}

const BEGIN_SIGNED = '-----BEGIN PGP SIGNED MESSAGE-----';
const BEGIN_SIGNATURE = '-----BEGIN PGP SIGNATURE-----';

/** The text inside an OpenPGP clearsigned message (RFC 9580 §7: dash-escaped lines are unescaped), or undefined. */
export function clearsignedBody(text: string): string | undefined {
  const start = text.indexOf(BEGIN_SIGNED);
  if (start < 0) return undefined;
  const lines = text.slice(start).split(/\r?\n/);
  let i = 1;
  while (i < lines.length && (lines[i] as string).trim() !== '') i++; // armor headers ("Hash: SHA256")
  const body: string[] = [];
  for (i++; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.startsWith(BEGIN_SIGNATURE)) break;
    body.push(l.startsWith('- ') ? l.slice(2) : l);
  }
  return body.join('\n');
}

const ALGO_NAMES: Record<string, HashAlgorithm> = { MD5: 'md5', SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };
const normalizeAlgo = (name: string): string => name.toUpperCase().replace(/[-_]/g, '');

function unescapeGnu(name: string): string {
  return name.replace(/\\(\\|n|r)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
}

function inferAlgorithm(hex: string, declared: string | undefined, hint: HashAlgorithm | undefined): { algorithm: HashAlgorithm | undefined; name: string } {
  if (declared) {
    const a = ALGO_NAMES[normalizeAlgo(declared)];
    return { algorithm: a && algorithmForHexLength(hex.length) === a ? a : undefined, name: declared.toUpperCase() };
  }
  const byLength = algorithmForHexLength(hex.length);
  const algorithm = hint && algorithmForHexLength(hex.length) === hint ? hint : byLength;
  return { algorithm, name: algorithm ? algorithm.toUpperCase() : `unknown (${hex.length} hex digits)` };
}

/**
 * Parse a checksum file. `hint` is the algorithm its name suggests (SHA256SUMS → sha256); it only
 * decides between algorithms of the same digest length.
 */
export function parseChecksumFile(content: string | Uint8Array, hint?: HashAlgorithm): ParsedChecksumFile {
  let text = typeof content === 'string' ? content : new TextDecoder('utf-8', { fatal: false }).decode(content);
  if (text.includes('\u0000')) {
    throw new IsoKitError(ErrorCode.INVALID_ARGUMENT, 'this is not a checksum file (it contains binary data)', { structure: 'ChecksumFile' });
  }
  const body = clearsignedBody(text);
  const clearsigned = body !== undefined;
  if (body !== undefined) text = body;
  const entries: ChecksumEntry[] = [];
  let unparsedLines = 0;
  let section: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, idx) => {
    const line = raw.replace(/^\uFEFF/, '');
    const trimmed = line.trim();
    if (!trimmed) return;
    if (trimmed.startsWith('#')) {
      const m = /^#\s*([A-Za-z0-9-]+)\s+HASH\s*$/i.exec(trimmed);
      if (m) section = m[1];
      return;
    }
    let m = /^([A-Za-z0-9-]+)\s*\((.*)\)\s*=\s*([0-9A-Fa-f]+)$/.exec(trimmed);
    if (m) {
      const hex = (m[3] as string).toLowerCase();
      const a = inferAlgorithm(hex, m[1], hint);
      entries.push({ hex, algorithm: a.algorithm, algorithmName: a.name, fileName: m[2], line: idx + 1, format: 'bsd', text: line });
      return;
    }
    m = /^(\\?)([0-9A-Fa-f]{32,128})(?:\s(?: |\*)?(.+))?$/.exec(line.trimStart());
    if (m && [32, 40, 64, 96, 128].includes((m[2] as string).length)) {
      const hex = (m[2] as string).toLowerCase();
      let name = m[3];
      if (name !== undefined && m[1]) name = unescapeGnu(name);
      const a = inferAlgorithm(hex, section, hint);
      entries.push({ hex, algorithm: a.algorithm, algorithmName: a.name, fileName: name, line: idx + 1, format: name === undefined ? 'bare' : 'gnu', text: line });
      return;
    }
    unparsedLines++;
  });
  return { entries, clearsigned, unparsedLines };
}

const baseName = (p: string): string => p.replace(/\\/g, '/').replace(/^.*\//, '');

/**
 * The entries that refer to `imageName` (a base name): exact name first, then a path ending in it
 * (`./x.iso`, `isos/x.iso`). Bare digests (no name) match only when the file has no named entries.
 */
export function entriesForFile(parsed: ParsedChecksumFile, imageName: string): ChecksumEntry[] {
  const want = baseName(imageName);
  const named = parsed.entries.filter((e) => e.fileName !== undefined);
  const exact = named.filter((e) => e.fileName === want || e.fileName === `./${want}`);
  if (exact.length) return exact;
  const byBase = named.filter((e) => baseName(e.fileName as string) === want);
  if (byBase.length) return byBase;
  if (!named.length) return parsed.entries.filter((e) => e.fileName === undefined);
  return [];
}

/** The algorithm a checksum file's name suggests: SHA256SUMS, x.iso.sha512, sha256sum.txt, … */
export function algorithmFromFileName(fileName: string): HashAlgorithm | undefined {
  const n = baseName(fileName).toLowerCase();
  for (const a of ['sha512', 'sha256', 'sha1', 'md5'] as const) if (n.includes(a)) return a;
  return undefined;
}
