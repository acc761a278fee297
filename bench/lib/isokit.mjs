// Which isokit commands exist right now: `node bin/isokit.js help` lists only the commands whose module
// loads, so a suite whose command is not built yet reports "isokit command missing" and still measures
// the anchors.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export function detectIsokit(root, binOverride) {
  const bin = binOverride ?? path.join(root, 'bin/isokit.js');
  const base = { bin, node: process.execPath, commands: [], reason: undefined };
  if (!existsSync(bin)) return { ...base, reason: `${bin} not found` };
  if (!binOverride && !existsSync(path.join(root, 'dist/cli/main.js'))) return { ...base, reason: 'dist/ not built (run npm run build)' };
  const r = spawnSync(process.execPath, [bin, 'help'], { encoding: 'utf8', env: { ...process.env, ISOKIT_NO_PROGRESS: '1' } });
  if (r.status !== 0) return { ...base, reason: `isokit help failed: ${(r.stderr || r.stdout || '').trim().split('\n')[0]}` };
  const commands = [];
  let inList = false;
  for (const line of r.stdout.split('\n')) {
    if (/^commands:/.test(line)) { inList = true; continue; }
    if (inList) {
      const m = /^ {2}([a-z][a-z0-9-]*)\s/.exec(line);
      if (m) commands.push(m[1]);
      else if (line.trim() === '') inList = false;
    }
  }
  return { ...base, commands };
}

/** argv for `isokit CMD …`, or a reason why it cannot run. */
export function isokitCommand(isokit, cmd, args) {
  if (isokit.reason) return { missing: `isokit command missing: ${cmd} (${isokit.reason})` };
  if (!isokit.commands.includes(cmd)) return { missing: `isokit command missing: ${cmd}` };
  return { argv: [isokit.node, isokit.bin, cmd, ...args] };
}
