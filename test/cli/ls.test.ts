/**
 * `isokit ls -R --json` against `xorriso -find / -exec lsdl` (names, types, permission strings, owners,
 * sizes of files, symlink targets, dates to the minute), plus the text forms and path handling.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureImage, type FixtureName } from '../helpers/fixtures.js';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { needTools, runCli, sh, tmpDir } from '../helpers/index.js';

interface LsdlEntry { mode: string; uid: string; gid: string; size: string; date: string; path: string; target?: string }

/** Parse one shell-quoted word ('…' pieces and "…" pieces glued together) starting at `i`. */
function quoted(s: string, i: number): { word: string; next: number } {
  let word = '';
  while (i < s.length && s[i] !== ' ') {
    const q = s[i] as string;
    const end = s.indexOf(q, i + 1);
    word += s.slice(i + 1, end);
    i = end + 1;
  }
  return { word, next: i };
}

function parseLsdl(out: string): LsdlEntry[] {
  const rows: LsdlEntry[] = [];
  for (const line of out.split('\n')) {
    const m = /^(\S{10})\s+\d+\s+(\S+)\s+(\S+)\s+(\S+(?:,\s*\d+)?)\s+(\w{3}\s+\d+\s+[\d:]+)\s+'/.exec(line);
    if (!m) continue;
    const p = quoted(line, (m[0] as string).length - 1);
    const e: LsdlEntry = { mode: m[1] as string, uid: m[2] as string, gid: m[3] as string, size: m[4] as string, date: m[5] as string, path: p.word };
    const rest = line.slice(p.next);
    if (rest.startsWith(' -> ')) e.target = quoted(rest, 4).word;
    rows.push(e);
  }
  return rows;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** xorriso's date column: "Nov 14 22:13" within about six months of now, else "Nov 14  2023" (UTC here). */
function lsdlDateMatches(lsdl: string, iso: string): boolean {
  const d = new Date(iso);
  const [mon, day, last] = lsdl.split(/\s+/) as [string, string, string];
  if (MONTHS[d.getUTCMonth()] !== mon || d.getUTCDate() !== Number(day)) return false;
  if (last.includes(':')) return last === `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return Number(last) === d.getUTCFullYear();
}

interface JsonEntry { path: string; type: string; modeString: string; uid?: number; gid?: number; size: number; mtime?: string; target?: string; device?: { major: number; minor: number } }

for (const name of ['xorriso-rr', 'genisoimage-rr', 'zisofs'] as FixtureName[]) {
  test(`ls -R --json ${name} agrees with xorriso lsdl`, async (t) => {
    if (!needTools(t, 'xorriso')) return;
    const iso = await fixtureImage(name);
    const ref = parseLsdl(sh('xorriso', ['-report_about', 'SORRY', '-indev', iso, '-find', '/', '-exec', 'lsdl'], { env: { ...process.env, TZ: 'UTC' } }))
      .filter((e) => e.path !== '/');
    const r = runCli(['ls', '-R', '--json', iso]);
    assert.equal(r.status, 0, r.stderr);
    const ours = (JSON.parse(r.stdout) as { entries: JsonEntry[] }).entries;
    assert.deepEqual(ours.map((e) => '/' + e.path).sort(), ref.map((e) => e.path).sort());
    const byPath = new Map(ours.map((e) => ['/' + e.path, e]));
    for (const x of ref) {
      const o = byPath.get(x.path) as JsonEntry;
      assert.equal(o.modeString, x.mode, `${x.path} mode`);
      assert.equal(String(o.uid), x.uid, `${x.path} uid`);
      assert.equal(String(o.gid), x.gid, `${x.path} gid`);
      if (o.type === 'file') assert.equal(String(o.size), x.size, `${x.path} size`);
      if (o.device) assert.equal(`${o.device.major},${o.device.minor}`, x.size.replace(/\s+/g, ''), `${x.path} device`);
      assert.equal(o.target, x.target, `${x.path} target`);
      assert.ok(o.mtime && lsdlDateMatches(x.date, o.mtime), `${x.path} date ${x.date} vs ${o.mtime}`);
    }
  });
}

test('ls text forms, a file PATH, -R relative to PATH', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const iso = await fixtureImage('xorriso-rr');
  const short = runCli(['ls', iso, '/posix']);
  assert.equal(short.status, 0, short.stderr);
  assert.ok(short.stdout.split('\n').includes('sub/'));
  assert.ok(short.stdout.split('\n').includes('file'));
  const long = runCli(['ls', '-l', iso, 'posix']);
  assert.match(long.stdout, /^l[rwx-]{9} +\d+ .* rel-link -> file$/m);
  assert.match(long.stdout, /^c[rwx-]{9} .* 1, 3 .* null$/m);
  assert.match(long.stdout, /^-rw-r----- .* 12 1999-12-31 23:59:59 file$/m);
  const one = runCli(['ls', '-l', iso, '/posix/file']);
  assert.equal(one.stdout.trim().split('\n').length, 1);
  assert.match(one.stdout, / file\n$/);
  const rec = runCli(['ls', '-R', iso, 'deep/level1/level2']);
  assert.ok(rec.stdout.split('\n').includes('level3/level4/level5/level6/level7/mid.txt'), rec.stdout);
});

test('ls of a damaged image: what can be read is listed (exit 0), with a one-line warning; --json carries the findings', async (t) => {
  if (!needTools(t, 'xorriso')) return;
  const iso = await fixtureImage('xorriso-rr');
  const { dir, cleanup } = tmpDir('ls-damaged');
  t.after(cleanup);
  // a clean image: nothing on stderr, no findings
  const clean = runCli(['ls', '-R', '-l', iso]);
  assert.equal(clean.status, 0, clean.stderr);
  assert.equal(clean.stderr, '');
  const cleanJson = JSON.parse(runCli(['ls', '--json', iso]).stdout) as { findings: unknown[] };
  assert.deepEqual(cleanJson.findings, []);
  // cut after the last directory, before the file data: every name is still there, the data is not
  const bytes = readFileSync(iso);
  type Entry = { type: string; extents?: { lba: number; byteLength: number }[] };
  const entries = (JSON.parse(runCli(['ls', '-R', '--json', iso]).stdout) as { entries: Entry[] }).entries;
  const ends = (type: string) => entries.filter((e) => e.type === type).flatMap((e) => e.extents ?? []).map((x) => x.lba * 2048 + x.byteLength);
  const cut = Math.ceil(Math.max(...ends('dir')) / 2048) * 2048;
  assert.ok(ends('file').some((end) => end > cut) && cut < bytes.length, 'file data lies past the last directory');
  const damaged = path.join(dir, 'head.iso');
  writeFileSync(damaged, bytes.subarray(0, cut));
  assert.equal(runCli(['ls', '-R', damaged]).stdout, runCli(['ls', '-R', iso]).stdout, 'every name is listed');
  for (const args of [['ls', damaged], ['ls', '-R', '-l', damaged]]) {
    const r = runCli(args);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.length > 0);
    assert.match(r.stderr, /^isokit: warning: \d+ problems? found while reading .*head\.iso \((warning|error): .*\); isokit info lists them\n$/, args.join(' '));
  }
  // -R reads every directory, so it meets the file extents past the end (errors), beside the short volume (a warning)
  const rec = runCli(['ls', '-R', '-l', damaged]);
  assert.match(rec.stderr, /\(error: .*runs past the end of the image/);
  const json = runCli(['ls', '-R', '--json', damaged]);
  assert.equal(json.status, 0, json.stderr);
  assert.equal(json.stderr, '', 'with --json the findings are in the output, not on stderr');
  const parsed = JSON.parse(json.stdout) as { entries: unknown[]; findings: { severity: string; code: string }[] };
  assert.ok(parsed.entries.length > 0);
  assert.ok(parsed.findings.some((f) => f.code === 'IMAGE_TRUNCATED'));
  assert.ok(parsed.findings.some((f) => f.severity === 'error' && f.code === 'EXTENT_BEYOND_END'));
});
