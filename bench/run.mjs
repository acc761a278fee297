#!/usr/bin/env node
// isokit benchmark harness: isokit against the reference tools side by side in one run, as ratios of
// medians over interleaved runs (see ../../shared/docs/benchmarking.md and the README "Benchmarks").
//
//   npm run bench -- [--scale 0.1] [--only create,list,extract,hash,write] [--pairs 3] …
//
// Workloads and images are generated once into bench/.work/ (gitignored); results go to
// bench/.work/results-<time>.json and bench/.work/results-latest.json.
import { mkdirSync, rmSync, statfsSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectIsokit } from './lib/isokit.mjs';
import { ensureImage, ensureWorkload, planWorkload, WORKLOADS } from './lib/workloads.mjs';
import { GNU_TIME, hasTool } from './lib/measure.mjs';
import { renderGroup, renderMarkdown } from './lib/report.mjs';
import * as create from './lib/suites/create.mjs';
import * as createUdf from './lib/suites/create-udf.mjs';
import * as list from './lib/suites/list.mjs';
import * as extract from './lib/suites/extract.mjs';
import * as hash from './lib/suites/hash.mjs';
import * as write from './lib/suites/write.mjs';
import * as windowsStick from './lib/suites/windows-stick.mjs';
import * as optical from './lib/suites/optical.mjs';
import * as udf from './lib/suites/udf.mjs';

const SUITES = [create, createUdf, list, extract, hash, write, windowsStick, optical, udf];
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RESULT_SCHEMA_VERSION = 1;

const HELP = `usage: node bench/run.mjs [options]   (npm run bench -- [options])

  --only LIST        suites to run: ${SUITES.map((s) => s.name).join(',')} (default: all)
  --scale N          workload scale (default 1 = the benchmarking.md workloads; 0.1 for quick runs)
  --pairs N          counted interleaved rounds per comparison (default 3, and 10 for list: its runs
                     are short, and Node's start-up varies by tens of ms)
  --warmup N         uncounted rounds first (default 1; also validates every tool's output)
  --workloads LIST   restrict to these workloads: ${WORKLOADS.join(',')}
  --extract-to WHERE tmpfs (default: /dev/shm when it has room), disk (waits 65 s between runs for the
                     ext4 inode-reuse trap), or a directory path
  --work DIR         workloads, images and outputs (default bench/.work)
  --json-out FILE    also write the results JSON here
  --isokit FILE      isokit entry point (default bin/isokit.js)
  --prepare          only generate the workloads and build their images, then stop
  --quiet            only the tables and the summary`;

function parseArgs(argv) {
  const o = { only: SUITES.map((s) => s.name), scale: 1, pairs: 3, warmup: 1, workloads: WORKLOADS, extractTo: 'tmpfs', work: path.join(ROOT, 'bench/.work'), quiet: false };
  const num = (flag, v, min) => { const n = Number(v); if (!Number.isFinite(n) || n < min) throw new Error(`${flag} needs a number ≥ ${min}, got "${v}"`); return n; };
  const listOf = (flag, v, known) => {
    const items = String(v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const bad = items.filter((s) => !known.includes(s));
    if (!items.length || bad.length) throw new Error(`${flag}: unknown ${bad.join(', ') || '(empty)'} (known: ${known.join(', ')})`);
    return items;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
    const val = () => { const v = inline ?? argv[++i]; if (v === undefined) throw new Error(`${flag} needs a value`); return v; };
    switch (flag) {
      case '--only': o.only = listOf(flag, val(), SUITES.map((s) => s.name)); break;
      case '--scale': o.scale = num(flag, val(), 1e-6); break;
      case '--pairs': o.pairs = Math.floor(num(flag, val(), 1)); o.pairsGiven = true; break;
      case '--warmup': o.warmup = Math.floor(num(flag, val(), 0)); break;
      case '--workloads': o.workloads = listOf(flag, val(), WORKLOADS); break;
      case '--extract-to': o.extractTo = val(); break;
      case '--work': o.work = path.resolve(val()); break;
      case '--json-out': o.jsonOut = path.resolve(val()); break;
      case '--isokit': o.isokit = path.resolve(val()); break;
      case '--quiet': o.quiet = true; break;
      case '--prepare': o.prepare = true; break;
      case '-h': case '--help': o.help = true; break;
      default: throw new Error(`unknown option "${argv[i]}" (see --help)`);
    }
  }
  return o;
}

/** Where extraction runs write: a tmpfs when it has room for the largest workload, else the disk. */
function chooseExtractTarget(o, log) {
  const mode = o.extractTo;
  if (mode !== 'tmpfs' && mode !== 'disk') return { mode: 'dir', root: path.resolve(mode, `isokit-bench-${process.pid}`) };
  const disk = { mode: 'disk', root: path.join(o.work, 'extract') };
  if (mode === 'disk') return disk;
  const need = Math.max(...o.workloads.map((w) => planWorkload(w, o.scale).files.reduce((a, f) => a + f.byteLength, 0))) * 1.3;
  try {
    const st = statfsSync('/dev/shm');
    if (st.bavail * st.bsize >= need) return { mode: 'tmpfs', root: `/dev/shm/isokit-bench-${process.pid}` };
    log(`note: /dev/shm has less than ${(need / 1e9).toFixed(1)} GB free; extracting to disk (with 65 s waits)`);
  } catch {
    log('note: no /dev/shm; extracting to disk (with 65 s waits)');
  }
  return disk;
}

function toolVersions() {
  const first = (cmd, args, re) => {
    if (!hasTool(cmd)) return null;
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 5000 });
    const text = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
    return (re ? text.match(re)?.[0] : text.trim().split('\n')[0]) ?? null;
  };
  return {
    xorriso: first('xorriso', ['-version'], /xorriso \d[\d.]*/), genisoimage: first('genisoimage', ['--version']),
    bsdtar: first('bsdtar', ['--version']), '7zz': first('7zz', ['i'], /7-Zip[^\n]*?\d+\.\d+/), openssl: first('openssl', ['version']),
    coreutils: first('sha256sum', ['--version']), isoinfo: first('isoinfo', ['-version']), gnuTime: hasTool(GNU_TIME),
  };
}

export async function main(argv) {
  let o;
  try { o = parseArgs(argv); } catch (e) { console.error(`bench: ${e.message}`); return 2; }
  if (o.help) { console.log(HELP); return 0; }
  const log = o.quiet ? () => {} : (m) => console.log(m);
  mkdirSync(o.work, { recursive: true });
  const outDir = path.join(o.work, 'out');
  mkdirSync(outDir, { recursive: true });
  const isokit = detectIsokit(ROOT, o.isokit);
  if (!hasTool(GNU_TIME)) log(`note: ${GNU_TIME} missing (Debian package "time"): wall times only, no peak RSS`);
  if (!hasTool('xorriso')) { console.error('bench: xorriso is needed to build the workload images (apt-get install xorriso)'); return 1; }
  const target = o.only.includes('extract') || o.only.includes('udf') ? chooseExtractTarget(o, log) : { mode: 'n/a', root: path.join(o.work, 'extract') };
  const wlCache = new Map();
  const imgCache = new Map();
  const ctx = {
    scale: o.scale, pairs: o.pairs, pairsGiven: !!o.pairsGiven, warmup: o.warmup, outDir, log, isokit, work: o.work,
    extractMode: target.mode, extractRoot: target.root,
    pickWorkloads: (names) => names.filter((n) => o.workloads.includes(n)),
    workload: (n) => { if (!wlCache.has(n)) wlCache.set(n, ensureWorkload(o.work, n, o.scale, log)); return wlCache.get(n); },
    image: (n) => { if (!imgCache.has(n)) imgCache.set(n, ensureImage(o.work, n, o.scale, ctx.workload(n).dir, log)); return imgCache.get(n); },
  };
  if (o.prepare) {
    for (const n of o.workloads) ctx.image(n);
    log(`workloads and images ready in ${o.work}`);
    return 0;
  }
  const result = {
    schemaVersion: RESULT_SCHEMA_VERSION, startedAt: new Date().toISOString(), finishedAt: null,
    scale: o.scale, pairs: o.pairs, warmup: o.warmup, pageCache: 'warm', extractTarget: `${target.mode} (${target.root})`,
    host: { cpus: os.cpus().length, node: process.versions.node, nodeExtraCaCerts: process.env.NODE_EXTRA_CA_CERTS ?? null, loadavgStart: os.loadavg().map((x) => +x.toFixed(2)), loadavgEnd: null, tools: toolVersions() },
    isokit: { commands: isokit.commands, reason: isokit.reason ?? null }, suites: [],
  };
  log(`isokit bench: scale ${o.scale}, ${o.pairs} pairs (+${o.warmup} warm-up), suites ${o.only.join(',')}; load average ${result.host.loadavgStart.join(' ')}`);
  log(`isokit commands: ${isokit.commands.join(', ') || `none (${isokit.reason ?? 'none listed by isokit help'})`}`);
  try {
    for (const suite of SUITES.filter((s) => o.only.includes(s.name))) {
      if (!ctx.pickWorkloads(suite.workloads).length) continue;
      const entry = { suite: suite.name, issue: suite.issue, loadavg: os.loadavg().map((x) => +x.toFixed(2)), groups: [] };
      result.suites.push(entry);
      log(`\n# ${suite.name} (issue ${suite.issue}) — load average ${entry.loadavg.join(' ')}`);
      try {
        entry.groups = suite.run(ctx);
      } catch (e) {
        entry.error = e?.message ?? String(e);
        console.error(`bench: suite ${suite.name} crashed: ${entry.error}`);
      }
      entry.loadavgEnd = os.loadavg().map((x) => +x.toFixed(2));
      for (const g of entry.groups) console.log(renderGroup(g).join('\n'));
      if (entry.loadavgEnd[0] > result.host.cpus) console.log(`  (noisy: load average ${entry.loadavgEnd[0]} on ${result.host.cpus} cores; trust the ratios more than the seconds)`);
    }
  } finally {
    if (target.mode !== 'disk' && existsSync(target.root)) rmSync(target.root, { recursive: true, force: true });
  }
  result.finishedAt = new Date().toISOString();
  result.host.loadavgEnd = os.loadavg().map((x) => +x.toFixed(2));
  const json = JSON.stringify(result, null, 2) + '\n';
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  writeFileSync(path.join(o.work, `results-${stamp}.json`), json);
  writeFileSync(path.join(o.work, 'results-latest.json'), json);
  if (o.jsonOut) writeFileSync(o.jsonOut, json);
  console.log(`\nresults: ${path.join(o.work, `results-${stamp}.json`)}\n`);
  console.log(renderMarkdown(result));
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => { console.error(`bench: ${e?.stack ?? e}`); process.exitCode = 1; });
}
