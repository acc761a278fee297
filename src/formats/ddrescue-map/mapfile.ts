/**
 * GNU ddrescue mapfile (ddrescue manual 1.27, §7 "Mapfile structure"): a text file of three parts.
 *
 * ```
 * # Mapfile. Created by GNU ddrescue version 1.27        heading comments (free text)
 * # current_pos  current_status  current_pass
 * 0x00120000     ?               1                        status line: position, status char, pass
 * #      pos        size  status
 * 0x00000000  0x00117000  +                               data blocks: position, size, status char
 * 0x00117000  0x00000200  -
 * ```
 *
 * - '#' at the beginning of a line or after whitespace starts a comment to the end of the line (§7).
 * - The first non-comment line is the status line: a non-negative integer (the position being tried), a
 *   status character (`?` copying, `*` trimming, `/` scraping, `-` retrying, `F` filling, `G` generating
 *   an approximate map, `+` finished) and the current pass, a positive decimal integer. Maps written
 *   before ddrescue 1.21 have no pass; it reads as 1.
 * - Every further line is a data block: position and size (non-negative integers) and a status character
 *   (`?` non-tried, `*` failed non-trimmed, `/` failed non-scraped, `-` bad sector(s), `+` finished).
 *   "The blocks in the list of data blocks must be contiguous and non-overlapping."
 * - Integers are C++ integer literals: decimal, hexadecimal (`0x`) or octal (leading `0`); ddrescue itself
 *   writes hex. Values above 2^53 (8 PiB) are refused: they cannot be held exactly in a JavaScript number.
 *
 * Parsing is strict (the map decides what is read again and what is trusted): a violation throws an
 * IsoKitError(CORRUPT) that names the line and its byte offset in the text.
 */
import { ErrorCode, IsoKitError } from '../../errors/index.js';

/** Status of a data block (§7). */
export type DdrescueBlockStatus = '?' | '*' | '/' | '-' | '+';
/** Status of the whole run, in the status line (§7). */
export type DdrescueRunStatus = '?' | '*' | '/' | '-' | 'F' | 'G' | '+';

export const DDRESCUE_BLOCK_STATUS: Readonly<Record<DdrescueBlockStatus, string>> = {
  '?': 'non-tried',
  '*': 'failed, non-trimmed',
  '/': 'failed, non-scraped',
  '-': 'bad sector(s)',
  '+': 'finished',
};
export const DDRESCUE_RUN_STATUS: Readonly<Record<DdrescueRunStatus, string>> = {
  '?': 'copying non-tried blocks',
  '*': 'trimming non-trimmed blocks',
  '/': 'scraping non-scraped blocks',
  '-': 'retrying bad sectors',
  F: 'filling the blocks specified',
  G: 'generating approximate mapfile',
  '+': 'finished',
};

export interface DdrescueBlock {
  readonly byteOffset: number;
  readonly byteLength: number;
  readonly status: DdrescueBlockStatus;
}

export interface DdrescueMap {
  /** the heading comment lines, without their '#' and one following blank */
  readonly comments: readonly string[];
  /** the status line's position: the block being tried */
  readonly currentPos: number;
  readonly currentStatus: DdrescueRunStatus;
  readonly currentPass: number;
  /** contiguous, non-overlapping, in ascending order */
  readonly blocks: readonly DdrescueBlock[];
}

/** The two column-title comments ddrescue writes above the status line and the blocks. */
const COLUMN_HEADERS = /^#\s*(current_pos\s+current_status(\s+current_pass)?|pos\s+size\s+status)\s*$/;
const BLOCK_CHARS = new Set<string>(['?', '*', '/', '-', '+']);
const RUN_CHARS = new Set<string>(['?', '*', '/', '-', 'F', 'G', '+']);

const fail = (message: string, byteOffset: number): never => {
  throw new IsoKitError(ErrorCode.CORRUPT, message, { byteOffset, structure: 'DdrescueMap' });
};

/** A C++ integer literal (decimal, 0x hex, 0 octal) as a safe integer, else undefined. */
export function parseMapInteger(word: string): number | undefined {
  let digits: string;
  let radix: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(word)) {
    digits = word.slice(2);
    radix = 16;
  } else if (/^0[0-7]*$/.test(word)) {
    digits = word;
    radix = 8;
  } else if (/^[1-9][0-9]*$/.test(word)) {
    digits = word;
    radix = 10;
  } else return undefined;
  let v = 0;
  for (const c of digits) {
    v = v * radix + parseInt(c, radix);
    if (v > Number.MAX_SAFE_INTEGER) return undefined;
  }
  return v;
}

/** The words of a line before its comment ('#' at the start or after whitespace). */
function wordsOf(line: string): string[] {
  const words: string[] = [];
  for (const w of line.split(/[ \t\r\f\v]+/)) {
    if (w === '') continue;
    if (w.startsWith('#')) break;
    words.push(w);
  }
  return words;
}

function integerAt(word: string, what: string, lineNo: number, byteOffset: number): number {
  const v = parseMapInteger(word);
  if (v === undefined) fail(`line ${lineNo}: ${what} "${word.slice(0, 40)}" is not an integer (decimal, 0x hex or 0 octal) below 2^53`, byteOffset);
  return v as number;
}

interface Line {
  text: string;
  lineNo: number;
  byteOffset: number;
}

/** Split text into lines with their byte offsets (UTF-8 offsets: the file is read as bytes). */
function linesOf(bytes: Uint8Array): Line[] {
  const out: Line[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let start = 0;
  let lineNo = 1;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      if (i > start || i < bytes.length) out.push({ text: decoder.decode(bytes.subarray(start, i)), lineNo, byteOffset: start });
      start = i + 1;
      lineNo++;
    }
  }
  return out;
}

function parseStatusLine(words: string[], line: Line): Pick<DdrescueMap, 'currentPos' | 'currentStatus' | 'currentPass'> {
  if (words.length < 2 || words.length > 3) fail(`line ${line.lineNo}: the status line needs a position, a status character and a pass`, line.byteOffset);
  const currentPos = integerAt(words[0] as string, 'current position', line.lineNo, line.byteOffset);
  const status = words[1] as string;
  if (!RUN_CHARS.has(status)) fail(`line ${line.lineNo}: unknown run status "${status.slice(0, 8)}" (one of ? * / - F G +)`, line.byteOffset);
  let currentPass = 1;
  if (words.length === 3) {
    const w = words[2] as string;
    if (!/^[1-9][0-9]*$/.test(w) || Number(w) > Number.MAX_SAFE_INTEGER) fail(`line ${line.lineNo}: the current pass "${w.slice(0, 20)}" must be a positive decimal integer`, line.byteOffset);
    currentPass = Number(w);
  }
  return { currentPos, currentStatus: status as DdrescueRunStatus, currentPass };
}

function parseBlockLine(words: string[], line: Line, previous: DdrescueBlock | undefined): DdrescueBlock {
  if (words.length !== 3) fail(`line ${line.lineNo}: a data block needs a position, a size and a status character`, line.byteOffset);
  const byteOffset = integerAt(words[0] as string, 'position', line.lineNo, line.byteOffset);
  const byteLength = integerAt(words[1] as string, 'size', line.lineNo, line.byteOffset);
  const status = words[2] as string;
  if (!BLOCK_CHARS.has(status)) fail(`line ${line.lineNo}: unknown block status "${status.slice(0, 8)}" (one of ? * / - +)`, line.byteOffset);
  if (byteOffset + byteLength > Number.MAX_SAFE_INTEGER) fail(`line ${line.lineNo}: block end beyond 2^53`, line.byteOffset);
  if (previous && previous.byteOffset + previous.byteLength !== byteOffset) {
    const end = previous.byteOffset + previous.byteLength;
    fail(`line ${line.lineNo}: block at ${byteOffset} is not contiguous with the previous block, which ends at ${end} (${byteOffset < end ? 'overlap' : 'gap'})`, line.byteOffset);
  }
  return { byteOffset, byteLength, status: status as DdrescueBlockStatus };
}

/** Parse a ddrescue mapfile (text or its bytes). */
export function parseDdrescueMap(input: string | Uint8Array): DdrescueMap {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const comments: string[] = [];
  let status: Pick<DdrescueMap, 'currentPos' | 'currentStatus' | 'currentPass'> | undefined;
  const blocks: DdrescueBlock[] = [];
  for (const line of linesOf(bytes)) {
    const words = wordsOf(line.text);
    if (!words.length) {
      if (!status) {
        const t = line.text.trim();
        if (t.startsWith('#') && !COLUMN_HEADERS.test(t)) comments.push(t.replace(/^#\s?/, ''));
      }
      continue;
    }
    if (!status) status = parseStatusLine(words, line);
    else blocks.push(parseBlockLine(words, line, blocks[blocks.length - 1]));
  }
  if (!status) fail('no status line: not a ddrescue mapfile', 0);
  return { comments, ...(status as NonNullable<typeof status>), blocks };
}

const hex = (n: number, width: number) => '0x' + n.toString(16).toUpperCase().padStart(width, '0');

export interface SerializeDdrescueMapOptions {
  /** heading comment lines (default: one line naming isokit) */
  comments?: readonly string[];
}

/**
 * Serialize in ddrescue's own layout (hex positions, two heading comments for the columns). Adjacent
 * blocks of the same status are written as they are given; `normalizeBlocks` merges them.
 */
export function serializeDdrescueMap(map: Omit<DdrescueMap, 'comments'> & { comments?: readonly string[] }, opts: SerializeDdrescueMapOptions = {}): string {
  const comments = opts.comments ?? map.comments ?? ['Mapfile. Created by isokit'];
  const out: string[] = comments.map((c) => `# ${c}`.trimEnd());
  out.push('# current_pos  current_status  current_pass');
  out.push(`${hex(map.currentPos, 8)}     ${map.currentStatus}               ${map.currentPass}`);
  out.push('#      pos        size  status');
  for (const b of map.blocks) out.push(`${hex(b.byteOffset, 8)}  ${hex(b.byteLength, 8)}  ${b.status}`);
  return out.join('\n') + '\n';
}

/** Merge neighbours of the same status and drop empty blocks (contiguity is kept). */
export function normalizeBlocks(blocks: readonly DdrescueBlock[]): DdrescueBlock[] {
  const out: DdrescueBlock[] = [];
  for (const b of blocks) {
    if (b.byteLength === 0) continue;
    const last = out[out.length - 1];
    if (last && last.status === b.status && last.byteOffset + last.byteLength === b.byteOffset) {
      out[out.length - 1] = { ...last, byteLength: last.byteLength + b.byteLength };
    } else out.push(b);
  }
  return out;
}
