/**
 * Reference images built from `test/fixtures/recipes/NAME.sh` into `.test-tmp/fixtures/` once (cached by the
 * recipe's content hash, so an edited recipe rebuilds), safe across the parallel test processes (a lock
 * directory, then an atomic rename). Tests never download anything.
 *
 *   const iso = await fixtureImage('xorriso-rr');   // path to the image
 *
 * `grub-rescue` is Debian's /usr/lib/grub-rescue/grub-rescue-cdrom.iso, used as it is.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT } from './index.js';

export const RECIPES = path.join(ROOT, 'test/fixtures/recipes');
export const FIXTURE_DIR = path.join(process.env.ISOKIT_TEST_TMP ?? path.join(ROOT, '.test-tmp'), 'fixtures');
export const GRUB_RESCUE_ISO = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';

/** Recipes of the reference images (name → what it covers), for tests that iterate over them. */
export const FIXTURES = {
  'iso-level1': 'genisoimage -iso-level 1, plain ISO 9660',
  'iso-level2': 'genisoimage -iso-level 2',
  'iso-level3': 'genisoimage -iso-level 3',
  'iso-level4': 'genisoimage -iso-level 4 (ISO 9660:1999 EVD)',
  'genisoimage-joliet': 'genisoimage -J, long/unicode names',
  'genisoimage-joliet-long': 'genisoimage -J -joliet-long',
  'genisoimage-rr': 'genisoimage -R -J, all file kinds, rr_moved relocation',
  'genisoimage-r': 'genisoimage -r -J (rationalized modes), relocation',
  'genisoimage-long-symlinks': 'genisoimage -R, ~360-byte symlink targets (SL entries with wrapped length bytes)',
  'xorriso-rr': 'xorriso RR 1.12 + Joliet, all file kinds, hard links, deep paths',
  'many-files': '5,000 files in one directory',
  zisofs: 'xorriso zisofs-compressed files',
  multisession: 'two xorriso sessions appended to one file',
  eltorito: 'El Torito BIOS + UEFI entries',
} as const;
export type FixtureName = keyof typeof FIXTURES | 'grub-rescue';

const building = new Map<string, Promise<string>>();

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${err.slice(-2000)}`))));
  });
}

function recipeHash(name: string): string {
  const h = createHash('sha256');
  h.update(readFileSync(path.join(RECIPES, 'lib.sh')));
  h.update(readFileSync(path.join(RECIPES, `${name}.sh`)));
  // wrappers delegate to a base recipe: include it
  const m = /"\$\(dirname "\$0"\)\/([\w-]+)\.sh"/.exec(readFileSync(path.join(RECIPES, `${name}.sh`), 'utf8'));
  if (m && m[1] !== 'lib') h.update(readFileSync(path.join(RECIPES, `${m[1]}.sh`)));
  return h.digest('hex').slice(0, 12);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function build(name: string): Promise<string> {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const out = path.join(FIXTURE_DIR, `${name}-${recipeHash(name)}.iso`);
  const lock = `${out}.lock`;
  for (;;) {
    if (existsSync(out)) return out;
    try {
      mkdirSync(lock);
    } catch {
      // another process is building it; a lock older than 10 minutes is stale
      try {
        if (Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
      } catch { /* gone meanwhile */ }
      await sleep(200);
      continue;
    }
    try {
      if (existsSync(out)) return out;
      const tmp = mkdtempSync(path.join(FIXTURE_DIR, `.${name}-`));
      try {
        const partial = path.join(tmp, 'image.iso');
        await run('sh', [path.join(RECIPES, `${name}.sh`), partial]);
        renameSync(partial, out);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
      return out;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** Path of the reference image `name`, built on first use. */
export function fixtureImage(name: FixtureName): Promise<string> {
  if (name === 'grub-rescue') return Promise.resolve(GRUB_RESCUE_ISO);
  return recipeImage(name);
}

/**
 * Path of the image of any recipe `name` (`test/fixtures/recipes/NAME.sh`), built on first use and cached
 * like the FIXTURES — for images the ISO 9660 suites should not iterate over (the UDF ones).
 */
export function recipeImage(name: string): Promise<string> {
  let p = building.get(name);
  if (!p) {
    p = build(name);
    building.set(name, p);
    p.catch(() => building.delete(name));
  }
  return p;
}
