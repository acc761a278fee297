/** Small HTTP helpers for the API: JSON in and out, request fields checked one by one, a method+path router. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, userError } from './errors.js';
import { SECURITY_HEADERS } from './security.js';

export const MAX_JSON_BYTES = 1 << 20;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, e: unknown): void {
  const u = userError(e);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, u.status, { ok: false, error: { code: u.code, message: u.message, ...(u.hint ? { hint: u.hint } : {}) } });
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > MAX_JSON_BYTES) throw new ApiError(413, 'TOO_LARGE', 'the request is too large');
    chunks.push(c as Buffer);
  }
  if (!n) return {};
  let v: unknown;
  try {
    v = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'BAD_JSON', 'the request is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ApiError(400, 'BAD_JSON', 'the request must be a JSON object');
  return v as Record<string, unknown>;
}

/** The fields of a request (JSON body or query string), checked as they are read. */
export class Fields {
  constructor(private readonly data: Record<string, unknown>) {}
  static fromQuery(url: URL): Fields {
    return new Fields(Object.fromEntries(url.searchParams));
  }
  private bad(name: string, what: string): ApiError {
    return new ApiError(400, 'BAD_FIELD', `"${name}" must be ${what}`);
  }
  str(name: string): string {
    const v = this.data[name];
    if (typeof v !== 'string' || !v) throw this.bad(name, 'a non-empty text');
    return v;
  }
  optStr(name: string): string | undefined {
    const v = this.data[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw this.bad(name, 'a text');
    return v;
  }
  bool(name: string, dflt = false): boolean {
    const v = this.data[name];
    if (v === undefined) return dflt;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    throw this.bad(name, 'true or false');
  }
  strs(name: string, opts: { min?: number } = {}): string[] {
    const v = this.data[name] ?? [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !x)) throw this.bad(name, 'a list of texts');
    if (v.length < (opts.min ?? 0)) throw this.bad(name, `a list of at least ${opts.min} item(s)`);
    return v as string[];
  }
  oneOf<T extends string>(name: string, values: readonly T[], dflt: T): T {
    const v = this.data[name] ?? dflt;
    if (!values.includes(v as T)) throw this.bad(name, `one of ${values.join(', ')}`);
    return v as T;
  }
  int(name: string, min: number, max: number): number | undefined {
    const v = this.data[name];
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw this.bad(name, `a whole number from ${min} to ${max}`);
    return n;
  }
  raw(name: string): unknown {
    return this.data[name];
  }
}

export interface Request {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** the JSON body (POST) or the query string (GET) */
  readonly fields: Fields;
}

/** A handler returns the JSON answer, or HANDLED when it wrote the response itself (streams, files). */
export const HANDLED = Symbol('handled');
export type Handler = (r: Request) => unknown;

export class Router {
  private readonly routes = new Map<string, Handler>();
  get(path: string, h: Handler): this {
    this.routes.set(`GET ${path}`, h);
    return this;
  }
  post(path: string, h: Handler): this {
    this.routes.set(`POST ${path}`, h);
    return this;
  }
  find(method: string, path: string): Handler | undefined {
    return this.routes.get(`${method === 'HEAD' ? 'GET' : method} ${path}`);
  }
  has(path: string): boolean {
    return this.routes.has(`GET ${path}`) || this.routes.has(`POST ${path}`);
  }
}
