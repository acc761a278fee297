/**
 * The page's side of the `isokit ui` API: JSON requests carrying the X-Isokit header (the server refuses API
 * calls without it), and one EventSource for every job's events, kept in a small store the pages subscribe to.
 */

export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
}

/** An API refusal or failure, as one readable sentence and what to do. */
export class PageError extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(body.message);
  }
}

async function answer<T>(r: Response): Promise<T> {
  let body: unknown;
  try {
    body = await r.json();
  } catch {
    throw new PageError({ code: 'BAD_ANSWER', message: `the server answered ${r.status} without a readable message`, hint: 'check that isokit ui is still running' });
  }
  if (!r.ok) {
    const e = (body as { error?: ApiErrorBody }).error;
    throw new PageError(e ?? { code: String(r.status), message: `the server answered ${r.status}` });
  }
  return body as T;
}

async function send<T>(path: string, init: RequestInit): Promise<T> {
  let r: Response;
  try {
    r = await fetch(path, { ...init, credentials: 'same-origin', headers: { 'X-Isokit': '1', ...(init.body ? { 'Content-Type': 'application/json' } : {}) } });
  } catch {
    throw new PageError({ code: 'OFFLINE', message: 'isokit ui does not answer', hint: 'start it again (isokit ui) and open the link it prints' });
  }
  return answer<T>(r);
}

export const get = <T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> => {
  const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
  return send<T>(`${path}${[...q].length ? `?${q}` : ''}`, { method: 'GET' });
};
export const post = <T>(path: string, body: unknown): Promise<T> => send<T>(path, { method: 'POST', body: JSON.stringify(body) });

/** The link that downloads a file of an open image (a plain GET the browser makes itself). */
export const rawUrl = (id: string, ns: string, path: string): string => `/api/image/raw?${new URLSearchParams({ id, ns, path })}`;

/** What the page knows about a job: its last progress per target, its messages, its end. */
export interface JobView {
  readonly id: string;
  state: 'running' | 'done' | 'failed';
  progress: Map<string, Record<string, unknown> & { phase: string; bytes: number; totalBytes?: number; speed?: number; eta?: number; target?: string }>;
  messages: { level: string; text: string }[];
  result?: unknown;
  error?: ApiErrorBody;
}

type Listener = () => void;
const jobs = new Map<string, JobView>();
const listeners = new Set<Listener>();
let source: EventSource | undefined;

function jobOf(id: string): JobView {
  let j = jobs.get(id);
  if (!j) {
    j = { id, state: 'running', progress: new Map(), messages: [] };
    jobs.set(id, j);
  }
  return j;
}

function onEvent(data: Record<string, unknown>): void {
  const j = jobOf(String(data.job));
  switch (data.type) {
    case 'progress':
      j.progress.set(String(data.target ?? ''), data as JobView['progress'] extends Map<string, infer P> ? P : never);
      break;
    case 'message':
      j.messages.push({ level: String(data.level), text: String(data.text) });
      break;
    case 'done':
      j.state = 'done';
      j.result = data.result;
      break;
    case 'failed':
      j.state = 'failed';
      j.error = data.error as ApiErrorBody;
      break;
  }
  for (const l of listeners) l();
}

/** The event stream's state: 'open', 'retrying' (the browser reconnects by itself) or 'closed' (it gave up). */
export let eventsState: 'connecting' | 'open' | 'retrying' | 'closed' = 'connecting';

function setEventsState(s: typeof eventsState): void {
  eventsState = s;
  document.documentElement.dataset.events = s;
  for (const l of listeners) l();
}

/** Open the event stream once per page. */
export function connectEvents(): void {
  if (source) return;
  const es = new EventSource('/api/events');
  source = es;
  es.onopen = () => setEventsState('open');
  es.onerror = () => setEventsState(es.readyState === EventSource.CLOSED ? 'closed' : 'retrying');
  es.onmessage = (e: MessageEvent<string>) => onEvent(JSON.parse(e.data) as Record<string, unknown>);
}

export function subscribe(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export const job = (id: string): JobView => jobOf(id);

/** Start a job (POST returning {job}) and give its id. */
export async function startJob(path: string, body: unknown): Promise<string> {
  const { job: id } = await post<{ job: string }>(path, body);
  jobOf(id);
  return id;
}

export const cancelJob = (id: string): Promise<unknown> => post('/api/jobs/cancel', { id });
