// write (issue 6): isokit write IMG FILE --yes (with its read-back verification) vs
// `dd bs=4M conv=fsync` followed by `cmp`, on the one-big image; plus two targets at once — on two
// simulated USB sticks (throttled loop devices, see write-sticks.mjs), where the goal "2 targets ≤ 1.3× one"
// is measured, and on plain files of one virtual disk (informative: both copies share the disk and CPU).
import { rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { anchor, byId, isokitTool, ratioGoal, refFor, rssGoal } from '../common.mjs';
import { interleave } from '../measure.mjs';
import { STICK, setUpSticks, sticksUnavailable } from './write-sticks.mjs';

export const name = 'write';
export const issue = 6;
export const workloads = ['one-big'];

const ddCmp = 'dd if="$1" of="$2" bs=4M conv=fsync status=none && cmp "$1" "$2"';
/**
 * The same, but cmp reads the target from the medium: right after dd, its pages are still cached and
 * cmp compares memory with memory. `dd iflag=nocache count=0` drops the file's cached pages first
 * (GNU dd: posix_fadvise DONTNEED), which is what isokit's O_DIRECT read-back does.
 */
const ddCmpMedium = 'dd if="$1" of="$2" bs=4M conv=fsync status=none && dd if="$2" iflag=nocache count=0 status=none && cmp "$1" "$2"';
/** dd with O_DIRECT (what the block throttle sees), then cmp over the image's length only (the stick is larger). */
const ddCmpDevice = 'dd if="$1" of="$2" bs=4M oflag=direct conv=fsync status=none && cmp -n "$3" "$1" "$2"';

function fileTargets(ctx, wl, manifest, img) {
  const t1 = path.join(ctx.outDir, 'write-target-1.img');
  const t2 = path.join(ctx.outDir, 'write-target-2.img');
  // Every run starts from empty, existing target files (a file posing as a device) and ends without them.
  const fresh = { before: () => { writeFileSync(t1, ''); writeFileSync(t2, ''); }, after: () => { rmSync(t1, { force: true }); rmSync(t2, { force: true }); } };
  const commands = [
    isokitTool(ctx, 'isokit', 'isokit write (1 target, verified)', 'write', [img, t1, '--yes', '--verify'], fresh),
    isokitTool(ctx, 'isokit-2', 'isokit write (2 targets, verified)', 'write', [img, t1, t2, '--yes', '--verify'], fresh),
    anchor('dd-cmp', 'dd bs=4M conv=fsync && cmp', ['sh', '-c', ddCmp, 'sh', img, t1], fresh),
    anchor('dd-cmp-medium', 'dd conv=fsync && cmp from the medium', ['sh', '-c', ddCmpMedium, 'sh', img, t1], fresh),
    anchor('dd', 'dd bs=4M conv=fsync (no verify)', ['dd', `if=${img}`, `of=${t1}`, 'bs=4M', 'conv=fsync', 'status=none'], { ...fresh, ref: refFor(ctx, 'write', 'dd', wl) }),
  ];
  ctx.log('  write · one-big image to a file target');
  const tools = interleave(commands, { pairs: ctx.pairs, warmup: ctx.warmup, outDir: ctx.outDir, log: ctx.log, tagPrefix: 'write' });
  const isokit = byId(tools, 'isokit');
  return {
    workload: wl, title: 'write · one-big image → file', info: { ...manifest, image: img }, tools,
    goals: [
      ratioGoal('isokit write + verify ≤ 1.05× dd conv=fsync + cmp', isokit, byId(tools, 'dd-cmp'), 1.05),
      { ...ratioGoal('isokit write + verify vs dd conv=fsync + cmp reading the medium (same check as isokit\'s)', isokit, byId(tools, 'dd-cmp-medium'), 1.05), informative: true },
      rssGoal('isokit write peak RSS ≤ 150 MiB', isokit, 150),
      { ...ratioGoal('2 file targets on one virtual disk vs 1 (the disk and 2 cores are shared; the 1.3× goal is measured on sticks)', byId(tools, 'isokit-2'), isokit, 1.3), informative: true },
    ],
  };
}

function stickTargets(ctx, wl, manifest, img) {
  const mib = (b) => Math.round(b / 1048576);
  const title = `write · one-big image → simulated USB sticks (loop on tmpfs, throttled ${mib(STICK.writeBps)} MiB/s write, ${mib(STICK.readBps)} MiB/s read)`;
  const why = sticksUnavailable();
  const size = statSync(img).size;
  const labels = [['isokit-stick', 'isokit write (1 stick, verified)'], ['isokit-stick-2', 'isokit write (2 sticks, verified)'], ['dd-stick', 'dd oflag=direct conv=fsync && cmp (1 stick)']];
  if (why) {
    const tools = labels.map(([id, label]) => ({ id, label, kind: id.startsWith('isokit') ? 'isokit' : 'anchor', status: 'missing', reason: why, runs: [], medianS: null, peakRssMiB: null }));
    return { workload: wl, title, info: { ...manifest, image: img }, tools, goals: goalsFor(tools) };
  }
  const sticks = setUpSticks(2, size + 4 * 1048576);
  try {
    const [s1, s2] = sticks.devices;
    const commands = [
      isokitTool(ctx, labels[0][0], labels[0][1], 'write', [img, s1, '--yes', '--verify']),
      isokitTool(ctx, labels[1][0], labels[1][1], 'write', [img, s1, s2, '--yes', '--verify']),
      anchor(labels[2][0], labels[2][1], ['sh', '-c', ddCmpDevice, 'sh', img, s1, String(size)]),
    ];
    ctx.log(`  ${title}: ${s1}, ${s2}`);
    const tools = interleave(commands, { pairs: ctx.pairs, warmup: ctx.warmup, outDir: ctx.outDir, log: ctx.log, tagPrefix: 'write-stick' });
    return { workload: wl, title, info: { ...manifest, image: img }, tools, goals: goalsFor(tools) };
  } finally {
    sticks.teardown();
  }
}

function goalsFor(tools) {
  const one = byId(tools, 'isokit-stick');
  return [
    ratioGoal('isokit write to 2 sticks ≤ 1.3× one stick', byId(tools, 'isokit-stick-2'), one, 1.3),
    ratioGoal('isokit write + verify on a stick ≤ 1.05× dd oflag=direct + cmp', one, byId(tools, 'dd-stick'), 1.05),
    rssGoal('isokit write to 2 sticks peak RSS ≤ 150 MiB', byId(tools, 'isokit-stick-2'), 150),
  ];
}

export function run(ctx) {
  const wl = 'one-big';
  const { manifest } = ctx.workload(wl);
  const img = ctx.image(wl);
  return [fileTargets(ctx, wl, manifest, img), stickTargets(ctx, wl, manifest, img)];
}
