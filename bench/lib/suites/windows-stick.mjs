// windows-stick (issue 16): `isokit write WIN.iso STICK.img --yes` builds a GPT + FAT32 Windows stick from a
// Windows-shaped UDF ISO in the page cache (genisoimage -udf; install.wim 1 GiB × scale of noise, boot.wim,
// 1,500 × scale small files, bootmgr, efi/boot/bootx64.efi). Compared with dd conv=fsync of the same number
// of bytes (the stick's written segments: files + FAT32 metadata), and with verification against dd + cmp.
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { anchor, byId, isokitTool, ratioGoal, rssGoal } from '../common.mjs';
import { interleave } from '../measure.mjs';
import { XorShift128, seedOf } from '../prng.mjs';

export const name = 'windows-stick';
export const issue = 16;
export const workloads = ['one-big'];

const MIB = 1048576;

function noiseFile(file, byteLength, seed) {
  const rng = new XorShift128(seedOf(seed));
  const buf = new Uint8Array(4 * MIB);
  const fd = openSync(file, 'w');
  try {
    for (let done = 0; done < byteLength;) {
      const n = Math.min(buf.length, byteLength - done);
      writeSync(fd, rng.fillBytes(buf, n));
      done += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** The Windows-shaped ISO for this scale (built once under the bench work folder). */
function windowsIso(ctx) {
  const work = path.dirname(ctx.outDir);
  const iso = path.join(work, `windows-stick-${ctx.scale}.iso`);
  if (existsSync(iso)) return iso;
  const src = path.join(work, `windows-stick-${ctx.scale}-src`);
  rmSync(src, { recursive: true, force: true });
  ctx.log(`  building ${iso}`);
  for (const d of ['boot', 'efi/boot', 'efi/microsoft/boot', 'sources', 'support/logging']) mkdirSync(path.join(src, d), { recursive: true });
  noiseFile(path.join(src, 'bootmgr'), 400 * 1024, 'bootmgr');
  noiseFile(path.join(src, 'efi/boot/bootx64.efi'), 1500 * 1024, 'bootx64');
  noiseFile(path.join(src, 'setup.exe'), 100 * 1024, 'setup');
  noiseFile(path.join(src, 'sources/boot.wim'), Math.round(64 * MIB * ctx.scale), 'boot.wim');
  noiseFile(path.join(src, 'sources/install.wim'), Math.round(1024 * MIB * ctx.scale), 'install.wim');
  const rng = new XorShift128(seedOf('small-files'));
  const files = Math.max(20, Math.round(1500 * ctx.scale));
  for (let i = 0; i < files; i++) {
    const d = path.join(src, 'sources', `dir${i % 40}`);
    mkdirSync(d, { recursive: true });
    noiseFile(path.join(d, `file_${i}_${'x'.repeat(i % 30)}.dll`), rng.logInt(100, 256 * 1024), `f${i}`);
  }
  const tmp = `${iso}.partial`;
  const r = spawnSync('genisoimage', ['-quiet', '-udf', '-iso-level', '3', '-allow-limited-size', '-V', 'CCCOMA_X64FRE_EN-US_DV9', '-o', tmp, src], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`genisoimage failed: ${r.stderr}`);
  renameSync(tmp, iso);
  rmSync(src, { recursive: true, force: true });
  return iso;
}

export function run(ctx) {
  if (!ctx.pickWorkloads(workloads).length) return [];
  const iso = windowsIso(ctx);
  const t1 = path.join(ctx.outDir, 'stick-1.img');
  const ref = path.join(ctx.outDir, 'stick-ref.bin');
  const fresh = { before: () => writeFileSync(t1, ''), after: () => rmSync(t1, { force: true }) };
  const probe = isokitTool(ctx, 'probe', 'probe', 'write', [iso, t1, '--yes', '--no-verify', '--json']);
  // the number of bytes the stick writes (its segments), from one untimed run in --json mode
  let bytes = statSync(iso).size;
  if (!probe.missing) {
    const out = spawnSync(probe.argv[0], probe.argv.slice(1), { encoding: 'utf8', env: { ...process.env, ISOKIT_NO_PROGRESS: '1' } });
    try { bytes = JSON.parse(out.stdout).windows.sticks[0].writtenByteLength; } catch { /* the ISO's size instead */ }
    rmSync(t1, { force: true });
  }
  // dd's source: a file of that many bytes, in the page cache like the ISO
  noiseFile(ref, bytes, 'dd-source');
  const dd = `dd if="$1" of="$2" bs=4M conv=fsync status=none`;
  const ddCmp = `${dd} && cmp "$1" "$2"`;
  const commands = [
    isokitTool(ctx, 'isokit-stick', 'isokit write WIN.iso stick.img (no verify)', 'write', [iso, t1, '--yes', '--no-verify'], fresh),
    isokitTool(ctx, 'isokit-stick-verify', 'isokit write WIN.iso stick.img (verified)', 'write', [iso, t1, '--yes', '--verify'], fresh),
    anchor('dd', `dd bs=4M conv=fsync (${(bytes / MIB).toFixed(0)} MiB)`, ['sh', '-c', dd, 'sh', ref, t1], fresh),
    anchor('dd-cmp', 'dd bs=4M conv=fsync && cmp', ['sh', '-c', ddCmp, 'sh', ref, t1], fresh),
  ];
  ctx.log(`  windows-stick · ${path.basename(iso)} (${(statSync(iso).size / MIB).toFixed(0)} MiB) → stick image file (${(bytes / MIB).toFixed(0)} MiB written)`);
  // warm the page cache with the ISO and dd's source
  spawnSync('sh', ['-c', `cat "${iso}" "${ref}" > /dev/null`]);
  const tools = interleave(commands, { pairs: ctx.pairs, warmup: ctx.warmup, outDir: ctx.outDir, log: ctx.log, tagPrefix: 'winstick' });
  rmSync(ref, { force: true });
  return [{
    workload: 'windows-stick', title: 'write · Windows-shaped UDF ISO → GPT + FAT32 stick image file', info: { image: iso, isoByteLength: statSync(iso).size, writtenByteLength: bytes }, tools,
    goals: [
      ratioGoal('stick from a cached ISO ≤ 1.1× dd conv=fsync of the same bytes', byId(tools, 'isokit-stick'), byId(tools, 'dd'), 1.1),
      ratioGoal('stick with verification ≤ 1.1× dd conv=fsync + cmp', byId(tools, 'isokit-stick-verify'), byId(tools, 'dd-cmp'), 1.1),
      rssGoal('isokit write (Windows stick, verified) peak RSS ≤ 150 MiB', byId(tools, 'isokit-stick-verify'), 150),
    ],
  }];
}
