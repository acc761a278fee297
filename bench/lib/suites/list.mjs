// list (issue 2): isokit ls -R -l vs isoinfo / bsdtar / 7zz / xorriso on every workload image.
import { readFileSync } from 'node:fs';
import { anchor, byId, diffGoal, fastest, isokitTool, ratioGoal, refFor } from '../common.mjs';
import { interleave } from '../measure.mjs';

export const name = 'list';
export const issue = 2;
export const workloads = ['distro-like', 'many-small', 'one-big'];

function countLines(file) {
  const text = readFileSync(file, 'utf8');
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export function run(ctx) {
  const groups = [];
  for (const wl of ctx.pickWorkloads(workloads)) {
    const { manifest } = ctx.workload(wl);
    const img = ctx.image(wl);
    const ref = (id) => ({ ref: refFor(ctx, 'list', id, wl) });
    const commands = [
      isokitTool(ctx, 'isokit', 'isokit ls -R -l', 'ls', ['-R', '-l', img], {
        // A listing that does not name every file is not a listing (catches a fast wrong answer).
        check: (_c, r) => { const n = countLines(r.stdoutFile); return n < manifest.fileCount ? `printed ${n} lines for ${manifest.fileCount} files` : undefined; },
      }),
      anchor('isoinfo', 'isoinfo -l -R -i', ['isoinfo', '-l', '-R', '-i', img], ref('isoinfo')),
      anchor('bsdtar', 'bsdtar -tvf', ['bsdtar', '-tvf', img], ref('bsdtar')),
      anchor('7zz', '7zz l', ['7zz', 'l', img], ref('7zz')),
      anchor('xorriso', 'xorriso -find -exec lsdl', ['xorriso', '-indev', img, '-find', '/', '-exec', 'lsdl'], ref('xorriso')),
    ];
    ctx.log(`  list · ${wl}`);
    const tools = interleave(commands, { pairs: ctx.pairs, warmup: ctx.warmup, outDir: ctx.outDir, log: ctx.log, tagPrefix: `list-${wl}` });
    const isokit = byId(tools, 'isokit');
    const goals = [];
    const best = fastest(tools, ['7zz', 'bsdtar', 'xorriso']);
    goals.push(ratioGoal(`isokit ls ≤ 1.0× the fastest of 7zz/bsdtar/xorriso${wl === 'many-small' ? '' : ' (goal set on many-small; informative here)'}`, isokit, best, 1.0));
    if (wl !== 'many-small') goals[0].informative = true;
    goals.push(diffGoal('isokit ls within 0.1 s of isoinfo', isokit, byId(tools, 'isoinfo'), 0.1));
    groups.push({ workload: wl, title: `list · ${wl}`, info: { ...manifest, image: img }, tools, goals });
  }
  return groups;
}
