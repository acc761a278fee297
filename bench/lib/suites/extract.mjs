// extract (issue 2): isokit extract vs xorriso -osirrox / 7zz x / bsdtar -xf, a fresh directory per run.
// Where: a tmpfs (default) or the work disk; on the disk every run first waits out the ext4
// inode-reuse trap (≥ 65 s after the previous deletion of many files; benchmarking.md "Traps").
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { anchor, byId, fastest, isokitTool, ratioGoal, refFor, rssGoal } from '../common.mjs';
import { countTree } from '../workloads.mjs';
import { interleave, sleepSync } from '../measure.mjs';

export const name = 'extract';
export const issue = 2;
export const workloads = ['distro-like', 'many-small', 'one-big'];
const TRAP_WAIT_S = 65;

export function run(ctx) {
  const groups = [];
  let lastBigDeleteMs = 0;
  for (const wl of ctx.pickWorkloads(workloads)) {
    const { manifest } = ctx.workload(wl);
    const img = ctx.image(wl);
    const dirFor = (id, round) => path.join(ctx.extractRoot, `x-${wl}-${id}-${round}`);
    const hooks = (id) => ({
      ref: refFor(ctx, 'extract', id, wl),
      before: (c) => {
        if (ctx.extractMode === 'disk' && lastBigDeleteMs) {
          const waitS = TRAP_WAIT_S - (Date.now() - lastBigDeleteMs) / 1000;
          if (waitS > 0) { ctx.log(`    (waiting ${waitS.toFixed(0)} s for the ext4 inode-reuse trap to pass)`); sleepSync(waitS); }
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
    const commands = [
      isokitTool(ctx, 'isokit', 'isokit extract', 'extract', (c) => [img, '-o', dirFor('isokit', c.round)], hooks('isokit')),
      anchor('xorriso', 'xorriso -osirrox on -extract', (c) => ['xorriso', '-osirrox', 'on', '-indev', img, '-extract', '/', dirFor('xorriso', c.round)], { exe: 'xorriso', ...hooks('xorriso') }),
      anchor('7zz', '7zz x', (c) => ['7zz', 'x', '-y', '-bd', `-o${dirFor('7zz', c.round)}`, img], { exe: '7zz', ...hooks('7zz') }),
      anchor('bsdtar', 'bsdtar -xf', (c) => ['bsdtar', '-xf', img, '-C', dirFor('bsdtar', c.round)], { exe: 'bsdtar', ...hooks('bsdtar') }),
    ];
    if (manifest.fileCount === 1) {
      // One large file: every tool is bound by how fast the target takes the bytes. dd writing as many
      // bytes from /dev/zero (nothing read) into the same target shows that floor, in the same rounds.
      const { check: _check, ...noCheck } = hooks('dd');
      const count = String(Math.ceil(manifest.byteLength / (4 << 20)));
      commands.push(anchor('dd', 'dd if=/dev/zero bs=4M (write floor)', (c) => ['dd', 'if=/dev/zero', `of=${dirFor('dd', c.round)}/zero`, 'bs=4M', `count=${count}`, 'status=none'], { exe: 'dd', ...noCheck }));
    }
    ctx.log(`  extract · ${wl} (into ${ctx.extractMode}: ${ctx.extractRoot})`);
    const tools = interleave(commands, { pairs: ctx.pairs, warmup: ctx.warmup, outDir: ctx.outDir, log: ctx.log, tagPrefix: `extract-${wl}` });
    const isokit = byId(tools, 'isokit');
    // The issue sets the speed goal on the tree images; a single large file is bound by the target's write
    // speed (the dd row), where 0.8× of a tool that writes at that speed cannot be reached.
    const single = manifest.fileCount === 1;
    const goals = [
      { ...ratioGoal(`isokit extract ≤ 0.8× the fastest anchor${single ? ' (goal set on the tree images; informative here)' : ''}`, isokit, fastest(tools, ['xorriso', '7zz', 'bsdtar']), 0.8), ...(single ? { informative: true } : {}) },
      rssGoal('isokit extract peak RSS ≤ 150 MiB', isokit, 150),
    ];
    if (single) goals.push({ ...ratioGoal('isokit extract against the write floor (dd from /dev/zero)', isokit, byId(tools, 'dd'), 1.1), informative: true });
    groups.push({ workload: wl, title: `extract · ${wl}`, info: { ...manifest, image: img, target: ctx.extractMode }, tools, goals });
  }
  return groups;
}
