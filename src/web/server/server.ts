/**
 * `isokit ui`'s HTTP server (node:http, no framework: static files, ~20 JSON routes and one event stream).
 * Listens on 127.0.0.1 only. Every request passes the gate in security.ts first; the page and its assets are
 * served from dist/web/ (a fixed list of files), the API from the routers of the api-*.ts modules.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, IsoKitError, type ListDrivesOptions } from '../../node/index.js';
import { imageRoutes } from './api-image.js';
import { createRoutes } from './api-create.js';
import { opticalRoutes } from './api-optical.js';
import { writeRoutes } from './api-write.js';
import type { App } from './app.js';
import { capabilities } from './backends.js';
import { ApiError } from './errors.js';
import { Fields, HANDLED, Router, readJson, sendError, sendJson } from './http.js';
import { ImageSessions } from './images.js';
import { JobHub } from './jobs.js';
import { defaultRoots, listFolder, normaliseRoots } from './roots.js';
import { SECURITY_HEADERS, checkHost, guardApi, newSecret, sameSecret, sessionCookie } from './security.js';

export interface UiServerOptions {
  /** 0 (default): any free port */
  port?: number;
  /** folders the page may read and write (default: home, working directory, /media, /run/media/USER, /mnt) */
  roots?: readonly string[];
  /** where the built page is (default: dist/web next to this module's dist/web/server) */
  staticDir?: string;
  /** the URL token (default: 256 random bits) */
  token?: string;
  /** drive listing overrides (tests) */
  drives?: Omit<ListDrivesOptions, 'all'>;
  version?: string;
}

export interface UiServer {
  readonly port: number;
  /** http://127.0.0.1:PORT/?token=… — the one URL that signs a browser in */
  readonly url: string;
  readonly roots: readonly string[];
  readonly app: App;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};
/** The files the server hands out (nothing else under dist/web, no directory listing, no traversal). */
const STATIC = new Set(['index.html', 'offline.html', 'app.js', 'offline.js', 'hash-worker.js', 'style.css', 'icon.svg']);

export function defaultStaticDir(): string {
  // dist/web/server/server.js → dist/web; src/web/server/server.ts (tests) → dist/web
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(here, '../../..');
  return path.join(root, 'dist', 'web');
}

function serveStatic(res: ServerResponse, dir: string, name: string): void {
  const file = name === '' ? 'index.html' : name;
  if (!STATIC.has(file)) throw new ApiError(404, 'NOT_FOUND', 'no such page');
  let body: Buffer;
  try {
    body = readFileSync(path.join(dir, file));
  } catch {
    throw new ApiError(500, 'NOT_BUILT', `the page is missing (${file}): run npm run build`);
  }
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length });
  res.end(body);
}

function plainPage(res: ServerResponse, status: number, text: string): void {
  const html = `<!doctype html><meta charset="utf-8"><title>isokit</title><p>${text.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</p>`;
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8' });
  res.end(html);
}

function baseRoutes(router: Router, app: App, server: { version: string; roots: readonly string[] }): void {
  router.get('/api/session', async () => ({
    ok: true, version: server.version, roots: server.roots, root: process.getuid?.() === 0, capabilities: await capabilities(),
  }));
  router.get('/api/fs/list', ({ fields }) => {
    const p = fields.optStr('path');
    if (p === undefined) return { roots: app.roots.list };
    return listFolder(app.roots, p);
  });
  router.get('/api/events', ({ req, res }) => {
    app.hub.attach(req, res);
    return HANDLED;
  });
  router.get('/api/jobs', ({ fields }) => {
    const info = app.hub.info(fields.str('id'));
    if (!info) throw new ApiError(404, 'NOT_FOUND', 'no such job');
    return info;
  });
  router.post('/api/jobs/cancel', ({ fields }) => ({ cancelled: app.hub.cancel(fields.str('id')) }));
}

export async function startUiServer(opts: UiServerOptions = {}): Promise<UiServer> {
  const token = opts.token ?? newSecret();
  const session = newSecret();
  const rootList = opts.roots?.length ? normaliseRoots(opts.roots) : defaultRoots();
  const app: App = { roots: { list: rootList }, hub: new JobHub(), images: new ImageSessions(), drives: opts.drives ?? {} };
  const staticDir = opts.staticDir ?? defaultStaticDir();
  const router = new Router();
  baseRoutes(router, app, { version: opts.version ?? '', roots: rootList });
  imageRoutes(router, app);
  createRoutes(router, app);
  writeRoutes(router, app);
  opticalRoutes(router, app);
  let port = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const hostRefusal = checkHost(req, port);
    if (hostRefusal) return plainPage(res, hostRefusal.status, hostRefusal.message);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return plainPage(res, 405, 'method not allowed');
      if (url.pathname === '/' && url.searchParams.has('token')) {
        if (!sameSecret(url.searchParams.get('token') ?? undefined, token)) return plainPage(res, 401, 'This link is not valid (wrong token). Open the link that `isokit ui` printed.');
        res.writeHead(302, { ...SECURITY_HEADERS, 'Set-Cookie': sessionCookie(session), Location: '/' });
        return void res.end();
      }
      return serveStatic(res, staticDir, url.pathname.slice(1));
    }
    const refusal = guardApi(req, { port, session });
    if (refusal) return sendJson(res, refusal.status, { ok: false, error: { code: refusal.code, message: refusal.message } });
    const handler = router.find(req.method ?? 'GET', url.pathname);
    if (!handler) return sendJson(res, router.has(url.pathname) ? 405 : 404, { ok: false, error: { code: 'NOT_FOUND', message: `no API ${req.method} ${url.pathname}` } });
    const fields = req.method === 'POST' ? new Fields(await readJson(req)) : Fields.fromQuery(url);
    const out = await handler({ req, res, url, fields });
    if (out !== HANDLED) sendJson(res, 200, out);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => sendError(res, e));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const p = opts.port ?? 0;
      if (e.code === 'EADDRINUSE') reject(new IsoKitError(ErrorCode.IO, `port ${p} on 127.0.0.1 is in use (another isokit ui?): choose another with --port, or leave --port out to take a free one`));
      else if (e.code === 'EACCES') reject(new IsoKitError(ErrorCode.PERMISSION, `port ${p} needs administrator rights: choose one above 1023, or leave --port out`));
      else reject(e);
    });
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    roots: rootList,
    app,
    close: async () => {
      await app.hub.close();
      await app.images.closeAll();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
