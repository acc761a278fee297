/**
 * `isokit extract` must yield exactly what `xorriso -osirrox on -extract / DIR` yields (names, bytes, modes,
 * mtimes to the second, owners, symlink targets, device numbers, hard-link groups), for each reference
 * image. xorriso runs with `-hardlinks on` (without it xorriso writes hard links as separate copies) and
 * `-osirrox on:device_files`; isokit with `--devices`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fixtureImage, type FixtureName } from '../helpers/fixtures.js';
import { diffSnapshots, snapshotDir, xorrisoExtract, type XorrisoExtractOptions } from '../helpers/xorriso-compare.js';
import { needTools, runCli, tmpDir } from '../helpers/index.js';

interface Case {
  name: FixtureName;
  xorriso?: XorrisoExtractOptions;
  args?: string[];
  /** no Rock Ridge: no recorded permissions (isokit uses the umask like 7-Zip; xorriso forces 0555) */
  noRockRidge?: boolean;
  /**
   * hard links recorded without RRIP 1.12 serial numbers (genisoimage: PX link count > 1 and one shared
   * extent): isokit restores them as links (like bsdtar); xorriso and 7-Zip write separate copies. The
   * groups are checked against the recipe instead.
   */
  linkGroups?: string[][];
}

const GENISO_LINKS = [['posix/file', 'posix/hardlink', 'posix/sub/hardlink2']];
const CASES: Case[] = [
  { name: 'xorriso-rr' },
  { name: 'genisoimage-rr', linkGroups: GENISO_LINKS },
  { name: 'genisoimage-r', linkGroups: GENISO_LINKS },
  { name: 'many-files' },
  { name: 'zisofs' },
  { name: 'multisession' },
  { name: 'eltorito' },
  { name: 'iso-level3', noRockRidge: true },
  { name: 'genisoimage-joliet', noRockRidge: true, xorriso: { readFs: 'norock' } },
];

for (const c of CASES) {
  test(`extract ${c.name}: same tree as xorriso -extract`, async (t) => {
    if (!needTools(t, 'xorriso')) return;
    const iso = await fixtureImage(c.name);
    const { dir, cleanup } = tmpDir('xx');
    try {
      const ref = path.join(dir, 'xorriso');
      const ours = path.join(dir, 'isokit');
      xorrisoExtract(iso, ref, c.xorriso);
      const r = runCli(['extract', iso, '-o', ours, '--devices', '--json', ...(c.args ?? [])]);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      const summary = JSON.parse(r.stdout) as { ok: boolean; files: number; hardlinks: number };
      assert.equal(summary.ok, true);
      assert.ok(summary.files > 0);
      // the top directory itself is the user's folder: only its contents are compared
      const a = snapshotDir(ref);
      const b = snapshotDir(ours);
      a.delete('');
      b.delete('');
      assert.deepEqual(diffSnapshots(a, b, { perm: !c.noRockRidge, links: !c.linkGroups }), []);
      if (c.noRockRidge) {
        const umask = process.umask();
        for (const [p, e] of b) assert.equal(e.perm, (e.kind === 'dir' ? 0o777 : 0o666) & ~umask, `/${p}: umask-default permissions`);
      }
      if (c.linkGroups) {
        const groups = new Map<string, string[]>();
        for (const [p, e] of b) if (e.link) groups.set(e.link, [...(groups.get(e.link) ?? []), p]);
        assert.deepEqual([...groups.values()].map((g) => g.sort()).sort(), c.linkGroups);
        assert.equal(summary.hardlinks, c.linkGroups.reduce((n, g) => n + g.length - 1, 0));
      }
    } finally {
      cleanup();
    }
  });
}
