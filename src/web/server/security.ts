/**
 * The gate in front of `isokit ui` — a page that can overwrite disks, served to a browser that also visits
 * arbitrary web sites. Every request passes `guard()` before anything else runs:
 *
 * 1. Host must be 127.0.0.1:PORT, localhost:PORT or [::1]:PORT. A DNS-rebinding page (evil.example resolving
 *    to 127.0.0.1) is same-origin with us as far as the browser knows; its Host header gives it away.
 * 2. /api/: the session cookie (HttpOnly, SameSite=Strict) is required, else 401. It is set only in exchange
 *    for the 256-bit token in the URL isokit printed (`GET /?token=…` → cookie → 302 to `/`, so the token
 *    leaves the address bar and history). Cross-site requests never carry a SameSite=Strict cookie.
 * 3. Every POST (and the event stream): Origin, when the browser sends one, must be one of our three
 *    origins; Sec-Fetch-Site, when sent, must be same-origin; a POST without Origin is refused. POSTs must
 *    carry `X-Isokit: 1` and `Content-Type: application/json`: both force a CORS preflight cross-origin,
 *    and no Access-Control-Allow-* header is ever sent, so preflights fail.
 * 4. Other /api/ GETs need `X-Isokit: 1` too, except the two a browser makes without script (the event
 *    stream, file downloads): those pass on Sec-Fetch-Site alone. GETs change nothing.
 *
 * Responses carry a strict Content-Security-Policy (scripts, styles, workers and connections from 'self'
 * only; no framing), nosniff, no-referrer and no-store. (Jupyter, Syncthing and code-server do the same;
 * see ../shared/docs/research/web-ecosystem.md §2.3–2.4.)
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE_NAME = 'isokit_session';
export const CUSTOM_HEADER = 'x-isokit';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** A random 256-bit secret, base64url (43 characters). */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** Constant-time comparison of two secrets. */
export function sameSecret(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const allowedHosts = (port: number): string[] => [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
export const allowedOrigins = (port: number): string[] => allowedHosts(port).map((h) => `http://${h}`);

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

export const sessionCookie = (value: string): string => `${COOKIE_NAME}=${value}; HttpOnly; SameSite=Strict; Path=/`;

/** Why a request is refused: HTTP status and one sentence. */
export interface Refusal {
  readonly status: 401 | 403 | 415;
  readonly code: 'BAD_HOST' | 'NO_SESSION' | 'CROSS_ORIGIN' | 'NO_CUSTOM_HEADER' | 'NOT_JSON';
  readonly message: string;
}

export interface GuardContext {
  readonly port: number;
  readonly session: string;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Routes a browser requests without script (EventSource, a download link): no custom header possible. */
const SCRIPTLESS_GET = /^\/api\/(events|image\/raw)(\?|$)/;

/** Host check: every request. */
export function checkHost(req: IncomingMessage, port: number): Refusal | undefined {
  const host = header(req, 'host')?.toLowerCase();
  if (host && allowedHosts(port).includes(host)) return undefined;
  return { status: 403, code: 'BAD_HOST', message: `this isokit ui answers only to http://127.0.0.1:${port}/ (the request came for "${host ?? ''}")` };
}

/** Origin and Sec-Fetch-Site: POSTs and the event stream. */
export function checkSameOrigin(req: IncomingMessage, port: number, requireOrigin: boolean): Refusal | undefined {
  const origin = header(req, 'origin');
  const site = header(req, 'sec-fetch-site');
  const bad = (why: string): Refusal => ({ status: 403, code: 'CROSS_ORIGIN', message: `refused a request from another site (${why})` });
  if (origin !== undefined && !allowedOrigins(port).includes(origin)) return bad(`Origin ${origin}`);
  if (site !== undefined && site !== 'same-origin') return bad(`Sec-Fetch-Site ${site}`);
  if (requireOrigin && origin === undefined) return bad('no Origin header');
  return undefined;
}

/** The checks for one /api/ request, in order; undefined: let it through. */
export function guardApi(req: IncomingMessage, ctx: GuardContext): Refusal | undefined {
  const cookie = parseCookies(header(req, 'cookie')).get(COOKIE_NAME);
  if (!sameSecret(cookie, ctx.session)) {
    return { status: 401, code: 'NO_SESSION', message: 'not signed in: open the link that `isokit ui` printed (it carries a one-time secret)' };
  }
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  if (method !== 'GET' && method !== 'HEAD') {
    const cross = checkSameOrigin(req, ctx.port, true);
    if (cross) return cross;
    if (header(req, CUSTOM_HEADER) !== '1') return { status: 403, code: 'NO_CUSTOM_HEADER', message: 'refused: API requests must carry the X-Isokit header' };
    const type = header(req, 'content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type)) return { status: 415, code: 'NOT_JSON', message: 'refused: API requests must be JSON (Content-Type: application/json)' };
    return undefined;
  }
  if (SCRIPTLESS_GET.test(url)) return checkSameOrigin(req, ctx.port, false);
  if (header(req, CUSTOM_HEADER) !== '1') return { status: 403, code: 'NO_CUSTOM_HEADER', message: 'refused: API requests must carry the X-Isokit header' };
  return checkSameOrigin(req, ctx.port, false);
}
