// udf (issue 14): the UDF reader on genisoimage -udf images of the tree workloads — `isokit ls -R -l
// --namespace udf` vs `7zz l -tudf`, `isokit extract --namespace udf` vs `7zz x -tudf` (a fresh directory
// per run, as in the extract suite). Goals: ≤ 0.8× 7-Zip's time, peak RSS ≤ 150 MiB. CPU time (user + sys)
// ratios are reported beside them: on a shared machine they move less than wall time.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { anchor, byId, fmtS, isokitTool, ratioGoal, rssGoal } from '../common.mjs';
import { countTree, ensureUdfImage } from '../workloads.mjs';
import { interleave, median, sleepSync } from '../measure.mjs';

export const name = 'udf';
export const issue = 14;
export const workloads = ['distro-like', 'many-small'];
const TRAP_WAIT_S = 65;

const countLines = (file) => readFileSync(file, 'utf8').split('\n').filter(Boolean).length;

/** Median CPU seconds (user + sys) of a result's counted runs, or null. */
function cpuOf(r) {
  const cpu = (r?.runs ?? []).filter((x) => x.userS != null && x.sysS != null).map((x) => x.userS + x.sysS);
  return cpu.length ? median(cpu) : null;
}

/** Informative goal on CPU time: isokit's median user + sys against the anchor's. */
function cpuGoal(text, num, den, target) {
  const a = cpuOf(num), b = cpuOf(den);
  const base = { text, target, unit: '×', comparison: '<=', informative: true };
  if (a == null || b == null || b === 0) return { ...base, value: null, verdict: 'n/a', detail: 'no CPU times (GNU time missing, or a run failed)' };
  const value = a / b;
  return { ...base, value: +value.toFixed(3), verdict: value <= target ? 'PASS' : 'MISS', detail: `CPU ${fmtS(a)} vs ${fmtS(b)}` };
}

export function run(ctx) {
  const groups = [];
  let lastBigDeleteMs = 0;
  for (const wl of ctx.pickWorkloads(workloads)) {
    const { manifest, dir: srcDir } = ctx.workload(wl);
    const img = ensureUdfImage(ctx.work, wl, ctx.scale, srcDir, ctx.log);
    const info = { ...manifest, image: img };
    // listing
    const list = [
      isokitTool(ctx, 'isokit', 'isokit ls -R -l --namespace udf', 'ls', ['-R', '-l', '--namespace', 'udf', img], {
        check: (_c, r) => { const n = countLines(r.stdoutFile); return n < manifest.fileCount ? `printed ${n} lines for ${manifest.fileCount} files` : undefined; },
      }),
      anchor('7zz', '7zz l -tudf', ['7zz', 'l', '-tudf', img]),
    ];
    ctx.log(`  udf list · ${wl}`);
    const lt = interleave(list, { pairs: ctx.pairsGiven ? ctx.pairs : 5, warmup: ctx.warmup, outDir: ctx.outDir, log: ctx.log, tagPrefix: `udf-list-${wl}` });
    groups.push({
      workload: wl, title: `udf list · ${wl}`, info, tools: lt,
      goals: [
        ratioGoal('isokit ls -R -l --namespace udf ≤ 0.8× 7zz l -tudf', byId(lt, 'isokit'), byId(lt, '7zz'), 0.8),
        cpuGoal('CPU time: isokit ls ≤ 0.8× 7zz l -tudf', byId(lt, 'isokit'), byId(lt, '7zz'), 0.8),
        rssGoal('isokit ls --namespace udf peak RSS ≤ 150 MiB', byId(lt, 'isokit'), 150),
      ],
    });
    // extraction
    const dirFor = (id, round) => path.join(ctx.extractRoot, `udf-${wl}-${id}-${round}`);
    const hooks = (id) => ({
      before: (c) => {
        if (ctx.extractMode === 'disk' && lastBigDeleteMs) {
          const waitS = TRAP_WAIT_S - (Date.now() - lastBigDeleteMs) / 1000;
          if (waitS > 0) sleepSync(waitS);
        }
        rmSync(dirFor(id, c.round), { recursive: true, force: true });
        mkdirSync(dirFor(id, c.round), { recursive: true });
      },
      check: (c) => {
        const got = countTree(dirFor(id, c.round));
        return got.files !== manifest.fileCount || got.bytes !== manifest.byteLength
          ? `extracted ${got.files} files / ${got.bytes} bytes, expected ${manifest.fileCount} / ${manifest.byteLength}` : undefined;
      },
      after: (c) => {
        rmSync(dirFor(id, c.round), { recursive: true, force: true });
        if (manifest.fileCount >= 1000) lastBigDeleteMs = Date.now();
      },
    });
    const extract = [
      isokitTool(ctx, 'isokit', 'isokit extract --namespace udf', 'extract', (c) => [img, '--namespace', 'udf', '-o', dirFor('isokit', c.round)], hooks('isokit')),
      anchor('7zz', '7zz x -tudf', (c) => ['7zz', 'x', '-tudf', '-y', '-bd', `-o${dirFor('7zz', c.round)}`, img], { exe: '7zz', ...hooks('7zz') }),
    ];
    ctx.log(`  udf extract · ${wl} (into ${ctx.extractMode}: ${ctx.extractRoot})`);
    const xt = interleave(extract, { pairs: ctx.pairs, warmup: ctx.warmup, outDir: ctx.outDir, log: ctx.log, tagPrefix: `udf-extract-${wl}` });
    groups.push({
      workload: wl, title: `udf extract · ${wl}`, info: { ...info, target: ctx.extractMode }, tools: xt,
      goals: [
        ratioGoal('isokit extract --namespace udf ≤ 0.8× 7zz x -tudf', byId(xt, 'isokit'), byId(xt, '7zz'), 0.8),
        cpuGoal('CPU time: isokit extract ≤ 0.8× 7zz x -tudf', byId(xt, 'isokit'), byId(xt, '7zz'), 0.8),
        rssGoal('isokit extract --namespace udf peak RSS ≤ 150 MiB', byId(xt, 'isokit'), 150),
      ],
    });
  }
  return groups;
}
