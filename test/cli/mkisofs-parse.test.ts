/**
 * The mkisofs grammar: the argument vectors of grub-mkrescue, live-build, archiso and the boot harness's
 * reference commands parse into the expected requests; unknown options are named; graft points,
 * intervals, -m patterns, attached values, fused flags, `--`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, IsoKitError } from '../../src/errors/index.js';
import { UsageError } from '../../src/cli/context.js';
import { GUID_BASIC_DATA, GUID_EFI_SYSTEM, OPTION_SPECS, findOption, helpText, parseBootImage, parseDiskSource, parseGraftPoint, parseGuid, parseMkisofsArgs, type MkisofsRequest, type ParseEnv } from '../../src/cli/mkisofs/index.js';
import { ARCHISO_GPT, ARCHISO_HYBRID, FIXED, GRUB_MKRESCUE, LIVE_BUILD_GRUB_PC, LIVE_BUILD_SYSLINUX, REFERENCE, type Vector } from './mkisofs-vectors.js';

function parse(argv: string[], env: ParseEnv = {}): MkisofsRequest {
  const inv = parseMkisofsArgs(argv, { personality: 'xorriso', ...env });
  assert.equal(inv.action, 'build');
  return (inv as { request: MkisofsRequest }).request;
}
const vec = (v: Vector) => parse(v.argv(FIXED));
const ref = (prefix: string) => vec(REFERENCE.find((v) => v.name.startsWith(prefix)) as Vector);

/** entries as compact tuples: [platform, image, emulation, loadSize, bootInfoTable, grub2BootInfo, isohybridGpt] */
function entries(r: MkisofsRequest) {
  return (r.boot?.entries ?? []).map((e) => [
    e.platform, e.image.kind === 'file' ? e.image.path : `appended:${e.image.partition}`, e.emulation, e.loadSize, e.bootInfoTable, e.grub2BootInfo, e.isohybridGpt,
  ]);
}

test('grub-mkrescue 2.06 (captured): GRUB2 MBR + protective label, BIOS grub2 entry, EFI entry, ESP from the EFI image', () => {
  const r = vec(GRUB_MKRESCUE);
  assert.deepEqual(entries(r), [
    ['bios', '/boot/grub/i386-pc/eltorito.img', 'none', 4, true, true, undefined],
    ['efi', '/efi.img', 'none', 'full', false, false, undefined],
  ]);
  const sa = r.boot?.systemArea;
  assert.equal(sa?.kind, 'grub2');
  assert.equal(sa?.file?.path, FIXED.grubMbr);
  assert.equal(sa?.protectiveMsdosLabel, true);
  assert.deepEqual(sa?.efiBootPart, { kind: 'el-torito-efi-image' });
  assert.equal(r.boot?.catalog?.path, '/boot.catalog');
  assert.equal(r.boot?.catalog?.hidden, false);
  assert.deepEqual(r.sources, [{ source: FIXED.P }]);
  assert.equal(r.output, FIXED.out);
  assert.equal(r.rockRidge, true);
  assert.equal(r.rationalRock, true);
  assert.equal(r.joliet, false);
  assert.equal(r.isoLevel, 1);
  assert.equal(r.modificationDateMs, Date.UTC(2026, 10, 23, 21, 2, 10, 0));
  assert.deepEqual(r.sortWeights, [{ weight: 0, path: '/' }, { weight: 1, path: '/boot' }]);
  // HFS+ options accepted, reported once as a warning, recorded as ignored
  assert.deepEqual(r.ignored.map((x) => x.option), ['-hfsplus', '-apm-block-size', '-hfsplus-file-creator-type', '-hfs-bless-by']);
  assert.equal(r.warnings.filter((w) => w.includes('HFS+')).length, 1);
});

test('live-build binary_iso, syslinux + grub-efi: isohybrid MBR at offset 16, EFI image also appended as type 0x01', () => {
  const r = vec(LIVE_BUILD_SYSLINUX);
  assert.deepEqual(entries(r), [
    ['bios', '/isolinux/isolinux.bin', 'none', 4, true, false, undefined],
    ['efi', '/boot/grub/efi.img', 'none', 'full', false, false, undefined],
  ]);
  const sa = r.boot?.systemArea;
  assert.equal(sa?.kind, 'isohybrid');
  assert.equal(sa?.file?.path, FIXED.isohdpfx);
  assert.equal(sa?.partitionOffset, 16);
  assert.deepEqual(sa?.appendedPartitions, [{ number: 2, mbrType: 0x01, gptType: GUID_BASIC_DATA, typeIsGuid: false, source: { path: `${FIXED.P}/boot/grub/efi.img` } }]);
  assert.equal(r.boot?.catalog?.path, '/isolinux/boot.cat');
  assert.equal(r.isoLevel, 3);
  assert.equal(r.joliet && r.jolietLong && r.rockRidge && r.rationalRock, true);
  assert.equal(r.jolietUtf16, false);
  assert.deepEqual(r.volume, {
    applicationId: 'Debian Live', dataPreparerId: 'live-build 1:20230502; https://salsa.debian.org/live-team/live-build',
    publisherId: 'Debian Live project; https://wiki.debian.org/DebianLive; debian-live@lists.debian.org', volumeId: 'Debian bookworm 20230502-10:00',
  });
  assert.equal(r.modificationDateMs, Date.UTC(2023, 4, 2, 10, 0, 0));
  assert.deepEqual(r.ignored.map((x) => x.option), ['-cache-inodes']);
});

test('live-build binary_iso, grub-pc: options given before -b (even --grub2-boot-info) belong to the BIOS entry', () => {
  const r = vec(LIVE_BUILD_GRUB_PC);
  assert.deepEqual(entries(r), [
    ['bios', '/boot/grub/grub_eltorito', 'none', 4, true, true, undefined],
    ['efi', '/boot/grub/efi.img', 'none', 'full', false, false, undefined],
  ]);
  assert.equal(r.boot?.systemArea.kind, 'grub2');
  assert.deepEqual(r.boot?.systemArea.efiBootPart, { kind: 'el-torito-efi-image' });
  assert.equal(r.boot?.catalog?.path, '/boot.catalog');
});

test('archiso, bios.syslinux + systemd-boot.esp: appended ESP by GUID, EFI entry on the partition, basdat marks the EFI entry', () => {
  const r = vec(ARCHISO_HYBRID);
  assert.deepEqual(entries(r), [
    ['bios', '/syslinux/isolinux.bin', 'none', 4, true, false, undefined],
    ['efi', 'appended:2', 'none', 'full', false, false, 'basdat'],
  ]);
  const sa = r.boot?.systemArea;
  assert.equal(sa?.kind, 'isohybrid');
  assert.equal(sa?.mbrForceBootable, true);
  assert.equal(sa?.partitionOffset, 16);
  assert.equal(sa?.appendedPartAsGpt, false);
  assert.deepEqual(sa?.appendedPartitions, [{ number: 2, mbrType: 0xef, gptType: GUID_EFI_SYSTEM, typeIsGuid: true, source: { path: '/work/efiboot.img' } }]);
  assert.equal(r.boot?.catalog?.path, '/syslinux/boot.cat');
  assert.equal(r.isoLevel, 3);
  assert.equal(r.output, FIXED.out);
  assert.deepEqual(r.sources, [{ source: '/src/iso/' }]);
  assert.equal(r.volume.volumeId, 'ARCH_202305');
  assert.equal(r.volume.dataPreparerId, 'prepared by mkarchiso');
});

test('archiso, UEFI only: -appended_part_as_gpt, leading -eltorito-alt-boot is a no-op, catalog in EFI/', () => {
  const r = vec(ARCHISO_GPT);
  assert.deepEqual(entries(r), [['efi', 'appended:2', 'none', 'full', false, false, undefined]]);
  assert.equal(r.boot?.systemArea.appendedPartAsGpt, true);
  assert.equal(r.boot?.systemArea.kind, undefined);
  assert.equal(r.boot?.catalog?.path, '/EFI/boot.cat');
  assert.deepEqual(r.warnings, []);
});

test('boot harness reference commands (a) … (e3)', () => {
  const a = ref('(a)');
  assert.deepEqual(entries(a), [['bios', '/isolinux/isolinux.bin', 'none', 4, true, false, undefined]]);
  assert.equal(a.boot?.systemArea.kind, undefined);
  assert.equal(a.volume.volumeId, 'ISOKIT_A');
  assert.equal(a.rockRidge && a.joliet && !a.rationalRock, true);

  const b2 = ref('(b2)');
  assert.equal(b2.boot?.systemArea.kind, 'isohybrid');
  assert.deepEqual(entries(b2), entries(a));

  const c = ref('(c)');
  assert.deepEqual(entries(c), [['bios', '/boot/grub/bios.img', 'none', 4, true, false, undefined]]);
  assert.equal(c.boot?.catalog?.path, '/boot.catalog');

  const d = ref('(d)');
  assert.deepEqual(entries(d), [['efi', '/images/efiboot.img', 'none', 'full', false, false, undefined]]);

  const e1 = ref('(e1)');
  assert.deepEqual(entries(e1), [
    ['bios', '/isolinux/isolinux.bin', 'none', 4, true, false, undefined],
    ['efi', 'appended:2', 'none', 'full', false, false, 'basdat'],
  ]);
  assert.equal(e1.boot?.systemArea.appendedPartitions[0]?.mbrType, 0xef);
  assert.equal(e1.boot?.systemArea.appendedPartitions[0]?.gptType, GUID_EFI_SYSTEM);

  const e2 = ref('(e2)');
  assert.deepEqual(entries(e2), [
    ['bios', '/boot/grub/bios.img', 'none', 4, true, true, undefined],
    ['efi', 'appended:2', 'none', 'full', false, false, undefined],
  ]);
  const sa = e2.boot?.systemArea;
  assert.equal(sa?.kind, 'grub2');
  assert.equal(sa?.partitionOffset, 16);
  assert.equal(sa?.mbrForceBootable, true);
  assert.equal(sa?.appendedPartAsGpt, true);

  const e3 = ref('(e3)');
  assert.deepEqual(entries(e3), [
    ['bios', '/isolinux/isolinux.bin', 'none', 4, true, false, undefined],
    ['efi', '/images/efiboot.img', 'none', 'full', false, false, 'basdat'],
  ]);
  assert.equal(e3.boot?.systemArea.appendedPartitions.length, 0);
});

test('xorriso -report_el_torito as_mkisofs output (remastering) parses: intervals, _start_/_size_ partition hints, -part_like_isohybrid', () => {
  const argv = [
    '-V', 'ISOKIT_E1', "--modification-date=2026112321150000", '-partition_cyl_align', 'all', '-partition_offset', '0', '-partition_hd_cyl', '64',
    '-partition_sec_hd', '32', '--mbr-force-bootable', '-append_partition', '2', '0xef', '--interval:local_fs:4096d-6143d::e1.iso',
    '-part_like_isohybrid', '-G', '--interval:local_fs:0s-15s:zero_mbrpt,zero_gpt:e1.iso', '-iso_mbr_part_type', '0x00',
    '-c', '/isolinux/boot.cat', '-b', '/isolinux/isolinux.bin', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table',
    '-eltorito-alt-boot', '-e', '--interval:appended_partition_2_start_1024s_size_2048d:all::', '-no-emul-boot', '-boot-load-size', '2048',
    '-isohybrid-gpt-basdat', 'tree',
  ];
  const r = parse(argv);
  assert.deepEqual(entries(r), [
    ['bios', '/isolinux/isolinux.bin', 'none', 4, true, false, undefined],
    ['efi', 'appended:2', 'none', 'full', false, false, 'basdat'],
  ]);
  const sa = r.boot?.systemArea;
  assert.equal(sa?.kind, 'generic');
  assert.deepEqual(sa?.file, { path: 'e1.iso', range: { startByte: 0, endByte: 16 * 2048 - 1 }, zeroize: ['zero_mbrpt', 'zero_gpt'] });
  assert.deepEqual(sa?.appendedPartitions[0]?.source, { path: 'e1.iso', range: { startByte: 4096 * 512, endByte: 6144 * 512 - 1 } });
  assert.equal(sa?.partLikeIsohybrid, true);
  assert.equal(sa?.isoMbrPartType, '0x00');
  assert.equal(sa?.partitionCylinderAlign, 'all');
  assert.equal(sa?.partitionHeadsPerCylinder, 64);
});

test('unknown options are errors naming the option (exit code 2 via UsageError)', () => {
  for (const bad of ['-frobnicate', '--no-such-thing', '-publsher', '-efi-bootx', '-JRq']) {
    assert.throws(() => parse([bad, 'dir']), (e: unknown) => e instanceof UsageError && e.message.includes(`unknown option ${bad}`), bad);
  }
  assert.throws(() => parse(['-publsher', 'X', 'dir']), /did you mean -publisher/);
  assert.throws(() => parse(['-V']), /-V needs 1 argument/);
  assert.throws(() => parse(['-append_partition', '2', '0xef']), /needs 3 arguments/);
  assert.throws(() => parse(['-R', '-J']), /no path spec/);
});

test('refused options: HFS+ APM hybrid, jigdo, multi-session, zisofs are UNSUPPORTED and named', () => {
  for (const [argv, name] of [
    [['-isohybrid-apm-hfsplus'], '-isohybrid-apm-hfsplus'],
    [['-jigdo-jigdo', 'x.jigdo'], '-jigdo-jigdo'],
    [['-jigdo-template', 'x.template'], '-jigdo-template'],
    [['-M', 'old.iso'], '-M'],
    [['-hfs'], '-hfs'],
    [['-z'], '-z'],
  ] as const) {
    assert.throws(() => parse([...argv, 'dir']), (e: unknown) => e instanceof IsoKitError && e.code === ErrorCode.UNSUPPORTED && e.message.startsWith(name), name);
  }
});

test('no-effect options are accepted, recorded, and listed in --help', () => {
  const r = parse(['-quiet', '-v', '-cache-inodes', '-T', '-U', '-D', '-f', '-input-charset', 'utf-8', '-allow-lowercase', '-no-pad', 'dir']);
  assert.deepEqual(r.ignored.map((x) => x.option), ['-cache-inodes', '-T', '-U', '-input-charset', '-allow-lowercase']);
  assert.deepEqual(r.iso9660Relaxations, ['-U', '-allow-lowercase']);
  assert.equal(r.quiet && r.verbose && r.followLinks && !r.padding, true);
  const help = helpText('isokit mkisofs');
  for (const s of OPTION_SPECS) for (const n of s.names) assert.ok(help.includes(n), `--help lists ${n}`);
  assert.ok(help.includes('-graft-points') && help.includes('--grub2-boot-info'), 'grub-mkrescue probes for these two');
});

test('spellings: --x for -x and -x for --x, -name=value, fused flags, attached short values', () => {
  assert.equal(findOption('--iso-level'), findOption('-iso-level'));
  assert.equal(findOption('-grub2-boot-info'), findOption('--grub2-boot-info'));
  const r = parse(['--iso-level=2', '-volid=MY_LABEL', '-JR', '-oout.iso', '-VOTHER', '-rational-rock', '--joliet-long', 'dir']);
  assert.equal(r.isoLevel, 2);
  assert.equal(r.volume.volumeId, 'OTHER');
  assert.equal(r.joliet && r.rockRidge && r.rationalRock && r.jolietLong, true);
  assert.equal(r.output, 'out.iso');
  assert.equal(parse(['-J', '-joliet-utf16', 'dir']).jolietUtf16, true);
  assert.equal(parse(['--joliet-utf16', '-J', 'dir']).jolietUtf16, true);
  assert.equal(parse(['-l', 'dir']).isoLevel, 2, '-l lifts level 1 to 31-character names');
  assert.equal(parse(['-iso-level', '4', '-l', 'dir']).isoLevel, 4);
  assert.equal(parse(['dir']).volume.volumeId, 'ISOIMAGE');
  assert.equal(parse(['dir'], { personality: 'mkisofs' }).volume.volumeId, 'CDROM');
  assert.throws(() => parse(['-iso-level', '5', 'dir']), /from 1 to 4/);
  assert.throws(() => parse(['--modification-date=2023130110000000', 'dir']), /not a valid date/);
});

test('-- ends the options; path specs may come anywhere', () => {
  const r = parse(['dirA', '-R', '--', '-weird-name', 'dirB']);
  assert.deepEqual(r.sources.map((s) => s.source), ['dirA', '-weird-name', 'dirB']);
  assert.equal(r.rockRidge, true);
});

test('graft points: DEST=SRC only with -graft-points; \\= and \\\\ escapes; leading / added', () => {
  assert.deepEqual(parseGraftPoint('a=b', false), { source: 'a=b' });
  assert.deepEqual(parseGraftPoint('boot/x=/tmp/y', true), { dest: '/boot/x', source: '/tmp/y' });
  assert.deepEqual(parseGraftPoint('a\\=b=/src/c\\=d', true), { dest: '/a=b', source: '/src/c=d' });
  assert.deepEqual(parseGraftPoint('back\\\\slash=/s', true), { dest: '/back\\slash', source: '/s' });
  assert.deepEqual(parseGraftPoint('no\\=graft', true), { source: 'no=graft' });
  assert.deepEqual(parseGraftPoint('/dir/=/file', true), { dest: '/dir/', source: '/file' });
  assert.throws(() => parseGraftPoint('x=', true), /no source/);
  const r = parse(['-graft-points', '/EFI=/build/efi', 'isolinux/=/build/isolinux', 'rest']);
  assert.deepEqual(r.sources, [{ dest: '/EFI', source: '/build/efi' }, { dest: '/isolinux/', source: '/build/isolinux' }, { source: 'rest' }]);
  // without -graft-points, '=' is part of the name
  assert.deepEqual(parse(['a=b']).sources, [{ source: 'a=b' }]);
});

test('-m / -exclude / -x patterns and list files; -hide boot.catalog hides only the catalog', () => {
  const files: Record<string, string> = { '/lists/ex': 'foo*\n\n/abs/dir/sub\r\n', '/lists/paths': 'x=/y\nz\n', '/lists/sw': '5 /boot\n-1 /big\n' };
  const env: ParseEnv = { readTextFile: (p) => { if (!(p in files)) throw new Error('ENOENT'); return files[p] as string; } };
  const r = parse(['-m', '*.bak', '-exclude', 'a/b', '-x', 'c', '-exclude-list', '/lists/ex', '-graft-points', '-path-list', '/lists/paths', '--sort-weight-list', '/lists/sw', '-b', 'b.img', '-hide', 'boot.catalog', '-hide-joliet', 'secret'], env);
  assert.deepEqual(r.excludes, ['*.bak', 'a/b', 'c', 'foo*', '/abs/dir/sub']);
  assert.deepEqual(r.sources, [{ dest: '/x', source: '/y' }, { source: 'z' }]);
  assert.deepEqual(r.sortWeights, [{ weight: 5, path: '/boot' }, { weight: -1, path: '/big' }]);
  assert.deepEqual(r.boot?.catalog, { path: '/boot.catalog', hidden: true, hiddenJoliet: false });
  assert.deepEqual(r.hide, { iso9660: [], joliet: ['secret'] });
  assert.throws(() => parse(['-exclude-list', '/nope', 'd'], env), /-exclude-list \/nope/);
  assert.throws(() => parse(['-path-list', '/lists/paths']), /not possible here/);
  const h = parse(['-b', 'x', '--boot-catalog-hide', 'd']);
  assert.deepEqual(h.boot?.catalog, { path: '/boot.catalog', hidden: true, hiddenJoliet: true });
});

test('interval descriptions', () => {
  assert.deepEqual(parseBootImage('--interval:appended_partition_2:all::', '-e'), { kind: 'appended-partition', partition: 2 });
  assert.deepEqual(parseBootImage('isolinux/isolinux.bin', '-b'), { kind: 'file', path: '/isolinux/isolinux.bin' });
  assert.deepEqual(parseDiskSource('--interval:local_fs:0d-0d::/a:b.img', '-G'), { path: '/a:b.img', range: { startByte: 0, endByte: 511 } });
  assert.deepEqual(parseDiskSource('--interval:local_fs:1k-2k:zero_mbrpt,10-19:/x', '-G'), { path: '/x', range: { startByte: 1024, endByte: 3071 }, zeroize: ['zero_mbrpt', { startByte: 10, endByte: 19 }] });
  assert.throws(() => parseDiskSource('--interval:imported_iso:45056d-47103d::', '-G'), /needs? an input image/);
  assert.throws(() => parseBootImage('--interval:local_fs:0-1::/x', '-e'), /appended_partition_N/);
  assert.throws(() => parseDiskSource('--interval:local_fs:9-3::/x', '-G'), /ends before it starts/);
  assert.throws(() => parse(['-e', '--interval:appended_partition_3:all::', '-no-emul-boot', 'd']), /no -append_partition 3/);
});

test('partition types and GUIDs', () => {
  assert.equal(parseGuid('a2a0d0ebe5b9334487c068b6b72699c7'), GUID_BASIC_DATA, "xorriso's plain hex is in on-disk byte order");
  assert.equal(parseGuid('c12a7328-f81f-11d2-ba4b-00a0c93ec93b'), GUID_EFI_SYSTEM);
  const types = (t: string) => parse(['-append_partition', '3', t, 'p.img', 'd']).boot?.systemArea.appendedPartitions[0];
  assert.equal(types('0xef')?.gptType, GUID_EFI_SYSTEM);
  assert.equal(types('FAT12')?.mbrType, 0x01);
  assert.equal(types('Linux')?.mbrType, 0x83);
  assert.equal(types('0FC63DAF-8483-4772-8E79-3D69D8477DE4')?.mbrType, 0x83);
  assert.throws(() => types('0x1ff'), /unknown partition type/);
  assert.throws(() => parse(['-append_partition', '9', '0xef', 'p', 'd']), /from 1 to 8/);
  assert.throws(() => parse(['-partition_offset', '8', 'd']), /0 or at least 16/);
});

test('per-entry details: -boot-load-seg, -no-boot, -hard-disk-boot, floppy default, -eltorito-platform numbers, dangling options warn', () => {
  const r = parse(['-b', 'a.img', '-boot-load-seg', '0x7c0', '-no-boot', '-hard-disk-boot', '-eltorito-alt-boot', '-eltorito-platform', '0x02', '-b', 'b.img', '-eltorito-alt-boot', '-boot-info-table', 'd']);
  const [a, b] = r.boot?.entries ?? [];
  assert.equal(a?.loadSegment, 0x7c0);
  assert.equal(a?.bootable, false);
  assert.equal(a?.emulation, 'hard-disk');
  assert.equal(a?.loadSize, undefined);
  assert.equal(b?.platform, 'other');
  assert.equal(b?.platformId, 2);
  assert.equal(b?.emulation, 'floppy');
  assert.ok(r.warnings.some((w) => w.includes('after the last boot image')));
  assert.throws(() => parse(['-eltorito-platform', 'arm', 'd']), /unknown platform/);
  assert.throws(() => parse(['-b', 'x', '-boot-load-size', '0', 'd']), /from 1 to 65535/);
});

test('warnings for options that cannot take effect', () => {
  const w = (argv: string[]) => parse([...argv, 'd']).warnings.join('\n');
  assert.match(w(['-e', 'efi.img', '-no-emul-boot', '-isohybrid-gpt-basdat']), /-isohybrid-gpt-basdat has no effect without -isohybrid-mbr/);
  assert.doesNotMatch(w(['-isohybrid-mbr', 'm.bin', '-b', 'i.bin', '-e', 'efi.img', '-isohybrid-gpt-basdat']), /no effect/);
  assert.match(w(['-b', 'i.bin', '-efi-boot-part', '--efi-boot-image']), /no EFI boot image/);
  assert.match(w(['-isohybrid-mbr', 'm.bin', '-e', 'efi.img']), /-isohybrid-mbr has no BIOS boot image/);
  assert.match(w(['-c', 'boot.cat', '-R']), /-c \/boot.cat has no effect without a boot image/);
  assert.match(w(['-joliet-long']), /-joliet-long has no effect without -J/);
  assert.match(w(['-joliet-utf16']), /-joliet-utf16 has no effect without -J/);
});
