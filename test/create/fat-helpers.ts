/**
 * FAT test helpers: reference volumes built by the fat-mtools recipe (mkfs.fat + mcopy), the independent
 * readers (fsck.fat, mtools, 7-Zip) and writing an emitted volume into a sparse file.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Content } from '../../src/model/index.js';
import { sh, tmpDir } from '../helpers/index.js';
import { RECIPES } from '../helpers/fixtures.js';
import { snapshotDir, type Snapshot } from '../helpers/xorriso-compare.js';

export const FAT_TOOLS = ['fsck.fat', 'mkfs.fat', 'mcopy', 'mdir', '7zz'] as const;
const ENV = { ...process.env, TZ: 'UTC', MTOOLS_SKIP_CHECK: '1', LC_ALL: 'C.UTF-8' };

const built = new Map<string, string>();
let scratch: { dir: string; cleanup: () => void } | undefined;

/** A temp folder shared by this test process (removed at exit). */
export function fatScratch(): string {
  if (!scratch) {
    scratch = tmpDir('fat');
    process.once('exit', () => scratch?.cleanup());
  }
  return scratch.dir;
}

/** The fat-mtools recipe's volume: mkfs.fat -F BITS of SIZE KiB filled by mcopy (built once per process). */
export function mtoolsVolume(bits: 12 | 16 | 32, kib: number): string {
  const key = `${bits}-${kib}`;
  let out = built.get(key);
  if (!out) {
    out = path.join(fatScratch(), `mtools-${key}.img`);
    sh('sh', [path.join(RECIPES, 'fat-mtools.sh'), out, String(bits), String(kib)], { env: ENV });
    built.set(key, out);
  }
  return out;
}

/** `fsck.fat -n -V`: exit status and output (clean = status 0 and no line naming a problem). */
export function fsckFat(image: string): { clean: boolean; output: string } {
  const r = spawnSync('fsck.fat', ['-n', '-V', image], { encoding: 'utf8', env: ENV });
  const output = `${r.stdout}${r.stderr}`;
  const lines = output.split('\n').filter((l) => l && !/^fsck\.fat \d|^Starting (check|verification)|files, \d+\/\d+ clusters$|^Checking we can access/.test(l));
  return { clean: r.status === 0 && lines.length === 0, output };
}

/** What mtools extracts (`mcopy -s -m`), as a snapshot. */
export function mtoolsSnapshot(image: string, into: string): Snapshot {
  mkdirSync(into, { recursive: true });
  // '::/*' matches hidden entries too (mdir -b would leave them out)
  if (sh('mdir', ['-a', '-b', '-i', image, '::/'], { env: ENV }).trim()) sh('mcopy', ['-s', '-m', '-n', '-i', image, '::/*', into], { env: ENV });
  return snapshotDir(into);
}

/** What 7-Zip extracts (`7zz x`), as a snapshot. */
export function sevenZipSnapshot(image: string, into: string): Snapshot {
  sh('7zz', ['x', '-y', `-o${into}`, image], { env: ENV });
  return snapshotDir(into);
}

/** `7zz l -slt`: one record (key → value) per item, by path; `archive` is the volume's own record. */
export function sevenZipList(image: string): Map<string, Record<string, string>> & { archive: Record<string, string> } {
  const text = sh('7zz', ['l', '-slt', image], { env: ENV });
  const out = Object.assign(new Map<string, Record<string, string>>(), { archive: {} as Record<string, string> });
  for (const block of text.split('\n\n')) {
    const rec: Record<string, string> = {};
    for (const line of block.split('\n')) {
      const m = /^([^=]+?) = (.*)$/.exec(line);
      if (m) rec[m[1] as string] = m[2] as string;
    }
    if (rec.Path !== undefined && rec.Folder !== undefined) out.set(rec.Path, rec);
    else if (rec.Type === 'FAT') out.archive = rec;
  }
  return out;
}

/** `mdir -/ -a` output (every directory, hidden entries included). */
export const mdirAll = (image: string): string => sh('mdir', ['-/', '-a', '-i', image, '::/'], { env: ENV });

export function toolEnv(): NodeJS.ProcessEnv {
  return ENV;
}

/**
 * Write emitted chunks into `file` at their positions, skipping all-zero chunks (the file stays sparse), then
 * give the file `byteLength` bytes. Returns bytes seen and the time spent.
 */
export async function writeSparse(chunks: AsyncIterable<Uint8Array>, file: string, byteLength: number): Promise<{ bytes: number; ms: number }> {
  const fd = openSync(file, 'w');
  const t0 = performance.now();
  let pos = 0;
  try {
    for await (const c of chunks) {
      if (!isZero(c)) writeSync(fd, c, 0, c.length, pos);
      pos += c.length;
    }
    ftruncateSync(fd, byteLength);
  } finally {
    closeSync(fd);
  }
  return { bytes: pos, ms: performance.now() - t0 };
}

function isZero(c: Uint8Array): boolean {
  const words = c.byteOffset % 4 === 0 && c.length % 4 === 0 ? new Uint32Array(c.buffer, c.byteOffset, c.length / 4) : undefined;
  if (words) {
    for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
    return true;
  }
  for (let i = 0; i < c.length; i++) if (c[i] !== 0) return false;
  return true;
}

/** Content of `byteLength` bytes that are zero except `markers` (byte offset → text), streamed without storing it. */
export function sparseContent(byteLength: number, markers: ReadonlyMap<number, string>): Content {
  const CHUNK = 1 << 20;
  const zero = new Uint8Array(CHUNK);
  return {
    byteLength,
    async *stream() {
      for (let o = 0; o < byteLength; o += CHUNK) {
        const n = Math.min(CHUNK, byteLength - o);
        const hits = [...markers].filter(([at, t]) => at < o + n && at + t.length > o);
        if (!hits.length) {
          yield zero.subarray(0, n);
          continue;
        }
        const b = new Uint8Array(n);
        for (const [at, t] of hits) for (let i = 0; i < t.length; i++) if (at + i >= o && at + i < o + n) b[at + i - o] = t.charCodeAt(i);
        yield b;
      }
    },
  };
}

/** A snapshot without its root entry (a FAT root has no times; extraction folders have their own). */
export function withoutRoot(s: Snapshot): Snapshot {
  s.delete('');
  return s;
}

/** mtools 4.0.32 turns each UTF-16 unit of a surrogate pair into '_' (its limitation, not the volume's). */
export function asMtoolsShows(s: Snapshot): Snapshot {
  return new Map([...s].map(([p, e]) => [p.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '__'), e]));
}
