/**
 * Long operations (write, create, extract, hash, verify, check, burn, rip) run as jobs; their progress goes to
 * the page over one Server-Sent Events stream (`GET /api/events`, one per tab: browsers allow 6 connections per
 * origin over HTTP/1.1), multiplexed by job id. Each event's data is the object `--json` prints, plus the job:
 * `{"job":"j3","type":"progress","phase":"writing","target":"/dev/sdb","bytes":…,"totalBytes":…,"speed":…,"eta":…}`,
 * `{"job":"j3","type":"message","level":"warn","text":…}`, then `{"job":"j3","type":"done","result":…}` or
 * `{"job":"j3","type":"failed","error":{"code","message","hint"}}`. Events carry ids; a reconnecting
 * EventSource sends Last-Event-ID and gets what it missed (the last 2,000 events are kept).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, IsoKitError } from '../../node/index.js';
import type { Progress } from '../../node/index.js';
import { userError, type UserError } from './errors.js';
import { SECURITY_HEADERS } from './security.js';

export type JobState = 'running' | 'done' | 'failed';

export interface JobEvent {
  readonly id: number;
  readonly data: Record<string, unknown> & { job: string; type: string };
}

export interface JobContext {
  readonly id: string;
  readonly signal: AbortSignal;
  /** a progress object (as `--json` prints it); throttled to 10 per second per phase and target */
  progress(p: Progress | (Progress & Record<string, unknown>)): void;
  message(level: 'info' | 'warn', text: string): void;
}

export interface JobInfo {
  readonly job: string;
  readonly kind: string;
  readonly state: JobState;
  readonly result?: unknown;
  readonly error?: UserError;
  readonly lastProgress?: Record<string, unknown>;
}

interface Job {
  kind: string;
  state: JobState;
  controller: AbortController;
  result?: unknown;
  error?: UserError;
  lastProgress?: Record<string, unknown>;
  done: Promise<void>;
}

const KEEP_EVENTS = 2000;
const PROGRESS_INTERVAL_MS = 100;

export class JobHub {
  private seq = 0;
  private nextJob = 1;
  private readonly events: JobEvent[] = [];
  private readonly clients = new Set<ServerResponse>();
  private readonly jobs = new Map<string, Job>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.write(': keep-alive\n\n');
    }, 15_000);
    this.heartbeat.unref();
  }

  private emit(data: JobEvent['data']): void {
    const ev: JobEvent = { id: ++this.seq, data };
    this.events.push(ev);
    if (this.events.length > KEEP_EVENTS) this.events.splice(0, this.events.length - KEEP_EVENTS);
    const text = frame(ev);
    for (const c of this.clients) c.write(text);
  }

  /** Start a job; returns its id at once. */
  start(kind: string, run: (ctx: JobContext) => Promise<unknown>): string {
    const id = `j${this.nextJob++}`;
    const controller = new AbortController();
    const lastSent = new Map<string, number>();
    const ctx: JobContext = {
      id,
      signal: controller.signal,
      progress: (p) => {
        const key = `${p.phase}\0${p.target ?? ''}`;
        const now = Date.now();
        const final = p.totalBytes !== undefined && p.bytes >= p.totalBytes;
        if (!final && now - (lastSent.get(key) ?? 0) < PROGRESS_INTERVAL_MS) return;
        lastSent.set(key, now);
        const data = { job: id, type: 'progress', ...p };
        job.lastProgress = data;
        this.emit(data);
      },
      message: (level, text) => this.emit({ job: id, type: 'message', level, text }),
    };
    const job: Job = { kind, state: 'running', controller, done: Promise.resolve() };
    this.jobs.set(id, job);
    this.emit({ job: id, type: 'started', kind });
    job.done = (async () => {
      try {
        job.result = await run(ctx);
        job.state = 'done';
        this.emit({ job: id, type: 'done', result: job.result });
      } catch (e) {
        job.state = 'failed';
        job.error = controller.signal.aborted ? userError(new IsoKitError(ErrorCode.ABORTED, 'cancelled')) : userError(e);
        if (controller.signal.aborted && e instanceof IsoKitError && e.code === ErrorCode.ABORTED && e.message !== 'cancelled') job.error = userError(e);
        this.emit({ job: id, type: 'failed', error: job.error });
      }
    })();
    return id;
  }

  info(id: string): JobInfo | undefined {
    const j = this.jobs.get(id);
    if (!j) return undefined;
    return { job: id, kind: j.kind, state: j.state, ...(j.result !== undefined ? { result: j.result } : {}), ...(j.error ? { error: j.error } : {}), ...(j.lastProgress ? { lastProgress: j.lastProgress } : {}) };
  }

  /** Ask a running job to stop (its operation gets an aborted signal). */
  cancel(id: string): boolean {
    const j = this.jobs.get(id);
    if (!j || j.state !== 'running') return false;
    j.controller.abort(new IsoKitError(ErrorCode.ABORTED, 'cancelled'));
    return true;
  }

  /** Wait for a job (tests, shutdown). */
  async settled(id: string): Promise<JobInfo | undefined> {
    await this.jobs.get(id)?.done;
    return this.info(id);
  }

  /** Serve the event stream to one client. */
  attach(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    const last = Number(req.headers['last-event-id']);
    if (Number.isSafeInteger(last)) for (const ev of this.events) if (ev.id > last) res.write(frame(ev));
    this.clients.add(res);
    // the response's close (the connection went away); the request's own 'close' only says its body was read
    res.on('close', () => this.clients.delete(res));
    res.on('error', () => this.clients.delete(res));
  }

  get running(): number {
    let n = 0;
    for (const j of this.jobs.values()) if (j.state === 'running') n++;
    return n;
  }

  /** Stop every job and end every stream. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const j of this.jobs.values()) if (j.state === 'running') j.controller.abort(new IsoKitError(ErrorCode.ABORTED, 'isokit ui is shutting down'));
    await Promise.all([...this.jobs.values()].map((j) => j.done));
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}

function frame(ev: JobEvent): string {
  return `id: ${ev.id}\ndata: ${JSON.stringify(ev.data)}\n\n`;
}
