// Rendering: a readable table per comparison, goal lines (PASS/MISS/n/a), and a markdown summary.
import { fmtS } from './common.mjs';

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

function fmtGoal(g) {
  if (g.value == null) return `n/a (${g.detail})`;
  const v = g.unit === 's' ? `${g.value < 0 ? '−' : '+'}${fmtS(Math.abs(g.value))}` : `${g.value}${g.unit === '×' ? '×' : ` ${g.unit}`}`;
  const t = g.unit === 's' ? fmtS(g.target) : `${g.target}${g.unit === '×' ? '×' : ` ${g.unit}`}`;
  return `${v} (goal ${g.comparison === '>=' ? '≥' : '≤'} ${t})`;
}

export function verdictOf(g) { return g.informative && g.verdict !== 'n/a' ? `info:${g.verdict}` : g.verdict; }

/** Lines of the readable table for one comparison group. */
export function renderGroup(group) {
  const lines = [];
  const i = group.info ?? {};
  const facts = [i.fileCount != null ? `${i.fileCount.toLocaleString('en-US')} files` : '', i.byteLength != null ? `${(i.byteLength / 1e6).toFixed(1)} MB payload` : '']
    .filter(Boolean).join(', ');
  lines.push('', `== ${group.title}${facts ? ` (${facts})` : ''}`);
  lines.push(`${pad('tool', 44)}${lpad('median', 10)}${lpad('min', 10)}${lpad('max', 10)}${lpad('peak RSS', 11)}${lpad('sys', 8)}${lpad('ref', 9)}  status`);
  for (const t of group.tools) {
    const reason = t.reason ?? '';
    const status = t.status === 'ok' ? (t.warning ? `ok (warning: ${t.warning})` : 'ok') : `${t.status}: ${reason.length > 110 ? `${reason.slice(0, 110)}…` : reason}`;
    lines.push(`${pad(t.label, 44)}${lpad(fmtS(t.medianS), 10)}${lpad(fmtS(t.minS), 10)}${lpad(fmtS(t.maxS), 10)}${lpad(t.peakRssMiB != null ? `${Math.round(t.peakRssMiB)} MiB` : '—', 11)}${lpad(t.medianSysS != null ? t.medianSysS.toFixed(2) : '—', 8)}${lpad(t.ref != null ? fmtS(t.ref) : '', 9)}  ${status}`);
  }
  for (const g of group.goals) lines.push(`  ${pad(verdictOf(g), 9)} ${g.text}: ${fmtGoal(g)}`);
  return lines;
}

/** Markdown summary the lead can paste into issue notes. */
export function renderMarkdown(result) {
  const h = result.host;
  const out = [];
  out.push(`### isokit bench — scale ${result.scale}, ${result.pairs} interleaved pairs (+${result.warmup} warm-up), medians`);
  out.push('');
  out.push(`Warm page cache; extraction into ${result.extractTarget}; ${h.cpus} cores shared with other work, load average ${h.loadavgStart.join(' ')} → ${h.loadavgEnd.join(' ')}; Node ${h.node}${h.nodeExtraCaCerts ? ` (NODE_EXTRA_CA_CERTS is set: every Node process parses it before its first line runs; the list suite measures node -e 0 with and without it)` : ''}; isokit commands present: ${result.isokit.commands.length ? result.isokit.commands.join(', ') : `none (${result.isokit.reason ?? 'none listed by isokit help'})`}.`);
  out.push('');
  out.push('| suite | workload | goal | measured | verdict |');
  out.push('|---|---|---|---|---|');
  for (const s of result.suites) {
    for (const g of s.groups) for (const goal of g.goals) out.push(`| ${s.suite} (#${s.issue}) | ${g.workload} | ${goal.text} | ${fmtGoal(goal).replace(/\|/g, '\\|')} | ${verdictOf(goal)} |`);
    if (s.error) out.push(`| ${s.suite} (#${s.issue}) | — | suite crashed | ${s.error.replace(/\|/g, '\\|')} | n/a |`);
  }
  out.push('');
  out.push('| suite | workload | tool | median | peak RSS | ref (benchmarking.md) |');
  out.push('|---|---|---|---|---|---|');
  for (const s of result.suites) {
    for (const g of s.groups) {
      for (const t of g.tools) {
        const med = t.status === 'ok' ? fmtS(t.medianS) : `${t.status}${t.reason ? `: ${t.reason.slice(0, 80)}` : ''}`;
        out.push(`| ${s.suite} | ${g.workload} | ${t.label} | ${med.replace(/\|/g, '\\|')} | ${t.peakRssMiB != null ? `${Math.round(t.peakRssMiB)} MiB` : '—'} | ${t.ref != null ? fmtS(t.ref) : ''} |`);
      }
    }
  }
  return out.join('\n');
}
