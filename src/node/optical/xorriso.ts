/**
 * One long-lived `xorriso -dialog on` process, driven the way xorriso's own Tcl/Tk frontend does it
 * (xorriso(1) `-launch_frontend`, `-pkt_output`, `-mark`, `-msg_op`): every command batch is one dialog line
 * ending in `-mark N`, and the batch is done when `M:0: N` comes back. `-abort_on NEVER` keeps the dialog
 * alive whatever happens (with a lower threshold xorriso would end the whole dialog); each batch's messages
 * are collected and the caller decides by their worst severity. The message sieve (`-msg_op start_sieve`)
 * records the lines frontends need (drive type, medium status, sessions, speeds) as fields.
 *
 * libburn has its own SCSI layer (SG_IO); isokit never issues MMC commands itself.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ErrorCode, IsoKitError } from '../../errors/index.js';
import {
  parseMessage, parsePacket, parsePacifier, parseSieveAnswer, parseVersion, quoteArg, severityRank,
  type Pacifier, type Severity, type XorrisoMessage, type XorrisoPacket,
} from './xorriso-output.js';

/** xorriso releases before this lack features isokit uses (message sieve 1.2.6, check_media data_to 1.0.6…). */
export const MIN_XORRISO_VERSION: readonly [number, number, number] = [1, 4, 0];
export const XORRISO_PACKAGE_HINT = 'install the Debian/Ubuntu package "xorriso" (sudo apt install xorriso)';

export interface XorrisoOptions {
  /** the xorriso binary (default: `xorriso` on PATH, or $ISOKIT_XORRISO) */
  xorriso?: string;
  /** every line in and out, for logs and for recording test fixtures */
  transcript?: (direction: 'in' | 'out', line: string) => void;
}

export interface XorrisoBatch {
  /** result channel lines */
  readonly results: string[];
  /** info channel lines that are not messages */
  readonly info: string[];
  readonly messages: XorrisoMessage[];
  /** the highest severity among the messages (UPDATE when there were none) */
  readonly worst: Severity;
}

export interface RunOptions {
  /** every info line as it arrives (pacifiers for progress) */
  onInfo?: (text: string, pacifier?: Pacifier) => void;
}

interface Pending {
  mark: string;
  batch: { results: string[]; info: string[]; messages: XorrisoMessage[] };
  onInfo?: RunOptions['onInfo'];
  resolve: (b: XorrisoBatch) => void;
  reject: (e: unknown) => void;
}

const compare = (a: readonly number[], b: readonly number[]): number => {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
};

/**
 * One line for the worst messages of a batch: the highest-severity message (xorriso's summary, e.g.
 * "Cannot acquire drive") with the library's reason at SORRY or above in brackets ("libburn: Neither
 * stdio-path nor its directory exist"), which is often the more useful half.
 */
export function describeProblem(b: XorrisoBatch, min: Severity): string | undefined {
  const bad = b.messages.filter((m) => severityRank(m.severity) >= severityRank(min));
  if (!bad.length) return undefined;
  const top = bad.reduce((w, m) => (severityRank(m.severity) > severityRank(w.severity) ? m : w));
  const reason = b.messages.find((m) => m !== top && m.origin !== 'xorriso' && severityRank(m.severity) >= severityRank('SORRY'));
  return `${top.text}${reason && reason.text !== top.text ? ` (${reason.origin}: ${reason.text})` : ''}`;
}

export class XorrisoDialog {
  private buffer = '';
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private markCounter = 0;
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitPromise: Promise<void>;
  private stderrTail = '';
  version: [number, number, number] = [0, 0, 0];

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly binary: string,
    private readonly opts: XorrisoOptions,
  ) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => this.onData(d));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-2000);
    });
    this.exitPromise = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        this.exited = { code, signal };
        const p = this.pending;
        this.pending = undefined;
        p?.reject(this.deathError());
        resolve();
      });
    });
    child.stdin.on('error', () => undefined); // EPIPE after the process died: reported through 'close'
  }

  /** Start xorriso, switch on packets, marks and the sieve, and check its version. */
  static async start(opts: XorrisoOptions = {}): Promise<XorrisoDialog> {
    const binary = opts.xorriso ?? process.env.ISOKIT_XORRISO ?? 'xorriso';
    const child = spawn(binary, ['-dialog', 'on', '-use_readline', 'off'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // its own process group: Ctrl-C in the terminal reaches isokit only, which then cancels xorriso cleanly
      detached: true,
      env: { ...process.env, LC_ALL: 'C' },
    });
    const spawned = await new Promise<IsoKitError | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (e: NodeJS.ErrnoException) =>
        resolve(
          e.code === 'ENOENT'
            ? new IsoKitError(ErrorCode.NOT_FOUND, `xorriso is not installed (${binary} not found): ${XORRISO_PACKAGE_HINT}`, { cause: e })
            : new IsoKitError(ErrorCode.IO, `cannot start ${binary}: ${e.message}`, { cause: e }),
        ),
      );
    });
    if (spawned) throw spawned;
    const d = new XorrisoDialog(child, binary, opts);
    try {
      await d.raw('-pkt_output on -msg_op start_sieve - -reassure off -abort_on NEVER -report_about UPDATE -pacifier interval=0.5');
      const v = await d.run(['-version']);
      const version = v.results.map(parseVersion).find((x) => x !== undefined);
      if (!version) throw new IsoKitError(ErrorCode.UNSUPPORTED, `${binary} did not report a xorriso version: ${v.results.slice(0, 2).join(' / ')}`);
      d.version = version;
      if (compare(version, MIN_XORRISO_VERSION) < 0) {
        throw new IsoKitError(ErrorCode.UNSUPPORTED, `xorriso ${version.join('.')} is too old: isokit needs ${MIN_XORRISO_VERSION.join('.')} or later (${XORRISO_PACKAGE_HINT})`);
      }
    } catch (e) {
      d.kill();
      throw e;
    }
    return d;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private deathError(): IsoKitError {
    const how = this.exited?.signal ? `was killed by ${this.exited.signal}` : `exited with status ${this.exited?.code}`;
    const tail = this.stderrTail.trim().split('\n').filter((l) => l.trim() && !/^=+$|enter option|^xorriso \d/.test(l)).slice(-3).join(' / ');
    return new IsoKitError(ErrorCode.IO, `xorriso ${how}${tail ? `: ${tail}` : ''}`);
  }

  private onData(d: string): void {
    this.buffer += d;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      this.opts.transcript?.('out', line);
      const p = parsePacket(line);
      if (p) this.onPacket(p);
    }
  }

  private onPacket(p: XorrisoPacket): void {
    const cur = this.pending;
    if (!cur) return;
    if (p.channel === 'M') {
      if (p.text.trim() === cur.mark) {
        this.pending = undefined;
        const worst = cur.batch.messages.reduce<Severity>((w, m) => (severityRank(m.severity) > severityRank(w) ? m.severity : w), 'UPDATE');
        cur.resolve({ ...cur.batch, worst });
      }
      return;
    }
    if (p.channel === 'R') {
      cur.batch.results.push(p.text);
      return;
    }
    if (/^=+$|^enter option and arguments :$/.test(p.text)) return; // the dialog prompt
    const m = parseMessage(p.text);
    if (m) {
      cur.batch.messages.push(m);
      cur.onInfo?.(m.text, m.severity === 'UPDATE' ? parsePacifier(m.text) : undefined);
    } else {
      cur.batch.info.push(p.text);
      cur.onInfo?.(p.text);
    }
  }

  /** Send one raw dialog line followed by a mark and wait for the mark. */
  private raw(line: string, onInfo?: RunOptions['onInfo']): Promise<XorrisoBatch> {
    const next = this.queue.then(
      () =>
        new Promise<XorrisoBatch>((resolve, reject) => {
          if (this.exited) return reject(this.deathError());
          const mark = `isokit-${++this.markCounter}`;
          this.pending = { mark, batch: { results: [], info: [], messages: [] }, ...(onInfo ? { onInfo } : {}), resolve, reject };
          const text = `${line} -mark ${mark}\n`;
          this.opts.transcript?.('in', text.trimEnd());
          this.child.stdin.write(text);
        }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Run xorriso commands (an argv: `['-outdev', 'stdio:/x', '-toc']`) as one batch. */
  run(args: readonly string[], opts: RunOptions = {}): Promise<XorrisoBatch> {
    return this.raw(args.map(quoteArg).join(' '), opts.onInfo);
  }

  /** Every recorded result of one sieve filter (oldest first), each as its fields. */
  async sieve(name: string): Promise<string[][]> {
    const out: string[][] = [];
    for (let guard = 0; guard < 10000; guard++) {
      const b = await this.run(['-msg_op', 'read_sieve', name]);
      const a = parseSieveAnswer(b.results, 0);
      if (!a) throw new IsoKitError(ErrorCode.INTERNAL, `xorriso's sieve answer for "${name}" was not understood: ${b.results.join(' | ')}`);
      if (a.strings.length) out.push(a.strings);
      if (a.remaining <= 0) break;
    }
    return out;
  }

  /** Forget what the sieve recorded (before a command whose results are wanted alone). */
  async clearSieve(): Promise<void> {
    await this.run(['-msg_op', 'clear_sieve', '-']);
  }

  /** Ask the running command to stop: SIGINT, which libburn handles by cancelling and releasing the drive. */
  interrupt(): void {
    if (!this.exited && this.child.pid) {
      try {
        process.kill(-this.child.pid, 'SIGINT');
      } catch {
        /* already gone */
      }
    }
  }

  /** End the dialog (`-end`), waiting at most `timeoutMs` before killing it. */
  async close(timeoutMs = 10000): Promise<void> {
    if (this.exited) return;
    this.opts.transcript?.('in', '-end');
    this.child.stdin.end('-end\n');
    const timer = setTimeout(() => this.kill(), timeoutMs);
    await this.exitPromise;
    clearTimeout(timer);
  }

  /** Wait for the process to end (after interrupt()). */
  async exit(timeoutMs = 60000): Promise<void> {
    const timer = setTimeout(() => this.kill(), timeoutMs);
    await this.exitPromise;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.exited && this.child.pid) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}

/** An IsoKitError for a batch whose worst message reached `min` (default FAILURE), else undefined. */
export function batchError(b: XorrisoBatch, what: string, min: Severity = 'FAILURE', code: ErrorCode = ErrorCode.IO): IsoKitError | undefined {
  if (severityRank(b.worst) < severityRank(min)) return undefined;
  return new IsoKitError(code, `${what}: ${describeProblem(b, min) ?? b.worst}`, { data: { messages: b.messages.filter((x) => severityRank(x.severity) >= severityRank('WARNING')) } });
}
