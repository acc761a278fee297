/** Drive listing: mountinfo/swaps parsing, and partitions of a real partitioned loop device (losetup -P). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { needTools, sh, tmpDir } from '../helpers/index.js';
import { parseMountInfo, parseSwaps } from '../../src/node/drives/mounts.js';
import { findDrive, listDrives } from '../../src/node/drives.js';
import { attachLoop, detachLoop } from '../write/helpers.js';

test('parseMountInfo reads major:minor, mount point (octal escapes), fs type and source', () => {
  const text = [
    '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
    '40 27 8:17 / /media/usb\\040stick rw,nosuid shared:5 - vfat /dev/sdb1 rw,fmask=0022',
    'garbage line',
  ].join('\n');
  assert.deepEqual(parseMountInfo(text), [
    { majorMinor: '254:0', mountPoint: '/', fsType: 'ext4', source: '/dev/vda' },
    { majorMinor: '8:17', mountPoint: '/media/usb stick', fsType: 'vfat', source: '/dev/sdb1' },
  ]);
  assert.deepEqual(parseSwaps('Filename\tType\tSize\tUsed\tPriority\n/dev/sda2  partition 100 0 -2\n/swapfile file 10 0 -3\n'), ['/dev/sda2', '/swapfile']);
});

test('a partitioned loop device lists its partitions; a partition path is refused with the disk name', (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root');
    return;
  }
  if (!needTools(t, 'losetup', 'sfdisk', 'partx')) return;
  const { dir, cleanup } = tmpDir('drives-part');
  let dev: string | undefined;
  try {
    const img = path.join(dir, 'p.img');
    writeFileSync(img, new Uint8Array(0));
    truncateSync(img, 32 * 1048576);
    sh('sfdisk', ['--quiet', img], { input: 'label: dos\nstart=2048, size=16384, type=c\nstart=18432, type=83\n' });
    dev = attachLoop(img, true);
    // Kernels built without partition-table parsers (CONFIG_MSDOS_PARTITION unset) scan nothing: add the
    // partitions through BLKPG with partx instead.
    if (!listDrives().drives.find((x) => x.path === dev)?.partitions.length) sh('partx', ['-a', dev]);
    const d = listDrives().drives.find((x) => x.path === dev);
    assert.ok(d);
    assert.equal(d.partScan, true);
    assert.deepEqual(
      d.partitions.map((p) => [p.number, p.byteOffset, p.byteLength]),
      [
        [1, 2048 * 512, 16384 * 512],
        [2, 18432 * 512, 32 * 1048576 - 18432 * 512],
      ],
    );
    assert.equal(findDrive(dev).name, d.name);
    assert.throws(() => findDrive(`${dev}p1`), /partition .* write to the whole disk/);
  } finally {
    detachLoop(dev);
    cleanup();
  }
});
