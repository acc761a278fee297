/**
 * The one-shot writer process. The server never writes devices itself and never runs as root: a write runs in
 * a child process (writer-child.js) that gets the request as one JSON line on stdin, checks the targets again
 * inside `writeImage`'s confirmation hook, writes, verifies, and reports on stdout as JSON lines — the same
 * objects `isokit write --json` prints (`{"type":"progress",…}`, `{"type":"message",…}`), then
 * `{"type":"summary","summary":…}` or `{"type":"error","error":…}`. Closing its stdin cancels it (a signal
 * could not reach an elevated child).
 *
 * Only when a device is not writable by the user is the child elevated, with `pkexec` (a desktop password
 * prompt) or `sudo -n` (password-less sudo); if neither is possible the write is refused with what to do.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, IsoKitError, type WriteSummary } from '../../node/index.js';
import { ApiError, type UserError } from './errors.js';
import type { JobContext } from './jobs.js';
import { needsElevation, type TargetIdentity } from './targets.js';

export interface WriterRequest {
  readonly image: string;
  readonly targets: readonly TargetIdentity[];
  readonly verify: boolean;
}

/** Where writer-child.js is (next to this module in dist/; the tests run the TypeScript through tsx). */
export function writerChildPath(): string {
  const here = fileURLToPath(import.meta.url);
  const js = path.join(path.dirname(here), 'writer-child.js');
  if (existsSync(js)) return js;
  return path.join(path.dirname(here), 'writer-child.ts');
}

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** The command line that starts the writer, elevated when the targets need it. */
export function writerCommand(ids: readonly TargetIdentity[], env: NodeJS.ProcessEnv = process.env): string[] {
  const child = writerChildPath();
  const node = [process.execPath, ...(child.endsWith('.ts') ? ['--import', 'tsx'] : []), child];
  if (!needsElevation(ids)) return node;
  const device = ids.find((t) => t.kind === 'device')?.path ?? 'the device';
  if ((env.DISPLAY || env.WAYLAND_DISPLAY) && onPath('pkexec')) return ['pkexec', ...node];
  if (onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) return ['sudo', '-n', ...node];
  throw new ApiError(
    403, 'NEEDS_ROOT',
    `writing ${device} needs administrator rights, and isokit found no way to ask for them (no pkexec in a desktop session, no password-less sudo)`,
    `install polkit (pkexec), or write from a terminal: sudo isokit write IMAGE ${device}`,
  );
}

/** Run a write in the writer process; resolves with its summary, rejects with its error. */
export function runWriter(req: WriterRequest, job: JobContext): Promise<WriteSummary> {
  const [cmd, ...args] = writerCommand(req.targets);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd as string, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let summary: WriteSummary | undefined;
    let error: UserError | undefined;
    let stderr = '';
    let buf = '';
    const onLine = (line: string) => {
      if (!line.trim()) return;
      let ev: Record<string, unknown>;
      try {
        ev = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (ev.type === 'progress') job.progress(ev as unknown as Parameters<JobContext['progress']>[0]);
      else if (ev.type === 'message') job.message(ev.level === 'warn' ? 'warn' : 'info', String(ev.text));
      else if (ev.type === 'summary') summary = ev.summary as WriteSummary;
      else if (ev.type === 'error') error = ev.error as UserError;
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
    });
    const cancel = () => child.stdin.end();
    job.signal.addEventListener('abort', cancel, { once: true });
    child.on('error', (e) => reject(new IsoKitError(ErrorCode.IO, `could not start the writer (${cmd}): ${e.message}`)));
    child.on('close', (code) => {
      job.signal.removeEventListener('abort', cancel);
      onLine(buf);
      if (summary) return resolve(summary);
      if (error) return reject(new ApiError(error.status ?? 500, error.code, error.message, error.hint));
      const why = stderr.trim().split('\n').pop() ?? '';
      if (cmd === 'pkexec' && (code === 126 || code === 127)) return reject(new ApiError(403, 'NOT_AUTHORIZED', 'the administrator password was not given, so nothing was written', 'start the write again and enter the password when asked'));
      reject(new IsoKitError(ErrorCode.INTERNAL, `the writer stopped without a result (exit ${code}${why ? `: ${why}` : ''})`));
    });
    child.stdin.write(JSON.stringify(req) + '\n');
  });
}
