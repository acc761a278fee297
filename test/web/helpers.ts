/** Helpers for the `isokit ui` tests: a raw HTTP client (any Host, Origin, cookie), signing in, waiting for jobs. */
import { request } from 'node:http';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown>;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** read only the start of a streaming answer, then close */
  peek?: boolean;
}

/** One HTTP request to 127.0.0.1:port with exactly the headers given (Host defaults to 127.0.0.1:port). */
export function call(port: number, path: string, o: CallOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    const req = request({ host: '127.0.0.1', port, path, method: o.method ?? (body !== undefined ? 'POST' : 'GET'), headers: { host: `127.0.0.1:${port}`, ...o.headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
        if (o.peek && text.length > 0) {
          done();
          res.destroy();
        }
      });
      const done = () => {
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      };
      res.on('end', done);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Exchange the URL token for the session cookie; returns the Cookie header value. */
export async function signIn(port: number, url: string): Promise<string> {
  const a = await call(port, new URL(url).pathname + new URL(url).search);
  const set = a.headers['set-cookie'];
  const cookie = (Array.isArray(set) ? set[0] : set)?.split(';')[0];
  if (a.status !== 302 || !cookie) throw new Error(`sign-in failed: ${a.status}`);
  return cookie;
}

/** A signed-in API client that sends what the page sends (cookie, Origin, Sec-Fetch-Site, X-Isokit, JSON). */
export function client(port: number, cookie: string) {
  const headers = (extra: Record<string, string> = {}) => ({ cookie, origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin', 'x-isokit': '1', 'content-type': 'application/json', ...extra });
  const api = {
    get: (path: string, extra?: Record<string, string>) => call(port, path, { headers: headers(extra) }),
    post: (path: string, body: unknown, extra?: Record<string, string>) => call(port, path, { body, headers: headers(extra) }),
    /** start a job and wait for its end; returns the job's info */
    async job(path: string, body: unknown, timeoutMs = 60_000): Promise<Record<string, unknown>> {
      const a = await api.post(path, body);
      if (a.status !== 200 || typeof a.json.job !== 'string') throw new Error(`${path}: ${a.status} ${a.text}`);
      const t0 = Date.now();
      for (;;) {
        const info = await api.get(`/api/jobs?id=${a.json.job}`);
        if (info.json.state !== 'running') return info.json;
        if (Date.now() - t0 > timeoutMs) throw new Error(`${path}: job still running after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
  return api;
}
