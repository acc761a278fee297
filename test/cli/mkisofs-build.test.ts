/**
 * From request to writer: BuildOptions mapping (mkisofs defaults), -m disk-path patterns turned into
 * paths below the sources, tree adjustments (-r, modes, owners, --sort-weight), and the refusals of what
 * the writer cannot do yet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, IsoKitError } from '../../src/errors/index.js';
import type { TreeNode } from '../../src/model/index.js';
import { adjustTree, parseMkisofsArgs, rationalMode, type MkisofsRequest } from '../../src/cli/mkisofs/index.js';
import { checkSupported, toBuildOptions, toFsExcludes } from '../../src/cli/mkisofs/to-build.js';

const req = (argv: string[]) => (parseMkisofsArgs(argv, { personality: 'mkisofs' }) as { request: MkisofsRequest }).request;

test('BuildOptions: mkisofs defaults (level 1, no Joliet, no Rock Ridge, CDROM), flags mapped, --modification-date wins', () => {
  const plain = toBuildOptions(req(['d']), 1_000_000, false);
  assert.deepEqual(
    { isoLevel: plain.isoLevel, joliet: plain.joliet, rockRidge: plain.rockRidge, volumeId: plain.volumeId, dateMs: plain.dateMs, pad: plain.paddingBlockCount },
    { isoLevel: 1, joliet: false, rockRidge: false, volumeId: 'CDROM', dateMs: 1_000_000, pad: 150 },
  );
  const o = toBuildOptions(req(['-iso-level', '3', '-J', '-joliet-long', '-R', '-rrip110', '-no-pad', '-V', 'L', '-A', 'app', '-p', 'prep', '-publisher', 'pub', '-sysid', 'LINUX', '-volset', 'set', '--modification-date=2020010203040506', 'd']), 5, true);
  assert.equal(o.isoLevel, 3);
  assert.equal(o.joliet, 'long');
  assert.equal(o.rockRidge, true);
  assert.equal(o.rripVersion, '1.10');
  assert.equal(o.paddingBlockCount, 0);
  assert.deepEqual([o.volumeId, o.applicationId, o.dataPreparerId, o.publisherId, o.systemId, o.volumeSetId], ['L', 'app', 'prep', 'pub', 'LINUX', 'set']);
  assert.equal(o.dateMs, Date.UTC(2020, 0, 2, 3, 4, 5, 60));
  assert.equal(o.clampTimes, true);
});

test('-m patterns: names stay names; disk paths become paths below the source they fall under', () => {
  const warnings: string[] = [];
  const r = req(['-m', '*.bak', '-m', '/src/a/skip', '-m', 'rel/b/c', '-m', '/elsewhere/x', '/src/a', 'rel/b']);
  assert.deepEqual(toFsExcludes(r, '/cwd', (m) => warnings.push(m)), ['*.bak', 'skip', 'c']);
  assert.deepEqual(warnings, ['-m /elsewhere/x: not below any source; nothing excluded']);
});

test('tree adjustments: -r like mkisofs (r for all, no w, x for all if any, no s/t), modes, owners, sort weights', () => {
  assert.equal(rationalMode(0o100600), 0o100444);
  assert.equal(rationalMode(0o100744), 0o100555);
  assert.equal(rationalMode(0o104755), 0o100555);
  assert.equal(rationalMode(0o41777), 0o40555);
  const file = (name: string, mode = 0o100640): TreeNode => ({ name, kind: 'file', size: 1, mode, uid: 1000, gid: 1000 });
  const root: TreeNode = {
    name: '', kind: 'dir', size: 0, mode: 0o40700, uid: 1000, gid: 1000,
    children: [{ name: 'boot', kind: 'dir', size: 0, mode: 0o40755, children: [file('k'), { name: 'g', kind: 'dir', size: 0, mode: 0o40755, children: [file('cfg')] }] }, file('big', 0o100755)],
  };
  const warnings = adjustTree(root, { rationalRock: true, fileMode: 0o444, gid: 7, sortWeights: [{ weight: 0, path: '/' }, { weight: 2, path: '/boot' }, { weight: 1, path: '/nope' }] });
  assert.deepEqual(warnings, ['--sort-weight 1 /nope: no such file in the image']);
  const boot = root.children?.[0] as TreeNode;
  const k = boot.children?.[0] as TreeNode;
  const cfg = (boot.children?.[1] as TreeNode).children?.[0] as TreeNode;
  const big = root.children?.[1] as TreeNode;
  assert.deepEqual([root.mode, boot.mode, k.mode, big.mode], [0o40555, 0o40555, 0o100444, 0o100444]);
  assert.deepEqual([k.uid, k.gid, root.uid, root.gid], [0, 7, 0, 7]);
  assert.deepEqual([k.sortWeight, cfg.sortWeight, big.sortWeight], [2, 2, 0]);
});

test('what the writer cannot do is refused by name, never faked; boot options pass', () => {
  const refuse = (argv: string[], re: RegExp) => assert.throws(() => checkSupported(req(argv)), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.UNSUPPORTED && re.test(e.message));
  assert.doesNotThrow(() => checkSupported(req(['-isohybrid-mbr', 'x.bin', '-b', 'i.bin', '-no-emul-boot', '-append_partition', '2', '0xef', 'esp.img', 'd'])));
  refuse(['-append_partition', '2', '0xef', 'esp.img', '-appended_part_as_apm', 'd'], /-appended_part_as_apm/);
  refuse(['-iso_mbr_part_type', 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7', 'd'], /-iso_mbr_part_type .*GUID/);
  assert.doesNotThrow(() => checkSupported(req(['-iso_mbr_part_type', '0x83', 'd'])));
  refuse(['-hide', '*.txt', 'd'], /hiding files .*-hide \*\.txt/);
  refuse(['-copyright', 'COPYING', 'd'], /-copyright/);
  assert.doesNotThrow(() => checkSupported(req(['-R', '-J', '-hfsplus', '-cache-inodes', 'd'])));
});
