// optical (issue 17): ripping a clean 700 MB device (× scale) with `isokit rip` vs GNU ddrescue
// `-b2048 -d` (both write the image and a map; goal ≤ 1.1×), and the verification after a burn — the
// read-back of exactly the image's blocks from a libburn stdio: pseudo-disc, compared by SHA-256 — vs
// `dd iflag=direct` reading the same blocks (goal ≤ 1.1×). The verification time is the library's own
// timer around the read-back (`verification.ms` in `isokit burn --json`), so the burn itself does not
// count. The device is a read-only loop device with 2048-byte sectors over the disc image (root), or the
// image file itself.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { anchor, byId, isokitTool, ratioGoal } from '../common.mjs';
import { hasTool, interleave, median } from '../measure.mjs';
import { XorShift128, seedOf } from '../prng.mjs';

export const name = 'optical';
export const issue = 17;
// not a file-tree workload: the suite makes its own disc image; it runs when one-big is selected
export const workloads = ['one-big'];

const MB = 1e6;

/** A data ISO of about 700 MB × scale of seeded random bytes, built once. */
function discImage(ctx) {
  const dir = path.join(ctx.outDir, '..', 'optical');
  mkdirSync(dir, { recursive: true });
  const bytes = Math.max(1 << 20, Math.round(700 * MB * ctx.scale));
  const img = path.join(dir, `disc-${bytes}.iso`);
  if (existsSync(img)) return img;
  ctx.log(`  building a ${(bytes / MB).toFixed(0)} MB disc image …`);
  const src = path.join(dir, 'src');
  rmSync(src, { recursive: true, force: true });
  mkdirSync(src);
  const rng = new XorShift128(seedOf('optical-disc'));
  const fd = openSync(path.join(src, 'data.bin'), 'w');
  const chunk = Buffer.alloc(4 << 20);
  for (let done = 0; done < bytes;) {
    const n = Math.min(chunk.length, bytes - done);
    for (let i = 0; i < n; i += 4) chunk.writeUInt32LE(rng.nextU32(), i);
    writeSync(fd, chunk, 0, n);
    done += n;
  }
  closeSync(fd);
  const r = spawnSync('xorriso', ['-as', 'mkisofs', '-quiet', '-V', 'OPTICAL_BENCH', '-o', `${img}.partial`, src], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`xorriso could not build the disc image: ${String(r.stderr).trim().split('\n').pop()}`);
  renameSync(`${img}.partial`, img);
  rmSync(src, { recursive: true, force: true });
  return img;
}

/** A read-only loop device with 2048-byte sectors over `img` (root), else the file. */
function attach(img) {
  if (process.getuid?.() !== 0 || !hasTool('losetup')) return { device: img, kind: 'file', detach: () => {} };
  const r = spawnSync('losetup', ['--find', '--show', '--read-only', '--sector-size', '2048', img], { encoding: 'utf8' });
  if (r.status !== 0) return { device: img, kind: 'file', detach: () => {} };
  const device = r.stdout.trim();
  return { device, kind: 'loop device', detach: () => spawnSync('losetup', ['-d', device]) };
}

function rip(ctx, img) {
  const { device, kind, detach } = attach(img);
  const out = path.join(ctx.outDir, 'rip.iso');
  const clean = { before: () => { for (const f of [out, `${out}.map`, path.join(ctx.outDir, '.rip.iso.partial'), path.join(ctx.outDir, 'rip.map')]) rmSync(f, { force: true }); } };
  const same = () => (statSync(out).size === statSync(img).size && readFileSync(out).equals(readFileSync(img)) ? undefined : 'the ripped image differs from the disc image');
  try {
    const tools = interleave([
      isokitTool(ctx, 'isokit', 'isokit rip', 'rip', [device, '-o', out], { ...clean, check: same }),
      anchor('ddrescue', 'ddrescue -b2048 -d', ['ddrescue', '-b2048', '-d', '-q', device, out, path.join(ctx.outDir, 'rip.map')], { ...clean, check: same }),
    ], { pairs: ctx.pairs, warmup: ctx.warmup, outDir: ctx.outDir, log: ctx.log, tagPrefix: 'optical-rip' });
    return {
      workload: 'one-big', title: `optical · rip a clean ${(statSync(img).size / MB).toFixed(0)} MB ${kind}`, info: { image: img, byteLength: statSync(img).size, fileCount: 1, device }, tools,
      goals: [ratioGoal('isokit rip ≤ 1.1× ddrescue -b2048 -d', byId(tools, 'isokit'), byId(tools, 'ddrescue'), 1.1)],
    };
  } finally {
    detach();
  }
}

function verify(ctx, img) {
  const disc = path.join(ctx.outDir, 'pseudo-disc.img');
  const bytes = statSync(img).size;
  const ms = [];
  const tools = interleave([
    isokitTool(ctx, 'isokit-burn', 'isokit burn (stdio:) — its verification phase is taken', 'burn', [img, '--drive', `stdio:${disc}`, '--yes', '--json'], {
      before: () => rmSync(disc, { force: true }),
      check: (_c, r) => {
        const s = JSON.parse(readFileSync(r.stdoutFile, 'utf8'));
        return s.verification?.ok ? undefined : `verification did not pass: ${s.verification?.message}`;
      },
      after: (c, r) => {
        if (!c.counted || r.exitCode !== 0) return;
        const s = JSON.parse(readFileSync(r.stdoutFile, 'utf8'));
        ms.push(s.verification.ms / 1000);
      },
    }),
    anchor('dd-direct', 'dd iflag=direct (the same blocks)', ['dd', `if=${disc}`, 'of=/dev/null', 'bs=1M', 'iflag=direct,count_bytes', `count=${bytes}`, 'status=none'], {
      before: () => { if (!existsSync(disc)) writeFileSync(disc, readFileSync(img)); },
    }),
  ], { pairs: ctx.pairs, warmup: ctx.warmup, outDir: ctx.outDir, log: ctx.log, tagPrefix: 'optical-verify' });
  const burn = byId(tools, 'isokit-burn');
  const phase = {
    id: 'isokit-verify', label: 'isokit burn: read-back verification (compared with the image)', kind: 'isokit', status: burn.status === 'ok' && ms.length ? 'ok' : burn.status, reason: burn.reason,
    runs: ms.map((s) => ({ wallS: +s.toFixed(4), rssKiB: null })), medianS: ms.length ? +median(ms).toFixed(4) : null, peakRssMiB: null,
  };
  const all = [phase, ...tools];
  rmSync(disc, { force: true });
  return {
    workload: 'one-big', title: `optical · verification after a burn (${(bytes / MB).toFixed(0)} MB, stdio: pseudo-disc)`, info: { image: img, byteLength: bytes, fileCount: 1 }, tools: all,
    goals: [ratioGoal('verification after burn ≤ 1.1× dd iflag=direct of the same blocks', phase, byId(all, 'dd-direct'), 1.1)],
  };
}

export function run(ctx) {
  const img = discImage(ctx);
  return [rip(ctx, img), verify(ctx, img)];
}
