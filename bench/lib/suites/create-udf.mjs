// create --udf (issue 15): isokit create --udf (a UDF 1.02 bridge) vs genisoimage -R -J -udf on distro-like and many-small.
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { anchor, byId, isokitTool, ratioGoal, rssGoal } from '../common.mjs';
import { interleave } from '../measure.mjs';

export const name = 'create-udf';
export const issue = 15;
export const workloads = ['distro-like', 'many-small'];

export function run(ctx) {
  const groups = [];
  for (const wl of ctx.pickWorkloads(workloads)) {
    const { dir, manifest } = ctx.workload(wl);
    const out = (id) => path.join(ctx.outDir, `create-udf-${wl}-${id}.iso`);
    const ids = ['isokit', 'genisoimage'];
    const common = (id) => ({
      before: () => rmSync(out(id), { force: true }),
      check: () => {
        const size = statSync(out(id), { throwIfNoEntry: false })?.size ?? 0;
        return size < manifest.byteLength ? `image is ${size} bytes, smaller than the ${manifest.byteLength}-byte payload` : undefined;
      },
    });
    const commands = [
      isokitTool(ctx, 'isokit', 'isokit create --udf', 'create', [dir, '-o', out('isokit'), '-V', 'BENCH', '--udf'], common('isokit')),
      anchor('genisoimage', 'genisoimage -R -J -udf', ['genisoimage', '-quiet', '-R', '-J', '-udf', '-o', out('genisoimage'), dir], common('genisoimage')),
    ];
    ctx.log(`  create-udf · ${wl}`);
    const tools = interleave(commands, { pairs: ctx.pairs, warmup: ctx.warmup, outDir: ctx.outDir, log: ctx.log, tagPrefix: `create-udf-${wl}` });
    for (const id of ids) rmSync(out(id), { force: true });
    const isokit = byId(tools, 'isokit');
    const goals = [ratioGoal('isokit create --udf ≤ 0.8× genisoimage -R -J -udf', isokit, byId(tools, 'genisoimage'), 0.8)];
    goals.push(rssGoal(`isokit create --udf peak RSS ≤ 150 MiB${wl === 'many-small' ? ' (100,000 files)' : ''}`, isokit, 150));
    groups.push({ workload: wl, title: `create-udf · ${wl}`, info: manifest, tools, goals });
  }
  return groups;
}
