// Shared pieces of the suites: command descriptors for anchors and isokit, goal evaluation.
import { hasTool } from './measure.mjs';
import { isokitCommand } from './isokit.mjs';

/** An external reference tool; missing when its executable is not installed. */
export function anchor(id, label, argv, opts = {}) {
  const exe = typeof argv === 'function' ? opts.exe : argv[0];
  return { id, label, kind: 'anchor', argv, missing: exe && !hasTool(exe) ? `${exe} not installed` : undefined, ...opts };
}

/** An isokit command; missing when `isokit help` does not list it. */
export function isokitTool(ctx, id, label, cmd, args, opts = {}) {
  const probe = isokitCommand(ctx.isokit, cmd, typeof args === 'function' ? [] : args);
  const argv = typeof args === 'function' ? (c) => isokitCommand(ctx.isokit, cmd, args(c)).argv : probe.argv;
  return { id, label, kind: 'isokit', argv, missing: probe.missing, ...opts, env: { ISOKIT_NO_PROGRESS: '1', ...opts.env } };
}

export const byId = (results, id) => results.find((r) => r.id === id);
const usable = (r) => r && r.status === 'ok' && r.medianS != null;

function why(r, name) {
  if (!r) return `${name}: not measured`;
  const reason = r.reason ?? r.status;
  return `${r.label}: ${reason.length > 140 ? `${reason.slice(0, 140)}…` : reason}`;
}

/** The fastest usable result among ids, or undefined. */
export function fastest(results, ids) {
  return results.filter((r) => ids.includes(r.id) && usable(r)).sort((a, b) => a.medianS - b.medianS)[0];
}

/**
 * Goal "num.median / den.median ≤ max" (or ≥ min when opts.atLeast). Returns
 * { text, value, target, unit: '×', verdict: 'PASS'|'MISS'|'n/a', detail }.
 */
export function ratioGoal(text, num, den, target, opts = {}) {
  const base = { text, target, unit: '×', comparison: opts.atLeast ? '>=' : '<=' };
  if (!usable(num)) return { ...base, value: null, verdict: 'n/a', detail: why(num, 'isokit') };
  if (!usable(den)) return { ...base, value: null, verdict: 'n/a', detail: why(den, 'anchor') };
  const value = opts.invert ? den.medianS / num.medianS : num.medianS / den.medianS;
  const pass = opts.atLeast ? value >= target : value <= target;
  return { ...base, value: +value.toFixed(3), verdict: pass ? 'PASS' : 'MISS', detail: `${num.label} ${fmtS(num.medianS)} vs ${den.label} ${fmtS(den.medianS)}` };
}

/** Goal "num.median − den.median ≤ maxS seconds". */
export function diffGoal(text, num, den, maxS) {
  const base = { text, target: maxS, unit: 's', comparison: '<=' };
  if (!usable(num)) return { ...base, value: null, verdict: 'n/a', detail: why(num, 'isokit') };
  if (!usable(den)) return { ...base, value: null, verdict: 'n/a', detail: why(den, 'anchor') };
  const value = num.medianS - den.medianS;
  return { ...base, value: +value.toFixed(4), verdict: value <= maxS ? 'PASS' : 'MISS', detail: `${num.label} ${fmtS(num.medianS)} vs ${den.label} ${fmtS(den.medianS)}` };
}

/** Goal "peak RSS ≤ maxMiB". */
export function rssGoal(text, r, maxMiB) {
  const base = { text, target: maxMiB, unit: 'MiB', comparison: '<=' };
  if (!usable(r)) return { ...base, value: null, verdict: 'n/a', detail: why(r, 'isokit') };
  if (r.peakRssMiB == null) return { ...base, value: null, verdict: 'n/a', detail: 'no RSS (install GNU time: apt-get install time)' };
  return { ...base, value: r.peakRssMiB, verdict: r.peakRssMiB <= maxMiB ? 'PASS' : 'MISS', detail: `${r.label} peak ${r.peakRssMiB} MiB` };
}

export function fmtS(s) {
  if (s == null) return '—';
  return s < 1 ? `${(s * 1000).toFixed(s < 0.1 ? 1 : 0)} ms` : `${s.toFixed(2)} s`;
}

/** Reference seconds from benchmarking.md (measured at scale 1 only). */
export const REFERENCE = {
  create: { genisoimage: [2.30, 3.67, 3.94], xorriso: [3.53, 6.42, 4.13], bsdtar: [3.13, 4.50, 11.12] },
  list: { isoinfo: [0.034, 0.084, 0.005], bsdtar: [0.075, 0.387, 0.005], '7zz': [0.123, 0.531, 0.005], xorriso: [0.263, 0.930, 0.005] },
  extract: { xorriso: [3.00, 4.36, 3.16], '7zz': [5.12, 4.13, 3.25], bsdtar: [5.33, 4.35, 1.34] },
  hash: { sha256sum: [5.01, 0.95, 8.95], 'openssl-sha256': [1.21, 0.25, 2.31], 'node-readsync': [1.19, 0.31, 2.39], checkisomd5: [2.96, 0.53, 5.16] },
  write: { dd: [1.02, 0.17, 2.84] },
};
const COLUMN = { 'distro-like': 0, 'many-small': 1, 'one-big': 2 };

export function refFor(ctx, suite, id, workload) {
  if (ctx.scale !== 1) return undefined;
  return REFERENCE[suite]?.[id]?.[COLUMN[workload]];
}
