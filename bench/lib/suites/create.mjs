// create (issues 3, 13): isokit create vs genisoimage / xorriso -as mkisofs / bsdtar on distro-like, many-small, one-big.
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { anchor, byId, fastest, isokitTool, ratioGoal, refFor, rssGoal } from '../common.mjs';
import { interleave } from '../measure.mjs';

export const name = 'create';
export const issue = 3;
export const workloads = ['distro-like', 'many-small', 'one-big'];

export function run(ctx) {
  const groups = [];
  for (const wl of ctx.pickWorkloads(workloads)) {
    const { dir, manifest } = ctx.workload(wl);
    const out = (id) => path.join(ctx.outDir, `create-${wl}-${id}.iso`);
    const ids = ['isokit', 'genisoimage', 'xorriso', 'bsdtar'];
    const common = (id) => ({
      ref: refFor(ctx, 'create', id, wl),
      before: () => rmSync(out(id), { force: true }),
      check: () => {
        const size = statSync(out(id), { throwIfNoEntry: false })?.size ?? 0;
        return size < manifest.byteLength ? `image is ${size} bytes, smaller than the ${manifest.byteLength}-byte payload` : undefined;
      },
    });
    const commands = [
      isokitTool(ctx, 'isokit', 'isokit create', 'create', [dir, '-o', out('isokit'), '-V', 'BENCH'], common('isokit')),
      anchor('genisoimage', 'genisoimage -R -J', ['genisoimage', '-R', '-J', '-o', out('genisoimage'), dir], common('genisoimage')),
      anchor('xorriso', 'xorriso -as mkisofs -R -J', ['xorriso', '-as', 'mkisofs', '-R', '-J', '-o', out('xorriso'), dir], common('xorriso')),
      anchor('bsdtar', 'bsdtar --format iso9660', ['bsdtar', '-c', '--format', 'iso9660', '-f', out('bsdtar'), '-C', dir, '.'], common('bsdtar')),
    ];
    ctx.log(`  create · ${wl}`);
    const tools = interleave(commands, { pairs: ctx.pairs, warmup: ctx.warmup, outDir: ctx.outDir, log: ctx.log, tagPrefix: `create-${wl}` });
    for (const id of ids) rmSync(out(id), { force: true });
    const isokit = byId(tools, 'isokit');
    const best = fastest(tools, ['genisoimage', 'xorriso', 'bsdtar']);
    const goals = [ratioGoal('isokit create ≤ 0.8× the fastest anchor', isokit, best, 0.8)];
    goals.push(rssGoal(`isokit create peak RSS ≤ 150 MiB${wl === 'many-small' ? ' (100,000 files)' : ''}`, isokit, 150));
    groups.push({ workload: wl, title: `create · ${wl}`, info: manifest, tools, goals });
  }
  return groups;
}
