/**
 * What xorriso prints in dialog mode with `-pkt_output on`, as data. No I/O here: every function takes the
 * text xorriso wrote (recorded runs are the tests' fixtures).
 *
 * - Packets (xorriso(1) `-pkt_output`): `R:1: text` on the result channel, `I:1: text` on the info channel
 *   (messages, pacifiers), `M:0: text` on the mark channel (`-mark`, printed each time xorriso waits for the
 *   next dialog line). Other lines (echoed input, the banner) are not packets.
 * - Messages (xorriso(1) "Exception processing"): `ORIGIN : SEVERITY : text`, severities from DEBUG to ABORT.
 * - The message sieve (`-msg_op read_sieve NAME`, xorriso.h Xorriso_sieve_big()): a return value, the number
 *   of strings, each string as a line count and its lines, then how many results remain.
 * - Pacifiers (write_run.c Xorriso_pacifier_loop): cdrecord style `12 of 289 MB written (fifo 99%) [buf 50%]
 *   44.7x.` (what `-as cdrecord` prints), xorriso style `Writing: 1152s 25.9% fifo 100% buf 50% 0.6xD`,
 *   `Closing track/session. Working since 3 seconds`, `Blanking  ( 1.0% done in 3 seconds )`, and
 *   `-check_media`'s `1649 of 1649 blocks read in 1 s = 22.0xC`.
 */

export type XorrisoChannel = 'R' | 'I' | 'M';

export interface XorrisoPacket {
  readonly channel: XorrisoChannel;
  readonly text: string;
}

/** One output line as a packet, or undefined for lines that are not packets. */
export function parsePacket(line: string): XorrisoPacket | undefined {
  const m = /^([RIM]):[01]: ?(.*)$/.exec(line);
  return m ? { channel: m[1] as XorrisoChannel, text: m[2] as string } : undefined;
}

/** Severities from low to high (xorriso(1) "Exception processing"; `-msg_op list_sev`). */
export const SEVERITIES = ['ALL', 'DEBUG', 'UPDATE', 'NOTE', 'HINT', 'WARNING', 'SORRY', 'MISHAP', 'FAILURE', 'FATAL', 'ABORT', 'NEVER'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

export interface XorrisoMessage {
  /** xorriso, libburn, libisofs, libisoburn, libjte */
  readonly origin: string;
  readonly severity: Severity;
  readonly text: string;
}

/** `xorriso : SORRY : text` → message; `xorriso : aborting : …` counts as ABORT. */
export function parseMessage(text: string): XorrisoMessage | undefined {
  const m = /^(xorriso|libburn|libisofs|libisoburn|libjte|libcdio) : ([A-Za-z]+) : (.*)$/.exec(text);
  if (!m) return undefined;
  const word = (m[2] as string).toUpperCase();
  const severity = (SEVERITIES as readonly string[]).includes(word) ? (word as Severity) : word === 'ABORTING' ? 'ABORT' : undefined;
  return severity ? { origin: m[1] as string, severity, text: m[3] as string } : undefined;
}

/**
 * The answer of one `-msg_op read_sieve NAME` from the result lines starting at `at`:
 * the recorded strings (each possibly several lines joined by \n), and where the next answer starts.
 */
export function parseSieveAnswer(lines: readonly string[], at: number): { strings: string[]; remaining: number; next: number } | undefined {
  let i = at;
  const num = (): number | undefined => {
    const l = lines[i++];
    return l !== undefined && /^-?\d+$/.test(l.trim()) ? Number(l.trim()) : undefined;
  };
  const ret = num();
  const count = num();
  if (ret === undefined || count === undefined || count < 0) return undefined;
  const strings: string[] = [];
  for (let s = 0; s < count; s++) {
    const n = num();
    if (n === undefined || n < 0 || i + n > lines.length) return undefined;
    strings.push(lines.slice(i, i + n).join('\n'));
    i += n;
  }
  const remaining = num();
  if (remaining === undefined) return undefined;
  return { strings: ret > 0 ? strings : [], remaining, next: i };
}

/** Quote one argument for a dialog line: single quotes, a quote inside as '"'"' (xorriso joins the pieces). */
export function quoteArg(arg: string): string {
  if (/[\n\r]/.test(arg)) throw new RangeError('xorriso dialog arguments cannot contain line breaks');
  return `'${arg.replace(/'/g, `'"'"'`)}'`;
}

export type Pacifier =
  | { kind: 'writing'; doneBytes: number; totalBytes?: number; fifoPercent?: number; bufferPercent?: number; speedFactor?: number; speedUnit?: 'C' | 'D' | 'B' }
  | { kind: 'closing'; seconds: number }
  | { kind: 'blanking' | 'formatting'; percent?: number; seconds: number }
  | { kind: 'waiting'; seconds: number }
  | { kind: 'reading'; doneBlocks: number; totalBlocks: number; seconds: number; speedFactor?: number; speedUnit?: 'C' | 'D' | 'B' };

const MIB = 1048576;

/** An UPDATE message's text as progress, or undefined when it is not a pacifier. */
export function parsePacifier(text: string): Pacifier | undefined {
  let m = /^\s*(\d+) of\s+(\d+) MB written(?: \(fifo\s+(\d+)%\))?(?: \[buf\s+(\d+)%\])?(?:\s+(\d+(?:\.\d+)?)x\.)?/.exec(text);
  if (m) {
    return {
      kind: 'writing', doneBytes: Number(m[1]) * MIB, totalBytes: Number(m[2]) * MIB,
      ...(m[3] ? { fifoPercent: Number(m[3]) } : {}), ...(m[4] ? { bufferPercent: Number(m[4]) } : {}), ...(m[5] ? { speedFactor: Number(m[5]) } : {}),
    };
  }
  m = /^\s*(\d+) MB written(?: \(fifo\s+(\d+)%\))?(?: \[buf\s+(\d+)%\])?(?:\s+(\d+(?:\.\d+)?)x\.)?/.exec(text);
  if (m) return { kind: 'writing', doneBytes: Number(m[1]) * MIB, ...(m[2] ? { fifoPercent: Number(m[2]) } : {}), ...(m[3] ? { bufferPercent: Number(m[3]) } : {}), ...(m[4] ? { speedFactor: Number(m[4]) } : {}) };
  m = /^Writing:\s+(\d+)s\s+(?:(\d+(?:\.\d+)?)%|\S+)\s*(?:fifo\s+(\d+)%\s+buf\s+(\d+)%)?(?:\s+(\d+(?:\.\d+)?)x([CDB]))?/.exec(text);
  if (m) {
    const done = Number(m[1]) * 2048;
    const pct = m[2] ? Number(m[2]) : undefined;
    return {
      kind: 'writing', doneBytes: done, ...(pct && pct > 0 ? { totalBytes: Math.round(done / (pct / 100) / 2048) * 2048 } : {}),
      ...(m[3] ? { fifoPercent: Number(m[3]) } : {}), ...(m[4] ? { bufferPercent: Number(m[4]) } : {}),
      ...(m[5] ? { speedFactor: Number(m[5]), speedUnit: m[6] as 'C' | 'D' | 'B' } : {}),
    };
  }
  m = /^Closing track\/session\. Working since (\d+(?:\.\d+)?) seconds/.exec(text);
  if (m) return { kind: 'closing', seconds: Number(m[1]) };
  m = /^(Blanking|Formatting)\s+\(\s*(?:(\d+(?:\.\d+)?)% done in|[a-z ]+since)\s+(\d+) seconds\s*\)/.exec(text);
  if (m) return { kind: m[1] === 'Blanking' ? 'blanking' : 'formatting', ...(m[2] ? { percent: Number(m[2]) } : {}), seconds: Number(m[3]) };
  m = /^Formatting\. Working since (\d+(?:\.\d+)?) seconds/.exec(text);
  if (m) return { kind: 'formatting', seconds: Number(m[1]) };
  m = /^Thank you for being patient\. Working since (\d+(?:\.\d+)?) seconds/.exec(text);
  if (m) return { kind: 'waiting', seconds: Number(m[1]) };
  m = /^\s*(\d+) of\s+(\d+) blocks read in (\d+) s(?: = (\d+(?:\.\d+)?)x([CDB]))?/.exec(text);
  if (m) {
    return { kind: 'reading', doneBlocks: Number(m[1]), totalBlocks: Number(m[2]), seconds: Number(m[3]), ...(m[4] ? { speedFactor: Number(m[4]), speedUnit: m[5] as 'C' | 'D' | 'B' } : {}) };
  }
  return undefined;
}

/** `xorriso version   :  1.5.4` or the banner `xorriso 1.5.4 : RockRidge …` → [1, 5, 4]. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const m = /^xorriso(?: version\s+:)?\s+(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** One `-devices` line: `0  -dev '/dev/sr0' rw---- :  'QEMU    ' 'QEMU DVD-ROM'`. */
export function parseDeviceLine(text: string): { index: number; path: string; access: string; vendor: string; model: string } | undefined {
  const m = /^(\d+)\s+-dev\s+'((?:[^']|'"'"')*)'\s+(\S+)\s+:\s+'([^']*)'\s+'([^']*)'/.exec(text.trim());
  if (!m) return undefined;
  return { index: Number(m[1]), path: (m[2] as string).replace(/'"'"'/g, "'"), access: m[3] as string, vendor: (m[4] as string).trim(), model: (m[5] as string).trim() };
}
