// Simulated USB sticks for the write suite (issue 6's "2 targets ≤ 1.3× one target"): two loop devices on
// tmpfs files, each throttled by the kernel's block-layer throttle (cgroup v1 blkio or cgroup v2 io.max) to
// a stick's write and read speed. The device is then the bottleneck, as with real sticks on their own USB
// ports; on a plain file target both copies share one virtual disk and the CPU, which measures the VM,
// not the tool. Direct I/O is what the throttle sees (buffered writeback is charged to the flusher
// thread under cgroup v1), so the dd anchor uses oflag=direct; isokit write uses O_DIRECT on devices.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hasTool } from '../measure.mjs';

const MiB = 1024 * 1024;
/** A fast USB 3 stick (SanDisk Extreme class): 200 MiB/s write, 400 MiB/s read. */
export const STICK = { writeBps: 200 * MiB, readBps: 400 * MiB };

function cgroupLayout() {
  if (existsSync('/sys/fs/cgroup/blkio/blkio.throttle.write_bps_device')) return { kind: 'v1', root: '/sys/fs/cgroup/blkio' };
  const v2 = ['/sys/fs/cgroup', '/sys/fs/cgroup/unified'].find((d) => {
    try { return readFileSync(path.join(d, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('io'); } catch { return false; }
  });
  return v2 ? { kind: 'v2', root: v2 } : undefined;
}

/** Why simulated sticks cannot be set up here, or undefined. */
export function sticksUnavailable() {
  if (process.getuid?.() !== 0) return 'needs root (loop devices and the block-layer throttle)';
  if (!hasTool('losetup')) return 'losetup not installed (util-linux)';
  if (!cgroupLayout()) return 'no block-layer throttle (neither cgroup v1 blkio nor cgroup v2 io)';
  return undefined;
}

/**
 * Attach `count` throttled loop devices of `byteLength` bytes each and move this process (hence every
 * command it spawns) into a cgroup that throttles them. Returns { devices, rates, teardown() }.
 */
export function setUpSticks(count, byteLength, rates = STICK) {
  const layout = cgroupLayout();
  const files = [];
  const devices = [];
  const group = path.join(layout.root, `isokit-bench-sticks-${process.pid}`);
  const originalGroup = ownGroup(layout);
  const teardown = () => {
    try { writeFileSync(path.join(originalGroup, 'cgroup.procs'), String(process.pid)); } catch { /* already out */ }
    try { rmdirSync(group); } catch { /* not created */ }
    for (const d of devices) spawnSync('losetup', ['-d', d]);
    for (const f of files) rmSync(f, { force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      const f = `/dev/shm/isokit-bench-stick-${process.pid}-${i}.img`;
      files.push(f);
      writeFileSync(f, '');
      execFileSync('truncate', ['-s', String(byteLength), f]);
      devices.push(execFileSync('losetup', ['-f', '--show', f], { encoding: 'utf8' }).trim());
    }
    mkdirSync(group, { recursive: true });
    if (layout.kind === 'v2') {
      const ctl = readFileSync(path.join(layout.root, 'cgroup.subtree_control'), 'utf8');
      if (!ctl.split(/\s+/).includes('io')) writeFileSync(path.join(layout.root, 'cgroup.subtree_control'), '+io');
    }
    for (const d of devices) {
      const st = statSync(d);
      const majMin = `${Math.floor(st.rdev / 256)}:${st.rdev % 256}`;
      if (layout.kind === 'v1') {
        writeFileSync(path.join(group, 'blkio.throttle.write_bps_device'), `${majMin} ${rates.writeBps}`);
        writeFileSync(path.join(group, 'blkio.throttle.read_bps_device'), `${majMin} ${rates.readBps}`);
      } else {
        writeFileSync(path.join(group, 'io.max'), `${majMin} wbps=${rates.writeBps} rbps=${rates.readBps}`);
      }
    }
    writeFileSync(path.join(group, 'cgroup.procs'), String(process.pid));
  } catch (e) {
    teardown();
    throw e;
  }
  return { devices, rates, teardown };
}

function ownGroup(layout) {
  const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  const line = layout.kind === 'v1' ? lines.find((l) => /^\d+:([^:]*,)?blkio(,[^:]*)?:/.test(l)) : lines.find((l) => l.startsWith('0::'));
  const rel = line ? line.slice(line.lastIndexOf(':') + 1) : '/';
  return path.join(layout.root, rel);
}
