/** Shared test helpers: temp dirs, running the CLI, and external tools that must exist under CI=true. */
import { spawnSync, spawn, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/isokit.js');
export const SHARED = path.resolve(ROOT, '../shared');
export const BOOT = path.join(SHARED, 'boot');
export const IN_CI = process.env.CI === 'true';

const TMP_ROOT = process.env.ISOKIT_TEST_TMP ?? path.join(ROOT, '.test-tmp');

/** A fresh temporary folder, removed by `cleanup()` (kept when ISOKIT_KEEP_TMP is set). */
export function tmpDir(prefix = 't'): { dir: string; cleanup: () => void } {
  mkdirSync(TMP_ROOT, { recursive: true });
  const dir = mkdtempSync(path.join(TMP_ROOT, `${prefix}-`));
  return { dir, cleanup: () => { if (!process.env.ISOKIT_KEEP_TMP) rmSync(dir, { recursive: true, force: true }); } };
}

const toolCache = new Map<string, boolean>();
export function hasTool(name: string): boolean {
  if (!toolCache.has(name)) toolCache.set(name, spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0);
  return toolCache.get(name) as boolean;
}

/**
 * Skip the test with a visible reason when an external tool is missing on a developer's machine;
 * under CI=true a missing tool is a failure.
 */
export function needTools(t: TestContext, ...names: string[]): boolean {
  const missing = names.filter((n) => !hasTool(n));
  if (!missing.length) return true;
  if (IN_CI) throw new Error(`required tool(s) missing under CI: ${missing.join(', ')} (install them in .ci/run)`);
  t.skip(`needs ${missing.join(', ')} (not installed)`);
  return false;
}

/**
 * Skip the test with a visible reason when files or folders it needs are missing on a developer's machine
 * (the boot harness in ../shared, a Debian package's data); under CI=true a missing one is a failure.
 */
export function needFiles(t: TestContext, what: string, ...paths: string[]): boolean {
  const missing = paths.filter((p) => !existsSync(p));
  if (!missing.length) return true;
  if (IN_CI) throw new Error(`${what} missing under CI: ${missing.join(', ')}`);
  t.skip(`needs ${what} (${missing.join(', ')} not found)`);
  return false;
}

/** The boot harness (../shared/boot: make-payload.sh, boot-check), checked as `needFiles` does. */
export const needBootHarness = (t: TestContext, ...files: string[]): boolean =>
  needFiles(t, 'the boot harness in ../shared/boot', ...(files.length ? files : ['make-payload.sh', 'boot-check']).map((f) => path.join(BOOT, f)));

export interface RunResult { status: number; stdout: string; stderr: string; stdoutBytes: Buffer }

/** Run the isokit CLI synchronously. */
export function runCli(args: string[], opts: SpawnSyncOptions = {}): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { maxBuffer: 1 << 30, ...opts, env: { ...process.env, ISOKIT_NO_PROGRESS: '1', ...opts.env } });
  const out = r.stdout as Buffer;
  return { status: r.status ?? -1, stdout: out?.toString('utf8') ?? '', stderr: (r.stderr as Buffer)?.toString('utf8') ?? '', stdoutBytes: out };
}

/** Run the isokit CLI asynchronously (when the test process must keep serving, e.g. an HTTP source). */
export function runCliAsync(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.cwd, env: { ...process.env, ISOKIT_NO_PROGRESS: '1', ...opts.env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ status: code ?? -1, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes });
    });
  });
}

/** Run any command synchronously; throws with its stderr when it fails. */
export function sh(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr?.toString()}`);
  return r.stdout?.toString() ?? '';
}

/** Run a command asynchronously (long jobs such as boot checks). */
export function shAsync(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}
