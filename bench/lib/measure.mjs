// Process measurement: wall time (hrtime around the spawn), peak RSS and user/sys CPU from GNU time
// (`/usr/bin/time -f '%M %U %S'`, i.e. wait4 rusage), and interleaved rounds so every tool in a
// comparison sees the same machine state (A B C, C B A, A B C …). Medians, never single runs.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

export const GNU_TIME = '/usr/bin/time';
const toolCache = new Map();

/** Is an executable on PATH (or an absolute path that exists)? */
export function hasTool(name) {
  if (!toolCache.has(name)) {
    toolCache.set(name, name.startsWith('/') ? existsSync(name) : spawnSync('sh', ['-c', `command -v "$1"`, 'sh', name], { stdio: 'ignore' }).status === 0);
  }
  return toolCache.get(name);
}

export function median(values) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function tail(file, maxLines = 3) {
  try { return readFileSync(file, 'utf8').trim().split('\n').slice(-maxLines).join(' | ').slice(0, 400); } catch { return ''; }
}

/**
 * Run argv once. stdout and stderr go to files under outDir (the last run's output is kept for
 * validation). Returns { wallS, rssKiB, userS, sysS, exitCode, stderrTail }.
 */
export function runOnce(argv, { outDir, tag, env, cwd }) {
  const stdoutFile = path.join(outDir, `${tag}.stdout`);
  const stderrFile = path.join(outDir, `${tag}.stderr`);
  const timeFile = path.join(outDir, `${tag}.time`);
  const useTime = hasTool(GNU_TIME);
  rmSync(timeFile, { force: true });
  const out = openSync(stdoutFile, 'w');
  const err = openSync(stderrFile, 'w');
  const full = useTime ? [GNU_TIME, '-o', timeFile, '-f', '%M %U %S', ...argv] : argv;
  let r;
  const t0 = process.hrtime.bigint();
  try {
    r = spawnSync(full[0], full.slice(1), { stdio: ['ignore', out, err], env: { ...process.env, ...env }, cwd });
  } finally {
    closeSync(out);
    closeSync(err);
  }
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  let rssKiB = null, userS = null, sysS = null;
  if (useTime) {
    // GNU time prefixes "Command exited with non-zero status N" when the command failed.
    const last = tail(timeFile, 1).split(' | ').pop() ?? '';
    const m = /^(\d+) ([\d.]+) ([\d.]+)$/.exec(last.trim());
    if (m) { rssKiB = Number(m[1]); userS = Number(m[2]); sysS = Number(m[3]); }
  }
  const exitCode = r.error ? -1 : (r.status ?? (r.signal ? 128 : -1));
  return { wallS, rssKiB, userS, sysS, exitCode, stderrTail: r.error ? r.error.message : exitCode !== 0 ? tail(stderrFile) : '', stdoutFile };
}

/**
 * A command in a comparison:
 *   { id, label, kind: 'isokit'|'anchor', argv: string[] | (ctx) => string[], missing?: string,
 *     before?(ctx), after?(ctx, result), check?(ctx, result) => string|undefined (after its first run),
 *     env?, okExit?: number[], ref?: number (reference seconds from benchmarking.md) }
 * ctx = { round, counted, outDir, tag }.
 */
export function interleave(commands, { pairs, warmup, outDir, log = () => {}, tagPrefix }) {
  const results = commands.map((c) => ({
    id: c.id, label: c.label, kind: c.kind, argv: null, status: c.missing ? 'missing' : 'ok', reason: c.missing ?? undefined,
    runs: [], ref: c.ref ?? null,
  }));
  const rounds = warmup + pairs;
  for (let round = 0; round < rounds; round++) {
    const order = commands.map((_, i) => i);
    if (round % 2) order.reverse();
    for (const i of order) {
      const c = commands[i];
      const res = results[i];
      if (res.status !== 'ok') continue;
      const ctx = { round, counted: round >= warmup, outDir, tag: `${tagPrefix}-${c.id}` };
      c.before?.(ctx);
      const argv = typeof c.argv === 'function' ? c.argv(ctx) : c.argv;
      res.argv = argv;
      res.stdoutFile = path.join(outDir, `${ctx.tag}.stdout`);
      const r = runOnce(argv, { outDir, tag: ctx.tag, env: c.env });
      const okExit = c.okExit ?? [0];
      if (!okExit.includes(r.exitCode)) {
        res.status = 'failed';
        res.reason = `exit ${r.exitCode}${r.stderrTail ? `: ${r.stderrTail}` : ''}`;
        log(`    ${c.label}: FAILED (${res.reason})`);
        c.after?.(ctx, r);
        continue;
      }
      if (round === 0 && c.check) {
        const problem = c.check(ctx, r);
        // isokit's output must be right to count; a reference tool's quirk is recorded, and it still counts.
        if (problem && c.kind === 'isokit') { res.status = 'invalid'; res.reason = problem; log(`    ${c.label}: INVALID (${problem})`); }
        else if (problem) { res.warning = problem; log(`    ${c.label}: warning (${problem})`); }
      }
      c.after?.(ctx, r);
      if (ctx.counted && res.status === 'ok') res.runs.push({ wallS: +r.wallS.toFixed(4), rssKiB: r.rssKiB, userS: r.userS, sysS: r.sysS });
      log(`    round ${round}${ctx.counted ? '' : ' (warm-up)'} ${c.label}: ${r.wallS.toFixed(3)} s${r.rssKiB != null ? `, ${(r.rssKiB / 1024).toFixed(0)} MiB` : ''}`);
    }
  }
  for (const res of results) summarize(res);
  return results;
}

function summarize(res) {
  const walls = res.runs.map((r) => r.wallS);
  const rss = res.runs.map((r) => r.rssKiB).filter((v) => v != null);
  res.medianS = walls.length ? +median(walls).toFixed(4) : null;
  res.minS = walls.length ? Math.min(...walls) : null;
  res.maxS = walls.length ? Math.max(...walls) : null;
  res.peakRssMiB = rss.length ? +(Math.max(...rss) / 1024).toFixed(1) : null;
  const sys = res.runs.map((r) => r.sysS).filter((v) => v != null);
  res.medianSysS = sys.length ? median(sys) : null;
  if (res.status === 'ok' && !walls.length) { res.status = 'failed'; res.reason = res.reason ?? 'no counted runs'; }
}

/** Sleep synchronously (used to wait out the ext4 inode-reuse trap between extraction runs). */
export function sleepSync(seconds) {
  if (seconds > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.round(seconds * 1000));
}
