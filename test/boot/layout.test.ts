/**
 * Bootable layouts against xorriso: for the same payload and options, isokit's El Torito catalog, boot info
 * tables and partition tables mean the same as xorriso's (compared parsed, and as xorriso's own report with
 * locations masked); sfdisk / sgdisk judge the tables like xorriso's; the appended ESP passes fsck.vfat;
 * -partition_offset leaves an ISO readable from the partition; builds are reproducible.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createBootHook, type BootSpec } from '../../src/create/boot/index.js';
import { ErrorCode, IsoKitError } from '../../src/errors/index.js';
import { memorySource } from '../../src/io/index.js';
import { openImage } from '../../src/read/index.js';
import type { Namespace, TreeNode } from '../../src/model/index.js';
import { openImageFile } from '../../src/node/open-image.js';
import { needTools, runCli, sh, tmpDir } from '../helpers/index.js';
import { dir, file, buildBytes } from '../create/helpers.js';
import {
  bootStructure, bootToolsPresent, buildWithLibrary, buildWithXorriso, DATE_MS, GRUB_HYBRID, ISOHDPFX, maskedReport, readBytes, stagePayload, xorrisoEnv, type Payload,
} from './helpers.js';

const tmp = tmpDir('boot-layout');
let P: Payload | undefined;
const out = (name: string) => path.join(tmp.dir, name);

before(() => {
  if (bootToolsPresent()) P = stagePayload(path.join(tmp.dir, 'payload'));
});
after(() => tmp.cleanup());

function payload(t: import('node:test').TestContext): Payload | undefined {
  if (!needTools(t, 'xorriso', 'sfdisk', 'sgdisk', 'fsck.vfat')) return undefined;
  if (!P) {
    if (process.env.CI === 'true') throw new Error('boot payload could not be staged (../shared/boot, syslinux, grub)');
    t.skip('boot payload tools missing');
  }
  return P;
}

const isolinuxEntry = { platform: 'bios', image: { kind: 'file', path: 'isolinux/isolinux.bin' }, loadSize: 4, bootInfoTable: true } as const;
const isolinuxArgs = ['-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table'];

interface Case {
  name: string;
  src: (p: Payload) => string;
  spec: (p: Payload) => BootSpec;
  xorriso: (p: Payload) => string[];
}

const CASES: Case[] = [
  {
    name: 'b2 isohybrid MBR (ISOLINUX)',
    src: (p) => p.isolinux,
    spec: () => ({ entries: [isolinuxEntry], catalog: { path: 'isolinux/boot.cat' }, systemArea: { template: readBytes(ISOHDPFX), kind: 'isohybrid' } }),
    xorriso: () => ['-isohybrid-mbr', ISOHDPFX, ...isolinuxArgs],
  },
  {
    name: 'e1 isohybrid + appended ESP + isohybrid GPT',
    src: (p) => p.all,
    spec: (p) => ({
      entries: [isolinuxEntry, { platform: 'efi', image: { kind: 'appended-partition', partition: 2 }, isohybridGpt: 'basdat' }],
      catalog: { path: 'isolinux/boot.cat' },
      systemArea: { template: readBytes(ISOHDPFX), kind: 'isohybrid', appendedPartitions: [{ number: 2, mbrType: 0xef, content: readBytes(p.esp) }] },
    }),
    xorriso: (p) => ['-isohybrid-mbr', ISOHDPFX, ...isolinuxArgs, '-eltorito-alt-boot', '-e', '--interval:appended_partition_2:all::', '-no-emul-boot',
      '-append_partition', '2', '0xef', p.esp, '-isohybrid-gpt-basdat'],
  },
  {
    name: 'e2 GRUB hybrid MBR, partition offset, protective MBR + GPT, appended ESP',
    src: (p) => p.all,
    spec: (p) => ({
      entries: [
        { platform: 'bios', image: { kind: 'file', path: 'boot/grub/bios.img' }, loadSize: 4, bootInfoTable: true, grub2BootInfo: true },
        { platform: 'efi', image: { kind: 'appended-partition', partition: 2 } },
      ],
      catalog: { path: 'boot.catalog' },
      systemArea: {
        template: readBytes(GRUB_HYBRID), kind: 'grub2', partitionOffset: 16, mbrForceBootable: true, appendedPartAsGpt: true,
        appendedPartitions: [{ number: 2, mbrType: 0xef, content: readBytes(p.esp) }],
      },
    }),
    xorriso: (p) => ['--grub2-mbr', GRUB_HYBRID, '-partition_offset', '16', '--mbr-force-bootable', '-append_partition', '2', '0xef', p.esp, '-appended_part_as_gpt',
      '-c', 'boot.catalog', '-b', 'boot/grub/bios.img', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', '--grub2-boot-info',
      '-eltorito-alt-boot', '-e', '--interval:appended_partition_2:all::', '-no-emul-boot'],
  },
  {
    name: 'e3 isohybrid + ESP file inside + isohybrid GPT',
    src: (p) => p.all,
    spec: () => ({
      entries: [isolinuxEntry, { platform: 'efi', image: { kind: 'file', path: 'images/efiboot.img' }, isohybridGpt: 'basdat' }],
      catalog: { path: 'isolinux/boot.cat' },
      systemArea: { template: readBytes(ISOHDPFX), kind: 'isohybrid' },
    }),
    xorriso: () => ['-isohybrid-mbr', ISOHDPFX, ...isolinuxArgs, '-eltorito-alt-boot', '-e', 'images/efiboot.img', '-no-emul-boot', '-isohybrid-gpt-basdat'],
  },
  {
    name: 'protective-msdos-label (BIOS GRUB)',
    src: (p) => p.all,
    spec: () => ({ entries: [{ platform: 'bios', image: { kind: 'file', path: 'boot/grub/bios.img' }, loadSize: 4, bootInfoTable: true }], catalog: { path: 'boot.catalog' }, systemArea: { protectiveMsdosLabel: true } }),
    xorriso: () => ['--protective-msdos-label', '-b', 'boot/grub/bios.img', '-c', 'boot.catalog', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table'],
  },
];

/** sfdisk / sgdisk verdicts with numbers removed (they name locations). */
function tableVerdicts(image: string): string[] {
  const strip = (s: string) => s.replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
  const sf = spawnSync('sfdisk', ['--verify', image], { encoding: 'utf8' });
  const sg = spawnSync('sgdisk', ['-v', image], { encoding: 'utf8' });
  return [`sfdisk ${sf.status}: ${strip(sf.stdout.split('\n').slice(1).join(' '))}`, `sgdisk ${sg.status}: ${strip(sg.stdout.split('\n').filter((l) => /problem|overlap|Warning/i.test(l)).join(' '))}`];
}

for (const c of CASES) {
  test(`same meaning as xorriso: ${c.name}`, async (t) => {
    const p = payload(t);
    if (!p) return;
    const slug = c.name.split(' ')[0] as string;
    const mine = out(`isokit-${slug}.iso`), ref = out(`xorriso-${slug}.iso`);
    await buildWithLibrary(c.src(p), mine, c.spec(p), 'ISOKIT');
    buildWithXorriso(ref, [...c.xorriso(p), c.src(p)]);
    assert.deepEqual(await bootStructure(mine), await bootStructure(ref));
    assert.deepEqual(maskedReport(mine), maskedReport(ref));
    assert.deepEqual(tableVerdicts(mine), tableVerdicts(ref));
  });
}

test('e2 layout: sfdisk and sgdisk find the tables valid, the appended ESP is a clean FAT, the ISO reads from the partition', async (t) => {
  const p = payload(t);
  if (!p || !needTools(t, 'isoinfo')) return;
  const img = out('e2-checks.iso');
  await buildWithLibrary(p.all, img, (CASES[2] as Case).spec(p), 'ISOKIT_E2');
  assert.equal(spawnSync('sfdisk', ['--verify', img]).status, 0);
  assert.match(sh('sgdisk', ['-v', img]), /No problems found/);
  const image = await openImageFile(img);
  const gpt = image.partitions.gpt;
  assert.ok(gpt);
  const esp = gpt.partitions.find((x) => x.name === 'Appended2');
  const iso = gpt.partitions.find((x) => x.name === 'ISO9660');
  assert.ok(esp && iso);
  const bytes = readBytes(img);
  const espPath = out('esp.img');
  writeFileSync(espPath, bytes.subarray(esp.firstLba * 512, (esp.lastLba + 1) * 512));
  const fsck = spawnSync('fsck.vfat', ['-n', espPath], { encoding: 'utf8' });
  assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
  assert.deepEqual(readBytes(espPath).subarray(0, 1048576), readBytes(p.esp));
  // -partition_offset 16: the partition holds an ISO 9660 volume of its own (relative addresses)
  const part = bytes.slice(iso.firstLba * 512, (iso.lastLba + 1) * 512);
  const inner = await openImage(memorySource(part));
  const names = (n: { name: string; children?: { name: string }[] }) => (n.children ?? []).map((k) => k.name).sort();
  assert.deepEqual(names(inner.tree), names(image.tree));
  const grub = inner.tree.children?.find((k) => k.name === 'boot')?.children?.[0]?.children?.find((k) => k.name === 'bios.img');
  assert.ok(grub?.content);
  const chunks: Uint8Array[] = [];
  for await (const c of grub.content.stream()) chunks.push(c);
  const want = readBytes(path.join(p.all, 'boot/grub/bios.img'));
  assert.equal(Buffer.concat(chunks).subarray(2560).equals(Buffer.from(want.subarray(2560))), true);
  const partPath = out('e2-partition.iso');
  writeFileSync(partPath, part);
  assert.match(sh('isoinfo', ['-J', '-f', '-i', partPath]), /\/isolinux\/ldlinux\.c32/);
  assert.match(sh('xorriso', ['-indev', partPath, '-find', '/', '-name', 'BOOTX64.EFI'], { env: xorrisoEnv }), /BOOTX64\.EFI/);
});

test('the same inputs give the same bytes (GUIDs and disk signature come from the build date)', async (t) => {
  const p = payload(t);
  if (!p) return;
  const digest = async (name: string) => {
    await buildWithLibrary(p.all, out(name), (CASES[1] as Case).spec(p), 'ISOKIT');
    return createHash('sha256').update(readBytes(out(name))).digest('hex');
  };
  assert.equal(await digest('r1.iso'), await digest('r2.iso'));
});

test('isokit create boot flags build the e2 and isohybrid layouts', async (t) => {
  const p = payload(t);
  if (!p) return;
  const env = { SOURCE_DATE_EPOCH: String(DATE_MS / 1000) };
  const e2 = out('cli-e2.iso');
  let r = runCli(['create', p.all, '-o', e2, '-b', 'boot/grub/bios.img', '--boot-info-table', '--grub2-boot-info', '--grub2-mbr', GRUB_HYBRID,
    '--partition-offset', '16', '--mbr-force-bootable', '--append-partition', '2', '0xef', p.esp, '--appended-part-as-gpt', '--boot-efi', 'appended:2', '-c', 'boot.catalog'], { env });
  assert.equal(r.status, 0, r.stderr);
  const ref = out('xorriso-e2.iso');
  assert.deepEqual(maskedReport(e2), maskedReport(ref));
  const e3 = out('cli-e3.iso');
  r = runCli(['create', p.all, '-o', e3, '-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat', '--boot-info-table', '--isohybrid-mbr', ISOHDPFX, '-e', 'images/efiboot.img', '--gpt'], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(maskedReport(e3), maskedReport(out('xorriso-e3.iso')));
  r = runCli(['create', p.all, '-o', out('bad.iso'), '--boot-info-table']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /need --boot-bios/);
  r = runCli(['create', p.all, '-o', out('bad.iso'), '-b', 'no/such.bin']);
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

// ---- without external tools: emulation modes, hidden catalog, errors ----

const floppy = new Uint8Array(1_474_560).fill(0xf6);
const hdd = (() => {
  const b = new Uint8Array(1 << 20);
  b[446] = 0x80; b[446 + 4] = 0x0c; b[446 + 8] = 63; b[446 + 12] = 200; b[510] = 0x55; b[511] = 0xaa;
  return b;
})();

test('floppy and hard-disk emulation, load segment, hidden catalog, sections per platform', async () => {
  const tree = dir('', [file('fd.img', floppy), file('hd.img', hdd), file('x.efi', new Uint8Array(5000).fill(1)), file('ppc.bin', new Uint8Array(3000).fill(2))]);
  const spec: BootSpec = {
    entries: [
      { platform: 'bios', image: { kind: 'file', path: '/fd.img' }, emulation: 'floppy', loadSegment: 0x1000 },
      { platform: 'bios', image: { kind: 'file', path: '/hd.img' }, emulation: 'hard-disk', bootable: false },
      { platform: 'efi', image: { kind: 'file', path: '/x.efi' }, idString: 'UEFI' },
      { platform: 'other', platformId: 0x01, image: { kind: 'file', path: '/ppc.bin' }, selectionCriteria: '01aabb' },
    ],
    catalog: { hidden: true },
  };
  const hook = await createBootHook(spec, tree, { dateMs: DATE_MS });
  const { bytes } = await buildBytes(tree, { boot: hook });
  const img = await openImage(memorySource(bytes));
  const b = img.bootCatalog;
  assert.ok(b);
  assert.equal(b.catalogPath, undefined);
  assert.ok(!(img.tree.children ?? []).some((k) => k.name === 'boot.catalog'));
  assert.deepEqual(b.catalog.sections.map((s) => [s.headerIndicator, s.platformId, s.entryCount, s.id]), [[0x90, 0, 1, ''], [0x90, 0xef, 1, 'UEFI'], [0x91, 1, 1, '']]);
  const [fd, hd, efi, ppc] = b.images;
  assert.deepEqual([fd?.emulation, fd?.entry.loadSegment, fd?.entry.sectorCount, fd?.bootable], ['floppy-1.44M', 0x1000, 1, true]);
  assert.deepEqual([hd?.emulation, hd?.entry.systemType, hd?.bootable], ['hard-disk', 0x0c, false]);
  assert.equal(efi?.entry.sectorCount, 12); // 5000 bytes → 3 blocks → 12 sectors
  assert.deepEqual([ppc?.entry.selectionCriteriaType, ppc?.entry.selectionCriteria.subarray(0, 2)], [1, Uint8Array.of(0xaa, 0xbb)]);
  assert.equal(ppc?.entry.sectorCount, 8);
  // the boot record is at LBA 17, right after the PVD
  assert.equal(bytes[17 * 2048], 0);
  assert.equal(new TextDecoder().decode(bytes.subarray(17 * 2048 + 7, 17 * 2048 + 30)), 'EL TORITO SPECIFICATION');
});

test('bad boot specs fail with one clear error', async () => {
  const tree = () => dir('', [file('a.bin', new Uint8Array(4096)), file('small', new Uint8Array(10))]);
  const fails = async (spec: BootSpec, code: string, re: RegExp) => {
    await assert.rejects(createBootHook(spec, tree(), {}), (e: unknown) => e instanceof IsoKitError && e.code === code && re.test(e.message));
  };
  await fails({ entries: [{ platform: 'bios', image: { kind: 'file', path: 'nope' } }] }, ErrorCode.NOT_FOUND, /not in the image tree/);
  await fails({ entries: [{ platform: 'bios', image: { kind: 'file', path: 'a.bin' }, emulation: 'floppy' }] }, ErrorCode.INVALID_ARGUMENT, /floppy emulation/);
  await fails({ entries: [{ platform: 'bios', image: { kind: 'file', path: 'a.bin' }, emulation: 'hard-disk' }] }, ErrorCode.INVALID_ARGUMENT, /MBR/);
  await fails({ entries: [{ platform: 'bios', image: { kind: 'file', path: 'small' }, bootInfoTable: true }] }, ErrorCode.INVALID_ARGUMENT, /too short/);
  await fails({ entries: [{ platform: 'efi', image: { kind: 'appended-partition', partition: 2 } }] }, ErrorCode.INVALID_ARGUMENT, /not appended/);
  await fails({ entries: [], systemArea: { template: new Uint8Array(432), kind: 'isohybrid' } }, ErrorCode.INVALID_ARGUMENT, /BIOS El Torito/);
  await fails({ entries: [], systemArea: { partitionOffset: 8 } }, ErrorCode.INVALID_ARGUMENT, /at least 16/);
  await fails({ entries: [], systemArea: { appendedPartAsApm: true } }, ErrorCode.UNSUPPORTED, /Apple/);
  // the plan refuses an invalid load size before anything is written
  const t2 = tree();
  const hook = await createBootHook({ entries: [{ platform: 'bios', image: { kind: 'file', path: 'a.bin' }, loadSize: 70000 }], catalog: { hidden: true } }, t2, {}).catch((e: unknown) => e);
  assert.ok(hook instanceof IsoKitError && /load size/.test(hook.message));
});

test('-partition_offset: the partition holds a readable ISO in every namespace (Rock Ridge CE, Joliet, level 4, no Joliet)', async () => {
  const long = 'n'.repeat(120); // long Rock Ridge names push SUSP entries into continuation areas (CE)
  const mk = () => dir('', [
    file('boot.bin', new Uint8Array(4096).fill(7)),
    dir('a', [file(`${long}1`, 'one'), file(`${long}2`, 'two'), dir('b', [file('c.txt', 'deep'), { name: 'l', kind: 'symlink', size: 0, symlinkTarget: '../c.txt' }])]),
  ]);
  for (const opts of [{}, { joliet: false }, { isoLevel: 4 as const }, { rockRidge: false }]) {
    const tree = mk();
    const hook = await createBootHook({ entries: [{ platform: 'bios', image: { kind: 'file', path: 'boot.bin' } }], systemArea: { partitionOffset: 16 } }, tree, { dateMs: DATE_MS });
    const { bytes } = await buildBytes(tree, { ...opts, boot: hook });
    const whole = await openImage(memorySource(bytes));
    const part = await openImage(memorySource(bytes.slice(16 * 2048)));
    assert.equal(part.volume.blockCount, whole.volume.blockCount - 16, JSON.stringify(opts));
    const namespaces: Namespace[] = ['iso9660', ...(opts.joliet === false || opts.isoLevel ? [] : ['joliet' as const]), ...(opts.rockRidge === false ? [] : ['rockridge' as const])];
    for (const ns of namespaces) {
      const list = async (img: typeof whole) => {
        const rows: string[] = [];
        const walk = async (n: TreeNode, pre: string): Promise<void> => {
          for (const k of n.children ?? []) {
            let text = '';
            if (k.content) for await (const c of k.content.stream()) text += Buffer.from(c).toString('latin1');
            rows.push(`${pre}/${k.name} ${k.kind} ${k.symlinkTarget ?? ''} ${text.length} ${text.slice(0, 8)}`);
            await walk(k, `${pre}/${k.name}`);
          }
        };
        await walk(await img.openTree(ns), '');
        return rows;
      };
      const want = await list(whole);
      assert.ok(want.length >= 6, `${ns}: ${want.join(', ')}`);
      assert.deepEqual(await list(part), want, `${ns} ${JSON.stringify(opts)}`);
    }
    assert.deepEqual(part.findings.filter((f) => f.severity === 'error'), []);
  }
});
