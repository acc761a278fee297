// write (issue 6): isokit write IMG FILE --yes (with its read-back verification) vs
// `dd bs=4M conv=fsync` followed by `cmp`, on the one-big image; plus two targets at once.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { anchor, byId, isokitTool, ratioGoal, refFor, rssGoal } from '../common.mjs';
import { interleave } from '../measure.mjs';

export const name = 'write';
export const issue = 6;
export const workloads = ['one-big'];

export function run(ctx) {
  const wl = 'one-big';
  const { manifest } = ctx.workload(wl);
  const img = ctx.image(wl);
  const t1 = path.join(ctx.outDir, 'write-target-1.img');
  const t2 = path.join(ctx.outDir, 'write-target-2.img');
  // Every run starts from empty, existing target files (a file posing as a device) and ends without them.
  const fresh = { before: () => { writeFileSync(t1, ''); writeFileSync(t2, ''); }, after: () => { rmSync(t1, { force: true }); rmSync(t2, { force: true }); } };
  const ddCmp = 'dd if="$1" of="$2" bs=4M conv=fsync status=none && cmp "$1" "$2"';
  const commands = [
    isokitTool(ctx, 'isokit', 'isokit write (1 target, verified)', 'write', [img, t1, '--yes', '--verify'], fresh),
    isokitTool(ctx, 'isokit-2', 'isokit write (2 targets, verified)', 'write', [img, t1, t2, '--yes', '--verify'], fresh),
    anchor('dd-cmp', 'dd bs=4M conv=fsync && cmp', ['sh', '-c', ddCmp, 'sh', img, t1], fresh),
    anchor('dd', 'dd bs=4M conv=fsync (no verify)', ['dd', `if=${img}`, `of=${t1}`, 'bs=4M', 'conv=fsync', 'status=none'], { ...fresh, ref: refFor(ctx, 'write', 'dd', wl) }),
  ];
  ctx.log('  write · one-big image to a file target');
  const tools = interleave(commands, { pairs: ctx.pairs, warmup: ctx.warmup, outDir: ctx.outDir, log: ctx.log, tagPrefix: 'write' });
  const isokit = byId(tools, 'isokit');
  return [{
    workload: wl, title: 'write · one-big image → file', info: { ...manifest, image: img }, tools,
    goals: [
      ratioGoal('isokit write + verify ≤ 1.05× dd conv=fsync + cmp', isokit, byId(tools, 'dd-cmp'), 1.05),
      rssGoal('isokit write peak RSS ≤ 150 MiB', isokit, 150),
      ratioGoal('isokit write to 2 targets ≤ 1.3× one target', byId(tools, 'isokit-2'), isokit, 1.3),
    ],
  }];
}
