// Deterministic benchmark workloads (benchmarking.md "Workloads used for the goals"): seeded content,
// fixed modes (files 0644, dirs 0755) and fixed mtimes, so every run and every machine compares the
// same bytes. Each workload is generated once into WORK/workloads/NAME-sSCALE/ and stamped; the image
// of it is built once with xorriso into WORK/images/NAME-sSCALE.iso.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import {
  closeSync, existsSync, fchmodSync, futimesSync, mkdirSync, openSync, readFileSync, rmSync,
  statSync, utimesSync, chmodSync, readdirSync, writeFileSync, writeSync, renameSync, realpathSync,
} from 'node:fs';
import path from 'node:path';
import { XorShift128, seedOf } from './prng.mjs';

/** Bump when the generator changes, so stale workloads are rebuilt. */
export const GENERATOR_VERSION = 2;
export const WORKLOADS = ['distro-like', 'many-small', 'one-big'];
const MiB = 1024 * 1024;
const BASE_MTIME_S = Date.UTC(2024, 0, 1) / 1000;
const CHUNK = 4 * MiB;

const WORDS = ['lib', 'share', 'usr', 'bin', 'doc', 'locale', 'python3', 'modules', 'firmware', 'include',
  'kernel', 'drivers', 'net', 'fs', 'sound', 'gnome', 'icons', 'hicolor', 'x86_64-linux-gnu', 'perl5',
  'man', 'man1', 'zoneinfo', 'Europe', 'applications', 'systemd', 'pixmaps', 'fonts', 'truetype', 'site-packages'];
const EXTS = ['', '.so', '.so.1', '.py', '.pyc', '.h', '.txt', '.gz', '.png', '.svg', '.xml', '.conf', '.mo', '.ko', '.json'];

/** ~20,000 files of 1–64 KiB in nested dirs (depth ≤ 6), ~200 of 1–10 MB, 2 of 216 and 304 MiB; ~1.56 GB. */
function planDistroLike(scale, rng) {
  const nDirs = Math.max(1, Math.round(2800 * scale));
  const dirs = [{ path: '', depth: 0 }];
  const used = new Set(['']);
  for (let i = 0; dirs.length <= nDirs; i++) {
    const shallow = dirs.filter((d) => d.depth < 6);
    // Bias towards recent dirs so the tree gets deep, like /usr/share/x/y/z.
    const parent = rng.next() < 0.5 ? rng.pick(shallow) : shallow[Math.max(0, shallow.length - 1 - rng.int(0, 20))];
    const name = `${rng.pick(WORDS)}${rng.next() < 0.6 ? `-${i}` : ''}`;
    const p = parent.path ? `${parent.path}/${name}` : name;
    if (used.has(p)) continue;
    used.add(p);
    dirs.push({ path: p, depth: parent.depth + 1 });
  }
  const files = [];
  const addFile = (byteLength, i, ext) => {
    const d = dirs.length > 1 ? dirs[1 + Math.floor(rng.next() * (dirs.length - 1))] : dirs[0];
    const long = rng.next() < 0.05 ? `-${'abcdefghij'.repeat(rng.int(2, 3))}` : '';
    const word = rng.pick(WORDS);
    const e = ext ?? rng.pick(EXTS);
    // Joliet paths stop at 240 characters (7-Zip then drops the file): keep long names off deep paths.
    const name = `${word}_${i}${d.path.length + long.length > 180 ? '' : long}${e}`;
    files.push({ path: d.path ? `${d.path}/${name}` : name, byteLength });
  };
  const nSmall = Math.round(20000 * scale);
  let smallTotal = 0;
  for (let i = 0; i < nSmall; i++) { const n = rng.logInt(1024, 64 * 1024); smallTotal += n; addFile(n, i); }
  const big = [Math.round(216 * MiB * scale), Math.round(304 * MiB * scale)];
  const bigTotal = big[0] + big[1];
  const nMedium = Math.round(200 * scale);
  const medium = [];
  for (let i = 0; i < nMedium; i++) medium.push(rng.logInt(1e6, 10e6));
  // Rescale the medium files so the payload lands on ~1.56 GB × scale (log-uniform alone gives ~1.64).
  const mediumSum = medium.reduce((a, b) => a + b, 0);
  const want = 1.56e9 * scale - smallTotal - bigTotal;
  const k = mediumSum > 0 && want > 0 ? want / mediumSum : 1;
  medium.forEach((n, i) => addFile(Math.min(10e6, Math.max(1e6, Math.round(n * k))), nSmall + i, rng.pick(['.bin', '.so', '.squashfs', '.img'])));
  addFile(big[0], nSmall + nMedium, '.squashfs');
  addFile(big[1], nSmall + nMedium + 1, '.img');
  return { dirs: dirs.slice(1).map((d) => d.path), files };
}

/** 100,000 files of 0–4 KiB in 40×50 dirs (~203 MB); scaled runs keep ~50 files per dir. */
function planManySmall(scale, rng) {
  const a = Math.max(1, Math.round(40 * Math.sqrt(scale)));
  const b = Math.max(1, Math.round(50 * Math.sqrt(scale)));
  const dirs = [];
  const leaves = [];
  for (let i = 0; i < a; i++) {
    const top = `d${String(i).padStart(2, '0')}`;
    dirs.push(top);
    for (let j = 0; j < b; j++) { const leaf = `${top}/s${String(j).padStart(2, '0')}`; dirs.push(leaf); leaves.push(leaf); }
  }
  const nFiles = Math.max(1, Math.round(100000 * scale));
  const files = [];
  for (let i = 0; i < nFiles; i++) files.push({ path: `${leaves[i % leaves.length]}/file_${String(i).padStart(6, '0')}.dat`, byteLength: rng.int(0, 4064) });
  return { dirs, files };
}

/** One incompressible file of 3 GiB × scale. */
function planOneBig(scale) {
  return { dirs: [], files: [{ path: 'big.bin', byteLength: Math.round(3 * 1024 * MiB * scale) }] };
}

export function planWorkload(name, scale) {
  const rng = new XorShift128(seedOf(`isokit-bench:${name}`));
  if (name === 'distro-like') return planDistroLike(scale, rng);
  if (name === 'many-small') return planManySmall(scale, rng);
  if (name === 'one-big') return planOneBig(scale);
  throw new Error(`unknown workload "${name}" (known: ${WORKLOADS.join(', ')})`);
}

function writeFileContent(fullPath, byteLength, rng, buf, mtimeS) {
  const fd = openSync(fullPath, 'w', 0o644);
  try {
    fchmodSync(fd, 0o644);
    for (let done = 0; done < byteLength;) {
      const n = Math.min(CHUNK, byteLength - done);
      const chunk = rng.fillBytes(buf, n);
      let off = 0;
      while (off < n) off += writeSync(fd, chunk, off, n - off);
      done += n;
    }
    futimesSync(fd, mtimeS, mtimeS);
  } finally {
    closeSync(fd);
  }
}

function materialize(plan, name, dir) {
  const rng = new XorShift128(seedOf(`isokit-bench-content:${name}`));
  const buf = Buffer.alloc(CHUNK);
  mkdirSync(dir, { recursive: true });
  for (const d of plan.dirs) mkdirSync(path.join(dir, d), { recursive: true });
  plan.files.forEach((f, i) => writeFileContent(path.join(dir, f.path), f.byteLength, rng, buf, BASE_MTIME_S + (i % 86400)));
  // Directory modes and times last: creating children changes a directory's mtime.
  for (const d of [...plan.dirs].reverse()) { const p = path.join(dir, d); chmodSync(p, 0o755); utimesSync(p, BASE_MTIME_S, BASE_MTIME_S); }
  chmodSync(dir, 0o755);
  utimesSync(dir, BASE_MTIME_S, BASE_MTIME_S);
}

function readStamp(file) {
  try { return JSON.parse(readFileSync(file, 'utf8')); } catch { return undefined; }
}

const scaleTag = (scale) => `s${String(scale).replace(/[^0-9.]/g, '')}`;

/**
 * Make sure workload NAME at SCALE exists under WORK; returns its directory and manifest
 * ({ name, scale, fileCount, dirCount, byteLength, generatorVersion, generateSeconds }).
 */
export function ensureWorkload(work, name, scale, log = () => {}) {
  const dir = path.join(work, 'workloads', `${name}-${scaleTag(scale)}`);
  const stampFile = `${dir}.json`;
  const stamp = readStamp(stampFile);
  if (stamp && stamp.generatorVersion === GENERATOR_VERSION && stamp.scale === scale && existsSync(dir)) return { dir, manifest: stamp };
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  rmSync(stampFile, { force: true });
  const plan = planWorkload(name, scale);
  const byteLength = plan.files.reduce((a, f) => a + f.byteLength, 0);
  log(`generating ${name} (scale ${scale}: ${plan.files.length} files, ${plan.dirs.length} dirs, ${(byteLength / 1e6).toFixed(1)} MB) …`);
  const t0 = performance.now();
  materialize(plan, name, dir);
  const manifest = {
    name, scale, generatorVersion: GENERATOR_VERSION, fileCount: plan.files.length, dirCount: plan.dirs.length, byteLength,
    generateSeconds: +((performance.now() - t0) / 1000).toFixed(2),
  };
  writeFileSync(stampFile, JSON.stringify(manifest, null, 2) + '\n');
  log(`  ${name}: ${manifest.generateSeconds} s`);
  return { dir, manifest };
}

/** Build (once) the reference image of a workload with `xorriso -as mkisofs -R -J`. */
export function ensureImage(work, name, scale, srcDir, log = () => {}) {
  const imgDir = path.join(work, 'images');
  mkdirSync(imgDir, { recursive: true });
  const img = path.join(imgDir, `${name}-${scaleTag(scale)}.iso`);
  const stampFile = `${img}.json`;
  const stamp = readStamp(stampFile);
  if (stamp && stamp.generatorVersion === GENERATOR_VERSION && existsSync(img) && statSync(img).size === stamp.byteLength) return img;
  log(`building image ${path.basename(img)} with xorriso …`);
  const tmp = `${img}.partial`;
  rmSync(tmp, { force: true });
  const r = spawnSync('xorriso', ['-as', 'mkisofs', '-R', '-J', '-V', 'ISOKIT_BENCH', '-o', tmp, srcDir], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SOURCE_DATE_EPOCH: String(BASE_MTIME_S) },
  });
  if (r.error || r.status !== 0) throw new Error(`xorriso could not build ${img}: ${r.error?.message ?? String(r.stderr).trim().split('\n').pop()}`);
  renameSync(tmp, img);
  writeFileSync(stampFile, JSON.stringify({ generatorVersion: GENERATOR_VERSION, byteLength: statSync(img).size }) + '\n');
  return img;
}

/** Count regular files and their bytes under DIR (used to check that an extraction was complete). */
export function countTree(dir) {
  let files = 0;
  let bytes = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) { files++; bytes += statSync(p).size; }
    }
  };
  walk(dir);
  return { files, bytes };
}

/**
 * Build (once) the UDF image of a workload with `genisoimage -udf` (UDF 1.02 beside ISO 9660 + Rock Ridge
 * + Joliet, as the issue-14 UDF workloads ask), into WORK/images/NAME-sSCALE-udf.iso.
 */
export function ensureUdfImage(work, name, scale, srcDir, log = () => {}) {
  const imgDir = path.join(work, 'images');
  mkdirSync(imgDir, { recursive: true });
  const img = path.join(imgDir, `${name}-${scaleTag(scale)}-udf.iso`);
  const stampFile = `${img}.json`;
  const stamp = readStamp(stampFile);
  if (stamp && stamp.generatorVersion === GENERATOR_VERSION && existsSync(img) && statSync(img).size === stamp.byteLength) return img;
  log(`building image ${path.basename(img)} with genisoimage -udf …`);
  const tmp = `${img}.partial`;
  rmSync(tmp, { force: true });
  const r = spawnSync('genisoimage', ['-quiet', '-input-charset', 'utf-8', '-udf', '-R', '-J', '-joliet-long', '-V', 'ISOKIT_BENCH', '-o', tmp, realpathSync(srcDir)], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SOURCE_DATE_EPOCH: String(BASE_MTIME_S) },
  });
  // (the real path: genisoimage stores a symlinked source folder as a symlink)
  if (r.error || r.status !== 0) throw new Error(`genisoimage could not build ${img}: ${r.error?.message ?? String(r.stderr).trim().split('\n').pop()}`);
  renameSync(tmp, img);
  writeFileSync(stampFile, JSON.stringify({ generatorVersion: GENERATOR_VERSION, byteLength: statSync(img).size }) + '\n');
  return img;
}
