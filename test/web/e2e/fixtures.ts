/**
 * Shared pieces of the end-to-end tests: the built CLI's `isokit ui` as a child process, screenshots into
 * artifacts/screenshots/, driving the server-side file browser like a user, and the memory of the browser.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { BIN, IN_CI, ROOT, tmpDir } from '../../helpers/index.js';

export const SHOTS = path.join(ROOT, 'artifacts', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const WEB = path.join(ROOT, 'dist', 'web');

/** Skip the file's tests (with the reason) on a machine without Chromium or a build; under CI=true, fail. */
export function needBrowser(): void {
  const missing = [!existsSync(CHROMIUM) && `${CHROMIUM} (Debian package chromium)`, !existsSync(path.join(WEB, 'app.js')) && 'dist/web (npm run build)'].filter(Boolean);
  if (IN_CI && missing.length) throw new Error(`missing under CI: ${missing.join(', ')}`);
  test.skip(missing.length > 0, `needs ${missing.join(', ')}`);
}

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Under CI a missing tool fails the test; elsewhere it skips it. */
export function needTools(...names: string[]): void {
  const missing = names.filter((n) => !hasTool(n));
  if (IN_CI && missing.length) throw new Error(`required tool(s) missing under CI: ${missing.join(', ')}`);
  test.skip(missing.length > 0, `needs ${missing.join(', ')}`);
}

export interface Ui {
  readonly url: string;
  readonly port: number;
  readonly base: string;
  stop(): Promise<void>;
}

export interface Suite {
  /** the server, running in `dir` (set once the suite has started) */
  readonly ui: Ui;
  /** the suite's temporary folder: the one allowed root */
  readonly dir: string;
}

/**
 * One server for a spec file: check the browser and `tools`, make a temporary folder, let `prepare` fill it,
 * start `isokit ui` with that folder as its only root; stopped and removed after the file's tests.
 */
export function uiSuite(name: string, tools: string[], prepare: (dir: string) => void | Promise<void>): Suite {
  const s: { ui?: Ui; dir?: string; cleanup?: () => void } = {};
  test.beforeAll(async () => {
    needBrowser();
    needTools(...tools);
    const t = tmpDir(name);
    s.dir = t.dir;
    s.cleanup = t.cleanup;
    await prepare(t.dir);
    s.ui = await startUi([t.dir]);
  });
  test.afterAll(async () => {
    await s.ui?.stop();
    s.cleanup?.();
  });
  return {
    get ui() {
      if (!s.ui) throw new Error('the suite has not started');
      return s.ui;
    },
    get dir() {
      if (!s.dir) throw new Error('the suite has not started');
      return s.dir;
    },
  };
}

/** Start `bin/isokit.js ui --no-open --json --root …` (the artifact users run). */
export async function startUi(roots: string[]): Promise<Ui> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'ui', '--no-open', '--json', ...roots.flatMap((r) => ['--root', r])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d;
    process.stderr.write(`[isokit ui] ${d}`);
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const i = out.indexOf('\n');
      if (i >= 0) resolve(out.slice(0, i));
    });
    child.on('exit', (code) => reject(new Error(`isokit ui exited (${code}): ${err}`)));
  });
  const { url, port } = JSON.parse(line) as { url: string; port: number };
  return {
    url, port, base: `http://127.0.0.1:${port}/`,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

const shotCounters = new Map<string, number>();
/** A full-page screenshot named after the test file and step, in order: artifacts/screenshots/<prefix>-<nn>-<step>.png. */
export async function shot(page: Page, prefix: string, step: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const n = (shotCounters.get(prefix) ?? 0) + 1;
  shotCounters.set(prefix, n);
  await page.screenshot({ path: path.join(SHOTS, `${prefix}-${String(n).padStart(2, '0')}-${step}.png`), fullPage: true });
}

/**
 * Choose a path with the page's file browser: open the chooser (`id`), go from the allowed folder `root` down
 * the folders of `relPath`, then click the file (or "Use this folder"). `shows`: the chooser then shows the
 * path (false for "add" choosers, which close and list it elsewhere).
 */
export async function choosePath(page: Page, id: string, root: string, relPath: string, kind: 'file' | 'folder', shows = true): Promise<void> {
  const field = page.locator(`#${id}-browser`);
  if (!(await field.isVisible())) await page.locator(`button[aria-controls="${id}-browser"]`).click();
  await field.getByRole('button', { name: 'Places' }).click();
  await field.getByRole('button', { name: `Folder ${root}`, exact: true }).click();
  let at = root;
  await expect(field.locator('.path')).toHaveText(at);
  const parts = relPath.split('/').filter(Boolean);
  const last = kind === 'file' ? parts.pop() : undefined;
  for (const p of parts) {
    await field.getByRole('button', { name: `Folder ${p}`, exact: true }).click();
    at = path.join(at, p);
    await expect(field.locator('.path')).toHaveText(at);
  }
  if (last) await field.getByRole('button', { name: new RegExp(`^File ${last.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},`) }).click();
  else await field.getByRole('button', { name: 'Use this folder' }).click();
  if (shows) await expect(page.locator(`#${id}-value`)).toHaveText(kind === 'file' ? path.join(root, relPath) : path.join(root, relPath).replace(/\/$/, ''));
  else await expect(field).toBeHidden();
}

/** Resident memory of every process below `pid` (the browser and its renderers), in bytes. */
export function treeRss(pid = process.pid): number {
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(f[1]));
      rss.set(Number(d), Number(f[21]) * 4096);
    } catch {
      /* gone */
    }
  }
  const below = (p: number): boolean => {
    for (let q = parent.get(p); q !== undefined && q > 1; q = parent.get(q)) if (q === pid) return true;
    return false;
  };
  let sum = 0;
  for (const [p, r] of rss) if (below(p)) sum += r;
  return sum;
}
