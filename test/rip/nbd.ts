/**
 * Block devices made in user space for the rip and read-back tests (research notes §4.2): nbdkit serves
 * an image through filters or a shell plugin, nbdfuse exposes it as a file on a FUSE mount (the kernel has
 * no nbd client here). Reads of that file go through the kernel's FUSE layer, O_DIRECT included, and
 * nbdkit's errors arrive as EIO.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface NbdDevice {
  /** the file to read */
  readonly path: string;
  close(): Promise<void>;
}

/** Serve `nbdkit ARGS` as DIR/mnt-N/disc (read-only). */
export async function nbdDevice(dir: string, nbdkitArgs: string[], env: NodeJS.ProcessEnv = {}): Promise<NbdDevice> {
  let n = 0;
  while (existsSync(path.join(dir, `mnt-${n}`))) n++;
  const mnt = path.join(dir, `mnt-${n}`);
  mkdirSync(mnt);
  const file = path.join(mnt, 'disc');
  const child: ChildProcess = spawn('nbdfuse', ['-r', file, '[', 'nbdkit', '--exit-with-parent', ...nbdkitArgs, ']'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const t0 = Date.now();
  while (!existsSync(file)) {
    if (child.exitCode !== null || Date.now() - t0 > 15000) {
      child.kill();
      throw new Error(`nbdfuse did not come up: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    path: file,
    close: async () => {
      spawnSync('fusermount3', ['-u', mnt]);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A ddrescue-filter map for nbdkit: the listed 2048-byte blocks read as errors, all others are served. */
export function injectMap(dir: string, byteLength: number, badBlocks: number[]): string {
  const lines = ['# injected bad blocks', '0 +'];
  let at = 0;
  for (const b of [...badBlocks].sort((x, y) => x - y)) {
    if (b * 2048 > at) lines.push(`${at} ${b * 2048 - at} +`);
    lines.push(`${b * 2048} 2048 -`);
    at = b * 2048 + 2048;
  }
  if (at < byteLength) lines.push(`${at} ${byteLength - at} +`);
  const p = path.join(dir, `inject-${badBlocks.join('-') || 'none'}.map`);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

/**
 * An nbdkit sh plugin serving IMG read-only where each 2048-byte block of BAD fails its first FAILS reads
 * (counted per block, whatever the request size) and then reads correctly: a disc that reads after retries.
 */
export function flakyPlugin(dir: string): string {
  const p = path.join(dir, 'flaky.sh');
  writeFileSync(
    p,
    `#!/bin/bash
# env: IMG, BAD (space-separated block numbers), FAILS, STATE (a directory for the per-block counters)
case "$1" in
  get_size) stat -c %s "$IMG" ;;
  can_write) exit 3 ;;
  can_multi_conn) exit 0 ;;
  thread_model) echo serialize_all_requests ;;
  pread)
    count=$3; off=$4; first=$((off / 2048)); last=$(((off + count - 1) / 2048)); fail=0
    for b in $BAD; do
      if [ "$b" -ge "$first" ] && [ "$b" -le "$last" ]; then
        n=$(cat "$STATE/$b" 2>/dev/null || echo 0)
        if [ "$n" -lt "$FAILS" ]; then echo $((n + 1)) > "$STATE/$b"; fail=1; fi
      fi
    done
    if [ $fail = 1 ]; then echo "EIO flaky block" >&2; exit 1; fi
    dd if="$IMG" iflag=skip_bytes,count_bytes skip=$off count=$count status=none ;;
  *) exit 2 ;;
esac
`,
    { mode: 0o755 },
  );
  return p;
}
