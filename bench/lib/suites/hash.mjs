// hash (issue 5) on the one-big image: isokit hash vs sha256sum / openssl dgst (and Node's own ceiling:
// readSync into a reused 1 MiB buffer); all four digests at once vs the coreutils tools one after another
// and vs the slowest single digest; isokit verify --implanted vs checkisomd5 on an implanted copy.
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { anchor, byId, isokitTool, ratioGoal, refFor } from '../common.mjs';
import { hasTool, interleave } from '../measure.mjs';

export const name = 'hash';
export const issue = 5;
export const workloads = ['one-big'];

const NODE_SHA256 = [
  "import { openSync, readSync } from 'node:fs'; import { createHash } from 'node:crypto';",
  'const fd = openSync(process.argv[1], "r"); const buf = Buffer.allocUnsafe(1 << 20); const h = createHash("sha256");',
  'for (;;) { const n = readSync(fd, buf, 0, buf.length, null); if (!n) break; h.update(buf.subarray(0, n)); }',
  'console.log(h.digest("hex"));',
].join(' ');

const hexesIn = (file) => new Set(readFileSync(file, 'utf8').toLowerCase().match(/\b[0-9a-f]{32,128}\b/g) ?? []);

/** isokit's output must contain every digest the reference printed (a fast wrong hash is a failure). */
function validateDigests(tools, isokitId, refIds) {
  const r = byId(tools, isokitId);
  if (!r || r.status !== 'ok' || !r.stdoutFile) return;
  const got = hexesIn(r.stdoutFile);
  for (const id of refIds) {
    const ref = byId(tools, id);
    if (!ref || ref.status !== 'ok' || !ref.stdoutFile) continue;
    for (const hex of hexesIn(ref.stdoutFile)) {
      if (!got.has(hex)) { r.status = 'invalid'; r.reason = `digest ${hex.slice(0, 16)}… from ${ref.label} not in isokit's output`; return; }
    }
  }
}

/** A copy of IMG with an isomd5sum implanted (made once). */
function implantedCopy(ctx, img) {
  const copy = img.replace(/\.iso$/, '-implanted.iso');
  if (existsSync(copy) && statSync(copy).size === statSync(img).size && statSync(copy).mtimeMs >= statSync(img).mtimeMs) return copy;
  if (!hasTool('implantisomd5')) return undefined;
  ctx.log('  implanting an isomd5sum into a copy of the one-big image …');
  const tmp = `${copy}.partial`;
  copyFileSync(img, tmp);
  const r = spawnSync('implantisomd5', ['--force', tmp], { stdio: 'ignore' });
  if (r.status !== 0) { rmSync(tmp, { force: true }); return undefined; }
  renameSync(tmp, copy);
  return copy;
}

export function run(ctx) {
  const wl = 'one-big';
  const { manifest } = ctx.workload(wl);
  const img = ctx.image(wl);
  const ref = (id) => ({ ref: refFor(ctx, 'hash', id, wl) });
  const opts = { pairs: ctx.pairs, warmup: ctx.warmup, outDir: ctx.outDir, log: ctx.log };
  const info = { ...manifest, image: img, imageByteLength: statSync(img).size };
  const groups = [];

  ctx.log('  hash · sha256 and all four digests');
  const chain = 'md5sum "$1" && sha1sum "$1" && sha256sum "$1" && sha512sum "$1"';
  const commands = [
    isokitTool(ctx, 'isokit', 'isokit hash --algo sha256', 'hash', ['--algo', 'sha256', img]),
    anchor('sha256sum', 'sha256sum', ['sha256sum', img], ref('sha256sum')),
    anchor('openssl-sha256', 'openssl dgst -sha256', ['openssl', 'dgst', '-sha256', img], ref('openssl-sha256')),
    anchor('node-readsync', 'node readSync 1 MiB + sha256', [process.execPath, '--input-type=module', '-e', NODE_SHA256, img], ref('node-readsync')),
    isokitTool(ctx, 'isokit-4', 'isokit hash --algo md5,sha1,sha256,sha512', 'hash', ['--algo', 'md5,sha1,sha256,sha512', img]),
    anchor('coreutils-4', 'md5sum; sha1sum; sha256sum; sha512sum', ['sh', '-c', chain, 'sh', img], { missing: ['md5sum', 'sha1sum', 'sha512sum'].some((t) => !hasTool(t)) ? 'coreutils digests not installed' : undefined }),
    anchor('openssl-md5', 'openssl dgst -md5', ['openssl', 'dgst', '-md5', img]),
    anchor('openssl-sha1', 'openssl dgst -sha1', ['openssl', 'dgst', '-sha1', img]),
    anchor('openssl-sha512', 'openssl dgst -sha512', ['openssl', 'dgst', '-sha512', img]),
  ];
  const tools = interleave(commands, { ...opts, tagPrefix: 'hash' });
  validateDigests(tools, 'isokit', ['openssl-sha256']);
  validateDigests(tools, 'isokit-4', ['coreutils-4']);
  const isokit = byId(tools, 'isokit');
  const isokit4 = byId(tools, 'isokit-4');
  const singles = ['openssl-md5', 'openssl-sha1', 'openssl-sha256', 'openssl-sha512'].map((id) => byId(tools, id));
  const slowest = singles.some((r) => !r || r.status !== 'ok') ? singles.find((r) => !r || r.status !== 'ok') : [...singles].sort((a, b) => b.medianS - a.medianS)[0];
  groups.push({
    workload: wl, title: 'hash · one-big image', info, tools,
    goals: [
      ratioGoal('isokit sha256 throughput ≥ 0.95× openssl', isokit, byId(tools, 'openssl-sha256'), 0.95, { invert: true, atLeast: true }),
      ratioGoal('isokit sha256 throughput ≥ 3× sha256sum', isokit, byId(tools, 'sha256sum'), 3, { invert: true, atLeast: true }),
      ratioGoal('isokit 4 digests ≤ 1.2× the slowest single digest (openssl)', isokit4, slowest, 1.2),
      { ...ratioGoal('isokit 4 digests vs the 4 coreutils tools one after another', isokit4, byId(tools, 'coreutils-4'), 1.0), informative: true },
    ],
  });

  ctx.log('  hash · verify --implanted vs checkisomd5');
  const implanted = implantedCopy(ctx, img);
  const missingCopy = implanted ? undefined : 'implantisomd5 not installed or failed';
  const vtools = interleave([
    // Exit 4 = "the image matches, but no signature vouches for the reference" (an implanted MD5 never has one).
    isokitTool(ctx, 'isokit-verify', 'isokit verify --implanted', 'verify', ['--implanted', implanted ?? img], { okExit: [0, 4], ...(missingCopy ? { missing: missingCopy } : {}) }),
    anchor('checkisomd5', 'checkisomd5', ['checkisomd5', implanted ?? img], { ...ref('checkisomd5'), ...(missingCopy ? { missing: missingCopy } : {}) }),
  ], { ...opts, tagPrefix: 'verify' });
  groups.push({
    workload: wl, title: 'verify --implanted · one-big image', info: { ...info, implanted }, tools: vtools,
    goals: [ratioGoal('isokit verify --implanted ≤ 1.0× checkisomd5', byId(vtools, 'isokit-verify'), byId(vtools, 'checkisomd5'), 1.0)],
  });
  return groups;
}
